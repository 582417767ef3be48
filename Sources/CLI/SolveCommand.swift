import Analysis
import ArgumentParser
import Dataset
import Foundation
import Linalg

/// `faceprep solve DATASET`: blendshape weights for every cache, as the Audio2Face runtime solves them.
struct SolveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "solve",
        abstract: "Solve blendshape weights for every skin (or tongue) cache with the dataset's bs_data setup, as the Audio2Face-3D runtime does.",
        discussion: """
        Per shot: OUT/<shot>.npy [frames, poses] float32 (columns in poseNames order without the neutral, after \
        bsWeightMultipliers and bsWeightOffsets) and OUT/<shot>.csv (frame, time, one column per pose); OUT/solve_report.json \
        holds the fit error (per-vertex distance over the frontal mask and the whole mesh, mesh units), pose usage, cancel \
        events and times. --method bvls solves each frame's bounded least-squares problem to optimality (the SDK's CPU path); \
        --method admm runs the SDK's four ADMM iterations (its GPU path). Exit code 1 when the setup breaks a validate rule \
        or a shot cannot be solved.
        """
    )

    @Argument(help: "The dataset folder.")
    var dataset: String

    @Option(name: .long, parsing: .upToNextOption, help: "Only these shots.")
    var shot: [String] = []

    @Flag(name: .long, help: "Solve the tongue caches with bs_tongue.npz and bs_tongue_config.json.")
    var tongue = false

    @Option(name: .long, help: "Solver config JSON (default: the dataset's bs_data/bs_<skin|tongue>_config.json).")
    var config: String?

    @Option(name: .long, help: "Blendshape archive .npz (default: the dataset's bs_data/bs_<skin|tongue>.npz).")
    var bs: String?

    @Option(name: .long, help: "bvls (exact, the SDK's CPU path) or admm (the SDK's GPU path).")
    var method: String = "bvls"

    @Option(name: .long, help: "Output folder (default: DATASET/solve, or DATASET/solve_tongue).")
    var out: String?

    @Flag(name: .long, help: "Also write each shot's reconstruction (neutral + deltas·weights) as a Maya cache under OUT/recon/.")
    var writeRecon = false

    @Option(name: .long, help: "Shots solved at once (default: one per core).")
    var threads: Int?

    @Flag(name: .long, help: "Print the report as JSON instead of text.")
    var json = false

    func validate() throws {
        guard BlendshapeSolver.Method(rawValue: method) != nil else { throw ValidationError("--method must be bvls or admm") }
        if let threads, !(1...256).contains(threads) { throw ValidationError("--threads must be between 1 and 256") }
    }

    func run() throws {
        var options = SolveRun.Options()
        options.shots = shot
        options.tongue = tongue
        options.archive = bs
        options.config = config
        options.method = BlendshapeSolver.Method(rawValue: method) ?? .bvls
        options.output = out
        options.writeReconstruction = writeRecon
        options.workers = threads
        let progress = ProgressLine(enabled: !json)
        options.progress = { progress.update($0) }
        let report: SolveRun.Report
        do { report = try SolveRun.run(dataset, options: options) } catch let problems as BlendshapeSetup.Problems {
            progress.finish()
            FileHandle.standardError.write(Data("error: \(problems)\n".utf8))
            throw ExitCode(1)
        }
        progress.finish()
        if json { try printJSON(report) } else { print(SolveReportText.render(report)) }
        if report.failed { throw ExitCode(1) }
    }
}

enum SolveReportText {
    static func render(_ report: SolveRun.Report) -> String {
        var rows = [["shot", "frames", "mask rms", "mask max", "mesh rms", "mesh max", "cancel", "steps/frame", "gemm ms", "frames ms", "status"]]
        for s in report.shots {
            guard let fit = s.fit else { rows.append([s.shot, "-", "-", "-", "-", "-", "-", "-", "-", "-", "error: \(s.error ?? "")"]); continue }
            rows.append([s.shot, "\(s.frames)", String(format: "%.4g", fit.mask.rms), String(format: "%.4g", fit.mask.max),
                         String(format: "%.4g", fit.mesh.rms), String(format: "%.4g", fit.mesh.max), "\(s.cancelEvents)",
                         String(format: "%.2f", Double(s.activeSetSteps) / Double(max(s.frames, 1))),
                         String(format: "%.1f", s.gemmSeconds * 1000), String(format: "%.1f", s.frameSeconds * 1000), "ok"])
        }
        let frames = report.shots.reduce(0) { $0 + $1.frames }
        var lines = [Table.render(rows), ""]
        lines.append("\(report.kind): \(report.poseNames.count) poses (\(report.activePoses) active), \(report.maskVertices.map { "frontal mask of \($0) of \(report.meshVertices) vertices" } ?? "no mask, \(report.meshVertices) vertices"), regularisation scale s = \(String(format: "%.4g", report.regularizationScale)), method \(report.method.rawValue)")
        lines.append(String(format: "%d frames in %.2f s; wrote %@/<shot>.npy, .csv and solve_report.json", frames, report.seconds, report.output))
        return lines.joined(separator: "\n")
    }
}
