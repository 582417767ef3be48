/// A 3×3 matrix of `Double`, stored as three rows, for the per-frame rigid-motion maths
/// (rotations, cross-covariances) where heap-allocated `Matrix` values would dominate the cost.
public struct Matrix3: Sendable, Equatable {
    public var row0: SIMD3<Double>, row1: SIMD3<Double>, row2: SIMD3<Double>

    @inlinable
    public init(rows row0: SIMD3<Double>, _ row1: SIMD3<Double>, _ row2: SIMD3<Double>) {
        self.row0 = row0
        self.row1 = row1
        self.row2 = row2
    }

    /// From nine row-major values.
    public init(rowMajor v: [Double]) {
        precondition(v.count == 9, "Matrix3 needs 9 values")
        self.init(rows: SIMD3(v[0], v[1], v[2]), SIMD3(v[3], v[4], v[5]), SIMD3(v[6], v[7], v[8]))
    }

    /// From three column vectors.
    @inlinable
    public init(columns c0: SIMD3<Double>, _ c1: SIMD3<Double>, _ c2: SIMD3<Double>) {
        self.init(rows: SIMD3(c0.x, c1.x, c2.x), SIMD3(c0.y, c1.y, c2.y), SIMD3(c0.z, c1.z, c2.z))
    }

    public static let identity = Matrix3(rows: SIMD3(1, 0, 0), SIMD3(0, 1, 0), SIMD3(0, 0, 1))

    @inlinable
    public var column0: SIMD3<Double> { SIMD3(row0.x, row1.x, row2.x) }
    @inlinable
    public var column1: SIMD3<Double> { SIMD3(row0.y, row1.y, row2.y) }
    @inlinable
    public var column2: SIMD3<Double> { SIMD3(row0.z, row1.z, row2.z) }

    /// Element `(row, column)`, 0-based.
    @inlinable
    public subscript(row: Int, column: Int) -> Double {
        switch row {
        case 0: return row0[column]
        case 1: return row1[column]
        default: return row2[column]
        }
    }

    /// The nine values, row-major.
    public var rowMajor: [Double] {
        [row0.x, row0.y, row0.z, row1.x, row1.y, row1.z, row2.x, row2.y, row2.z]
    }

    @inlinable
    public var transposed: Matrix3 { Matrix3(rows: column0, column1, column2) }

    @inlinable
    public var determinant: Double {
        (row0 * cross(row1, row2)).sum()
    }

    @inlinable
    public static func * (m: Matrix3, v: SIMD3<Double>) -> SIMD3<Double> {
        SIMD3((m.row0 * v).sum(), (m.row1 * v).sum(), (m.row2 * v).sum())
    }

    @inlinable
    public static func * (a: Matrix3, b: Matrix3) -> Matrix3 {
        let bt = b.transposed
        func row(_ r: SIMD3<Double>) -> SIMD3<Double> { SIMD3((r * bt.row0).sum(), (r * bt.row1).sum(), (r * bt.row2).sum()) }
        return Matrix3(rows: row(a.row0), row(a.row1), row(a.row2))
    }

    /// Largest absolute element difference, for comparisons in tests and checks.
    @inlinable
    public func maxAbsDifference(_ other: Matrix3) -> Double {
        let d0 = row0 - other.row0, d1 = row1 - other.row1, d2 = row2 - other.row2
        let m = pointwiseMax(pointwiseMax(d0 * d0, d1 * d1), d2 * d2)
        return Swift.max(m.x, m.y, m.z).squareRoot()
    }
}

/// Cross product of two 3-vectors.
@inlinable
public func cross(_ a: SIMD3<Double>, _ b: SIMD3<Double>) -> SIMD3<Double> {
    SIMD3(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x)
}

/// Euclidean length of a 3-vector.
@inlinable
public func length(_ v: SIMD3<Double>) -> Double { (v * v).sum().squareRoot() }
