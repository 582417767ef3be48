import ArgumentParser
import Dataset
import Foundation

/// `faceprep bench e2e`: what users run, timed end to end on a cached synthetic dataset.
struct BenchEndToEndCommand: EnvelopeCommand {
    static let configuration = CommandConfiguration(
        commandName: "e2e",
        abstract: "Time validate, head, sync, solve and solve --fit mask end to end on a synthetic dataset (made once, cached), against cat of the same files and numpy/scipy peers.",
        discussion: """
        The dataset defaults to Claire's size (54 shots, 21,041 frames, 24,002 vertices, 52 poses, two augmented voices, \
        5.8 GB) and is made once under ~/.cache/faceprep/bench (or --cache). The page cache is warmed with one cat, then \
        each command runs --repeat times as a child process of this binary: the median wall time, frames per second, peak \
        resident memory and the ratio to cat's time are reported. A one-shot dataset (--one-shot-frames) is solved \
        10 times against --version for the fixed cost per shot beyond the binary's start. --against OLD times a second build \
        in the same run, each of its runs right after one of this binary's, and reports its medians and the ratio. Peers, in the same run, when python3 with numpy and \
        scipy is found: Benchmarks/read_numpy.py reads and averages every cache (validate's read), and \
        Benchmarks/solve_scipy.py solves the first --scipy-frames frames of a shot with scipy's BVLS.
        """,
        version: FacePrepVersion.current
    )
    static let envelopeName = "bench e2e"

    @Option(name: .long, help: "Shots.") var shots = 54
    @Option(name: .long, help: "Mesh vertices.") var vertices = 24_002
    @Option(name: .long, help: "Blendshapes.") var poses = 52
    @Option(name: .long, help: "Frames per shot: A-B or one number.") var shotFrames = "380-398"
    @Option(name: .long, help: "Augmented voices per shot.") var voices = 2
    @Option(name: .long, help: "Random seed of the dataset.") var seed: UInt64 = 3
    @Option(name: .customLong("repeat"), help: "Runs of each command (the median is reported).") var repetitions = 3
    @Option(name: .long, help: "Folder of cached datasets (default: ~/.cache/faceprep/bench).", completion: .directory) var cache: String?
    @Option(name: .long, help: "Frames the scipy peer solves; 0 skips it.") var scipyFrames = 200
    @Option(name: .long, help: "Frames of the one-shot dataset whose solve gives the fixed cost per shot (beyond the binary's start, --version); 0 skips it.")
    var oneShotFrames = 127
    @Flag(name: .long, help: "Skip the numpy and scipy peers.") var noPeers = false
    @Option(name: .long, help: "Time this faceprep binary instead of the running one (e.g. an earlier build, for before and after).", completion: .file())
    var faceprep: String?
    @Option(name: .long, help: "Also time this faceprep binary (an earlier build), each of its runs right after one of the measured binary's: before and after under the same machine load.", completion: .file())
    var against: String?
    @Option(name: .long, help: "The folder of the peer scripts.") var scripts = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Benchmarks").path
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if let faceprep, !FileManager.default.isExecutableFile(atPath: faceprep) { throw ValidationError("--faceprep \(faceprep): not an executable file") }
        if let against, !FileManager.default.isExecutableFile(atPath: against) { throw ValidationError("--against \(against): not an executable file") }
        guard shots >= 1, vertices >= 200, poses >= 1, voices >= 0, repetitions >= 1, scipyFrames >= 0, oneShotFrames >= 0 else {
            throw ValidationError("--shots ≥ 1, --vertices ≥ 200, --poses ≥ 1, --voices ≥ 0, --repeat ≥ 1, --scipy-frames ≥ 0, --one-shot-frames ≥ 0")
        }
        guard frameCountRange(shotFrames) != nil else { throw ValidationError("--shot-frames must be A-B with 1 ≤ A ≤ B, or one number") }
    }

    func execute(progress: Progress) throws -> CommandResult<EndToEndBenchmark.Result> {
        var options = EndToEndBenchmark.Options()
        options.synthesis.shots = shots
        options.synthesis.vertices = vertices
        options.synthesis.poses = poses
        options.synthesis.frames = frameCountRange(shotFrames) ?? 380...398
        options.synthesis.voices = voices
        options.synthesis.seed = seed
        options.repetitions = repetitions
        options.cacheFolder = cache
        options.scipyFrames = scipyFrames
        options.oneShotFrames = oneShotFrames
        options.scripts = noPeers ? nil : scripts
        options.executable = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
        if let resolved = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { options.executable = resolved }
        if let faceprep { options.executable = faceprep }
        options.baseline = against
        options.progress = { progress.update($0) }
        let result = try EndToEndBenchmark.run(options)

        var rows = [["command", "wall s (median)", "best s", "frames/s", "peak MB", "× cat", "exit"] + (against == nil ? [] : ["against s", "÷ against"])]
        for m in [result.cat] + result.commands {
            let baseline = m.baseline.map { [String(format: "%.3f", $0.seconds), String(format: "%.3f", $0.ratio)] } ?? (against == nil ? [] : ["", ""])
            rows.append([m.name, String(format: "%.3f", m.seconds), String(format: "%.3f", m.bestSeconds), String(format: "%.0f", m.framesPerSecond),
                         String(format: "%.0f", m.peakMegabytes), String(format: "%.2f", m.ratioToCat), "\(m.status)"] + baseline)
        }
        var lines = [String(format: "%@: %d shots, %d frames, %d vertices, %.2f GB; median of %d runs, page cache warm; %@",
                            result.dataset, result.shots, result.frames, result.vertices, Double(result.bytes) / 1e9, result.repetitions, options.executable)
                        + (against.map { "; against \($0), its runs alternating" } ?? ""),
                     Table.render(rows)]
        if let one = result.oneShot {
            lines.append(String(format: "one %d-frame shot: solve %.1f ms, %.1f ms beyond the binary's start and exit (--version %.1f ms); medians of %d",
                                one.frames, one.solveSeconds * 1000, one.beyondStartSeconds * 1000, one.startSeconds * 1000, one.repetitions))
            if let solve = one.baselineSolveSeconds, let beyond = one.baselineBeyondStartSeconds, let start = one.baselineStartSeconds {
                lines.append(String(format: "  against: solve %.1f ms, %.1f ms beyond start (--version %.1f ms), runs alternating with the above",
                                    solve * 1000, beyond * 1000, start * 1000))
            }
        }
        for peer in result.peers {
            lines.append(String(format: "%@: %d frames in %.2f s = %.0f frames/s%@", peer.name, peer.frames, peer.seconds, peer.framesPerSecond,
                                peer.speedup.map { String(format: "; faceprep %.1f× faster", $0) } ?? ""))
        }
        if !noPeers, result.peers.isEmpty { lines.append("peers skipped: \(scripts) or python3 with numpy and scipy not available") }
        return CommandResult(results: result, status: .ok, text: lines.joined(separator: "\n"))
    }
}
