/// How a shot's geometry relates to the neutral pose, to catch exports that are rescaled (metres
/// against centimetres), offset (a different pivot or world position) or reordered (another vertex
/// order): expressions move a face by a few percent of its size, these errors by far more.
///
/// Compare the neutral with a representative frame of the shot (its mean frame): all lengths are in
/// mesh units, and `headSize` is the neutral's bounding-box diagonal.
public struct PoseComparison: Sendable, Equatable, Codable {
    /// Neutral bounding-box diagonal.
    public let headSize: Double
    /// Frame bounding-box diagonal ÷ neutral's (1 when the scale agrees).
    public let scaleRatio: Double
    /// Distance between the centroids, ÷ `headSize`.
    public let centroidOffset: Double
    /// Median per-vertex distance after removing the centroid offset, ÷ `headSize`.
    public let medianVertexDistance: Double

    /// Compares `frame` with `neutral`, both `[V, 3]` row-major; nil when they differ in length, are
    /// empty, or the neutral has no extent.
    public init?(frame: ArraySlice<Float>, neutral: ArraySlice<Float>) {
        guard frame.count == neutral.count, frame.count >= 3, frame.count % 3 == 0,
              let frameBox = BoundingBox(points: Array(frame)), let neutralBox = BoundingBox(points: Array(neutral)),
              neutralBox.diagonal > 0 else { return nil }
        let n = frame.count / 3
        var frameCentroid = SIMD3<Double>.zero, neutralCentroid = SIMD3<Double>.zero
        let f = Array(frame), p = Array(neutral)
        for i in 0..<n {
            frameCentroid += SIMD3(Double(f[3 * i]), Double(f[3 * i + 1]), Double(f[3 * i + 2]))
            neutralCentroid += SIMD3(Double(p[3 * i]), Double(p[3 * i + 1]), Double(p[3 * i + 2]))
        }
        frameCentroid /= Double(n)
        neutralCentroid /= Double(n)
        let shift = frameCentroid - neutralCentroid
        var distances = [Double](repeating: 0, count: n)
        for i in 0..<n {
            let d = SIMD3(Double(f[3 * i]) - Double(p[3 * i]), Double(f[3 * i + 1]) - Double(p[3 * i + 1]),
                          Double(f[3 * i + 2]) - Double(p[3 * i + 2])) - shift
            distances[i] = (d * d).sum().squareRoot()
        }
        distances.sort()
        headSize = neutralBox.diagonal
        scaleRatio = frameBox.diagonal / neutralBox.diagonal
        let s = shift
        centroidOffset = (s * s).sum().squareRoot() / neutralBox.diagonal
        medianVertexDistance = distances[n / 2] / neutralBox.diagonal
    }

    /// The likely export problem, if any. Thresholds: scale off by more than 20 %, centroid moved by
    /// more than 10 % of the head, or half the vertices more than 10 % of the head away from their
    /// neutral position once the centroid is aligned — far beyond any facial expression.
    public var problem: Problem? { problem(scaleRatio: 1.2, offset: 0.1, reorder: 0.1) }

    /// The likely export problem with other thresholds: `scaleRatio` (> 1), `offset` and `reorder`
    /// as fractions of the head size.
    public func problem(scaleRatio limit: Double, offset: Double, reorder: Double) -> Problem? {
        if scaleRatio > limit || scaleRatio < 1 / limit { return .rescaled }
        if centroidOffset > offset { return .offset }
        if medianVertexDistance > reorder { return .reordered }
        return nil
    }

    public enum Problem: String, Sendable, Codable {
        case rescaled, offset, reordered
    }
}
