/// Whether a BLAS operand is used as stored or transposed.
public enum Transpose: Sendable {
    case none, transposed
    var isTransposed: Bool { self == .transposed }
}

/// General matrix product `C ← α·op(A)·op(B) + β·C` (BLAS `?gemm`).
///
/// `op(A)` is `[m, k]`, `op(B)` is `[k, n]` and `C` must already be `[m, n]`. Views are read in place.
/// - Throws: `LinalgError.shapeMismatch` when the shapes do not chain.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
public func gemm<Scalar: LinalgScalar>(
    _ a: MatrixView<Scalar>, _ b: MatrixView<Scalar>,
    transposeA: Transpose = .none, transposeB: Transpose = .none,
    alpha: Scalar = 1, beta: Scalar = 0, into c: inout Matrix<Scalar>
) throws {
    let (m, k) = transposeA.isTransposed ? (a.columns, a.rows) : (a.rows, a.columns)
    let (kB, n) = transposeB.isTransposed ? (b.columns, b.rows) : (b.rows, b.columns)
    guard k == kB, c.rows == m, c.columns == n else {
        throw LinalgError.shapeMismatch(
            operation: "gemm",
            detail: "op(A) [\(m), \(k)] · op(B) [\(kB), \(n)] into C [\(c.rows), \(c.columns)]")
    }
    guard m > 0, n > 0 else { return }
    if k == 0 {
        c = Matrix(uncheckedRows: m, columns: n, elements: c.elements.map { $0 * beta })
        return
    }
    let (m32, n32, k32) = (try blasInt(m, "gemm"), try blasInt(n, "gemm"), try blasInt(k, "gemm"))
    let (lda, ldb, ldc) = (try blasInt(a.leadingDimension, "gemm"), try blasInt(b.leadingDimension, "gemm"),
                           try blasInt(n, "gemm"))
    a.withStorage { pa in
        b.withStorage { pb in
            c.withMutableStorage { pc in
                guard let cStart = pc.baseAddress else { return }
                Scalar._gemm(transposeA: transposeA.isTransposed, transposeB: transposeB.isTransposed,
                             m: m32, n: n32, k: k32, alpha: alpha, a: pa, lda: lda, b: pb, ldb: ldb,
                             beta: beta, c: cStart, ldc: ldc)
            }
        }
    }
}

extension Matrix {
    /// `op(self) · op(other)` as a new matrix.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func multiplied(
        by other: Matrix, transposeSelf: Transpose = .none, transposeOther: Transpose = .none
    ) throws -> Matrix {
        let m = transposeSelf.isTransposed ? columns : rows
        let n = transposeOther.isTransposed ? other.rows : other.columns
        var result = Matrix(rows: m, columns: n)
        try gemm(view, other.view, transposeA: transposeSelf, transposeB: transposeOther, into: &result)
        return result
    }

    /// `op(self) · x` for a vector `x` (BLAS `?gemv`).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func multiplied(by x: [Scalar], transpose: Transpose = .none) throws -> [Scalar] {
        let (outCount, inCount) = transpose.isTransposed ? (columns, rows) : (rows, columns)
        guard x.count == inCount else {
            throw LinalgError.shapeMismatch(
                operation: "gemv", detail: "op(A) [\(outCount), \(inCount)] · x [\(x.count)]")
        }
        var y = [Scalar](repeating: 0, count: outCount)
        guard outCount > 0, inCount > 0 else { return y }
        let (m32, n32) = (try blasInt(rows, "gemv"), try blasInt(columns, "gemv"))
        withStorage { pa in
            x.withUnsafeBufferPointer { px in
                y.withUnsafeMutableBufferPointer { py in
                    guard let a = pa.baseAddress, let xs = px.baseAddress, let ys = py.baseAddress else { return }
                    Scalar._gemv(transpose: transpose.isTransposed, m: m32, n: n32, alpha: 1, a: a, lda: n32,
                                 x: xs, beta: 0, y: ys)
                }
            }
        }
        return y
    }

    /// A Gram matrix by BLAS `?syrk`, which does half the work of `gemm`; both triangles are filled.
    ///
    /// - Parameter ofColumns: `true` for `AᵀA` (`[columns, columns]`, inner products of columns),
    ///   `false` for `AAᵀ` (`[rows, rows]`).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func gram(ofColumns: Bool = true) throws -> Matrix {
        let n = ofColumns ? columns : rows
        let k = ofColumns ? rows : columns
        var result = Matrix(rows: n, columns: n)
        guard n > 0, k > 0 else { return result }
        let (n32, k32, lda) = (try blasInt(n, "syrk"), try blasInt(k, "syrk"), try blasInt(columns, "syrk"))
        withStorage { pa in
            result.withMutableStorage { pc in
                guard let a = pa.baseAddress, let c = pc.baseAddress else { return }
                // Row-major A with trans = true gives AᵀA; trans = false gives AAᵀ.
                Scalar._syrkUpper(transpose: ofColumns, n: n32, k: k32, alpha: 1, a: a, lda: lda,
                                  beta: 0, c: c, ldc: n32)
            }
        }
        result.mirrorUpperToLower()
        return result
    }

    /// Copies the upper triangle onto the lower one (LAPACK/BLAS symmetric routines fill only one).
    mutating func mirrorUpperToLower() {
        for r in 0..<rows {
            for c in 0..<r { elements[r * columns + c] = elements[c * columns + r] }
        }
    }
}
