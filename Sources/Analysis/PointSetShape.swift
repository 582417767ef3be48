import Linalg

/// The spread of a small point set (rigid vertices, jaw keypoints) along its principal axes: whether
/// it can determine a rigid transform. Three or more points that are not collinear fix a rotation;
/// nearly coplanar sets fix it poorly about one axis.
public struct PointSetShape: Sendable, Equatable, Codable {
    /// Singular values of the centred `[N, 3]` points, descending.
    public let singularValues: [Double]
    public let pointCount: Int

    /// - Parameter points: `[N, 3]` row-major.
    public init(points: [Float]) throws {
        let n = points.count / 3
        pointCount = n
        guard n > 0 else { singularValues = [0, 0, 0]; return }
        var centred = points.map(Double.init)
        for axis in 0..<3 {
            let mean = stride(from: axis, to: centred.count, by: 3).reduce(0.0) { $0 + centred[$1] } / Double(n)
            for i in stride(from: axis, to: centred.count, by: 3) { centred[i] -= mean }
        }
        let matrix = try Matrix(rows: n, columns: 3, elements: centred)
        var values = try SingularValueDecomposition(matrix).singularValues
        while values.count < 3 { values.append(0) }
        singularValues = values
    }

    /// Numerical rank: singular values above 1e-6 of the largest.
    public var rank: Int {
        guard let largest = singularValues.first, largest > 0 else { return 0 }
        return singularValues.filter { $0 > largest * 1e-6 }.count
    }

    /// σ₁ / σ₂: large when the points lie nearly on a line.
    public var lineCondition: Double { singularValues[1] > 0 ? singularValues[0] / singularValues[1] : .infinity }

    /// σ₁ / σ₃: large when the points lie nearly in a plane.
    public var planeCondition: Double { singularValues[2] > 0 ? singularValues[0] / singularValues[2] : .infinity }

    /// Fewer than 3 points, or all on (nearly) one line: no rotation can be determined.
    public var isCollinear: Bool { pointCount < 3 || rank < 2 || lineCondition > 1e4 }
}
