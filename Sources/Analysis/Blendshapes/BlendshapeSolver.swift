import Foundation
import Linalg

/// Solves blendshape weights for every frame of a shot, as the Audio2Face runtime does.
///
/// Two stages: one batched GEMM for everything that does not depend on the previous frame
/// (Dᵀ(t − n) for all frames, then times A), and a sequential per-frame bounded solve, because the
/// temporal term feeds each frame's solution into the next frame's right-hand side.
public struct BlendshapeSolver: Sendable {
    public enum Method: String, Sendable, Codable, CaseIterable {
        /// The SDK's CPU path: bounded least squares solved to optimality (an exact active-set method).
        case bvls
        /// The SDK's GPU path: four ADMM iterations, a different (approximate) answer.
        case admm
    }

    public let system: BlendshapeSystem
    public let method: Method
    /// Frames read and projected at a time by `ShotSolve` when no fit is measured.
    public static let framesPerBlock = 128
    private let admm: ADMMIterations?

    public init(system: BlendshapeSystem, method: Method = .bvls) throws {
        self.system = system
        self.method = method
        admm = method == .admm ? try ADMMIterations(a: system.a, hessian: system.hessian) : nil
    }

    /// A shot's solution.
    public struct Result: Sendable {
        /// `[F, K]` for every pose of the rig: inactive poses 0, then `w·multiplier + offset`.
        public let weights: Matrix<Float>
        /// `[F, Ka]`: the solver's own weights for the active poses, before multipliers and offsets
        /// (what reconstructs the mesh, and what feeds the next frame).
        public let raw: Matrix<Double>
        /// Frames on which a cancel pair was both on and one of it had to be switched off.
        public let cancelEvents: Int
        /// Active-set steps over all frames (BVLS) — 1 per frame when every warm start was right.
        public let steps: Int
        /// Seconds spent in the batched GEMM stage and in the per-frame stage.
        public let gemmSeconds: Double
        public let frameSeconds: Double
    }

    /// Solves `frames` `[F, 3V]` (positions, mesh units).
    public func solve(frames: [Float], frameCount: Int, vertexCount: Int) throws -> Result {
        let clock = Date()
        let projections = try system.projections(of: frames, frameCount: frameCount, vertexCount: vertexCount)
        return try solve(projections: projections, since: clock)
    }

    /// The per-frame stage, from Dᵀ(t − n) of every frame `[F, Ka]`; `since` is when the GEMM stage began.
    private func solve(projections: Matrix<Double>, since clock: Date) throws -> Result {
        let gemmSeconds = Date().timeIntervalSince(clock)
        var stage = try FrameStage(solver: self, frameCount: projections.rows)
        try stage.solve(projections.elements, count: projections.rows)
        return try stage.result(gemmSeconds: gemmSeconds)
    }

    /// The sequential per-frame solve, fed a block of frames at a time: the temporal term carries each
    /// frame's solution into the next frame's right-hand side, and the active set warm-starts frame to
    /// frame, so blocks must come in order.
    public struct FrameStage {
        let solver: BlendshapeSolver
        /// `[F, Ka]`, filled as blocks are solved.
        public private(set) var raw: [Double]
        /// Frames solved so far.
        public private(set) var solved = 0
        private var previous: [Double]
        private var quadratic: BoundedQuadratic
        private var cancelEvents = 0, steps = 0
        private var seconds = 0.0

        public init(solver: BlendshapeSolver, frameCount: Int) throws {
            self.solver = solver
            let ka = solver.system.activeCount
            raw = [Double](repeating: 0, count: frameCount * ka)
            previous = [Double](repeating: 0, count: ka)
            quadratic = try BoundedQuadratic(hessian: solver.system.hessian)
        }

        /// Solves the next `count` frames from their Dᵀ(t − n), `projections[0 ..< count × Ka]`.
        public mutating func solve(_ projections: [Double], count: Int) throws {
            let start = Date()
            defer { seconds += Date().timeIntervalSince(start) }
            let system = solver.system, ka = system.activeCount
            guard count >= 0, solved + count <= raw.count / max(ka, 1), projections.count >= count * ka else {
                throw BlendshapeSolverError.shape("\(count) more frames of projections for a shot of \(raw.count / max(ka, 1)) frames")
            }
            if let bad = projections[0..<(count * ka)].firstIndex(where: { !$0.isFinite }) {
                throw BlendshapeSolverError.shape("frame \(solved + bad / max(ka, 1)) holds non-finite positions; vertex positions must be finite numbers")
            }
            // Aᵀb₀ for the block at once (A symmetric): [count, Ka].
            var normals = [Double](repeating: 0, count: count * ka)
            try gemm(rows: count, columns: ka, inner: ka, projections, system.a.elements, into: &normals)
            // Plain arrays in this loop: it runs per frame, and generic Matrix accessors across modules
            // cost a metadata lookup per call.
            let ones = [Double](repeating: 1, count: ka)
            let a = system.a.elements
            var b = [Double](repeating: 0, count: ka), q = [Double](repeating: 0, count: ka)
            for row in 0..<count {
                let f = solved + row
                for j in 0..<ka {
                    b[j] = projections[row * ka + j]
                    q[j] = normals[row * ka + j]
                }
                if system.temporalWeight > 0, f > 0 {
                    // b += λT·s·x_prev and, A being symmetric, q = A·b gains λT·s·A·x_prev.
                    for i in 0..<ka {
                        var pull = 0.0
                        for j in 0..<ka { pull += a[i * ka + j] * previous[j] }
                        q[i] += system.temporalWeight * pull
                        b[i] += system.temporalWeight * previous[i]
                    }
                }
                var upper = ones
                var x = try solver.solveFrame(b: b, q: q, upper: upper, quadratic: &quadratic, steps: &steps, frame: f)
                // Cancel pairs: the smaller of each pair is held at ~0 and the frame solved again.
                var cancelled = false
                for (i, j) in system.cancelPairs {
                    let smaller = x[i] < x[j] ? i : j   // a tie switches off the pair's second pose
                    if x[smaller] > 1e-10 { cancelled = true }
                    upper[smaller] = 1e-10
                }
                if cancelled { cancelEvents += 1 }
                // The exact solve cannot change when every smaller weight is already within the new bound;
                // ADMM's iterates can, so it always solves again, as the SDK does.
                if cancelled || (solver.method == .admm && !system.cancelPairs.isEmpty) {
                    x = try solver.solveFrame(b: b, q: q, upper: upper, quadratic: &quadratic, steps: &steps, frame: f)
                }
                for j in 0..<ka { raw[f * ka + j] = x[j] }
                previous = x
            }
            solved += count
        }

