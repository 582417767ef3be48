import Foundation
import Linalg

/// Rigid head motion of a shot relative to the neutral pose, separated from facial expression.
///
/// Expressions deform most of a real face (94 % of the ICT-FaceKit skin moves in some pose), so a
/// fit over every vertex mistakes a smile for a head turn. The fit runs on candidate vertices —
/// the rig's rigid set (`RigidVertexSet`) when there is one, else an even sample of the mesh — and
/// is iteratively reweighted Kabsch run to convergence: after each fit every candidate is scored by
/// its RMS distance from the neutral over the shot once the motion is removed, and weighted
/// `w = 1 / (1 + (s / c)²)`. The scale `c` is the median score of the best-fitting
/// `rigidFraction` of the candidates — the part of the head that is rigid — not of the whole face,
/// so deforming vertices get almost no say however many there are.
public struct HeadMotion: Sendable {
    /// Per frame: the transform taking the frame onto the neutral (so its inverse is the head's motion).
    public let transforms: [RigidTransform]
    /// Per-vertex weights of the final fit (of the vertices given).
    public let weights: [Double]
    /// Neutral bounding-box height (Y extent), the scale for translation limits, mesh units.
    public let headHeight: Double
    /// The point whose displacement is reported as the translation: the neutral's bounding-box
    /// centre, so the figure does not depend on where the mesh's origin is.
    public let centre: SIMD3<Double>
    /// Reweighting rounds until the weights settled.
    public let iterations: Int

    /// Rotation angle per frame, degrees.
    public var rotationDegrees: [Double] { transforms.map { $0.angle * 180 / .pi } }
    /// Displacement of the head's centre per frame, mesh units.
    public var translations: [Double] { transforms.map { length($0.apply(centre) - centre) } }

    public struct Summary: Sendable, Codable, Equatable {
        public let maxRotationDegrees: Double
        public let rmsRotationDegrees: Double
        /// Largest displacement of the head's centre, mesh units.
        public let maxTranslation: Double
        public let rmsTranslation: Double
        /// Translations as % of the head height.
        public let maxTranslationPercent: Double
        public let rmsTranslationPercent: Double
        /// The frame with the largest motion (rotation or translation, against its limit), 0-based.
        public let worstFrame: Int
        public let passed: Bool
    }

    /// Limits: a head counts as static below 0.25° of rotation and 0.1 % of its height of translation
    /// in every frame — half the motion a viewer starts to notice (0.5°, 0.2 %), and far above what
    /// expressions leave in the fit (below 1e-4° and 1e-4 % on the ICT-FaceKit rig with any weights
    /// in [0, 1]; the tests hold it to 0.02° and 0.01 %).
    public static let rotationLimitDegrees = 0.25
    public static let translationLimitPercent = 0.1

    public var summary: Summary {
        let rotations = rotationDegrees, shifts = translations
        let percent = shifts.map { $0 / max(headHeight, 1e-12) * 100 }
        let score = zip(rotations, percent).map { max($0 / Self.rotationLimitDegrees, $1 / Self.translationLimitPercent) }
        let worst = score.indices.max { score[$0] < score[$1] } ?? 0
        func rms(_ v: [Double]) -> Double { v.isEmpty ? 0 : (v.reduce(0) { $0 + $1 * $1 } / Double(v.count)).squareRoot() }
        return Summary(maxRotationDegrees: rotations.max() ?? 0, rmsRotationDegrees: rms(rotations),
                       maxTranslation: shifts.max() ?? 0, rmsTranslation: rms(shifts),
                       maxTranslationPercent: percent.max() ?? 0, rmsTranslationPercent: rms(percent),
                       worstFrame: worst, passed: (score.max() ?? 0) < 1)
    }

