/// A dense row-major matrix of `Float` or `Double`.
///
/// Storage is one contiguous array of `rows × columns` elements, element `(r, c)` at `r * columns + c`,
/// so it is handed to BLAS and LAPACK (in row-major layout) without copying. A `Matrix` is a value:
/// copies share storage until one of them is written (copy-on-write of the underlying array).
public struct Matrix<Scalar: LinalgScalar>: Sendable, Equatable {
    /// Number of rows.
    public let rows: Int
    /// Number of columns, which is also the leading dimension of the storage.
    public let columns: Int
    /// Row-major elements; `elements.count == rows * columns` always holds.
    public internal(set) var elements: [Scalar]

    /// A `rows × columns` matrix with every element equal to `value`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public init(rows: Int, columns: Int, repeating value: Scalar = 0) {
        precondition(rows >= 0 && columns >= 0, "Matrix dimensions must be non-negative")
        self.rows = rows
        self.columns = columns
        self.elements = Array(repeating: value, count: rows * columns)
    }

    /// A matrix over existing row-major elements.
    /// - Throws: `LinalgError.shapeMismatch` when `elements.count != rows * columns`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public init(rows: Int, columns: Int, elements: [Scalar]) throws {
        guard rows >= 0, columns >= 0, elements.count == rows * columns else {
            throw LinalgError.shapeMismatch(
                operation: "Matrix", detail: "\(elements.count) elements for shape [\(rows), \(columns)]")
        }
        self.rows = rows
        self.columns = columns
        self.elements = elements
    }

    /// For results whose element count is right by construction.
    init(uncheckedRows rows: Int, columns: Int, elements: [Scalar]) {
        assert(elements.count == rows * columns)
        self.rows = rows
        self.columns = columns
        self.elements = elements
    }

    /// A matrix from nested rows; every row must have the same length.
    public init(_ nestedRows: [[Scalar]]) throws {
        let width = nestedRows.first?.count ?? 0
        guard nestedRows.allSatisfy({ $0.count == width }) else {
            throw LinalgError.shapeMismatch(operation: "Matrix", detail: "rows of unequal length")
        }
        try self.init(rows: nestedRows.count, columns: width, elements: nestedRows.flatMap { $0 })
    }

    /// The `n × n` identity matrix.
    public static func identity(_ n: Int) -> Matrix {
        var result = Matrix(rows: n, columns: n)
        for i in 0..<n { result.elements[i * n + i] = 1 }
        return result
    }

    /// Element at row `row`, column `column` (both 0-based).
    public subscript(row: Int, column: Int) -> Scalar {
        @inlinable get {
            precondition(row >= 0 && row < rows && column >= 0 && column < columns, "Matrix index out of range")
            return elements[row * columns + column]
        }
        set {
            precondition(row >= 0 && row < rows && column >= 0 && column < columns, "Matrix index out of range")
            elements[row * columns + column] = newValue
        }
    }

    /// `[rows, columns]`, as numpy would print it.
    public var shape: [Int] { [rows, columns] }

    /// One row as an array.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func row(_ index: Int) -> [Scalar] {
        Array(elements[index * columns ..< (index + 1) * columns])
    }

    /// Overwrites rows `range` with the rows of `block` (`[range.count, columns]`).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public mutating func replaceRows(_ range: Range<Int>, with block: Matrix) {
        precondition(block.columns == columns && block.rows == range.count && range.upperBound <= rows, "replaceRows: block does not fit")
        elements.replaceSubrange((range.lowerBound * columns)..<(range.upperBound * columns), with: block.elements)
    }

    /// Sets every row to `row` (`[columns]`), e.g. a neutral pose before adding deltas with `gemm`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public mutating func fillRows(with row: [Scalar]) {
        precondition(row.count == columns, "fillRows: \(row.count) values for \(columns) columns")
        for r in 0..<rows { elements.replaceSubrange((r * columns)..<((r + 1) * columns), with: row) }
    }

    /// One column as an array.
    public func column(_ index: Int) -> [Scalar] {
        (0..<rows).map { elements[$0 * columns + index] }
    }

    /// The transpose, as a new contiguous matrix.
    public func transposed() -> Matrix {
        var result = Matrix(rows: columns, columns: rows)
        for r in 0..<rows {
            for c in 0..<columns { result.elements[c * rows + r] = elements[r * columns + c] }
        }
        return result
    }

    /// Gives BLAS/LAPACK wrappers read access to the storage without copying.
    func withStorage<R>(_ body: (UnsafeBufferPointer<Scalar>) throws -> R) rethrows -> R {
        try elements.withUnsafeBufferPointer(body)
    }

    /// Gives BLAS/LAPACK wrappers write access to the storage without copying.
    mutating func withMutableStorage<R>(_ body: (UnsafeMutableBufferPointer<Scalar>) throws -> R) rethrows -> R {
        try elements.withUnsafeMutableBufferPointer { try body($0) }
    }
}

extension Matrix: CustomStringConvertible {
    public var description: String {
        let body = (0..<rows).map { r in row(r).map { "\($0)" }.joined(separator: ", ") }
        return "Matrix[\(rows)×\(columns)]([" + body.joined(separator: "], [") + "])"
    }
}
