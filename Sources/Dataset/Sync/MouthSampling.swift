import Analysis
import Formats

/// Which vertices of a skin cache give its mouth signal, decided once per dataset.
public enum MouthSampling: Sendable {
    /// The pairs of `lip_dist_vertex_list.json`.
    case lips(upper: [Int], lower: [Int])
    /// Vertices of the lower face and their neutral positions `[S, 3]`.
    case lowerFace(indices: [Int], neutral: [Float])

    /// The vertices to read from every frame, in the order `signal(sampled:frames:)` expects.
    public var indices: [Int] {
        switch self {
        case let .lips(upper, lower): return upper + lower
        case let .lowerFace(indices, _): return indices
        }
    }

    /// The mouth signal from the positions of `indices` in every frame, `[F, S, 3]`.
    public func signal(sampled: [Float], frames: Int) -> MouthSignal {
        switch self {
        case let .lips(upper, _): return MouthSignal.lipDistance(positions: sampled, frames: frames, pairs: upper.count)
        case let .lowerFace(_, neutral): return MouthSignal.lowerFaceMotion(positions: sampled, frames: frames, neutral: neutral)
        }
    }

    /// The lip pairs when the list is usable for a mesh of `vertexCount` vertices.
    public static func lips(_ list: UpperLowerVertexList?, vertexCount: Int) -> MouthSampling? {
        guard let list, !list.upper.isEmpty, list.upper.count == list.lower.count,
              (list.upper + list.lower).allSatisfy({ $0 >= 0 && $0 < vertexCount }) else { return nil }
        return .lips(upper: list.upper, lower: list.lower)
    }

    /// Up to `limit` vertices, evenly spread, from the lowest 40 % of the neutral's height (below the
    /// mouth on any ordinary head), with their neutral positions.
    public static func lowerFace(neutral: [Float], limit: Int = 1000) -> MouthSampling? {
        guard let box = BoundingBox(points: neutral) else { return nil }
        let cut = Float(box.minimum.y + 0.4 * box.size.y)
        let below = stride(from: 0, to: neutral.count / 3, by: 1).filter { neutral[3 * $0 + 1] < cut }
        guard !below.isEmpty else { return nil }
        let step = max(1, (below.count + limit - 1) / limit)
        let chosen = stride(from: 0, to: below.count, by: step).map { below[$0] }
        return .lowerFace(indices: chosen, neutral: chosen.flatMap { neutral[(3 * $0)..<(3 * $0 + 3)] })
    }
}

extension MouthSignal {
    /// The jaw signal of `shot` from `jaw_keypoints_cache_all.npz`, when it holds a `[frames, N, 3]`
    /// float member matching the `[N, 3]` keypoints `neutral`.
    static func jaw(_ archive: NpzArchive?, neutral: [Float]?, shot: String, frames: Int) -> MouthSignal? {
        guard let neutral, let array = try? archive?.array(shot), array.shape.count == 3, array.shape[0] == frames,
              array.shape[2] == 3, array.shape[1] * 3 == neutral.count, let deltas = try? array.floats() else { return nil }
        return MouthSignal.jawDrop(deltas: deltas, frames: frames, points: array.shape[1], neutral: neutral)
    }

    /// The signal sync uses: the lip distance when the sampled signal is one, else the jaw keypoints
    /// (`jaw`, only evaluated then), else the sampled signal (lower-face motion).
    static func preferred(sampled: MouthSignal?, jaw: @autoclosure () -> MouthSignal?) -> MouthSignal? {
        sampled?.source == .lipDistance ? sampled : jaw() ?? sampled
    }

    /// `xform/jaw_keypoints_cache_all.npz` and `jaw_keypoints_neutral.npy` of the dataset, when readable.
    static func jawData(_ layout: DatasetLayout) -> (archive: NpzArchive?, neutral: [Float]?) {
        let archive = layout.exists(DatasetFiles.jawCache) ? try? NpzArchive.read(layout.path(DatasetFiles.jawCache)) : nil
        let neutral = archive == nil ? nil : try? NumpyNeutral.read(layout.path(DatasetFiles.jawNeutral))
        return (archive, neutral)
    }
}
