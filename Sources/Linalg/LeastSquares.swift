/// Linear least squares: the `X` (`[n, nrhs]`) minimising `‖A·X − B‖_F` for a full-column-rank `A`
/// (`[m, n]`, `m ≥ n`), by QR factorisation (LAPACK `?gels`).
///
/// - Throws: `LinalgError.rankDeficient` when `A` does not have full column rank,
///   `LinalgError.shapeMismatch` when `m < n` or `B` has a different number of rows.
public func leastSquares<Scalar: LinalgScalar>(_ a: Matrix<Scalar>, _ b: Matrix<Scalar>) throws -> Matrix<Scalar> {
    let (m, n, nrhs) = (a.rows, a.columns, b.columns)
    guard b.rows == m, m >= n else {
        throw LinalgError.shapeMismatch(operation: "gels", detail: "A [\(m), \(n)] with B [\(b.rows), \(nrhs)]; need m ≥ n and equal rows")
    }
    guard n > 0, nrhs > 0 else { return Matrix(rows: n, columns: nrhs) }
    var work = a
    var rhs = b
    let (m32, n32, r32) = (try blasInt(m, "gels"), try blasInt(n, "gels"), try blasInt(nrhs, "gels"))
    let info = work.withMutableStorage { pa in
        rhs.withMutableStorage { pb in
            Scalar._gels(m: m32, n: n32, nrhs: r32, a: pa.baseAddress!, lda: n32, b: pb.baseAddress!, ldb: r32)
        }
    }
    if info > 0 { throw LinalgError.rankDeficient(routine: Scalar.lapackPrefix + "gels", index: Int(info)) }
    if info < 0 { throw LinalgError.illegalArgument(routine: Scalar.lapackPrefix + "gels", position: Int(-info)) }
    // gels flags only an exactly zero diagonal of R; rounding usually leaves a tiny one instead, which
    // would return a meaningless huge solution. Judge rank against the largest diagonal element.
    let diagonal = (0..<n).map { Swift.abs(work[$0, $0]) }
    let threshold = (diagonal.max() ?? 0) * Scalar(Swift.max(m, n)) * Scalar.ulpOfOne
    if let weak = diagonal.firstIndex(where: { $0 <= threshold }) {
        throw LinalgError.rankDeficient(routine: Scalar.lapackPrefix + "gels", index: weak + 1)
    }
    // gels leaves X in the first n rows of B.
    return Matrix(uncheckedRows: n, columns: nrhs, elements: Array(rhs.elements.prefix(n * nrhs)))
}
