import Analysis
import ArgumentParser
import Dataset
import Foundation
import Linalg

extension BlendshapeSolver.Method: ExpressibleByArgument {}

/// `--fit`: where the fit error is measured after the solve.
enum FitChoice: String, ExpressibleByArgument, CaseIterable {
    case mesh, mask, none

    var scope: BlendshapeFit.Scope? { BlendshapeFit.Scope(rawValue: rawValue) }
}

/// `faceprep solve DATASET`: blendshape weights for every cache, as the Audio2Face runtime solves them.
struct SolveCommand: EnvelopeCommand {
    static let configuration = CommandConfiguration(
        commandName: "solve",
        abstract: "Solve blendshape weights for every skin (or tongue) cache with the dataset's bs_data setup, as the Audio2Face-3D runtime does.",
        discussion: """
        Per shot: OUT/<shot>.npy [frames, poses] float32 (columns in poseNames order without the neutral, after \
        bsWeightMultipliers and bsWeightOffsets) and OUT/<shot>.csv (frame, time, one column per pose); OUT/solve_report.json \
        holds the fit error (per-vertex distance over the frontal mask and the whole mesh, mesh units; --fit mask measures \
        the mask alone and reads nothing else of each frame, --fit none skips the fit), pose usage, cancel events and \
        times. --method bvls solves each frame's bounded least-squares problem to optimality (the SDK's CPU path); \
        --method admm runs the SDK's four ADMM iterations (its GPU path). A shot whose mean per-vertex fit error over the \
        mask exceeds --max-fit-error (default 0.2 mesh units, the SDK's own round-trip bar) is a finding: exit code 1, as \
        when the setup breaks a validate rule or a shot cannot be solved; 2 when a file cannot be read or OUT written.
        """,
        version: FacePrepVersion.current
    )
    static let envelopeName = "solve"
    typealias Results = SolveResults

    @OptionGroup var target: DatasetArgument
    @OptionGroup var shots: ShotOptions

    @Flag(name: .long, help: "Solve the tongue caches with bs_tongue.npz and bs_tongue_config.json.")
    var tongue = false

    @Option(name: .long, help: "Solver config JSON (default: the dataset's bs_data/bs_<skin|tongue>_config.json).", completion: .file(extensions: ["json"]))
    var config: String?

    @Option(name: .long, help: "Blendshape archive .npz (default: the dataset's bs_data/bs_<skin|tongue>.npz).", completion: .file(extensions: ["npz"]))
    var bs: String?

    @Option(name: .long, help: "The solver: \(BlendshapeSolver.Method.allCases.map(\.rawValue).joined(separator: " (exact, the SDK's CPU path) or ")) (the SDK's GPU path).")
    var method: BlendshapeSolver.Method = .bvls

    @Option(name: .long, help: "Output folder (default: DATASET/solve, or DATASET/solve_tongue).", completion: .directory)
    var out: String?

    @Flag(name: .long, help: "Also write each shot's reconstruction (neutral + deltas·weights) as a Maya cache under OUT/recon/.")
    var writeRecon = false

    @Option(name: .long, help: "A shot whose mean per-vertex fit error over the mask exceeds this (mesh units) is a finding.")
    var maxFitError = 0.2

    @Option(name: .long, help: "Where the fit error is measured: mesh (the whole mesh and the mask), mask (the mask alone, faster) or none (no fit, and no --max-fit-error check).")
    var fit: FitChoice = .mesh

    @OptionGroup var scale: ShardOptions
    @OptionGroup var jobs: JobsOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard maxFitError > 0, maxFitError.isFinite else { throw ValidationError("--max-fit-error must be a positive number") }
        if writeRecon, fit != .mesh { throw ValidationError("--write-recon writes whole frames: it needs --fit mesh (the default)") }
    }

    struct SolveResults: Encodable {
        let report: SolveRun.Report
        /// The threshold applied to each shot's mean fit error over the mask, mesh units.
        let maxFitError: Double
        /// Shots over the threshold.
        let poorFits: [String]

        func encode(to encoder: Encoder) throws {
            try report.encode(to: encoder)
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(maxFitError, forKey: .maxFitError)
            try c.encode(poorFits, forKey: .poorFits)
        }

        private enum CodingKeys: String, CodingKey { case maxFitError, poorFits }
    }

    /// OUT: per-shot outputs, solve_report.json, parts/ and outcomes/.
    var folder: String { out ?? target.dataset + (tongue ? "/solve_tongue" : "/solve") }

    func options(progress: Progress) throws -> SolveRun.Options {
        var options = SolveRun.Options()
        options.shots = shots.shots
        options.tongue = tongue
        options.archive = bs
        options.config = config
        options.method = method
        try OutputLocation.prepareFolder(folder)
        options.output = folder
        options.writeReconstruction = writeRecon
        options.fit = fit.scope
        options.workers = jobs.jobs
        options.progress = { progress.update($0) }
        return options
    }

