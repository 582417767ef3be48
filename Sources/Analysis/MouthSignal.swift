/// The animation side of the audio/animation alignment: how open the mouth is in each frame, and how
/// fast that changes.
///
/// Three sources, best first: the upper − lower lip distance along +Y over the pairs of
/// `lip_dist_vertex_list.json` (how the training framework measures it); the drop of the jaw
/// keypoints; the motion of the lower face against the neutral when neither exists.
public struct MouthSignal: Sendable, Codable, Equatable {
    public enum Source: String, Sendable, Codable {
        case lipDistance = "lip distance"
        case jawKeypoints = "jaw keypoints"
        case lowerFaceMotion = "lower-face motion"
    }

    public let source: Source
    /// Per frame, mesh units: lip distance, jaw drop below the neutral, or mean lower-face
    /// displacement from the neutral.
    public let opening: [Double]
    /// Per frame, mesh units per frame: how fast the opening changes (for lower-face motion, the
    /// mean vertex speed).
    public let rate: [Double]
    /// Size of the measured region (the largest side of its bounding box in the first frame, mesh
    /// units): what "the mouth moves" is judged against.
    public let extent: Double

    public init(source: Source, opening: [Double], rate: [Double], extent: Double) {
        self.source = source
        self.opening = opening
        self.rate = rate
        self.extent = extent
    }

    /// The opening varies by less than 0.1 % of the region's size: float rounding or a far-away
    /// blendshape's tail, not speech. Such a signal is never aligned.
    public var isStill: Bool {
        guard let low = opening.min(), let high = opening.max() else { return true }
        return !(high - low > 1e-3 * extent)
    }

    /// The largest side of the bounding box of the first `count` points of `positions` `[.., 3]`.
    static func extent(_ positions: [Float], count: Int) -> Double {
        guard count > 0, positions.count >= 3 * count,
              let box = BoundingBox(points: Array(positions[0..<(3 * count)])) else { return 0 }
        return max(box.size.x, box.size.y, box.size.z)
    }

    /// From lip positions `[F, 2P, 3]`: the P upper-lip vertices of each frame, then the P lower ones.
    public static func lipDistance(positions: [Float], frames: Int, pairs: Int) -> MouthSignal {
        let width = 6 * pairs
        let opening = (0..<frames).map { f -> Double in
            guard pairs > 0 else { return 0 }
            var sum = 0.0
            for p in 0..<pairs {
                sum += Double(positions[f * width + 3 * p + 1]) - Double(positions[f * width + 3 * (pairs + p) + 1])
            }
            return sum / Double(pairs)
        }
        return MouthSignal(source: .lipDistance, opening: opening, rate: speed(of: opening), extent: extent(positions, count: 2 * pairs))
    }

    /// From jaw keypoint displacements `[F, N, 3]` against their neutral `[N, 3]`: the mean drop along −Y.
    public static func jawDrop(deltas: [Float], frames: Int, points: Int, neutral: [Float]) -> MouthSignal {
        let width = 3 * points
        let opening = (0..<frames).map { f -> Double in
            guard points > 0 else { return 0 }
            var sum = 0.0
            for k in 0..<points { sum -= Double(deltas[f * width + 3 * k + 1]) }
            return sum / Double(points)
        }
        return MouthSignal(source: .jawKeypoints, opening: opening, rate: speed(of: opening), extent: extent(neutral, count: points))
    }

    /// From lower-face vertex positions `[F, S, 3]` and their neutral `[S, 3]`: the mean distance from
    /// the neutral, and the mean speed between consecutive frames.
    public static func lowerFaceMotion(positions: [Float], frames: Int, neutral: [Float]) -> MouthSignal {
        let width = neutral.count, count = max(1, neutral.count / 3)
        func distance(_ a: Int, _ b: [Float], _ bBase: Int) -> Double {
            let dx = Double(positions[a]) - Double(b[bBase]), dy = Double(positions[a + 1]) - Double(b[bBase + 1])
            let dz = Double(positions[a + 2]) - Double(b[bBase + 2])
            return (dx * dx + dy * dy + dz * dz).squareRoot()
        }
        var opening = [Double](repeating: 0, count: frames), rate = [Double](repeating: 0, count: frames)
        for f in 0..<frames {
            var displacement = 0.0, speed = 0.0
            for v in stride(from: 0, to: width, by: 3) {
                displacement += distance(f * width + v, neutral, v)
                if f > 0 { speed += distance(f * width + v, positions, (f - 1) * width + v) }
            }
            opening[f] = displacement / Double(count)
            rate[f] = speed / Double(count)
        }
        if frames > 1 { rate[0] = rate[1] }
        return MouthSignal(source: .lowerFaceMotion, opening: opening, rate: rate, extent: extent(neutral, count: neutral.count / 3))
    }

    /// |d/dt| by central differences (one-sided at the ends), per frame.
    static func speed(of x: [Double]) -> [Double] {
        guard x.count > 1 else { return [Double](repeating: 0, count: x.count) }
        return x.indices.map { i in
            let lo = max(0, i - 1), hi = min(x.count - 1, i + 1)
            return abs(x[hi] - x[lo]) / Double(hi - lo)
        }
    }
}
