/// Eigen-decomposition `A = V·diag(λ)·Vᵀ` of a symmetric matrix (LAPACK `?syevd`, divide and conquer).
public struct SymmetricEigenDecomposition<Scalar: LinalgScalar>: Sendable {
    /// Eigenvalues in ascending order.
    public let eigenvalues: [Scalar]
    /// Orthonormal eigenvectors as columns: column `i` belongs to `eigenvalues[i]`.
    public let eigenvectors: Matrix<Scalar>

    /// Decomposes `matrix`; only its upper triangle is read.
    /// - Throws: `LinalgError.noConvergence` when LAPACK fails to converge, `.shapeMismatch` when not square.
    public init(_ matrix: Matrix<Scalar>) throws {
        guard matrix.rows == matrix.columns else {
            throw LinalgError.shapeMismatch(operation: "syevd", detail: "matrix is [\(matrix.rows), \(matrix.columns)], not square")
        }
        var vectors = matrix
        var values = [Scalar](repeating: 0, count: matrix.rows)
        let n = try blasInt(matrix.rows, "syevd")
        if n > 0 {
            let info = vectors.withMutableStorage { pa in
                values.withUnsafeMutableBufferPointer { pw in
                    Scalar._syevdUpper(n: n, a: pa.baseAddress!, lda: n, w: pw.baseAddress!)
                }
            }
            try checkLapackInfo(info, routine: Scalar.lapackPrefix + "syevd")
        }
        self.eigenvalues = values
        self.eigenvectors = vectors
    }
}

/// Maps a LAPACK `info` from an iterative routine to a thrown error.
func checkLapackInfo(_ info: Int32, routine: String) throws {
    if info < 0 { throw LinalgError.illegalArgument(routine: routine, position: Int(-info)) }
    if info > 0 { throw LinalgError.noConvergence(routine: routine, info: Int(info)) }
}