    func execute(known: [String: SolveRun.ShotReport], progress: Progress) throws -> CommandResult<Results> {
        var options = try options(progress: progress)
        // The report lists the whole dataset: the shots chosen now and those an earlier run left unchanged.
        options.known = known
        if !shots.shots.isEmpty {
            let layout = try DatasetLayout.discover(target.dataset)
            let others = (tongue ? layout.tongue : layout.skin).map(\.shot).filter { !shots.shots.contains($0) && known[$0] == nil }
            options.known.merge(reusableOutcomes(others, layout: layout)) { a, _ in a }
        }
        let report = try SolveRun.run(target.dataset, options: options)
        let poor = report.shots.filter { ($0.fit?.mask.mean ?? 0) > maxFitError }.map(\.shot)
        let status: CommandStatus = report.shots.contains(where: \.ioFailure) ? .failed : (report.failed || !poor.isEmpty ? .findings : .ok)
        // The command's own time: the report's is that of its last pass (the first one solved the shots
        // and left their outcomes), which read "127 frames in 0.00 s".
        var text = SolveReportText.render(report, maxFitError: maxFitError, seconds: progress.elapsed)
        if !poor.isEmpty {
            text += "\n\(Number.count(poor.count, "shot")) fit worse than \(maxFitError) mesh units (mean over the mask): \(poor.joined(separator: ", "))"
        }
        return CommandResult(results: SolveResults(report: report, maxFitError: maxFitError, poorFits: poor), status: status, text: text,
                             timings: ["solve": report.seconds])
    }
}

extension SolveCommand: ShardableCommand {
    typealias ShotValue = SolveRun.ShotReport
    static var keepsOutcomes: Bool { true }
    var datasetPath: String { target.dataset }
    static func isFinal(_ value: SolveRun.ShotReport) -> Bool { !value.ioFailure }
    var scaleOutput: String? { folder }
    var extraInputs: [String] { [config, bs].compactMap { $0 } }

    func shotWeights(_ layout: DatasetLayout, byFrames: Bool) -> [String: Int] {
        frameWeights(layout, (tongue ? layout.tongue : layout.skin).filter { shots.shots.isEmpty || shots.shots.contains($0.shot) }, byFrames: byFrames)
    }

    static func outputs(of value: SolveRun.ShotReport) -> [String] { value.outputs }

    func computeShots(_ list: [String], progress: Progress, record: @escaping @Sendable (String, SolveRun.ShotReport) -> Void) throws -> [String: SolveRun.ShotReport] {
        var options = try options(progress: progress)
        options.shots = list
        options.writeReport = false
        options.record = { record($0.shot, $0) }
        let report = try SolveRun.run(target.dataset, options: options)
        return Dictionary(report.shots.map { ($0.shot, $0) }, uniquingKeysWith: { a, _ in a })
    }
}

enum SolveReportText {
    /// `seconds`: the command's wall time, said on the last line.
    static func render(_ report: SolveRun.Report, maxFitError: Double, seconds: Double) -> String {
        var rows = [["shot", "frames", "mask mean", "mask rms", "mask max", "mesh rms", "mesh max", "cancel", "steps/frame", "gemm ms", "frames ms", "status"]]
        for s in report.shots {
            if let error = s.error { rows.append([s.shot, "-", "-", "-", "-", "-", "-", "-", "-", "-", "-", "error: \(error)"]); continue }
            let measured = [s.fit?.mask.mean, s.fit?.mask.rms, s.fit?.mask.max, s.fit?.mesh?.rms, s.fit?.mesh?.max]
            rows.append([s.shot, "\(s.frames)"] + measured.map { $0.map { Number.format($0, "%.4g") } ?? "-" } + ["\(s.cancelEvents)",
                         Number.format(Double(s.activeSetSteps) / Double(max(s.frames, 1)), "%.2f"),
                         Number.format(s.gemmSeconds * 1000, "%.1f"), Number.format(s.frameSeconds * 1000, "%.1f"),
                         (s.fit?.mask.mean ?? 0) > maxFitError ? "POOR FIT" : "ok"])
        }
        let frames = report.shots.reduce(0) { $0 + $1.frames }
        var lines = [Table.render(rows), ""]
        let measured = ["mesh": "fit errors in mesh units (per-vertex distance)", "mask": "fit errors over the mask alone, mesh units (per-vertex distance)",
                        "none": "no fit measured (--fit none)"][report.fit] ?? ""
        lines.append("\(measured); \(report.kind): \(report.poseNames.count) poses (\(report.activePoses) active), \(report.maskVertices.map { "frontal mask of \($0) of \(report.meshVertices) vertices" } ?? "no mask, \(report.meshVertices) vertices"), regularisation scale s = \(Number.format(report.regularizationScale, "%.4g")), method \(report.method.rawValue)")
        lines.append(String(format: "%@ in %.2f s; wrote %@/<shot>.npy, .csv and solve_report.json", Number.count(frames, "frame"), seconds, report.output))
        return lines.joined(separator: "\n")
    }
}
