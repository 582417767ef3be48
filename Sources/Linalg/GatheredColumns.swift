import CBLAS
import Dispatch

/// A tall Double matrix D `[rows, columns]` read out of a Float array and never stored whole:
/// `D[r, c] = source[columnStarts[c] + rowIndices[r]]` — a rig's deltas (`[poses, 3V]`) as the active
/// poses' columns over the frontal mask's coordinates.
///
/// Why not a `[Double]`: the solve needs DᵀD and Q = D·R⁻¹ packed in Float, and nothing else of D.
/// Formed a block of rows at a time, D stays in cache between its widening and its products, and a
/// one-shot solve no longer faults in and fills 9 MB (a 24,002-vertex rig) to read it back once.
public struct GatheredColumns: Sendable {
    public let source: [Float]
    /// Per row of D, its offset within each column's stretch of `source`.
    public let rowIndices: [Int]
    /// Per column of D, where its stretch of `source` starts.
    public let columnStarts: [Int]

    public var rows: Int { rowIndices.count }
    public var columns: Int { columnStarts.count }

    /// Rows of D formed at a time: 1,024 × 52 Doubles is 416 KB, inside a core's L2.
    static let blockRows = 1024
    /// Blocks of `blockRows` rows (the last one short).
    var blockCount: Int { (rows + Self.blockRows - 1) / Self.blockRows }

    public init(source: [Float], rowIndices: [Int], columnStarts: [Int]) throws {
        let lowest = rowIndices.min() ?? 0, highest = rowIndices.max() ?? 0
        guard !columnStarts.isEmpty, lowest >= 0, columnStarts.allSatisfy({ $0 >= 0 && $0 + highest < source.count }) else {
            throw LinalgError.shapeMismatch(operation: "GatheredColumns",
                                            detail: "rows up to \(highest) of columns starting at up to \(columnStarts.max() ?? 0) lie outside \(source.count) values")
        }
        self.source = source
        self.rowIndices = rowIndices
        self.columnStarts = columnStarts
    }

    /// Writes rows `range` of D to `out` (`[range.count, columns]`, row-major).
    func fill(_ range: Range<Int>, into out: UnsafeMutablePointer<Double>) {
        let columns = columns
        source.withUnsafeBufferPointer { source in
            rowIndices.withUnsafeBufferPointer { rows in
                guard let source = source.baseAddress, let rows = rows.baseAddress else { return }
                // Column after column: each pose's stretch of the source is read in ascending order.
                for (column, start) in columnStarts.enumerated() {
                    let from = source + start
                    for (i, row) in range.enumerated() { out[i * columns + column] = Double(from[rows[row]]) }
                }
            }
        }
    }

    /// D, row-major `[rows, columns]`.
    public func materialized() -> [Double] {
        largeArray(count: rows * columns) { buffer in
            guard let base = buffer.baseAddress else { return }
            for first in stride(from: 0, to: rows, by: Self.blockRows) {
                fill(first..<Swift.min(first + Self.blockRows, rows), into: base + first * columns)
            }
        }
    }

    /// DᵀD `[columns, columns]`. The rows are summed in four fixed quarters, each a block at a time,
    /// and the quarters added in order: the same numbers on any number of `threads`.
    public func gram(threads: Int = 1) -> Matrix<Double> {
        let n = columns, rows = rows
        let quarters = 4
        var partial = [Double](repeating: 0, count: quarters * n * n)
        partial.withUnsafeMutableBufferPointer { all in
            guard let base = all.baseAddress else { return }
            let shared = UncheckedSendable(base)
            let body: @Sendable (Int) -> Void = { quarter in
                // Each quarter writes its own n × n sum.
                let sum = shared.value + quarter * n * n
                let first = rows * quarter / quarters, end = rows * (quarter + 1) / quarters
                guard end > first else { return }
                var block = [Double](unsafeUninitializedCapacity: Self.blockRows * n) { _, count in count = Self.blockRows * n }
                block.withUnsafeMutableBufferPointer { scratch in
                    guard let scratch = scratch.baseAddress else { return }
                    var beta = 0.0
                    for start in stride(from: first, to: end, by: Self.blockRows) {
                        let count = Swift.min(Self.blockRows, end - start)
                        fill(start..<(start + count), into: scratch)
                        cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, Int32(n), Int32(count), 1, scratch, Int32(n), beta, sum, Int32(n))
                        beta = 1
                    }
                }
            }
            if threads > 1 { DispatchQueue.concurrentPerform(iterations: quarters, execute: body) } else { (0..<quarters).forEach(body) }
        }
        var gram = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in i..<n {
                var value = 0.0
                for quarter in 0..<quarters { value += partial[quarter * n * n + i * n + j] }
                gram[i * n + j] = value
                gram[j * n + i] = value
            }
        }
        return Matrix(uncheckedRows: n, columns: n, elements: gram)
    }
}