    /// Estimates the motion of `frameCount` frames `[F, M, 3]` against `reference` `[M, 3]` (the same
    /// M candidate vertices of the neutral); `headHeight` and `centre` in mesh units.
    ///
    /// The weights are learned on at most `weightFrames` evenly spaced frames, until no weight
    /// changes by more than 1e-4 (at most `maxIterations` rounds), then every frame is fitted once
    /// with them. `rigidFraction` is the share of the candidates assumed rigid: 0.1 for a sample of
    /// the whole mesh (real rigs have 5–10 % skull and neck), 0.5 for a rig's rigid set.
    public static func estimate(reference: [Double], frames: [Float], frameCount: Int, headHeight: Double,
                                centre: SIMD3<Double>, rigidFraction: Double = 0.1,
                                maxIterations: Int = 50, weightFrames: Int = 120) throws -> HeadMotion {
        let m = reference.count / 3
        let width = 3 * m
        let step = max(1, (frameCount + weightFrames - 1) / weightFrames)
        let chosen = Array(stride(from: 0, to: frameCount, by: step))
        var sample = [Float]()
        sample.reserveCapacity(chosen.count * width)
        for f in chosen { sample += frames[(f * width)..<((f + 1) * width)] }
        let rigidCount = min(m, max(3, Int((rigidFraction * Double(m)).rounded())))
        let floor = max(headHeight, 1e-12) * 1e-7
        var weights = [Double](repeating: 1, count: m)
        var rounds = 0
        while rounds < maxIterations, !chosen.isEmpty {
            rounds += 1
            let fits = try Kabsch(reference: reference, weights: weights).fit(frames: sample, frameCount: chosen.count)
            let scores = vertexScores(reference: reference, frames: sample, frameCount: chosen.count, transforms: fits.map(\.transform))
            // The median of the rigidCount smallest scores.
            let scale = max(Summation.orderStatistic(scores, min(rigidCount, scores.count) / 2), floor)
            let updated = scores.map { 1 / (1 + ($0 / scale) * ($0 / scale)) }
            let change = zip(updated, weights).map { abs($0 - $1) }.max() ?? 0
            weights = updated
            if change < 1e-4 { break }
        }
        let transforms = try Kabsch(reference: reference, weights: weights).fit(frames: frames, frameCount: frameCount).map(\.transform)
        return HeadMotion(transforms: transforms, weights: weights, headHeight: headHeight, centre: centre, iterations: rounds)
    }

    /// RMS over frames of each vertex's distance from its reference position after the frame's fit.
    static func vertexScores(reference: [Double], frames: [Float], frameCount: Int, transforms: [RigidTransform]) -> [Double] {
        let m = reference.count / 3
        var sums = [Double](repeating: 0, count: m)
        // Scalar arithmetic on raw buffers: what `transform.apply(q) − p` computes, without
        // building a SIMD3 (and a bounds check) per coordinate.
        frames.withUnsafeBufferPointer { q in
            reference.withUnsafeBufferPointer { p in
                sums.withUnsafeMutableBufferPointer { s in
                    for f in 0..<min(frameCount, transforms.count) where (f + 1) * 3 * m <= q.count {
                        let r = transforms[f].rotation, t = transforms[f].translation
                        let (r0, r1, r2) = (r.row0, r.row1, r.row2)
                        let base = f * 3 * m
                        for i in 0..<m {
                            let x = Double(q[base + 3 * i]), y = Double(q[base + 3 * i + 1]), z = Double(q[base + 3 * i + 2])
                            let dx = (r0.x * x + r0.y * y + r0.z * z) + t.x - p[3 * i]
                            let dy = (r1.x * x + r1.y * y + r1.z * z) + t.y - p[3 * i + 1]
                            let dz = (r2.x * x + r2.y * y + r2.z * z) + t.z - p[3 * i + 2]
                            s[i] += dx * dx + dy * dy + dz * dz
                        }
                    }
                }
            }
        }
        return sums.map { ($0 / Double(max(frameCount, 1))).squareRoot() }
    }

    /// Evenly spread vertex indices, at most `limit`, for estimating the motion of a large mesh:
    /// rigid motion has six degrees of freedom, and a few thousand vertices fix it as well as all.
    public static func sampleIndices(vertexCount: Int, limit: Int = 1000) -> [Int] {
        sample(Array(0..<max(vertexCount, 0)), limit: limit)
    }

    /// At most `limit` of `indices`, evenly spread through the list.
    public static func sample(_ indices: [Int], limit: Int = 1000) -> [Int] {
        let step = max(1, (indices.count + limit - 1) / limit)
        return Array(stride(from: 0, to: indices.count, by: step)).map { indices[$0] }
    }
}

extension RigidTransform {
    /// Applies each frame's transform to every vertex of `[F, V, 3]` positions: per frame one BLAS
    /// product `[V, 3] · Rᵀ` plus `t`.
    public static func apply(_ transforms: [RigidTransform], to positions: [Float], vertexCount: Int) throws -> [Float] {
        let frames = transforms.count
        guard positions.count == frames * vertexCount * 3 else {
            throw KabschError.shapeMismatch("\(positions.count) values are not \(frames) frames × \(vertexCount) vertices × 3")
        }
        let all = try Matrix(rows: frames * vertexCount, columns: 3, elements: positions)
        var out = [Float]()
        out.reserveCapacity(positions.count)
        var frame = Matrix<Float>(rows: vertexCount, columns: 3)
        for (f, transform) in transforms.enumerated() {
            let rt = try Matrix<Float>(rows: 3, columns: 3, elements: transform.rotation.transposed.rowMajor.map(Float.init))
            try gemm(all.view(rows: (f * vertexCount)..<((f + 1) * vertexCount)), rt.view, into: &frame)
            let t = [Float(transform.translation.x), Float(transform.translation.y), Float(transform.translation.z)]
            for (i, value) in frame.elements.enumerated() { out.append(value + t[i % 3]) }
        }
        return out
    }
}
