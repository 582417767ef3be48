import Analysis
import Foundation
import Formats
import Linalg

/// `faceprep solve`: blendshape weights for every skin (or tongue) cache of a dataset, written as
/// `<shot>.npy` `[F, K]` float32 and `<shot>.csv`, with `solve_report.json`.
public enum SolveRun {
    public struct Options: Sendable {
        public var shots: [String] = []
        public var tongue = false
        /// Blendshape archive and config; default the dataset's bs_data files.
        public var archive: String?
        public var config: String?
        public var method = BlendshapeSolver.Method.bvls
        /// Output folder; default `<dataset>/solve` (`solve_tongue` with `tongue`).
        public var output: String?
        public var writeReconstruction = false
        /// Shots solved at once (default: one per core).
        public var workers: Int?
        public var progress: @Sendable (String) -> Void = { _ in }
        public init() {}
    }

    /// How much a pose is used over a shot (output weights).
    public struct PoseUsage: Sendable, Codable {
        public let pose: String
        public let active: Bool
        public let mean: Double
        public let max: Double
        /// Fraction of frames where the solver's weight exceeds 0.01.
        public let framesOn: Double
    }

    public struct ShotReport: Sendable, Codable {
        public let shot: String
        public let file: String
        public let frames: Int
        public let fit: BlendshapeFit?
        public let poses: [PoseUsage]
        public let cancelEvents: Int
        public let activeSetSteps: Int
        public let gemmSeconds: Double
        public let frameSeconds: Double
        public let seconds: Double
        public let outputs: [String]
        public let error: String?
        /// The cache could not be read at all (rather than read and found malformed).
        public var ioFailure = false
    }

    public struct Report: Sendable, Codable {
        public let root: String
        public let kind: String
        public let method: BlendshapeSolver.Method
        public let archive: String
        public let config: String
        public let poseNames: [String]
        public let activePoses: Int
        public let maskVertices: Int?
        public let meshVertices: Int
        /// s = (bounding-box diagonal / templateBBSize)².
        public let regularizationScale: Double
        public let shots: [ShotReport]
        public let output: String
        public let seconds: Double

        public var failed: Bool { shots.contains { $0.error != nil } }
    }

    public static func run(_ root: String, options: Options = Options()) throws -> Report {
        let started = Date()
        let layout = try DatasetLayout.discover(root)
        let kind = options.tongue ? "tongue" : "skin"
        let setup = try BlendshapeSetup.load(
            layout: layout,
            archive: options.archive.map(absolute) ?? (options.tongue ? DatasetFiles.bsTongue : DatasetFiles.bsSkin),
            config: options.config.map(absolute) ?? (options.tongue ? DatasetFiles.bsTongueConfig : DatasetFiles.bsSkinConfig),
            neutralFile: options.tongue ? DatasetFiles.tongueNeutral : DatasetFiles.skinNeutral)
        let system = try BlendshapeSystem(rig: setup.rig, settings: setup.settings)
        let solver = try BlendshapeSolver(system: system, method: options.method)
        let measure = try BlendshapeFit.Measure(rig: setup.rig, activePoses: system.activePoses)
        let all = options.tongue ? layout.tongue : layout.skin
        try layout.requireShots(options.shots, kind: kind)
        let entries = all.filter { options.shots.isEmpty || options.shots.contains($0.shot) }
        let output = options.output.map(absolute) ?? layout.path(options.tongue ? "solve_tongue" : "solve")
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        if options.writeReconstruction { try FileManager.default.createDirectory(atPath: output + "/recon", withIntermediateDirectories: true) }

        let done = Counter()
        let shots = parallelMap(entries, workers: options.workers) { entry -> ShotReport in
            defer { options.progress("solve \(done.increment())/\(entries.count): \(entry.shot)") }
            return solveShot(entry, layout: layout, setup: setup, solver: solver, measure: measure, output: output,
                             reconstruct: options.writeReconstruction)
        }
        let report = Report(root: root, kind: kind, method: options.method, archive: setup.archiveFile, config: setup.configFile,
                            poseNames: setup.poseNames, activePoses: system.activeCount, maskVertices: setup.rig.mask?.count,
                            meshVertices: setup.rig.vertexCount, regularizationScale: system.scale, shots: shots, output: output,
                            seconds: Date().timeIntervalSince(started))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(Array(try encoder.encode(report)), to: output + "/solve_report.json")
        return report
    }

