/// Singular value decomposition of a 3×3 matrix, `A = U·diag(σ)·Vᵀ`, without LAPACK.
///
/// Kabsch needs one 3×3 SVD per frame, hundreds of thousands of times; a LAPACK call per matrix costs
/// more in set-up than in arithmetic. This is one-sided Jacobi (Hestenes), which orthogonalises the
/// columns of `A` by plane rotations: it is accurate to a few ulps even for nearly singular matrices,
/// and rank-deficient input gets an orthonormal `U` completed by cross products. It allocates nothing.
///
/// `σ` is descending and non-negative; `U` and `V` are orthogonal (their determinants may be −1).
public struct SVD3x3: Sendable {
    public let u: Matrix3
    public let singularValues: SIMD3<Double>
    public let v: Matrix3

    public init(_ a: Matrix3) {
        var c0 = a.column0, c1 = a.column1, c2 = a.column2
        var v0 = SIMD3<Double>(1, 0, 0), v1 = SIMD3<Double>(0, 1, 0), v2 = SIMD3<Double>(0, 0, 1)
        for _ in 0..<60 {
            var rotated = false
            rotated = Self.rotate(&c0, &c1, &v0, &v1) || rotated
            rotated = Self.rotate(&c0, &c2, &v0, &v2) || rotated
            rotated = Self.rotate(&c1, &c2, &v1, &v2) || rotated
            if !rotated { break }
        }
        var s0 = length(c0), s1 = length(c1), s2 = length(c2)
        // Sort descending, permuting the columns of the rotated A and of V alike.
        if s0 < s1 { swap(&s0, &s1); swap(&c0, &c1); swap(&v0, &v1) }
        if s1 < s2 { swap(&s1, &s2); swap(&c1, &c2); swap(&v1, &v2) }
        if s0 < s1 { swap(&s0, &s1); swap(&c0, &c1); swap(&v0, &v1) }

        let tolerance = Swift.max(s0, Double.leastNormalMagnitude) * 1e-13
        let u0: SIMD3<Double>, u1: SIMD3<Double>, u2: SIMD3<Double>
        if s0 <= Double.leastNormalMagnitude {
            (u0, u1, u2) = (SIMD3(1, 0, 0), SIMD3(0, 1, 0), SIMD3(0, 0, 1))
        } else {
            u0 = c0 / s0
            u1 = s1 > tolerance ? c1 / s1 : Self.unitOrthogonal(to: u0)
            u2 = s2 > tolerance ? c2 / s2 : cross(u0, u1)
        }
        self.u = Matrix3(columns: u0, u1, u2)
        self.singularValues = SIMD3(s0, s1, s2)
        self.v = Matrix3(columns: v0, v1, v2)
    }

    /// One Jacobi rotation making columns `p` and `q` orthogonal; false when they already are.
    @inline(__always)
    private static func rotate(_ p: inout SIMD3<Double>, _ q: inout SIMD3<Double>,
                               _ vp: inout SIMD3<Double>, _ vq: inout SIMD3<Double>) -> Bool {
        let alpha = (p * p).sum(), beta = (q * q).sum(), gamma = (p * q).sum()
        guard gamma != 0, Swift.abs(gamma) > 1e-15 * (alpha * beta).squareRoot() else { return false }
        let zeta = (beta - alpha) / (2 * gamma)
        let t = (zeta >= 0 ? 1.0 : -1.0) / (Swift.abs(zeta) + (1 + zeta * zeta).squareRoot())
        let c = 1 / (1 + t * t).squareRoot()
        let s = c * t
        (p, q) = (c * p - s * q, s * p + c * q)
        (vp, vq) = (c * vp - s * vq, s * vp + c * vq)
        return true
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
