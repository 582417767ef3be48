import Analysis
import Foundation
import Formats
import Linalg

/// `faceprep bench e2e`: the commands users run, timed end to end on a cached synthetic dataset,
/// against `cat` of the same files and numpy/scipy peers.
public enum EndToEndBenchmark {
    public struct Options: Sendable {
        /// The dataset: Claire-size by default (54 shots, 21,041 frames, 24,002 vertices, 5.8 GB).
        public var synthesis: SynthesisOptions = {
            var options = SynthesisOptions()
            options.shots = 54
            options.vertices = 24_002
            options.poses = 52
            options.frames = 380...398
            options.seed = 3
            options.voices = 2
            return options
        }()
        /// Where datasets are cached; default `$XDG_CACHE_HOME/faceprep/bench` or `~/.cache/faceprep/bench`.
        public var cacheFolder: String?
        /// The faceprep binary to run (the running one by default).
        public var executable = CommandLine.arguments.first ?? "faceprep"
        /// A second faceprep binary (an earlier build) timed in the same run, each of its runs right
        /// after one of `executable`'s: before and after under the same load, on a machine whose speed
        /// drifts by more than most changes between two runs made minutes apart.
        public var baseline: String?
        /// Runs of each command; the median is reported.
        public var repetitions = 3
        /// Folder holding `read_numpy.py` and `solve_scipy.py`; nil skips the peers.
        public var scripts: String?
        /// Frames the scipy peer solves (it is slow).
        public var scipyFrames = 200
        /// Frames of the one-shot dataset whose solve measures the fixed cost per shot (the dataset's
        /// vertices and poses, one voice); 0 skips it.
        public var oneShotFrames = 127
        public var progress: @Sendable (String) -> Void = { _ in }
        public init() {}
    }

    public struct Measurement: Sendable, Codable {
        public let name: String
        public let arguments: [String]
        /// Median of the repetitions, seconds.
        public let seconds: Double
        public let bestSeconds: Double
        public let framesPerSecond: Double
        public let peakMegabytes: Double
        /// `seconds` ÷ the median `cat` time.
        public let ratioToCat: Double
        /// Exit status of the last run (0 clean, 1 findings).
        public let status: Int32
        /// The baseline binary's runs of the same command, alternating with these; nil without one.
        public let baseline: BaselineRuns?
    }

    /// The baseline binary's runs of one command.
    public struct BaselineRuns: Sendable, Codable {
        /// Median of the repetitions, seconds.
        public let seconds: Double
        public let bestSeconds: Double
        public let peakMegabytes: Double
        public let status: Int32
        /// The measured binary's median ÷ this median: below 1 when it is faster.
        public let ratio: Double
    }

    public struct Peer: Sendable, Codable {
        public let name: String
        public let frames: Int
        public let seconds: Double
        public let framesPerSecond: Double
        /// FacePrep's frames per second on the same work ÷ the peer's.
        public let speedup: Double?
    }

    /// The fixed cost of a run: one short shot solved, against the time the binary takes to start and
    /// exit doing nothing (`--version`).
    public struct OneShot: Sendable, Codable {
        public let frames: Int
        /// `solve` of the one-shot dataset, median wall seconds.
        public let solveSeconds: Double
        /// `faceprep --version`, median wall seconds.
        public let startSeconds: Double
        /// `solveSeconds − startSeconds`.
        public let beyondStartSeconds: Double
        public let repetitions: Int
        /// The same three for the baseline binary, its runs alternating with these; nil without one.
        public let baselineSolveSeconds: Double?
        public let baselineStartSeconds: Double?
        public let baselineBeyondStartSeconds: Double?
    }

    public struct Result: Sendable, Codable {
        public let dataset: String
        public let shots: Int
        public let frames: Int
        public let vertices: Int
        public let bytes: Int
        public let repetitions: Int
        public let cat: Measurement
        public let commands: [Measurement]
        public let peers: [Peer]
        /// Nil when skipped.
        public let oneShot: OneShot?
        /// The baseline binary, when one was timed alongside.
        public let baseline: String?
    }

