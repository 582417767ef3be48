/// A rectangular window onto a `Matrix`'s storage: a block of consecutive rows and columns.
///
/// The window keeps the base matrix's leading dimension, so BLAS reads it in place — this is how the
/// solver multiplies against a sub-block of a large matrix without gathering it first.
public struct MatrixView<Scalar: LinalgScalar>: Sendable {
    /// The matrix whose storage is viewed.
    public let base: Matrix<Scalar>
    /// First row and column of the window in `base`.
    public let rowOffset: Int, columnOffset: Int
    /// Shape of the window.
    public let rows: Int, columns: Int

    /// Leading dimension handed to BLAS: the base matrix's row length.
    var leadingDimension: Int { Swift.max(base.columns, 1) }

    init(base: Matrix<Scalar>, rowOffset: Int, columnOffset: Int, rows: Int, columns: Int) {
        self.base = base
        self.rowOffset = rowOffset
        self.columnOffset = columnOffset
        self.rows = rows
        self.columns = columns
    }

    /// Element `(row, column)` of the window.
    public subscript(row: Int, column: Int) -> Scalar {
        base[rowOffset + row, columnOffset + column]
    }

    /// The window copied into its own contiguous matrix.
    public func copy() -> Matrix<Scalar> {
        var result = Matrix<Scalar>(rows: rows, columns: columns)
        for r in 0..<rows {
            for c in 0..<columns { result[r, c] = self[r, c] }
        }
        return result
    }

    /// Pointer to the window's first element, for BLAS.
    func withStorage<R>(_ body: (UnsafePointer<Scalar>) throws -> R) rethrows -> R {
        try base.withStorage { buffer in
            // An empty window of an empty matrix has no storage; BLAS never reads it then.
            guard let start = buffer.baseAddress else {
                return try withUnsafePointer(to: Scalar.zero) { try body($0) }
            }
            return try body(start + rowOffset * base.columns + columnOffset)
        }
    }
}

extension Matrix {
    /// The whole matrix as a view.
    public var view: MatrixView<Scalar> {
        MatrixView(base: self, rowOffset: 0, columnOffset: 0, rows: rows, columns: columns)
    }

    /// A window of rows `rowRange` and columns `columnRange` (the whole width by default).
    public func view(rows rowRange: Range<Int>, columns columnRange: Range<Int>? = nil) -> MatrixView<Scalar> {
        let columnRange = columnRange ?? 0..<columns
        precondition(rowRange.lowerBound >= 0 && rowRange.upperBound <= rows, "row range out of bounds")
        precondition(columnRange.lowerBound >= 0 && columnRange.upperBound <= columns, "column range out of bounds")
        return MatrixView(base: self, rowOffset: rowRange.lowerBound, columnOffset: columnRange.lowerBound,
                          rows: rowRange.count, columns: columnRange.count)
    }
}
