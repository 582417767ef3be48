/// Mean, RMS and maximum of many non-negative distances, and where the maximum lies.
public struct DistanceSummary: Sendable, Equatable {
    public var sum = 0.0
    public var sumSquares = 0.0
    public var count = 0
    /// −1 until a distance is added.
    public var max = -1.0
    /// Row and point of the first occurrence of `max`.
    public var worstRow = 0
    public var worstPoint = 0

    public init() {}

    public var mean: Double { count > 0 ? sum / Double(count) : 0 }
    public var rms: Double { count > 0 ? (sumSquares / Double(count)).squareRoot() : 0 }
}

/// Per-point distances of row-major blocks of points `[rows, P, 3]` from a reference `[P, 3]`,
/// summarised over every point and over a selection of points (a fit's residual over the whole mesh
/// and over the frontal mask) without storing them. Each row is one vectorised pass: distances into a
/// scratch row, then 8-lane sums and maxima in `Float` folded into `Double` every 256 points.
public struct DistanceTally: Sendable {
    /// `[P, 3]`.
    public let reference: [Float]
    /// 1 for selected points, 0 for the others; nil when every point is selected.
    private let weights: [Float]?
    public private(set) var all = DistanceSummary()
    /// Over the selected points (the same as `all` without a selection).
    public var selected: DistanceSummary { weights == nil ? all : selection }
    private var selection = DistanceSummary()
    private var distances: [Float]
    private let selectedCount: Int
    /// Per row added, in row order: the RMS distance over every point (a fit's error over time).
    public private(set) var rowRMS: [Double] = []
    /// Per point, the sum over rows of its squared distance (`[P]`; a fit's error over the mesh):
    /// `folded` plus the rows since the last fold, kept in Float (`recent`) and folded into Double every
    /// 256 rows, so the per-point pass costs a vector multiply-add per point and row.
    public var pointSquares: [Double] {
        zip(folded, recent).map { $0 + Double($1) }
    }
    private var folded: [Double]
    private var recent: [Float]
    private var recentRows = 0

    /// - Parameters:
    ///   - reference: `[P, 3]`, subtracted from every row.
    ///   - selectedPoints: point indices in `0..<P` (any order) summarised apart, or nil.
    public init(reference: [Float], selectedPoints: [Int]?) {
        self.reference = reference
        let points = reference.count / 3
        if let selectedPoints {
            var weights = [Float](repeating: 0, count: points)
            for p in selectedPoints where p >= 0 && p < points { weights[p] = 1 }
            self.weights = weights
            selectedCount = weights.reduce(0) { $0 + Int($1) }
        } else {
            weights = nil
            selectedCount = points
        }
        distances = [Float](repeating: 0, count: points)
        folded = [Double](repeating: 0, count: points)
        recent = [Float](repeating: 0, count: points)
    }

    /// Per point, the RMS of its distance over the rows added (`[P]`).
    public var pointRMS: [Double] {
        let rows = Double(Swift.max(rowRMS.count, 1))
        return pointSquares.map { ($0 / rows).squareRoot() }
    }

    /// Adds the first `rows` rows of `values` (`[rows, P, 3]`), numbered from `firstRow`. Returns the
    /// first row and point whose distance is not finite (that row is then not added), else nil.
    public mutating func add(_ values: [Float], rows: Int, firstRow: Int) -> (row: Int, point: Int)? {
        let points = reference.count / 3
        guard points > 0, rows > 0, values.count >= rows * 3 * points else { return nil }
        var scratch: [Float] = []
        swap(&scratch, &distances)   // the row buffer, without a copy while it is written
        defer { swap(&scratch, &distances) }
        for r in 0..<rows {
            Self.distances(values, row: r, points: points, reference: reference, into: &scratch)
            if let bad = scratch.withUnsafeBufferPointer({ addRow($0, index: firstRow + r) }) { return (firstRow + r, bad) }
        }
        return nil
    }

    /// Adds rows of distances already measured (`[rows, P]`), numbered from `firstRow`: what
    /// `ResidualDistances` writes. Returns the first row and point whose distance is not finite.
    public mutating func add(distances rowsOfDistances: [Float], rows: Int, firstRow: Int) -> (row: Int, point: Int)? {
        let points = reference.count / 3
        guard points > 0, rows > 0, rowsOfDistances.count >= rows * points else { return nil }
        return rowsOfDistances.withUnsafeBufferPointer { all in
            for r in 0..<rows {
                if let bad = addRow(UnsafeBufferPointer(rebasing: all[(r * points)..<((r + 1) * points)]), index: firstRow + r) {
                    return (firstRow + r, bad)
                }
            }
            return nil
        }
    }

