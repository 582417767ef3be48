/// Axis-aligned bounding box of a point set, in mesh units (the datasets use centimetres).
///
/// The blendshape solver scales its regularisation by the box's 3-D diagonal against
/// `templateBBSize`, and the checks express head motion relative to the head's height (`size.y`).
public struct BoundingBox: Sendable, Equatable, Codable {
    public let minimum: SIMD3<Double>
    public let maximum: SIMD3<Double>

    /// The box of `points`, laid out `[N, 3]` row-major (x, y, z per point); nil when there are no points
    /// or any coordinate is NaN or infinite.
    @_specialize(where Coordinate == Float)
    @_specialize(where Coordinate == Double)
    public init?<Coordinate: BinaryFloatingPoint>(points: [Coordinate]) {
        guard points.count >= 3, points.count % 3 == 0 else { return nil }
        var lo = SIMD3<Double>(repeating: .infinity)
        var hi = SIMD3<Double>(repeating: -.infinity)
        var index = 0
        while index < points.count {
            let p = SIMD3(Double(points[index]), Double(points[index + 1]), Double(points[index + 2]))
            guard p.x.isFinite, p.y.isFinite, p.z.isFinite else { return nil }
            lo = lo.replacing(with: p, where: p .< lo)
            hi = hi.replacing(with: p, where: p .> hi)
            index += 3
        }
        self.minimum = lo
        self.maximum = hi
    }

    /// Edge lengths along x, y and z.
    public var size: SIMD3<Double> { maximum - minimum }

    /// Length of the 3-D diagonal, `‖max − min‖₂`.
    public var diagonal: Double {
        let s = size
        return (s * s).sum().squareRoot()
    }
}
