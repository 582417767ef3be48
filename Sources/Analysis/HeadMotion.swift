import Foundation
import Linalg

/// Rigid head motion of a shot relative to the neutral pose, separated from facial expression.
///
/// Expressions deform much of a face, so a plain fit over every vertex mistakes a smile for a head
/// turn. This is iteratively reweighted Kabsch: after each fit, every vertex is scored by its RMS
/// distance from the neutral over the shot once the motion is removed, and re-weighted with
/// `w = 1 / (1 + (s / c)²)` where `c` is the median score — vertices that deform (lips, brows, lids)
/// lose their say and the skull, which only moves rigidly, decides.
public struct HeadMotion: Sendable {
    /// Per frame: the transform taking the frame onto the neutral (so its inverse is the head's motion).
    public let transforms: [RigidTransform]
    /// Per-vertex weights of the final fit (of the vertices given).
    public let weights: [Double]
    /// Neutral bounding-box height (Y extent), the scale for translation limits.
    public let headHeight: Double

    /// Rotation angle per frame, degrees.
    public var rotationDegrees: [Double] { transforms.map { $0.angle * 180 / .pi } }
    /// Translation length per frame, mesh units.
    public var translations: [Double] { transforms.map { length($0.translation) } }

    public struct Summary: Sendable, Codable, Equatable {
        public let maxRotationDegrees: Double
        public let rmsRotationDegrees: Double
        public let maxTranslation: Double
        public let rmsTranslation: Double
        /// Translations as % of the head height.
        public let maxTranslationPercent: Double
        public let rmsTranslationPercent: Double
        /// The frame with the largest motion (rotation or translation, against its limit).
        public let worstFrame: Int
        public let passed: Bool
    }

    /// Limits: a head counts as static below 0.25° of rotation and 0.1 % of its height of translation
    /// in every frame — half the motion a viewer starts to notice (0.5°, 0.2 %), and far above what
    /// expressions leave in the robust fit (below 0.02° and 0.01 % on the synthetic shots).
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
    /// M vertices of the neutral); `headHeight` in mesh units. The weights are learned on at most
    /// `weightFrames` evenly spaced frames, then every frame is fitted once with them.
    public static func estimate(reference: [Double], frames: [Float], frameCount: Int, headHeight: Double,
                                iterations: Int = 5, weightFrames: Int = 120) throws -> HeadMotion {
        let m = reference.count / 3
        let width = 3 * m
        let step = max(1, (frameCount + weightFrames - 1) / weightFrames)
        let chosen = Array(stride(from: 0, to: frameCount, by: step))
        var sample = [Float]()
        sample.reserveCapacity(chosen.count * width)
        for f in chosen { sample += frames[(f * width)..<((f + 1) * width)] }
        var weights = [Double](repeating: 1, count: m)
        for _ in 0..<iterations {
            let fits = try Kabsch(reference: reference, weights: weights).fit(frames: sample, frameCount: chosen.count)
            let scores = vertexScores(reference: reference, frames: sample, frameCount: chosen.count, transforms: fits.map(\.transform))
            let sorted = scores.sorted()
            let scale = max(sorted[sorted.count / 2], headHeight * 1e-6)
            weights = scores.map { 1 / (1 + ($0 / scale) * ($0 / scale)) }
        }
        let transforms = try Kabsch(reference: reference, weights: weights).fit(frames: frames, frameCount: frameCount).map(\.transform)
        return HeadMotion(transforms: transforms, weights: weights, headHeight: headHeight)
    }

    /// RMS over frames of each vertex's distance from its reference position after the frame's fit.
    static func vertexScores(reference: [Double], frames: [Float], frameCount: Int, transforms: [RigidTransform]) -> [Double] {
        let m = reference.count / 3
        var sums = [Double](repeating: 0, count: m)
        for f in 0..<frameCount {
            let transform = transforms[f]
            let base = f * 3 * m
            for i in 0..<m {
                let q = SIMD3(Double(frames[base + 3 * i]), Double(frames[base + 3 * i + 1]), Double(frames[base + 3 * i + 2]))
                let d = transform.apply(q) - SIMD3(reference[3 * i], reference[3 * i + 1], reference[3 * i + 2])
                sums[i] += (d * d).sum()
            }
        }
        return sums.map { ($0 / Double(max(frameCount, 1))).squareRoot() }
    }

    /// Evenly spread vertex indices, at most `limit`, for estimating the motion of a large mesh:
    /// rigid motion has six degrees of freedom, and a few thousand vertices fix it as well as all.
    public static func sampleIndices(vertexCount: Int, limit: Int = 1000) -> [Int] {
        let step = max(1, (vertexCount + limit - 1) / limit)
        return Array(stride(from: 0, to: vertexCount, by: step))
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
