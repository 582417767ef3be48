import Dispatch

/// `X·B` in Double for rows `X` stored as Float (or Double), with each row's weighted squared norm
/// `Σⱼ wⱼ·xⱼ²` on the way.
///
/// Float data summed over tens of thousands of coordinates loses digits, so `X` is widened to Double
/// first — a tile at a time into a reused 4 MB buffer that stays in cache while `dgemm` reads it.
/// Tiles span many rows and a chunk of columns, and each tile's product is accumulated into the
/// result, so every element of `X` and (for all but huge row counts) every row of `B` is read from
/// memory once, however wide `X` is. Each core takes a contiguous share of the rows with a
/// single-threaded `dgemm`: one level of threading, so no BLAS worker spins while the widening runs.
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
    let n32 = try blasInt(n, "widenedProduct")
    _ = try blasInt(columns, "widenedProduct")
    let workers = Swift.max(1, Swift.min(rowCount, ComputeThreads.count))
    let rowsPerWorker = (rowCount + workers - 1) / workers
    // Tiles of about 4 MB: up to 512 rows by enough columns, or all columns of as many rows as fit.
    let tileElements = 1 << 19
    let chunkColumns = Swift.min(columns, Swift.max(256, tileElements / Swift.min(rowsPerWorker, 512)))
    let tileRows = Swift.max(1, Swift.min(rowsPerWorker, tileElements / chunkColumns))
    let threads = ComputeThreads.count
    ComputeThreads.count = 1
    defer { ComputeThreads.count = threads }
    let picks = selection ?? []
    values.withUnsafeBufferPointer { source in
        picks.withUnsafeBufferPointer { pickPointer in
        norms.withUnsafeMutableBufferPointer { normOut in
            weights.withUnsafeBufferPointer { w in
                product.withMutableStorage { out in
                    right.view.withStorage { b in
                        let shared = SharedPointers(source: source, product: out, norms: normOut, weights: w, right: b,
                                                    selection: selection == nil ? nil : pickPointer)
                        DispatchQueue.concurrentPerform(iterations: workers) { worker in
                            guard let outStart = shared.product.baseAddress else { return }
                            var buffer = [Double](repeating: 0, count: tileRows * chunkColumns)
                            buffer.withUnsafeMutableBufferPointer { tile in
                                guard let tileStart = tile.baseAddress else { return }
                                var start = rowCount * worker / workers
                                let end = rowCount * (worker + 1) / workers
                                while start < end {
                                    let count = Swift.min(tileRows, end - start)
                                    var first = 0
                                    while first < columns {
                                        let width = Swift.min(chunkColumns, columns - first)
                                        widenTile(shared, rows: start..<(start + count), columns: first..<(first + width), stride: stride,
                                                  into: tile, accumulateNorms: true)
                                        Double._gemm(transposeA: false, transposeB: false, m: Int32(count), n: n32, k: Int32(width),
                                                     alpha: 1, a: tileStart, lda: Int32(width), b: shared.right + first * n, ldb: n32,
                                                     beta: first == 0 ? 0 : 1, c: outStart + start * n, ldc: n32)
                                        first += width
                                    }
                                    start += count
                                }
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

/// Widens the tile `rows × columns` of `X` into `destination` (`[rows, columns.count]`) and adds the
/// tile's share of each row's weighted norm.
@inline(__always)
private func widenTile<S: LinalgScalar>(
    _ shared: SharedPointers<S>, rows: Range<Int>, columns: Range<Int>, stride: Int,
    into destination: UnsafeMutableBufferPointer<Double>, accumulateNorms: Bool
) {
    let width = columns.count
    let source = shared.source, weights = shared.weights
    for (r, row) in rows.enumerated() {
        let out = r * width
        // Four partial sums: one running sum is a chain of dependent additions that cannot vectorise.
        var partial = SIMD4<Double>.zero
        if let selection = shared.selection {
            let base = row * stride
            var j = 0
            while j + 4 <= width {
                let c = columns.lowerBound + j
                let x = SIMD4(Double(source[base + selection[c]]), Double(source[base + selection[c + 1]]),
                              Double(source[base + selection[c + 2]]), Double(source[base + selection[c + 3]]))
                let weight = SIMD4(weights[c], weights[c + 1], weights[c + 2], weights[c + 3])
                destination[out + j] = x[0]; destination[out + j + 1] = x[1]; destination[out + j + 2] = x[2]; destination[out + j + 3] = x[3]
                partial += weight * x * x
                j += 4
            }
            while j < width {
                let x = Double(source[base + selection[columns.lowerBound + j]])
                destination[out + j] = x
                partial[0] += weights[columns.lowerBound + j] * x * x
                j += 1
            }
        } else {
            let base = row * stride + columns.lowerBound
            var j = 0
            while j + 4 <= width {
                let x = SIMD4(Double(source[base + j]), Double(source[base + j + 1]), Double(source[base + j + 2]), Double(source[base + j + 3]))
                let c = columns.lowerBound + j
                let weight = SIMD4(weights[c], weights[c + 1], weights[c + 2], weights[c + 3])
                destination[out + j] = x[0]; destination[out + j + 1] = x[1]; destination[out + j + 2] = x[2]; destination[out + j + 3] = x[3]
                partial += weight * x * x
                j += 4
            }
            while j < width {
                let x = Double(source[base + j])
                destination[out + j] = x
                partial[0] += weights[columns.lowerBound + j] * x * x
                j += 1
            }
        }
        shared.norms[row] += partial.sum()
    }
}

/// Buffers handed to worker threads that write disjoint rows of them.
private struct SharedPointers<S>: @unchecked Sendable {
    let source: UnsafeBufferPointer<S>
    let product: UnsafeMutableBufferPointer<Double>
    let norms: UnsafeMutableBufferPointer<Double>
    let weights: UnsafeBufferPointer<Double>
    let right: UnsafePointer<Double>
    let selection: UnsafeBufferPointer<Int>?
}
