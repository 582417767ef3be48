/// Singular value decomposition of a 3×3 matrix, `A = U·diag(σ)·Vᵀ`, without LAPACK.
///
/// Kabsch needs one 3×3 SVD per frame, hundreds of thousands of times; a LAPACK call per matrix costs
/// more in set-up than in arithmetic. This is one-sided Jacobi (Hestenes), which orthogonalises the
/// columns of `A` by plane rotations: it is accurate to a few ulps even for nearly singular matrices,
/// and rank-deficient input gets an orthonormal `U` completed by cross products.
///
/// `σ` is descending and non-negative; `U` and `V` are orthogonal (their determinants may be −1).
public struct SVD3x3: Sendable {
    public let u: Matrix3
    public let singularValues: SIMD3<Double>
    public let v: Matrix3

    public init(_ a: Matrix3) {
        var cols = [a.column0, a.column1, a.column2]
        var vs = [SIMD3<Double>(1, 0, 0), SIMD3<Double>(0, 1, 0), SIMD3<Double>(0, 0, 1)]
        let pairs = [(0, 1), (0, 2), (1, 2)]
        for _ in 0..<60 {
            var rotated = false
            for (p, q) in pairs {
                let alpha = (cols[p] * cols[p]).sum()
                let beta = (cols[q] * cols[q]).sum()
                let gamma = (cols[p] * cols[q]).sum()
                guard gamma != 0, Swift.abs(gamma) > 1e-15 * (alpha * beta).squareRoot() else { continue }
                rotated = true
                let zeta = (beta - alpha) / (2 * gamma)
                let t = (zeta >= 0 ? 1.0 : -1.0) / (Swift.abs(zeta) + (1 + zeta * zeta).squareRoot())
                let c = 1 / (1 + t * t).squareRoot()
                let s = c * t
                let (ap, aq) = (cols[p], cols[q])
                cols[p] = c * ap - s * aq
                cols[q] = s * ap + c * aq
                let (vp, vq) = (vs[p], vs[q])
                vs[p] = c * vp - s * vq
                vs[q] = s * vp + c * vq
            }
            if !rotated { break }
        }
        var sigma = cols.map(length)
        // Sort descending, permuting columns of the rotated A and of V alike.
        let order = [0, 1, 2].sorted { sigma[$0] > sigma[$1] }
        cols = order.map { cols[$0] }
        vs = order.map { vs[$0] }
        sigma = order.map { sigma[$0] }

        let tolerance = Swift.max(sigma[0], Double.leastNormalMagnitude) * 1e-13
        var us = [SIMD3<Double>](repeating: .zero, count: 3)
        if sigma[0] <= Double.leastNormalMagnitude {
            us = [SIMD3(1, 0, 0), SIMD3(0, 1, 0), SIMD3(0, 0, 1)]
        } else {
            us[0] = cols[0] / sigma[0]
            us[1] = sigma[1] > tolerance ? cols[1] / sigma[1] : SVD3x3.unitOrthogonal(to: us[0])
            if sigma[2] > tolerance {
                us[2] = cols[2] / sigma[2]
            } else {
                us[2] = cross(us[0], us[1])
            }
        }
        self.u = Matrix3(columns: us[0], us[1], us[2])
        self.singularValues = SIMD3(sigma[0], sigma[1], sigma[2])
        self.v = Matrix3(columns: vs[0], vs[1], vs[2])
    }

    /// Some unit vector orthogonal to the unit vector `w`.
    static func unitOrthogonal(to w: SIMD3<Double>) -> SIMD3<Double> {
        // Cross with the axis least aligned with w, which keeps the result well-conditioned.
        let axis: SIMD3<Double> = Swift.abs(w.x) <= Swift.abs(w.y) && Swift.abs(w.x) <= Swift.abs(w.z)
            ? SIMD3(1, 0, 0) : (Swift.abs(w.y) <= Swift.abs(w.z) ? SIMD3(0, 1, 0) : SIMD3(0, 0, 1))
        let c = cross(w, axis)
        return c / length(c)
    }
}