    public static func run(_ options: Options) throws -> Result {
        let dataset = try prepare(options)
        let layout = try DatasetLayout.discover(dataset)
        let files = try allFiles(dataset)
        let bytes = files.reduce(0) { $0 + ((try? FileManager.default.attributesOfItem(atPath: $1)[.size] as? Int) ?? 0) }
        let frames = try layout.skin.reduce(0) { total, entry in
            guard let file = entry.candidates.first else { return total }
            return total + (try VertexCacheIO.frames(layout.path(file))).frameCount
        }
        let scratch = NSTemporaryDirectory() + "faceprep-bench-e2e-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }

        /// `repetitions` runs of `executable`, as child processes, and as many of `baseline` when given,
        /// one right after each.
        func timedRuns(_ name: String, _ executable: String, _ arguments: [String], repetitions: Int,
                       baseline: String? = nil) throws -> (runs: [MeasuredRun], baseline: [MeasuredRun]) {
            var runs: [MeasuredRun] = [], baselineRuns: [MeasuredRun] = []
            for repetition in 1...max(1, repetitions) {
                options.progress("bench e2e: \(name) \(repetition)/\(repetitions)")
                runs.append(try MeasuredRun.run(executable, arguments))
                if let baseline { baselineRuns.append(try MeasuredRun.run(baseline, arguments)) }
            }
            return (runs, baselineRuns)
        }
        func medianSeconds(_ runs: [MeasuredRun]) -> Double { runs.map(\.seconds).sorted()[runs.count / 2] }
        /// What a row reports of some runs (at least one) of one command: median and best wall time,
        /// peak memory, the last exit status. The same for the measured binary and the baseline.
        func summary(_ runs: [MeasuredRun]) -> (seconds: Double, best: Double, peakMegabytes: Double, status: Int32) {
            let median = medianSeconds(runs)
            return (median, runs.map(\.seconds).min() ?? median, Double(runs.map(\.peakBytes).max() ?? 0) / 1_048_576, runs.last?.status ?? -1)
        }

        func measure(_ name: String, _ executable: String, _ arguments: [String], catSeconds: Double?, baseline: String? = nil) throws -> Measurement {
            let (runs, baselineRuns) = try timedRuns(name, executable, arguments, repetitions: options.repetitions, baseline: baseline)
            let measured = summary(runs)
            let against = baselineRuns.isEmpty ? nil : summary(baselineRuns)
            return Measurement(name: name, arguments: arguments, seconds: measured.seconds, bestSeconds: measured.best,
                               framesPerSecond: Double(frames) / measured.seconds, peakMegabytes: measured.peakMegabytes,
                               ratioToCat: measured.seconds / (catSeconds ?? measured.seconds), status: measured.status,
                               baseline: against.map {
                                   BaselineRuns(seconds: $0.seconds, bestSeconds: $0.best, peakMegabytes: $0.peakMegabytes, status: $0.status,
                                                ratio: measured.seconds / $0.seconds)
                               })
        }

        options.progress("bench e2e: warming the page cache")
        _ = try MeasuredRun.run("cat", files)
        let cat = try measure("cat", "cat", files, catSeconds: nil)
        let faceprep = options.executable
        let commands: [(String, [String])] = [
            ("validate", ["validate", dataset, "--quiet"]),
            ("head", ["head", dataset, "--quiet"]),
            ("sync", ["sync", dataset, "--quiet"]),
            ("solve", ["solve", dataset, "--out", scratch + "/solve", "--quiet"]),
            ("solve --fit mask", ["solve", dataset, "--out", scratch + "/solve-mask", "--fit", "mask", "--quiet"]),
        ]
        let measured = try commands.enumerated().map { index, command -> Measurement in
            // The page cache again before each command (this machine's host takes pages back now and then),
            // but for the first, which follows cat's own runs.
            if index > 0 { _ = try MeasuredRun.run("cat", files) }
            return try measure(command.0, faceprep, command.1, catSeconds: cat.seconds, baseline: options.baseline)
        }

        var oneShot: OneShot?
        if options.oneShotFrames > 0 {
            // Short runs vary more: at least ten of each, medians.
            var single = options
            single.synthesis.shots = 1
            single.synthesis.frames = options.oneShotFrames...options.oneShotFrames
            single.synthesis.voices = 1
            let one = try prepare(single)
            _ = try MeasuredRun.run("cat", try allFiles(one))
            let repetitions = max(10, options.repetitions)
            let starts = try timedRuns("process start", faceprep, ["--version"], repetitions: repetitions, baseline: options.baseline)
            let solves = try timedRuns("one-shot solve", faceprep, ["solve", one, "--out", scratch + "/one", "--quiet"], repetitions: repetitions,
                                       baseline: options.baseline)
            let start = medianSeconds(starts.runs), solve = medianSeconds(solves.runs)
            let baselineStart = starts.baseline.isEmpty ? nil : medianSeconds(starts.baseline)
            let baselineSolve = solves.baseline.isEmpty ? nil : medianSeconds(solves.baseline)
            oneShot = OneShot(frames: options.oneShotFrames, solveSeconds: solve, startSeconds: start, beyondStartSeconds: solve - start,
                              repetitions: repetitions, baselineSolveSeconds: baselineSolve, baselineStartSeconds: baselineStart,
                              baselineBeyondStartSeconds: baselineSolve.flatMap { solve in baselineStart.map { solve - $0 } })
        }

        var peers: [Peer] = []
        if let scripts = options.scripts {
            options.progress("bench e2e: numpy reading every cache")
            if let (count, seconds) = try python(scripts + "/read_numpy.py", [dataset], prefix: "numpy read", scratch: scratch) {
                let validate = measured.first { $0.name == "validate" }
                peers.append(Peer(name: "numpy: read and average every skin cache", frames: count, seconds: seconds,
                                  framesPerSecond: Double(count) / seconds, speedup: validate.map { $0.framesPerSecond / (Double(count) / seconds) }))
            }
            if options.scipyFrames > 0 {
                options.progress("bench e2e: scipy BVLS on the first \(options.scipyFrames) frames of a shot")
                let folder = scratch + "/scipy"
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                try writeSolveProblem(layout: layout, frames: options.scipyFrames, to: folder)
                if let (count, seconds) = try python(scripts + "/solve_scipy.py", [folder, "\(options.scipyFrames)"], prefix: "scipy solve", scratch: scratch) {
                    let solve = measured.first { $0.name == "solve" }
                    peers.append(Peer(name: "scipy: lsq_linear(bvls) per frame on the dataset's problem", frames: count, seconds: seconds,
                                      framesPerSecond: Double(count) / seconds, speedup: solve.map { $0.framesPerSecond / (Double(count) / seconds) }))
                }
            }
        }
        return Result(dataset: dataset, shots: layout.skin.count, frames: frames, vertices: options.synthesis.vertices, bytes: bytes,
                      repetitions: options.repetitions, cat: cat, commands: measured, peers: peers, oneShot: oneShot, baseline: options.baseline)
    }

