import Analysis
import Foundation
import Formats
import Linalg

/// `faceprep bench solve`: the solver on a synthetic rig of a chosen size, its two stages timed
/// separately, with the inputs of the same problem written for the scipy comparison script.
public enum SolverBenchmark {
    public struct Options: Sendable {
        public var vertices = 24_002
        /// Frontal-mask vertices; nil or equal to `vertices` for no mask.
        public var mask: Int? = 8_000
        public var poses = 52
        public var frames = 900
        public var method = BlendshapeSolver.Method.bvls
        public var repetitions = 3
        public var seed: UInt64 = 1
        public init() {}
    }

    public struct Result: Sendable, Codable {
        public let vertices: Int
        public let maskVertices: Int?
        public let poses: Int
        public let frames: Int
        public let method: BlendshapeSolver.Method
        /// Best of the repetitions, seconds.
        public let gemmSeconds: Double
        public let frameSeconds: Double
        public let totalSeconds: Double
        public let stepsPerFrame: Double
        public let cancelEvents: Int
        public var gemmFramesPerSecond: Double { Double(frames) / gemmSeconds }
        public var frameStageFramesPerSecond: Double { Double(frames) / frameSeconds }
        public var framesPerSecond: Double { Double(frames) / totalSeconds }
    }

    /// A synthetic rig (smooth localised deltas on a head-sized point cloud, left/right symmetry pairs
    /// and two cancel pairs, the guide's typical strengths) and a shot of smoothly varying sparse
    /// weights with a little noise.
    public static func problem(_ options: Options) throws -> (rig: BlendshapeRig, settings: BlendshapeSolverSettings, frames: [Float]) {
        var rng = SeededRandomGenerator(seed: options.seed)
        let v = options.vertices, k = options.poses
        let neutral = (0..<(3 * v)).map { _ in Float.random(in: -12...12, using: &rng) }
        var deltas = [Float](repeating: 0, count: k * 3 * v)
        for pose in 0..<k {
            let centre = (0..<3).map { _ in Float.random(in: -12...12, using: &rng) }
            let direction = (0..<3).map { _ in Float.random(in: -1...1, using: &rng) }
            for vertex in 0..<v {
                var d2: Float = 0
                for c in 0..<3 { d2 += (neutral[3 * vertex + c] - centre[c]) * (neutral[3 * vertex + c] - centre[c]) }
                let falloff = exp(-d2 / 60)
                if falloff < 1e-4 { continue }
                for c in 0..<3 { deltas[pose * 3 * v + 3 * vertex + c] = direction[c] * falloff }
            }
        }
        let maskCount = min(options.mask ?? v, v)
        let mask = maskCount < v ? Array(0..<maskCount) : nil
        let rig = try BlendshapeRig(neutral: neutral, deltas: Matrix(rows: k, columns: 3 * v, elements: deltas), mask: mask)

        var settings = BlendshapeSolverSettings(poseCount: k)
        settings.l1 = 0.5; settings.l2 = 0.5; settings.temporal = 0.3; settings.symmetry = 0.1
        let diagonal = BoundingBox(points: neutral)?.diagonal ?? 1
        settings.templateBBSize = diagonal
        for pair in 0..<(k / 4) { settings.symmetryPairIDs[2 * pair] = pair; settings.symmetryPairIDs[2 * pair + 1] = pair }
        if k >= 4 { settings.cancelPairIDs[k - 4] = 0; settings.cancelPairIDs[k - 3] = 0 }
        if k >= 6 { settings.cancelPairIDs[k - 2] = 1; settings.cancelPairIDs[k - 1] = 1 }

        // Weights: a few poses on at a time, easing in and out.
        var weights = Matrix<Float>(rows: options.frames, columns: k)
        var level = [Float](repeating: 0, count: k), target = [Float](repeating: 0, count: k)
        for f in 0..<options.frames {
            if f % 6 == 0 {
                for pose in 0..<k { target[pose] = Float.random(in: 0...1, using: &rng) < 0.12 ? Float.random(in: 0.2...1, using: &rng) : 0 }
            }
            for pose in 0..<k {
                level[pose] += (target[pose] - level[pose]) * 0.3
                weights[f, pose] = level[pose]
            }
        }
        var frames = try weights.multiplied(by: rig.deltas).elements
        for f in 0..<options.frames {
            for c in 0..<(3 * v) { frames[f * 3 * v + c] += neutral[c] + Float.random(in: -0.002...0.002, using: &rng) }
        }
        return (rig, settings, frames)
    }

