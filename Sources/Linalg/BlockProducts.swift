/// `C ← α·A·op(B) + β·C` on plain row-major arrays: `A` `[m, k]`, `op(B)` `[k, n]` (`B` `[k, n]`, or
/// `[n, k]` transposed), `C` `[m, n]`. For loops that multiply block after block into buffers they
/// reuse, where a `Matrix` per block would allocate and zero megabytes each time. `A` may be a column
/// block of a wider array: its rows are `lda` apart (default `k`) and it starts at `aOffset`; `B` may
/// be a row block starting at `bOffset`.
/// - Throws: `LinalgError.shapeMismatch` when an array is too short for its shape.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
public func gemm<Scalar: LinalgScalar>(
    rows m: Int, columns n: Int, inner k: Int, _ a: [Scalar], aOffset: Int = 0, lda: Int? = nil, _ b: [Scalar], bOffset: Int = 0,
    transposeB: Transpose = .none, alpha: Scalar = 1, beta: Scalar = 0, into c: inout [Scalar]
) throws {
    let lda = lda ?? k
    guard m >= 0, n >= 0, k >= 0, lda >= k, aOffset >= 0, bOffset >= 0, m == 0 || a.count >= aOffset + (m - 1) * lda + k,
          b.count >= bOffset + k * n, c.count >= m * n else {
        throw LinalgError.shapeMismatch(operation: "gemm",
                                        detail: "A [\(m), \(k)] in \(a.count), B [\(k), \(n)] in \(b.count), C [\(m), \(n)] in \(c.count) values")
    }
    guard m > 0, n > 0 else { return }
    let (m32, n32, k32, lda32) = (try blasInt(m, "gemm"), try blasInt(n, "gemm"), try blasInt(Swift.max(k, 1), "gemm"), try blasInt(lda, "gemm"))
    if k == 0 {
        for i in 0..<(m * n) { c[i] *= beta }
        return
    }
    a.withUnsafeBufferPointer { pa in
        b.withUnsafeBufferPointer { pb in
            c.withUnsafeMutableBufferPointer { pc in
                guard let aStart = pa.baseAddress, let bStart = pb.baseAddress, let cStart = pc.baseAddress else { return }
                Scalar._gemm(transposeA: false, transposeB: transposeB.isTransposed, m: m32, n: n32, k: k32, alpha: alpha,
                             a: aStart + aOffset, lda: lda32, b: bStart + bOffset, ldb: transposeB.isTransposed ? k32 : n32, beta: beta, c: cStart, ldc: n32)
            }
        }
    }
}