    private static func solveShot(_ entry: DatasetLayout.ShotCaches, layout: DatasetLayout, setup: BlendshapeSetup,
                                  solver: BlendshapeSolver, measure: BlendshapeFit.Measure, output: String, reconstruct: Bool) -> ShotReport {
        let started = Date()
        func failure(_ file: String, _ message: String, ioFailure: Bool = false) -> ShotReport {
            var report = ShotReport(shot: entry.shot, file: file, frames: 0, fit: nil, poses: [], cancelEvents: 0, activeSetSteps: 0,
                                    gemmSeconds: 0, frameSeconds: 0, seconds: Date().timeIntervalSince(started), outputs: [], error: message)
            report.ioFailure = ioFailure
            return report
        }
        guard let file = entry.candidates.first else { return failure("", "no cache") }
        do {
            // Streamed a block of frames at a time, twice (solve, then fit): no copy of the whole shot.
            let cache = try VertexCacheIO.frames(layout.path(file))
            guard cache.frameCount > 0 else { return failure(file, "the cache has no frames") }
            guard cache.vertexCount == setup.rig.vertexCount else {
                return failure(file, "\(cache.vertexCount) vertices, the blendshapes have \(setup.rig.vertexCount) (\(Rules.cacheVertices.id))")
            }
            let read: (Range<Int>, inout [Float]) throws -> Void = { range, buffer in try cache.decode(range, into: &buffer) }
            let result = try solver.solve(frameCount: cache.frameCount, vertexCount: cache.vertexCount, read: read)
            let (fit, reconstruction) = try measure(raw: result.raw, reconstruct: reconstruct, read: read)
            var outputs = ["\(output)/\(entry.shot).npy", "\(output)/\(entry.shot).csv"]
            let poseCount = setup.poseNames.count
            try AtomicFile.write(NpyWriter.encode(floats: result.weights.elements, shape: [cache.frameCount, poseCount]), to: outputs[0])
            let fps = cache.framesPerSecond ?? 30
            try AtomicFile.write(Array(csv(result.weights, names: setup.poseNames, framesPerSecond: fps).utf8), to: outputs[1])
            if let reconstruction {
                let recon = try VertexCache(frameCount: cache.frameCount, vertexCount: cache.vertexCount, positions: reconstruction,
                                            framesPerSecond: fps, source: cache.source)
                let path = "\(output)/recon/\(entry.shot).xml"
                try VertexCacheIO.write(recon, to: path)
                outputs.append(path)
            }
            return ShotReport(shot: entry.shot, file: file, frames: cache.frameCount, fit: fit,
                              poses: usage(result, setup: setup, activePoses: solver.system.activePoses),
                              cancelEvents: result.cancelEvents, activeSetSteps: result.steps, gemmSeconds: result.gemmSeconds,
                              frameSeconds: result.frameSeconds, seconds: Date().timeIntervalSince(started), outputs: outputs, error: nil)
        } catch {
            return failure(file, "\(error)", ioFailure: (error as? FormatError)?.isIOFailure ?? false)
        }
    }

    private static func usage(_ result: BlendshapeSolver.Result, setup: BlendshapeSetup, activePoses: [Int]) -> [PoseUsage] {
        let frames = result.weights.rows
        let rawColumn = Dictionary(uniqueKeysWithValues: activePoses.enumerated().map { ($1, $0) })
        return setup.poseNames.enumerated().map { pose, name in
            let column = (0..<frames).map { Double(result.weights[$0, pose]) }
            let on = rawColumn[pose].map { j in (0..<frames).filter { result.raw[$0, j] > 0.01 }.count } ?? 0
            return PoseUsage(pose: name, active: rawColumn[pose] != nil, mean: frames > 0 ? column.reduce(0, +) / Double(frames) : 0,
                             max: column.max() ?? 0, framesOn: frames > 0 ? Double(on) / Double(frames) : 0)
        }
    }

    /// frame, time (s), then one column per pose.
    static func csv(_ weights: Matrix<Float>, names: [String], framesPerSecond: Double) -> String {
        var lines = ["frame,time," + names.map { $0.contains(",") ? "\"\($0)\"" : $0 }.joined(separator: ",")]
        lines.reserveCapacity(weights.rows + 1)
        for f in 0..<weights.rows {
            let values = (0..<weights.columns).map { String(format: "%.6g", weights[f, $0]) }
            lines.append("\(f),\(String(format: "%.6f", Double(f) / framesPerSecond)),\(values.joined(separator: ","))")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }
}
