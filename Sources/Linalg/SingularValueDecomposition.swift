/// Thin singular value decomposition `A = U·diag(σ)·Vᵀ` (LAPACK `?gesdd`, divide and conquer).
///
/// For `A` of shape `[m, n]` and `k = min(m, n)`: `U` is `[m, k]`, `σ` has `k` values in descending
/// order, `Vᵀ` is `[k, n]`.
public struct SingularValueDecomposition<Scalar: LinalgScalar>: Sendable {
    public let u: Matrix<Scalar>
    public let singularValues: [Scalar]
    public let vt: Matrix<Scalar>

    /// - Throws: `LinalgError.noConvergence` when LAPACK's bidiagonal iteration fails.
    public init(_ matrix: Matrix<Scalar>) throws {
        let (m, n) = (matrix.rows, matrix.columns)
        let k = Swift.min(m, n)
        var work = matrix
        var sigma = [Scalar](repeating: 0, count: k)
        var u = Matrix<Scalar>(rows: m, columns: k)
        var vt = Matrix<Scalar>(rows: k, columns: n)
        if k > 0 {
            let (m32, n32, k32) = (try blasInt(m, "gesdd"), try blasInt(n, "gesdd"), try blasInt(k, "gesdd"))
            let info = work.withMutableStorage { pa in
                sigma.withUnsafeMutableBufferPointer { ps in
                    u.withMutableStorage { pu in
                        vt.withMutableStorage { pv in
                            Scalar._gesddThin(m: m32, n: n32, a: pa.baseAddress!, lda: n32, s: ps.baseAddress!,
                                              u: pu.baseAddress!, ldu: k32, vt: pv.baseAddress!, ldvt: n32)
                        }
                    }
                }
            }
            try checkLapackInfo(info, routine: Scalar.lapackPrefix + "gesdd")
        }
        self.u = u
        self.singularValues = sigma
        self.vt = vt
    }

    /// Ratio of the largest to the smallest singular value (infinite when the smallest is 0).
    public var conditionNumber: Scalar {
        guard let largest = singularValues.first, let smallest = singularValues.last else { return 0 }
        return smallest == 0 ? .infinity : largest / smallest
    }
}