    /// The cached dataset for these options, made (in a sibling folder, then renamed) when missing.
    static func prepare(_ options: Options) throws -> String {
        let s = options.synthesis
        let home = ProcessInfo.processInfo.environment["XDG_CACHE_HOME"] ?? (NSHomeDirectory() + "/.cache")
        let folder = options.cacheFolder ?? home + "/faceprep/bench"
        let name = "synth-\(s.shots)x\(s.vertices)-p\(s.poses)-f\(s.frames.lowerBound)-\(s.frames.upperBound)-s\(s.seed)-v\(s.voices)"
        let dataset = folder + "/" + name
        let marker = dataset + "/.faceprep-bench-complete"
        if FileManager.default.fileExists(atPath: marker) { return dataset }
        options.progress("bench e2e: making the dataset once in \(dataset)")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let partial = dataset + ".partial-\(getpid())"
        try? FileManager.default.removeItem(atPath: partial)
        try DatasetSynthesizer.write(to: partial, options: s, progress: options.progress)
        try? FileManager.default.removeItem(atPath: dataset)
        try FileManager.default.moveItem(atPath: partial, toPath: dataset)
        try Data().write(to: URL(fileURLWithPath: marker))
        return dataset
    }

    /// Every regular file of the dataset except the marker, sorted.
    static func allFiles(_ dataset: String) throws -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: dataset) else { return [] }
        var files: [String] = []
        for case let relative as String in walker where !relative.hasSuffix(".faceprep-bench-complete") {
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: dataset + "/" + relative, isDirectory: &isFolder), !isFolder.boolValue {
                files.append(dataset + "/" + relative)
            }
        }
        return files.sorted()
    }

    /// The first skin shot's solve problem (A, Dᵀ(t − n) for its first `frames` frames, temporal
    /// weight, cancel pairs) for `solve_scipy.py`.
    static func writeSolveProblem(layout: DatasetLayout, frames: Int, to folder: String) throws {
        let setup = try BlendshapeSetup.load(layout: layout, archive: DatasetFiles.bsSkin, config: DatasetFiles.bsSkinConfig,
                                             neutralFile: DatasetFiles.skinNeutral)
        let system = try BlendshapeSystem(rig: setup.rig, settings: setup.settings)
        guard let file = layout.skin.first?.candidates.first else { throw BlendshapeSolverError.shape("no skin cache") }
        let cache = try VertexCacheIO.frames(layout.path(file))
        var positions: [Float] = []
        try cache.decode(0..<min(frames, cache.frameCount), into: &positions)
        try SolverBenchmark.writeScipyInputs(system: system, rig: setup.rig, frames: positions, frameCount: min(frames, cache.frameCount), to: folder)
    }

    /// Runs a peer script and reads its `<prefix> <frames> <seconds>` line; nil when python3 or its
    /// modules are missing.
    static func python(_ script: String, _ arguments: [String], prefix: String, scratch: String) throws -> (Int, Double)? {
        guard FileManager.default.fileExists(atPath: script) else { return nil }
        let output = scratch + "/peer-output.txt"
        let run = try MeasuredRun.run("python3", [script] + arguments, outputPath: output)
        guard run.status == 0, let text = try? String(contentsOfFile: output, encoding: .utf8),
              let line = text.split(separator: "\n").last(where: { $0.hasPrefix(prefix) }) else { return nil }
        let fields = line.split(separator: " ")
        guard fields.count == 4, let count = Int(fields[2]), let seconds = Double(fields[3]), seconds > 0 else { return nil }
        return (count, seconds)
    }
}
