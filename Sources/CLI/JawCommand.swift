import ArgumentParser
import Dataset
import Foundation

/// `faceprep jaw DATASET`: jaw keypoints and per-frame jaw transforms.
struct JawCommand: EnvelopeCommand {
    static let configuration = CommandConfiguration(
        commandName: "jaw",
        abstract: "Check the jaw keypoints (rank, conditioning) and derive every shot's per-frame jaw transform from them.",
        discussion: "Writes OUT/jaw_rigid_transforms.npz: {shot: [F,4,4] float32} with x_neutral = M·[x_frame, 1] (the JSON names the file). Exit code 1 when the keypoints are collinear or move non-rigidly, 2 when a file cannot be read or OUT written.",
        version: FacePrepVersion.current
    )
    static let envelopeName = "jaw"
    typealias Results = JawCheck.Report

    @OptionGroup var target: DatasetArgument

    @Option(name: .long, help: "Output folder (default: DATASET/xform).", completion: .directory)
    var out: String?

    @OptionGroup var scale: ShardOptions
    @OptionGroup var output: OutputOptions

    /// OUT: the transforms, parts/ and outcomes/.
    var folder: String { out ?? target.dataset + "/xform" }

    func execute(known: [String: RigidShotOutcome], progress: Progress) throws -> CommandResult<JawCheck.Report> {
        _ = try DatasetLayout.discover(target.dataset)
        try OutputLocation.prepareFolder(folder)
        progress.update("jaw: fitting the keypoints")
        let report = try JawCheck.run(target.dataset, output: folder, known: known)
        var lines = [String(format: "%d keypoints, rank %d, singular values %@; line condition %@, plane condition %@%@",
                            report.keypoints, report.rank, report.singularValues.map { Number.format($0, "%.3g") }.joined(separator: ", "),
                            Number.format(report.lineCondition, "%.3g"), Number.format(report.planeCondition, "%.3g"),
                            report.collinear ? " — COLLINEAR" : (report.nearlyCoplanar ? " — nearly coplanar: rotations about in-plane axes are poorly determined" : ""))]
        lines.append(RigidSetText.render(report.shots, pointName: "keypoints"))
        lines += report.errors.map { "error: \($0.file)\($0.shot.isEmpty ? "" : "[\($0.shot)]"): \($0.message)" }
        if let file = report.transformsFile { lines.append("wrote \(file)") }
        let status: CommandStatus = report.errors.contains(where: \.ioFailure) ? .failed : (report.flagged > 0 ? .findings : .ok)
        return CommandResult(results: report, status: status, text: lines.joined(separator: "\n"))
    }
}

extension JawCommand: ShardableCommand {
    typealias ShotValue = RigidShotOutcome
    var datasetPath: String { target.dataset }
    var scaleOutput: String? { folder }
    static func isFinal(_ value: RigidShotOutcome) -> Bool { value.error?.ioFailure != true }

    /// The jaw's shots are the members of xform/jaw_keypoints_cache_all.npz.
    func shotWeights(_ layout: DatasetLayout, byFrames: Bool) -> [String: Int] { JawCheck.shotFrames(target.dataset) }

    func computeShots(_ list: [String], progress: Progress, record: @escaping @Sendable (String, RigidShotOutcome) -> Void) throws -> [String: RigidShotOutcome] {
        try OutputLocation.prepareFolder(folder)
        var results: [String: RigidShotOutcome] = [:]
        _ = try JawCheck.run(target.dataset, output: folder, shots: list) { shot, outcome in
            results[shot] = outcome
            record(shot, outcome)
        }
        return results
    }
}