        /// The shot's solution once every frame is solved; `gemmSeconds` is the time spent outside this stage.
        public func result(gemmSeconds: Double) throws -> Result {
            let system = solver.system, ka = system.activeCount, frameCount = raw.count / max(ka, 1)
            let raw = try Matrix<Double>(rows: frameCount, columns: ka, elements: self.raw)
            let settings = system.settings, poseCount = settings.poseCount
            var weightElements = [Float](repeating: 0, count: frameCount * poseCount)
            for f in 0..<frameCount {
                for pose in 0..<poseCount { weightElements[f * poseCount + pose] = Float(settings.offsets[pose]) }
                for (j, pose) in system.activePoses.enumerated() {
                    weightElements[f * poseCount + pose] = Float(self.raw[f * ka + j] * settings.multipliers[pose] + settings.offsets[pose])
                }
            }
            let weights = try Matrix<Float>(rows: frameCount, columns: poseCount, elements: weightElements)
            return Result(weights: weights, raw: raw, cancelEvents: cancelEvents, steps: steps,
                          gemmSeconds: gemmSeconds, frameSeconds: seconds)
        }
    }

    fileprivate func solveFrame(b: [Double], q: [Double], upper: [Double], quadratic: inout BoundedQuadratic, steps: inout Int, frame: Int) throws -> [Double] {
        switch method {
        case .bvls:
            do { steps += try quadratic.solve(q: q, upper: upper) } catch LinalgError.noConvergence(_, let iterations) {
                throw BlendshapeSolverError.notConverged(frame: frame, iterations: iterations)
            } catch LinalgError.rankDeficient(_, let index) {
                let pose = system.activePoses[index]
                throw BlendshapeSolverError.singular("frame \(frame): pose \(pose) is a linear combination of the other free poses on the mask; add L2 regularisation or deactivate dependent poses")
            }
            return quadratic.x
        case .admm:
            steps += ADMMIterations.count
            return try admm?.solve(b: b, q: q, upper: upper) ?? b
        }
    }
}

/// The SDK's GPU solve: precomputed A⁻¹, M = AᵀA, wᵢ = 0.25·√Mᵢᵢ, P = (M + diag(w²))⁻¹; per frame
/// z = clip(A⁻¹b), u = 0, then four times x = P(W²(z − u) + Aᵀb), z′ = clip(u + x), u′ = u + 1.9(x − z′);
/// the answer is z.
struct ADMMIterations: Sendable {
    static let count = 4
    static let relaxation = 1.9
    let inverseA: Matrix<Double>
    let p: Matrix<Double>
    let wSquared: [Double]

    init(a: Matrix<Double>, hessian: Matrix<Double>) throws {
        let n = a.rows
        inverseA = try Self.inverse(a)
        wSquared = (0..<n).map { 0.0625 * hessian[$0, $0] }   // (0.25·√Mᵢᵢ)²
        var shifted = hessian
        for i in 0..<n { shifted[i, i] += wSquared[i] }
        p = try Self.inverse(shifted)
    }

    func solve(b: [Double], q: [Double], upper: [Double]) throws -> [Double] {
        let n = b.count
        func clip(_ v: [Double]) -> [Double] { (0..<n).map { min(max(v[$0], 0), upper[$0]) } }
        var z = clip(try inverseA.multiplied(by: b))
        var u = [Double](repeating: 0, count: n)
        for _ in 0..<Self.count {
            let rhs = (0..<n).map { wSquared[$0] * (z[$0] - u[$0]) + q[$0] }
            let x = try p.multiplied(by: rhs)
            z = clip((0..<n).map { u[$0] + x[$0] })
            u = (0..<n).map { u[$0] + Self.relaxation * (x[$0] - z[$0]) }
        }
        return z
    }

    static func inverse(_ m: Matrix<Double>) throws -> Matrix<Double> {
        do {
            return try CholeskyFactorization(m).solve(Matrix<Double>.identity(m.rows))
        } catch {
            throw BlendshapeSolverError.singular("the solve's matrix is not positive definite (\(error)); add L2 regularisation or deactivate dependent poses")
        }
    }
}
