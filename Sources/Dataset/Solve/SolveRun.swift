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
        /// Where the fit error is measured: the whole mesh (and the mask), the mask alone, or nil for no fit.
        public var fit: BlendshapeFit.Scope? = .mesh
        /// Shots solved at once (default: one per core).
        public var workers: Int?
        public var progress: @Sendable (String) -> Void = { _ in }
        /// Shots already solved (by a shard, or an earlier run whose outputs are unchanged): reported as
        /// they are, not solved again. They are reported even when `shots` does not name them.
        public var known: [String: ShotReport] = [:]
        /// Called with each shot's report as soon as its outputs are written.
        public var record: @Sendable (ShotReport) -> Void = { _ in }
        /// Whether OUT/solve_report.json is written (a shard leaves it to the merge).
        public var writeReport = true
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
        /// Where fit errors were measured: "mesh", "mask" or "none".
        public let fit: String
        public let shots: [ShotReport]
        public let output: String
        public let seconds: Double

        public var failed: Bool { shots.contains { $0.error != nil } }
    }

    public static func run(_ root: String, options: Options = Options()) throws -> Report {
        let started = Date()
        let layout = try DatasetLayout.discover(root)
        let kind = options.tongue ? "tongue" : "skin"
        let archive = options.archive.map(absolute) ?? (options.tongue ? DatasetFiles.bsTongue : DatasetFiles.bsSkin)
        let config = options.config.map(absolute) ?? (options.tongue ? DatasetFiles.bsTongueConfig : DatasetFiles.bsSkinConfig)
        let neutralFile = options.tongue ? DatasetFiles.tongueNeutral : DatasetFiles.skinNeutral
        let key = SolvePreparation.Key(files: [archive, config, neutralFile].map(layout.path), method: options.method, fit: options.fit)
        let prepared = try SolvePreparation.reuse(key) {
            let setup = try BlendshapeSetup.load(layout: layout, archive: archive, config: config, neutralFile: neutralFile)
            // The packed system and the packed fit measure are independent: the measure is built on another
            // thread while the system, the longer of the two (12 against 4 ms on a 24,002-vertex rig), spreads
            // itself over the cores.
            let activePoses = BlendshapeSystem.activePoses(setup.settings)
            let fit = options.fit, rig = setup.rig
            let measuring = BackgroundWork { try fit.map { try BlendshapeFit.Measure(rig: rig, activePoses: activePoses, scope: $0) } }
            let system = try BlendshapeSystem(rig: setup.rig, settings: setup.settings, threads: ComputeThreads.count)
            let measure = try measuring.value()
            return SolvePreparation(setup: setup, system: system, solver: try BlendshapeSolver(system: system, method: options.method), measure: measure)
        }
        let setup = prepared.setup, system = prepared.system, solver = prepared.solver, measure = prepared.measure
        let all = options.tongue ? layout.tongue : layout.skin
        try layout.requireShots(options.shots, kind: kind)
        let entries = all.filter { options.shots.isEmpty || options.shots.contains($0.shot) || options.known[$0.shot] != nil }
        let output = options.output.map(absolute) ?? layout.path(options.tongue ? "solve_tongue" : "solve")
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        if options.writeReconstruction { try FileManager.default.createDirectory(atPath: output + "/recon", withIntermediateDirectories: true) }

        let done = Counter()
        // Only the shots not known take cores (threads are shared out among them).
        let toSolve = entries.filter { options.known[$0.shot] == nil }
        let solved = parallelMap(toSolve, workers: options.workers) { entry -> ShotReport in
            defer { options.progress("solve \(done.increment())/\(toSolve.count): \(entry.shot)") }
            let report = solveShot(entry, layout: layout, setup: setup, solver: solver, measure: measure, output: output,
                                   reconstruct: options.writeReconstruction)
            options.record(report)
            return report
        }
        var solvedByShot = Dictionary(zip(toSolve.map(\.shot), solved), uniquingKeysWith: { a, _ in a })
        let shots = entries.compactMap { options.known[$0.shot] ?? solvedByShot.removeValue(forKey: $0.shot) }
        let report = Report(root: root, kind: kind, method: options.method, archive: setup.archiveFile, config: setup.configFile,
                            poseNames: setup.poseNames, activePoses: system.activeCount, maskVertices: setup.rig.mask?.count,
                            meshVertices: setup.rig.vertexCount, regularizationScale: system.scale, fit: options.fit?.rawValue ?? "none", shots: shots, output: output,
                            seconds: Date().timeIntervalSince(started))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        if options.writeReport { try AtomicFile.write(Array(try encoder.encode(report)), to: output + "/solve_report.json") }
        return report
    }

    private static func solveShot(_ entry: DatasetLayout.ShotCaches, layout: DatasetLayout, setup: BlendshapeSetup,
                                  solver: BlendshapeSolver, measure: BlendshapeFit.Measure?, output: String, reconstruct: Bool) -> ShotReport {
        let started = Date()
        func failure(_ file: String, _ message: String, ioFailure: Bool = false) -> ShotReport {
            var report = ShotReport(shot: entry.shot, file: file, frames: 0, fit: nil, poses: [], cancelEvents: 0, activeSetSteps: 0,
                                    gemmSeconds: 0, frameSeconds: 0, seconds: Date().timeIntervalSince(started), outputs: [], error: message)
            report.ioFailure = ioFailure
            return report
        }
        guard let file = entry.candidates.first else { return failure("", "no cache") }
        do {
            let cache = try VertexCacheIO.frames(layout.path(file))
            guard cache.frameCount > 0 else { return failure(file, "the cache has no frames") }
            guard cache.vertexCount == setup.rig.vertexCount else {
                return failure(file, "\(cache.vertexCount) vertices, the blendshapes have \(setup.rig.vertexCount) (\(Rules.cacheVertices.id))")
            }
            // One pass: each block of frames is read once (the mask's coordinates, or whole frames for the
            // whole-mesh fit), solved and measured.
            let outcome = try ShotSolve.run(solver: solver, measure: measure, reconstruct: reconstruct, frameCount: cache.frameCount) {
                range, selection, buffer in try cache.decode(range, selecting: selection, into: &buffer, threads: ComputeThreads.count)
            }
            let result = outcome.result, fit = outcome.fit, reconstruction = outcome.reconstruction
            var outputs = ["\(output)/\(entry.shot).npy", "\(output)/\(entry.shot).csv"]
            let poseCount = setup.poseNames.count
            try AtomicFile.write(NpyWriter.encode(floats: result.weights.elements, shape: [cache.frameCount, poseCount]), to: outputs[0])
            let fps = cache.framesPerSecond ?? 30
            try AtomicFile.write(csv(result.weights, names: setup.poseNames, framesPerSecond: fps), to: outputs[1])
            // The fit over time and over the mesh, for `faceprep report`: fit/<shot>.npz.
            if let frameRMS = outcome.frameRMS, let (vertices, rms) = outcome.vertexRMS {
                var perVertex = [Float](repeating: .nan, count: setup.rig.vertexCount)
                for (vertex, value) in zip(vertices, rms) where vertex >= 0 && vertex < perVertex.count { perVertex[vertex] = Float(value) }
                let path = "\(output)/fit/\(entry.shot).npz"
                try FileManager.default.createDirectory(atPath: output + "/fit", withIntermediateDirectories: true)
                try NpzArchive.write([(key: "frameRMS", npy: NpyWriter.encode(floats: frameRMS.map(Float.init), shape: [frameRMS.count])),
                                      (key: "vertexRMS", npy: NpyWriter.encode(floats: perVertex, shape: [perVertex.count]))], to: path)
                outputs.append(path)
            }
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
        let frames = result.weights.rows, poses = result.weights.columns, ka = result.raw.columns
        let weights = result.weights.elements, raw = result.raw.elements
        let rawColumn = Dictionary(uniqueKeysWithValues: activePoses.enumerated().map { ($1, $0) })
        return setup.poseNames.enumerated().map { pose, name in
            var sum = 0.0, maximum = -Double.infinity, on = 0
            for f in 0..<frames {
                let w = Double(weights[f * poses + pose])
                sum += w
                maximum = max(maximum, w)
            }
            if let j = rawColumn[pose] { for f in 0..<frames where raw[f * ka + j] > 0.01 { on += 1 } }
            return PoseUsage(pose: name, active: rawColumn[pose] != nil, mean: frames > 0 ? sum / Double(frames) : 0,
                             max: frames > 0 ? maximum : 0, framesOn: frames > 0 ? Double(on) / Double(frames) : 0)
        }
    }

    /// frame, time (s), then one column per pose (`%.6g`; time `%.6f`).
    static func csv(_ weights: Matrix<Float>, names: [String], framesPerSecond: Double) -> [UInt8] {
        var bytes = Array(("frame,time," + names.map { $0.contains(",") ? "\"\($0)\"" : $0 }.joined(separator: ",") + "\n").utf8)
        bytes.reserveCapacity(bytes.count + weights.rows * (weights.columns * 10 + 16))
        let values = weights.elements, columns = weights.columns
        for f in 0..<weights.rows {
            bytes += Array(String(f).utf8)
            bytes.append(UInt8(ascii: ","))
            NumberText.append(Double(f) / framesPerSecond, format: "%.6f", to: &bytes)
            for c in 0..<columns {
                bytes.append(UInt8(ascii: ","))
                NumberText.appendSixSignificant(values[f * columns + c], to: &bytes)   // printf's %.6g, exactly
            }
            bytes.append(UInt8(ascii: "\n"))
        }
        return bytes
    }

    private static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }
}