    /// Folds one row's distances into the summaries; returns the first non-finite point instead.
    private mutating func addRow(_ d: UnsafeBufferPointer<Float>, index: Int) -> Int? {
        guard let base = d.baseAddress else { return nil }
        let points = d.count
        let all = Self.reduce(base, points: points, weights: nil)
        guard all.sum.isFinite, all.sumSquares.isFinite else { return d.firstIndex { !$0.isFinite } ?? 0 }
        merge(all, into: &self.all, row: index, distances: d, selectedOnly: false)
        rowRMS.append(points > 0 ? (all.sumSquares / Double(points)).squareRoot() : 0)
        recent.withUnsafeMutableBufferPointer { squares in
            guard let sums = squares.baseAddress else { return }
            var p = 0
            while p + 8 <= points {
                let x = UnsafeRawPointer(base + p).loadUnaligned(as: SIMD8<Float>.self)
                let s = UnsafeRawPointer(sums + p).loadUnaligned(as: SIMD8<Float>.self)
                UnsafeMutableRawPointer(sums + p).storeBytes(of: s + x * x, as: SIMD8<Float>.self)
                p += 8
            }
            while p < points { sums[p] += base[p] * base[p]; p += 1 }
        }
        recentRows += 1
        if recentRows == 256 {
            for p in 0..<points { folded[p] += Double(recent[p]); recent[p] = 0 }
            recentRows = 0
        }
        if let weights {
            let selected = weights.withUnsafeBufferPointer { w in Self.reduce(base, points: points, weights: w.baseAddress) }
            merge(selected, into: &selection, row: index, distances: d, selectedOnly: true)
        }
        return nil
    }

    private func merge(_ row: RowSums, into summary: inout DistanceSummary, row index: Int, distances: UnsafeBufferPointer<Float>,
                       selectedOnly: Bool) {
        let count = selectedOnly ? selectedCount : reference.count / 3
        summary.sum += row.sum
        summary.sumSquares += row.sumSquares
        summary.count += count
        guard count > 0, Double(row.max) > summary.max else { return }
        summary.max = Double(row.max)
        summary.worstRow = index
        // The first point at the maximum (rare: only when a row beats every earlier one).
        summary.worstPoint = distances.indices.first { distances[$0] == row.max && (!selectedOnly || weights?[$0] != 0) } ?? 0
    }

    private typealias RowSums = (sum: Double, sumSquares: Double, max: Float)

    /// Row `row` of `values`: each point's distance from the reference, into `d[0 ..< points]`.
    private static func distances(_ values: [Float], row: Int, points: Int, reference: [Float], into scratch: inout [Float]) {
        values.withUnsafeBufferPointer { valueBuffer in
            reference.withUnsafeBufferPointer { referenceBuffer in
                scratch.withUnsafeMutableBufferPointer { distanceBuffer in
                    guard let v = valueBuffer.baseAddress.map({ $0 + row * 3 * points }), let n = referenceBuffer.baseAddress,
                          let d = distanceBuffer.baseAddress else { return }
                    for p in 0..<points {
                        let dx = v[3 &* p] - n[3 &* p], dy = v[3 &* p &+ 1] - n[3 &* p &+ 1], dz = v[3 &* p &+ 2] - n[3 &* p &+ 2]
                        d[p] = (dx * dx + dy * dy + dz * dz).squareRoot()
                    }
                }
            }
        }
    }

    /// Sum, sum of squares and maximum of `d[0..<points]` (weighted by 0/1 `weights`).
    @inline(__always)
    private static func reduce(_ d: UnsafePointer<Float>, points: Int, weights: UnsafePointer<Float>?) -> RowSums {
        var sum = 0.0, squares = 0.0
        var maximum = SIMD8<Float>(repeating: 0)
        var chunk = 0
        while chunk < points {
            let end = Swift.min(chunk + 256, points)
            var s = SIMD8<Float>(repeating: 0), q = SIMD8<Float>(repeating: 0)
            var p = chunk
            while p + 8 <= end {
                var x = UnsafeRawPointer(d + p).loadUnaligned(as: SIMD8<Float>.self)
                if let weights { x *= UnsafeRawPointer(weights + p).loadUnaligned(as: SIMD8<Float>.self) }
                s += x
                q += x * x
                maximum = maximum.replacing(with: x, where: x .> maximum)
                p += 8
            }
            var tailSum: Float = 0, tailSquares: Float = 0, tailMax: Float = 0
            while p < end {
                let x = d[p] * (weights?[p] ?? 1)
                tailSum += x; tailSquares += x * x; tailMax = Swift.max(tailMax, x)
                p += 1
            }
            sum += Double(s.sum() + tailSum)
            squares += Double(q.sum() + tailSquares)
            maximum = maximum.replacing(with: SIMD8(repeating: tailMax), where: SIMD8(repeating: tailMax) .> maximum)
            chunk = end
        }
        // NaN never wins a maximum; a non-finite row shows in the sums, which the caller checks.
        return (sum, squares, maximum.max())
    }
}
