import CBLAS
import CLAPACKE

/// D = Q·R for a tall `[rows, columns]` D in Double, from the Cholesky factor of its Gram matrix:
/// RᵀR = DᵀD + μI and Q = D·R⁻¹ (CholeskyQR). Q's columns are orthonormal to about κ(D)²·1e-16, and
/// whatever is multiplied with Q in Float then carries errors of the size of Q's (≤ 1), not of D's
/// columns: a product Dᵀv = Rᵀ(Qᵀv) formed that way loses to rounding about κ(D) times less of the
/// solution of the normal equations than Dᵀv formed directly in Float.
///
/// μ = 1e-12 × the largest diagonal element keeps the factor defined when D has a zero column or two
/// equal ones (a pose that moves nothing in the mask, a duplicated pose): D = Q·R still holds, and
/// Q's norm stays ≤ 1.
public struct CholeskyQR: Sendable {
    /// R `[columns, columns]`, upper triangular, row-major.
    public let r: Matrix<Double>
    /// R⁻¹ `[columns, columns]`, upper triangular, row-major: Q = D·R⁻¹.
    let inverse: [Double]

    /// The factor of D from its Gram matrix alone; Q is formed from D when it is used
    /// (`CentredProjection(orthonormalizing:factor:…)`), a block of rows at a time.
    ///
    /// - Parameter gram: DᵀD `[columns, columns]`.
    /// - Returns: nil when DᵀD is not positive semi-definite to rounding (no factor).
    public init?(gram: Matrix<Double>) {
        let columns = gram.columns
        guard columns > 0, gram.rows == columns else { return nil }
        var factor = gram.elements
        let largest = (0..<columns).map { gram.elements[$0 * columns + $0] }.max() ?? 0
        guard largest > 0, largest.isFinite else { return nil }
        for i in 0..<columns { factor[i * columns + i] += 1e-12 * largest }
        let n = Int32(columns)
        let info = factor.withUnsafeMutableBufferPointer { f -> Int32 in
            guard let base = f.baseAddress else { return -1 }
            return LAPACKE_dpotrf(LAPACK_ROW_MAJOR, lapackChar("U"), n, base, n)
        }
        guard info == 0 else { return nil }
        for i in 0..<columns { for j in 0..<i { factor[i * columns + j] = 0 } }   // dpotrf leaves the lower part as it was
        // Q = D·R⁻¹ as a product with the inverted triangle: a triangular solve with 52 right-hand columns
        // ran through OpenBLAS's narrow trsm kernel at a fifth of GEMM's rate (7 ms of a one-shot solve).
        var inverse = factor
        let inverted = inverse.withUnsafeMutableBufferPointer { f -> Int32 in
            guard let base = f.baseAddress else { return -1 }
            return LAPACKE_dtrtri(LAPACK_ROW_MAJOR, lapackChar("U"), lapackChar("N"), n, base, n)
        }
        guard inverted == 0, inverse.allSatisfy(\.isFinite), let r = try? Matrix(rows: columns, columns: columns, elements: factor) else { return nil }
        self.r = r
        self.inverse = inverse
    }

    /// Q `[rows, columns]` of `d` (whose Gram matrix this factors), row-major.
    public func q(of d: GatheredColumns) -> [Double] {
        let columns = d.columns
        return largeArray(count: d.rows * columns) { out in
            guard let out = out.baseAddress else { return }
            forEachBlockOfQ(of: d, blocks: 0..<d.blockCount) { first, count, q in
                (out + first * columns).update(from: q, count: count * columns)
            }
        }
    }

    /// Forms Q of `d` one block of `GatheredColumns.blockRows` rows at a time, for the blocks
    /// `blocks`: `body(first row, rows, Q's rows [rows, columns])`, the rows valid during the call.
    func forEachBlockOfQ(of d: GatheredColumns, blocks: Range<Int>, _ body: (Int, Int, UnsafePointer<Double>) -> Void) {
        let rowsPerBlock = GatheredColumns.blockRows, columns = d.columns
        // D's block and its Q side by side: both stay in cache.
        var scratch = [Double](repeating: 0, count: 2 * rowsPerBlock * columns)
        scratch.withUnsafeMutableBufferPointer { buffer in
            guard let block = buffer.baseAddress else { return }
            let q = block + rowsPerBlock * columns
            for index in blocks {
                let first = index * rowsPerBlock, count = Swift.min(rowsPerBlock, d.rows - first)
                d.fill(first..<(first + count), into: block)
                multiplyInverse(block, rows: count, into: q)
                body(first, count, q)
            }
        }
    }

    /// `out` `[rows, columns]` ← `block`·R⁻¹ for `block` `[rows, columns]` (rows of D): rows of Q.
    func multiplyInverse(_ block: UnsafePointer<Double>, rows: Int, into out: UnsafeMutablePointer<Double>) {
        let n = Int32(r.columns)
        inverse.withUnsafeBufferPointer { f in
            guard let inverse = f.baseAddress else { return }
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(rows), n, n, 1, block, n, inverse, n, 0, out, n)
        }
    }

    /// `values[0 ..< rows × columns]` (`[rows, columns]`, row-major) ← values·R: each row c becomes cR,
    /// so that rows of Qᵀv become rows of Dᵀv.
    public func multiplyRows(_ values: inout [Double], rows: Int) {
        let n = r.columns
        guard rows > 0, values.count >= rows * n else { return }
        r.elements.withUnsafeBufferPointer { f in
            values.withUnsafeMutableBufferPointer { v in
                guard let r = f.baseAddress, let v = v.baseAddress else { return }
                cblas_dtrmm(CblasRowMajor, CblasRight, CblasUpper, CblasNoTrans, CblasNonUnit, Int32(rows), Int32(n), 1, r, Int32(n), v, Int32(n))
            }
        }
    }
}
