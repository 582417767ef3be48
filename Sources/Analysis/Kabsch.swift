import Foundation
import Linalg

/// Why a rigid fit cannot be made.
public enum KabschError: Error, CustomStringConvertible, Equatable {
    case tooFewPoints(Int)
    case collinear
    case shapeMismatch(String)
    case badWeights

    public var description: String {
        switch self {
        case let .tooFewPoints(n): return "a rigid fit needs at least 3 points, got \(n)"
        case .collinear: return "the reference points lie on one line: the rotation about that line is undetermined"
        case let .shapeMismatch(detail): return "rigid fit: \(detail)"
        case .badWeights: return "rigid fit: weights must be finite, non-negative and not all zero"
        }
    }
}

/// Rigid fits of many frames to one reference (Kabsch): for each frame `t`, the proper rotation `R_t`
/// (det +1; a reflection is never returned) and translation `t_t`, without scale, minimising
/// `Σ wᵢ ‖R_t·qᵢ + t_t − pᵢ‖²` — frame → reference, the direction that stabilises a frame.
///
/// All frames are fitted at once: the weighted centroids and the F cross-covariance matrices come
/// from one BLAS product of the frames `[F, 3N]` with a `[3N, 12]` matrix built from the reference,
/// then one 3×3 polar decomposition (Newton; a Jacobi SVD when H is a reflection or nearly
/// singular) per frame. Everything is accumulated in Double, the frames widened a block at a time.
public struct Kabsch: Sendable {
    /// Reference points `[N, 3]` (centimetres).
    public let reference: [Double]
    /// Per-point weights `[N]`, normalised to sum 1.
    public let weights: [Double]
    public var pointCount: Int { reference.count / 3 }
    /// `[3N, 12]` row-major: columns 0–8 give H = Σ wᵢ qᵢ (pᵢ − p̄)ᵀ, columns 9–11 the centroid q̄.
    private let projector: Matrix<Double>
    /// The same weights for frames stored as Float, whose moments are taken without the product.
    private let momentWeights: RigidMomentWeights
    private let referenceCentroid: SIMD3<Double>
    /// Σ wᵢ ‖pᵢ − p̄‖².
    private let referenceSpread: Double

    /// - Parameters:
    ///   - reference: `[N, 3]` points, N ≥ 3, not collinear.
    ///   - weights: `[N]`, non-negative, not all zero; equal weights when nil.
    public init(reference: [Double], weights: [Double]? = nil) throws {
        let n = reference.count / 3
        guard reference.count % 3 == 0 else { throw KabschError.shapeMismatch("reference has \(reference.count) values, not [N, 3]") }
        guard n >= 3 else { throw KabschError.tooFewPoints(n) }
        let w = weights ?? [Double](repeating: 1, count: n)
        guard w.count == n, w.allSatisfy({ $0 >= 0 && $0.isFinite }) else { throw KabschError.badWeights }
        let total = w.reduce(0, +)
        guard total > 0 else { throw KabschError.badWeights }
        let normalised = w.map { $0 / total }
        var centroid = SIMD3<Double>.zero
        for i in 0..<n { centroid += normalised[i] * SIMD3(reference[3 * i], reference[3 * i + 1], reference[3 * i + 2]) }
        // Collinearity of the points that carry weight.
        let carried = (0..<n).filter { normalised[$0] > 0 }.flatMap { Array(reference[(3 * $0)..<(3 * $0 + 3)]).map(Float.init) }
        if try PointSetShape(points: carried).isCollinear { throw KabschError.collinear }

        // B [3N, 12], written as a plain array (the head check builds one per reweighting round).
        var b = [Double](repeating: 0, count: 3 * n * 12)
        var centred = [Double](repeating: 0, count: 3 * n)
        var spread = 0.0
        for i in 0..<n {
            let p = SIMD3(reference[3 * i], reference[3 * i + 1], reference[3 * i + 2]) - centroid
            centred[3 * i] = p.x; centred[3 * i + 1] = p.y; centred[3 * i + 2] = p.z
            spread += normalised[i] * (p * p).sum()
            for a in 0..<3 {
                let row = (3 * i + a) * 12
                for c in 0..<3 { b[row + 3 * a + c] = normalised[i] * p[c] }
                b[row + 9 + a] = normalised[i]
            }
        }
        self.reference = reference
        self.weights = normalised
        self.projector = try Matrix(rows: 3 * n, columns: 12, elements: b)
        self.momentWeights = RigidMomentWeights(centredReference: centred, weights: normalised)
        self.referenceCentroid = centroid
        self.referenceSpread = spread
    }

