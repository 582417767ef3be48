import ArgumentParser
import Dataset
import Foundation

/// `faceprep tongue DATASET`: tongue rigid transforms from the rigid vertices.
struct TongueCommand: EnvelopeCommand {
    static let configuration = CommandConfiguration(
        commandName: "tongue",
        abstract: "Derive each tongue shot's per-frame rigid transform from geom/tongue/rigid_vertex_list.json and check that those vertices do not deform.",
        discussion: "Writes OUT/tongue_rigid_transforms.npz: {shot: [F,4,4] float32} with x_neutral = M·[x_frame, 1] (the JSON names the file; it does not repeat the matrices). Exit code 1 when rigid vertices deform (RMS above \(TongueCheck.residualLimit * 100)% of the tongue size) or a shot is malformed, 2 when one cannot be read or OUT written.",
        version: FacePrepVersion.current
    )
    static let envelopeName = "tongue"
    typealias Results = TongueCheck.Report

    @OptionGroup var target: DatasetArgument

    @Option(name: .long, help: "Output folder (default: DATASET/xform).", completion: .directory)
    var out: String?

    @Flag(name: .long, help: "Also write the stabilised tongue caches (Maya) under OUT/tongue_stabilized/.")
    var writeStabilized = false

    @OptionGroup var scale: ShardOptions
    @OptionGroup var output: OutputOptions

    /// OUT: the transforms, the stabilised caches, parts/ and outcomes/.
    var folder: String { out ?? target.dataset + "/xform" }

    func execute(known: [String: RigidShotOutcome], progress: Progress) throws -> CommandResult<TongueCheck.Report> {
        try OutputLocation.prepareFolder(folder)
        let report = try TongueCheck.run(target.dataset, output: folder, writeStabilized: writeStabilized, known: known, progress: { progress.update($0) })
        var lines = [RigidSetText.render(report.shots, pointName: "vertices")]
        lines += report.errors.map { "error: \($0.file): \($0.message)" }
        if let file = report.transformsFile { lines.append("wrote \(file)") }
        let status: CommandStatus = report.errors.contains(where: \.ioFailure) ? .failed : (report.flagged > 0 ? .findings : .ok)
        return CommandResult(results: report, status: status, text: lines.joined(separator: "\n"))
    }
}

extension TongueCommand: ShardableCommand {
    typealias ShotValue = RigidShotOutcome
    var datasetPath: String { target.dataset }
    var scaleOutput: String? { folder }
    static func isFinal(_ value: RigidShotOutcome) -> Bool { value.error?.ioFailure != true }

    func shotWeights(_ layout: DatasetLayout, byFrames: Bool) -> [String: Int] { frameWeights(layout, layout.tongue, byFrames: byFrames) }

    /// The stabilised caches (with --write-stabilized): deleting or changing one makes --resume fit the shot again.
    static func outputs(of value: RigidShotOutcome) -> [String] { value.outputs ?? [] }

    func computeShots(_ list: [String], progress: Progress, record: @escaping @Sendable (String, RigidShotOutcome) -> Void) throws -> [String: RigidShotOutcome] {
        try OutputLocation.prepareFolder(folder)
        var results: [String: RigidShotOutcome] = [:]
        let report = try TongueCheck.run(target.dataset, output: folder, writeStabilized: writeStabilized, shots: list,
                                         progress: { progress.update($0) }, record: record)
        for fit in report.shots { results[fit.shot] = RigidShotOutcome(.success(fit)) }
        for error in report.errors { results[error.shot] = RigidShotOutcome(.failure(error)) }
        return results
    }
}

/// Text table of rigid-set fits, shared by `tongue` and `jaw`.
enum RigidSetText {
    static func render(_ fits: [RigidSetFit], pointName: String) -> String {
        var rows = [["shot", "frames", "max rot (°)", "max shift (mesh units)", "max residual (mesh units)", "worst frame (0-based)", "worst \(pointName) (rms)", "verdict"]]
        for f in fits {
            rows.append([f.shot, "\(f.frames)", Number.format(f.maxRotationDegrees, "%.2f"), Number.format(f.maxTranslation, "%.4g"),
                         Number.format(f.maxResidual, "%.3g"), "\(f.worstFrame)",
                         f.worstPoints.map { "\($0.point) (\(Number.format($0.rms, "%.2g")))" }.joined(separator: ", "),
                         f.deforms ? "DEFORMS" : "rigid"])
        }
        return Table.render(rows)
    }
}
