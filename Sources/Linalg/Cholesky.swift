/// The Cholesky factorisation `A = L·Lᵀ` of a symmetric positive-definite matrix (LAPACK `?potrf`),
/// kept so that many right-hand sides can be solved against it (`?potrs`).
public struct CholeskyFactorization<Scalar: LinalgScalar>: Sendable {
    /// Lower-triangular factor `L` (`[n, n]`); the strict upper triangle holds no meaning.
    public let factor: Matrix<Scalar>

    /// Order `n` of the factorised matrix.
    public var order: Int { factor.rows }

    /// Factorises `matrix`; only its lower triangle is read.
    /// - Throws: `LinalgError.notPositiveDefinite` naming the first leading minor that is not positive,
    ///   `LinalgError.shapeMismatch` when `matrix` is not square.
    public init(_ matrix: Matrix<Scalar>) throws {
        guard matrix.rows == matrix.columns else {
            throw LinalgError.shapeMismatch(operation: "Cholesky", detail: "matrix is [\(matrix.rows), \(matrix.columns)], not square")
        }
        var factor = matrix
        let n = try blasInt(matrix.rows, "potrf")
        if n > 0 {
            let info = factor.withMutableStorage { p in Scalar._potrfLower(n: n, a: p.baseAddress!, lda: n) }
            if info > 0 { throw LinalgError.notPositiveDefinite(order: Int(info)) }
            if info < 0 { throw LinalgError.illegalArgument(routine: Scalar.lapackPrefix + "potrf", position: Int(-info)) }
        }
        self.factor = factor
    }

    /// Solves `A·X = B` for `X` (`B` is `[n, nrhs]`).
    public func solve(_ rightHandSides: Matrix<Scalar>) throws -> Matrix<Scalar> {
        guard rightHandSides.rows == order else {
            throw LinalgError.shapeMismatch(operation: "potrs", detail: "A is [\(order), \(order)], B has \(rightHandSides.rows) rows")
        }
        var solution = rightHandSides
        guard order > 0, rightHandSides.columns > 0 else { return solution }
        let n = try blasInt(order, "potrs")
        let nrhs = try blasInt(rightHandSides.columns, "potrs")
        let info = factor.withStorage { pa in
            solution.withMutableStorage { pb in
                Scalar._potrsLower(n: n, nrhs: nrhs, a: pa.baseAddress!, lda: n, b: pb.baseAddress!, ldb: nrhs)
            }
        }
        if info != 0 { throw LinalgError.illegalArgument(routine: Scalar.lapackPrefix + "potrs", position: Int(-info)) }
        return solution
    }

    /// Solves `A·x = b` for one vector.
    public func solve(_ rightHandSide: [Scalar]) throws -> [Scalar] {
        try solve(Matrix(rows: rightHandSide.count, columns: 1, elements: rightHandSide)).elements
    }
}