    /// Times the solve of `problem` (best of `repetitions`) and returns the last run's solution.
    public static func measure(_ options: Options, rig: BlendshapeRig, settings: BlendshapeSolverSettings, frames: [Float]) throws -> (Result, BlendshapeSolver.Result, BlendshapeSystem) {
        let system = try BlendshapeSystem(rig: rig, settings: settings)
        let solver = try BlendshapeSolver(system: system, method: options.method)
        var best: (gemm: Double, frame: Double, total: Double) = (.infinity, .infinity, .infinity)
        var last: BlendshapeSolver.Result?
        for _ in 0..<max(1, options.repetitions) {
            let start = Date()
            let result = try solver.solve(frames: frames, frameCount: options.frames, vertexCount: options.vertices)
            let total = Date().timeIntervalSince(start)
            best = (min(best.gemm, result.gemmSeconds), min(best.frame, result.frameSeconds), min(best.total, total))
            last = result
        }
        guard let last else { throw BlendshapeSolverError.settings("no repetition ran") }
        let result = Result(vertices: options.vertices, maskVertices: rig.mask?.count, poses: options.poses, frames: options.frames,
                            method: options.method, gemmSeconds: best.gemm, frameSeconds: best.frame, totalSeconds: best.total,
                            stepsPerFrame: Double(last.steps) / Double(max(options.frames, 1)), cancelEvents: last.cancelEvents)
        return (result, last, system)
    }

    /// Writes A, b₀ per frame and the temporal weight and cancel pairs for `Benchmarks/solve_scipy.py`.
    public static func writeScipyInputs(system: BlendshapeSystem, rig: BlendshapeRig, frames: [Float], frameCount: Int, to folder: String) throws {
        let projections = try system.projections(of: frames, frameCount: frameCount, vertexCount: rig.vertexCount)
        try AtomicFile.write(NpyWriter.encode(doubles: system.a.elements, shape: [system.activeCount, system.activeCount]), to: folder + "/A.npy")
        try AtomicFile.write(NpyWriter.encode(doubles: projections.elements, shape: [frameCount, system.activeCount]), to: folder + "/B0.npy")
        let pairs = system.cancelPairs.map { "[\($0.0), \($0.1)]" }.joined(separator: ", ")
        try AtomicFile.write(Array("{\"temporal_weight\": \(system.temporalWeight), \"cancel_pairs\": [\(pairs)]}".utf8), to: folder + "/params.json")
    }
}

extension SolverBenchmark {
    /// The weights the scipy script wrote, `[F, Ka]` row-major.
    public static func readWeights(_ path: String) throws -> [Double] { try NpyArray.read(path).doubles() }

    /// Solver weights `[F, Ka]` as float64 .npy.
    public static func writeWeights(_ weights: Matrix<Double>, to path: String) throws {
        try AtomicFile.write(NpyWriter.encode(doubles: weights.elements, shape: [weights.rows, weights.columns]), to: path)
    }
}

extension SolverBenchmark {
    /// How faceprep's weights compare with another solver's on the same frames.
    public struct Comparison: Sendable, Codable {
        public let frames: Int
        /// Frames from the start on which both agree to 1e-6, and their largest difference there.
        public let agreeingFrames: Int
        public let largestDifferenceWhileAgreeing: Double
        /// Where they first part: the frame, and each answer's objective ‖A·x − b‖² on that frame's b
        /// (built from the common previous frame), so the better one can be told.
        public let firstDivergentFrame: Int?
        public let faceprepObjective: Double?
        public let otherObjective: Double?
    }

    public static func compare(_ ours: Matrix<Double>, with theirs: [Double], frames: Int, system: BlendshapeSystem,
                               rig: BlendshapeRig, targets: [Float]) throws -> Comparison {
        let n = ours.columns
        let count = min(frames, ours.rows, theirs.count / max(n, 1))
        var largest = 0.0
        for f in 0..<count {
            let difference = (0..<n).map { abs(ours[f, $0] - theirs[f * n + $0]) }.max() ?? 0
            if difference > 1e-6 {
                let projections = try system.projections(of: Array(targets[(f * rig.neutral.count)..<((f + 1) * rig.neutral.count)]),
                                                         frameCount: 1, vertexCount: rig.vertexCount)
                let b = (0..<n).map { projections[0, $0] + (f > 0 ? system.temporalWeight * theirs[(f - 1) * n + $0] : 0) }
                func objective(_ x: [Double]) throws -> Double {
                    let ax = try system.a.multiplied(by: x)
                    return zip(ax, b).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
                }
                return Comparison(frames: count, agreeingFrames: f, largestDifferenceWhileAgreeing: largest, firstDivergentFrame: f,
                                  faceprepObjective: try objective(ours.row(f)), otherObjective: try objective(Array(theirs[(f * n)..<((f + 1) * n)])))
            }
            largest = max(largest, difference)
        }
        return Comparison(frames: count, agreeingFrames: count, largestDifferenceWhileAgreeing: largest, firstDivergentFrame: nil,
                          faceprepObjective: nil, otherObjective: nil)
    }
}
