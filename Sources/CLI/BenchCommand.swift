import Analysis
import ArgumentParser
import Dataset
import Foundation

/// `faceprep bench`: measurements on synthetic data.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure FacePrep on synthetic data.",
        version: FacePrepVersion.current,
        subcommands: [BenchSolveCommand.self, BenchEndToEndCommand.self]
    )
}

/// `faceprep bench solve`: the blendshape solver's two stages on a synthetic rig, against scipy.
struct BenchSolveCommand: EnvelopeCommand {
    static let configuration = CommandConfiguration(
        commandName: "solve",
        abstract: "Time the blendshape solve (GEMM stage and per-frame stage) on a synthetic rig and compare with scipy's BVLS on the same problem.",
        discussion: "The scipy comparison runs Benchmarks/solve_scipy.py (per frame scipy.optimize.lsq_linear(method='bvls')) on the same A and b, when python3 with numpy and scipy is found, and reports the speed-up and how far the two answers agree (where they part, the objective ‖Ax − b‖² of each says which is better).",
        version: FacePrepVersion.current
    )
    static let envelopeName = "bench solve"

    @Option(name: .long, help: "Mesh vertices.") var vertices = 24_002
    @Option(name: .long, help: "Frontal-mask vertices (0 or ≥ vertices: no mask).") var mask = 8_000
    @Option(name: .long, help: "Blendshapes.") var poses = 52
    @Option(name: .long, help: "Frames.") var frames = 900
    @Option(name: .long, help: "The solver: bvls or admm.") var method: BlendshapeSolver.Method = .bvls
    @Option(name: .customLong("repeat"), help: "Repetitions (best is reported).") var repetitions = 3
    @Option(name: .long, help: "Frames solved by the scipy script (it is slow); 0 skips it.") var scipyFrames = 200
    @Option(name: .long, help: "The scipy script.") var scipyScript = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Benchmarks/solve_scipy.py").path
    @Option(name: .long, help: "Keep the scipy comparison's inputs and both solutions (X.npy, faceprep_X.npy) in this folder.") var keep: String?
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard vertices >= 3, poses >= 1, frames >= 1, repetitions >= 1, mask >= 0, scipyFrames >= 0 else {
            throw ValidationError("--vertices ≥ 3, --poses ≥ 1, --frames ≥ 1, --repeat ≥ 1, --mask ≥ 0")
        }
        guard Double(vertices) * 3 * Double(poses + frames) * 4 < 16e9 else { throw ValidationError("the problem would need over 16 GB") }
    }

    struct Output: Encodable {
        let result: SolverBenchmark.Result
        let gemmFramesPerSecond: Double
        let frameStageFramesPerSecond: Double
        let framesPerSecond: Double
        let scipyFrames: Int?
        let scipySeconds: Double?
        let scipyFramesPerSecond: Double?
        /// Against faceprep's whole solve, and against its per-frame stage alone (scipy gets b ready-made).
        let speedup: Double?
        let frameStageSpeedup: Double?
        let scipyComparison: SolverBenchmark.Comparison?
    }

    func execute(progress: Progress) throws -> CommandResult<Output> {
        var options = SolverBenchmark.Options()
        options.vertices = vertices
        options.mask = mask == 0 || mask >= vertices ? nil : mask
        options.poses = poses
        options.frames = frames
        options.method = method
        options.repetitions = repetitions
        progress.update("bench solve 1/3: building a \(vertices)-vertex, \(poses)-pose rig and \(frames) frames")
        let problem = try SolverBenchmark.problem(options)
        progress.update("bench solve 2/3: solving \(repetitions)×")
        let (result, solution, system) = try SolverBenchmark.measure(options, rig: problem.rig, settings: problem.settings, frames: problem.frames)

        var scipy: (frames: Int, seconds: Double, comparison: SolverBenchmark.Comparison)?
        if scipyFrames > 0, options.method == .bvls, FileManager.default.fileExists(atPath: scipyScript) {
            let folder = keep ?? NSTemporaryDirectory() + "faceprep-bench-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            defer { if keep == nil { try? FileManager.default.removeItem(atPath: folder) } }
            try SolverBenchmark.writeScipyInputs(system: system, rig: problem.rig, frames: problem.frames, frameCount: frames, to: folder)
            if keep != nil { try SolverBenchmark.writeWeights(solution.raw, to: folder + "/faceprep_X.npy") }
            progress.update("bench solve 3/3: scipy on the first \(min(scipyFrames, frames)) frames")
            scipy = try runScipy(folder: folder, frames: min(scipyFrames, frames), ours: solution, system: system, problem: problem)
        }

        let perFrame = result.totalSeconds / Double(frames)
        let output = Output(result: result, gemmFramesPerSecond: result.gemmFramesPerSecond, frameStageFramesPerSecond: result.frameStageFramesPerSecond,
                            framesPerSecond: result.framesPerSecond, scipyFrames: scipy?.frames, scipySeconds: scipy?.seconds,
                            scipyFramesPerSecond: scipy.map { Double($0.frames) / $0.seconds },
                            speedup: scipy.map { $0.seconds / Double($0.frames) / perFrame },
                            frameStageSpeedup: scipy.map { $0.seconds / Double($0.frames) / (result.frameSeconds / Double(frames)) },
                            scipyComparison: scipy?.comparison)
        var lines: [String] = []
        lines.append(String(format: "solve %d frames, %d poses, %d vertices, %@ (%@): GEMM stage %.1f ms = %.0f frames/s; per-frame stage %.1f ms = %.0f frames/s (%.2f %@/frame, %d cancel events); total %.1f ms = %.0f frames/s",
                     frames, poses, vertices, options.mask.map { "mask \($0)" } ?? "no mask", method.rawValue, result.gemmSeconds * 1000, result.gemmFramesPerSecond,
                     result.frameSeconds * 1000, result.frameStageFramesPerSecond, result.stepsPerFrame,
                     options.method == .admm ? "ADMM iterations" : "active-set steps", result.cancelEvents,
                     result.totalSeconds * 1000, result.framesPerSecond))
        if let scipy, let speedup = output.speedup, let stageSpeedup = output.frameStageSpeedup {
            let c = scipy.comparison
            lines.append(String(format: "scipy lsq_linear(bvls) on the same A, b: %d frames in %.2f s = %.0f frames/s; faceprep %.0f× faster overall, %.0f× in the per-frame stage",
                         scipy.frames, scipy.seconds, Double(scipy.frames) / scipy.seconds, speedup, stageSpeedup))
            var agreement = String(format: "weights agree on the first %d of %d frames (largest difference %.2g)", c.agreeingFrames, c.frames, c.largestDifferenceWhileAgreeing)
            if let frame = c.firstDivergentFrame, let ours = c.faceprepObjective, let theirs = c.otherObjective {
                agreement += String(format: "; at frame %d they part: objective ‖Ax − b‖² faceprep %.10g, scipy %.10g (%@ is the better answer)",
                                    frame, ours, theirs, ours <= theirs * (1 + 1e-12) ? "faceprep" : "scipy")
            }
            lines.append(agreement)
        } else if scipyFrames > 0, options.method == .bvls {
            lines.append("scipy comparison skipped: \(scipyScript) or python3 with numpy and scipy not available")
        }
        return CommandResult(results: output, status: .ok, text: lines.joined(separator: "\n"))
    }

    private func runScipy(folder: String, frames: Int, ours: BlendshapeSolver.Result, system: BlendshapeSystem,
                          problem: (rig: BlendshapeRig, settings: BlendshapeSolverSettings, frames: [Float])) throws -> (frames: Int, seconds: Double, comparison: SolverBenchmark.Comparison)? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", scipyScript, folder, "\(frames)"]
        let pipe = Pipe()
        process.standardOutput = pipe
        guard (try? process.run()) != nil else { return nil }
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0, let line = text.split(separator: "\n").last(where: { $0.hasPrefix("scipy solve") }) else { return nil }
        let fields = line.split(separator: " ")
        guard fields.count == 4, let count = Int(fields[2]), let seconds = Double(fields[3]) else { return nil }
        let theirs = try SolverBenchmark.readWeights(folder + "/X.npy")
        let comparison = try SolverBenchmark.compare(ours.raw, with: theirs, frames: count, system: system, rig: problem.rig, targets: problem.frames)
        return (count, seconds, comparison)
    }
}
