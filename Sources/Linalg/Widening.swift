import Dispatch

/// `X·B` in Double for rows `X` stored as Float (or Double), with each row's weighted squared norm
/// `Σⱼ wⱼ·xⱼ²` on the way.
///
/// Float data summed over tens of thousands of coordinates loses digits, so the rows are widened to
/// Double first, a block at a time into a reused buffer (about 32 MB however many rows). Each core
/// takes a contiguous share of the rows and multiplies its blocks with a single-threaded `dgemm`:
/// one level of threading, so no BLAS worker spins while the widening runs.
///
/// - Parameters:
///   - values: row-major data `[rowCount, columns]`.
///   - selecting: the columns of `values` that form `X`, in order (a gather, e.g. the coordinates of
///     masked vertices); nil for all of them.
///   - weights: `[X's columns]`, for the norms.
///   - right: `B`, `[X's columns, n]`.
/// - Returns: `X·B` `[rowCount, n]` and the norms `[rowCount]`.
@_specialize(where S == Float)
@_specialize(where S == Double)
public func widenedProduct<S: LinalgScalar>(
    _ values: [S], rowCount: Int, columns stride: Int, selecting selection: [Int]? = nil, weights: [Double], by right: Matrix<Double>
) throws -> (product: Matrix<Double>, norms: [Double]) {
    let columns = selection?.count ?? stride
    guard rowCount >= 0, rowCount * stride == values.count, weights.count == columns, right.rows == columns,
          selection?.allSatisfy({ $0 >= 0 && $0 < stride }) ?? true else {
        throw LinalgError.shapeMismatch(
            operation: "widenedProduct",
            detail: "\(values.count) values as [\(rowCount), \(stride)], \(columns) columns taken, \(weights.count) weights, B [\(right.rows), \(right.columns)]")
    }
    let n = right.columns
    var product = Matrix<Double>(rows: rowCount, columns: n)
    var norms = [Double](repeating: 0, count: rowCount)
    guard rowCount > 0, n > 0, columns > 0 else { return (product, norms) }
    let (n32, k32) = (try blasInt(n, "widenedProduct"), try blasInt(columns, "widenedProduct"))
    let workers = Swift.max(1, Swift.min(rowCount, BLASThreads.count))
    // Narrow rows: blocks that stay in L2. Wide rows: blocks big enough (up to 16 MB per core) that B is
    // re-read rarely.
    let blockElements = Swift.max(1 << 15, Swift.min(1 << 21, 8 * right.elements.count))
    let rowsPerBlock = Swift.max(1, Swift.min((rowCount + workers - 1) / workers, blockElements / columns))
    let blasThreads = BLASThreads.count
    BLASThreads.count = 1
    defer { BLASThreads.count = blasThreads }
    values.withUnsafeBufferPointer { source in
        norms.withUnsafeMutableBufferPointer { normOut in
            weights.withUnsafeBufferPointer { w in
                product.withMutableStorage { out in
                    right.view.withStorage { b in
                        let shared = SharedPointers(source: source, product: out, norms: normOut, weights: w, right: b, selection: selection)
                        DispatchQueue.concurrentPerform(iterations: workers) { worker in
                            guard let outStart = shared.product.baseAddress else { return }
                            var buffer = [Double](repeating: 0, count: rowsPerBlock * columns)
                            buffer.withUnsafeMutableBufferPointer { block in
                                guard let blockStart = block.baseAddress else { return }
                                var start = rowCount * worker / workers
                                let end = rowCount * (worker + 1) / workers
                                while start < end {
                                    let count = Swift.min(rowsPerBlock, end - start)
                                    if let selection = shared.selection {
                                        gatherWiden(shared.source, rows: start..<(start + count), stride: stride, selection: selection,
                                                    weights: shared.weights, into: block, norms: shared.norms)
                                    } else {
                                        widen(shared.source, rows: start..<(start + count), columns: columns, weights: shared.weights,
                                              into: block, norms: shared.norms)
                                    }
                                    Double._gemm(transposeA: false, transposeB: false, m: Int32(count), n: n32, k: k32,
                                                 alpha: 1, a: blockStart, lda: k32, b: shared.right, ldb: n32,
                                                 beta: 0, c: outStart + start * n, ldc: n32)
                                    start += count
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    return (product, norms)
}

/// Widens `rows` of `source` into the start of `destination` and writes their weighted norms to
/// `norms[rows]`.
@inline(__always)
private func widen<S: LinalgScalar>(
    _ source: UnsafeBufferPointer<S>, rows: Range<Int>, columns: Int, weights: UnsafeBufferPointer<Double>,
    into destination: UnsafeMutableBufferPointer<Double>, norms: UnsafeMutableBufferPointer<Double>
) {
    for (r, row) in rows.enumerated() {
        let base = row * columns, out = r * columns
        // Four partial sums: one running sum is a chain of dependent additions that cannot vectorise.
        var partial = SIMD4<Double>.zero
        var j = 0
        while j + 4 <= columns {
            let x = SIMD4(Double(source[base + j]), Double(source[base + j + 1]), Double(source[base + j + 2]), Double(source[base + j + 3]))
            let weight = SIMD4(weights[j], weights[j + 1], weights[j + 2], weights[j + 3])
            destination[out + j] = x[0]; destination[out + j + 1] = x[1]; destination[out + j + 2] = x[2]; destination[out + j + 3] = x[3]
            partial += weight * x * x
            j += 4
        }
        var norm = partial.sum()
        while j < columns {
            let x = Double(source[base + j])
            destination[out + j] = x
            norm += weights[j] * x * x
            j += 1
        }
        norms[row] = norm
    }
}

/// `widen` for the columns `selection` of rows `stride` wide.
private func gatherWiden<S: LinalgScalar>(
    _ source: UnsafeBufferPointer<S>, rows: Range<Int>, stride: Int, selection: [Int], weights: UnsafeBufferPointer<Double>,
    into destination: UnsafeMutableBufferPointer<Double>, norms: UnsafeMutableBufferPointer<Double>
) {
    let columns = selection.count
    selection.withUnsafeBufferPointer { picks in
        for (r, row) in rows.enumerated() {
            let base = row * stride, out = r * columns
            var norm = 0.0
            for j in 0..<columns {
                let x = Double(source[base + picks[j]])
                destination[out + j] = x
                norm += weights[j] * x * x
            }
            norms[row] = norm
        }
    }
}

/// Buffers handed to worker threads that write disjoint rows of them.
private struct SharedPointers<S>: @unchecked Sendable {
    let source: UnsafeBufferPointer<S>
    let product: UnsafeMutableBufferPointer<Double>
    let norms: UnsafeMutableBufferPointer<Double>
    let weights: UnsafeBufferPointer<Double>
    let right: UnsafePointer<Double>
    let selection: [Int]?
}