    /// The fit of each frame.
    public struct Fit: Sendable {
        public let transform: RigidTransform
        /// Weighted RMS distance `√(Σ wᵢ ‖R·qᵢ + t − pᵢ‖²)` after the fit (mesh units).
        public let rmsResidual: Double
    }

    /// Fits `frameCount` frames given as `[F, N, 3]` row-major: the moments straight from the Floats.
    public func fit(frames: [Float], frameCount: Int) throws -> [Fit] {
        try requireShape(frames.count, frameCount: frameCount)
        let (moments, norms) = momentWeights.moments(of: frames, frameCount: frameCount)
        return fits(moments: moments, norms: norms, frameCount: frameCount)
    }

    /// Fits `frameCount` frames given as `[F, N, 3]` row-major: the moments as one product with the
    /// `[3N, 12]` projector.
    public func fit(frames: [Double], frameCount: Int) throws -> [Fit] {
        try requireShape(frames.count, frameCount: frameCount)
        let (moments, norms) = try widenedProduct(frames, rowCount: frameCount, columns: 3 * pointCount,
                                                  weights: momentWeights.coordinateWeights, by: projector)   // [F, 12]
        return fits(moments: moments.elements, norms: norms, frameCount: frameCount)
    }

    private func requireShape(_ valueCount: Int, frameCount: Int) throws {
        guard frameCount >= 0, valueCount == frameCount * 3 * pointCount else {
            throw KabschError.shapeMismatch("\(valueCount) values are not \(frameCount) frames × \(pointCount) points × 3")
        }
    }

    /// Every frame's fit from the moments `[F, 12]` and norms `[F]`.
    private func fits(moments: [Double], norms: [Double], frameCount: Int) -> [Fit] {
        concurrentMap(frameCount) { f in fit(moments: moments, row: f, weightedNorm: norms[f]) }
    }

    /// One frame's fit from its row of moments (H row-major, then q̄) and Σ wᵢ‖qᵢ‖².
    private func fit(moments: [Double], row: Int, weightedNorm: Double) -> Fit {
        let m = row * 12
        let h = Matrix3(rows: SIMD3(moments[m], moments[m + 1], moments[m + 2]), SIMD3(moments[m + 3], moments[m + 4], moments[m + 5]),
                        SIMD3(moments[m + 6], moments[m + 7], moments[m + 8]))
        let centroid = SIMD3(moments[m + 9], moments[m + 10], moments[m + 11])
        let rotation = Self.rotation(fromCrossCovariance: h)
        let translation = referenceCentroid - rotation * centroid
        // Σ w‖R q' − p'‖² = Σ w‖q'‖² + Σ w‖p'‖² − 2 tr(R H), with Σ w‖q'‖² = Σ w‖q‖² − ‖q̄‖².
        let frameSpread = weightedNorm - (centroid * centroid).sum()
        let traceRH = (rotation.row0 * h.column0).sum() + (rotation.row1 * h.column1).sum() + (rotation.row2 * h.column2).sum()
        let residual = max(0, frameSpread + referenceSpread - 2 * traceRH)
        return Fit(transform: RigidTransform(rotation: rotation, translation: translation), rmsResidual: residual.squareRoot())
    }

    /// The proper rotation maximising tr(R·H) for H = Σ w q' p'ᵀ: R = V·diag(1, 1, d)·Uᵀ with
    /// d = sign det(V·Uᵀ), which turns a reflection into the nearest rotation.
    public static func rotation(fromCrossCovariance h: Matrix3) -> Matrix3 {
        // V·Uᵀ is the orthogonal polar factor of Hᵀ; Newton finds it several times faster than an SVD
        // whenever det H > 0 and H is far from singular, which is every ordinary frame.
        if let polar = h.transposed.polarRotation { return polar }
        let svd = SVD3x3(h)
        let vut = svd.v * svd.u.transposed
        let d: Double = vut.determinant < 0 ? -1 : 1
        let correction = Matrix3(rows: SIMD3(1, 0, 0), SIMD3(0, 1, 0), SIMD3(0, 0, d))
        return svd.v * correction * svd.u.transposed
    }
}
