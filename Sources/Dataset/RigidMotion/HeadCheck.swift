import Analysis
import Foundation
import Formats

/// `faceprep head` and `faceprep stabilize`: rigid head motion of skin shots against the neutral.
public enum HeadCheck {
    /// One shot's result.
    public struct ShotResult: Sendable, Codable {
        public let shot: String
        public let file: String
        public let frames: Int
        public let summary: HeadMotion.Summary?
        /// Why the shot could not be checked.
        public let error: String?
    }

    /// Estimates the head motion of every skin shot (or those in `shots`) of the dataset at `root`.
    public static func run(_ root: String, shots only: [String] = [], progress: @escaping @Sendable (String) -> Void = { _ in }) throws -> [ShotResult] {
        let layout = try DatasetLayout.discover(root)
        let neutralPath = layout.path(DatasetFiles.skinNeutral)
        guard FileManager.default.fileExists(atPath: neutralPath) else {
            throw FormatError.unreadable(neutralPath, "missing: the head is measured against the neutral pose")
        }
        let neutral = try NumpyNeutral.read(neutralPath)
        let entries = layout.skin.filter { only.isEmpty || only.contains($0.shot) }
        let unknown = only.filter { name in !layout.skin.contains { $0.shot == name } }
        guard unknown.isEmpty else { throw FormatError(file: root, .element("--shot"), "no skin shot named \(unknown.joined(separator: ", "))") }
        let done = Counter()
        return parallelMap(entries) { entry -> ShotResult in
            defer { progress("head \(done.increment())/\(entries.count): \(entry.shot)") }
            guard let file = entry.candidates.first else {
                return ShotResult(shot: entry.shot, file: "", frames: 0, summary: nil, error: "no cache")
            }
            do {
                let frames = try VertexCacheIO.frames(layout.path(file))
                let motion = try estimate(frames, neutral: neutral)
                return ShotResult(shot: entry.shot, file: file, frames: frames.frameCount, summary: motion.summary, error: nil)
            } catch {
                return ShotResult(shot: entry.shot, file: file, frames: 0, summary: nil, error: "\(error)")
            }
        }
    }

    /// The shot's head motion against `neutral` `[V, 3]`, from an evenly spread sample of vertices.
    public static func estimate(_ frames: CacheFrames, neutral: [Float]) throws -> HeadMotion {
        guard neutral.count == frames.valuesPerFrame else {
            throw FormatError(file: frames.source.path, .wholeFile, "\(frames.vertexCount) vertices, the neutral has \(neutral.count / 3)")
        }
        let sample = HeadMotion.sampleIndices(vertexCount: frames.vertexCount)
        // The full pass (not `sample`): it refuses non-finite positions with their place in the file.
        let sampled = try CacheSummary.stream(frames, samplings: [sample]).sampled[0]
        return try HeadMotion.estimate(reference: sample.flatMap { i in (0..<3).map { Double(neutral[3 * i + $0]) } },
                                       frames: sampled, frameCount: frames.frameCount,
                                       headHeight: BoundingBox(points: neutral)?.size.y ?? 1)
    }

    /// Reads `input`, removes its estimated head motion and writes the result to `output` in the
    /// format its extension names. Against `neutral` when given, else against the first frame.
    public static func stabilize(input: String, output: String, neutral neutralPath: String?) throws -> HeadMotion.Summary {
        let frames = try VertexCacheIO.frames(input)
        let cache = try frames.readAll()
        let neutral = try neutralPath.map(NumpyNeutral.read) ?? Array(cache.frame(0))
        let motion = try estimate(frames, neutral: neutral)
        let positions = try RigidTransform.apply(motion.transforms, to: cache.positions, vertexCount: cache.vertexCount)
        var stabilised = try VertexCache(frameCount: cache.frameCount, vertexCount: cache.vertexCount, positions: positions,
                                         framesPerSecond: cache.framesPerSecond, startFrame: cache.startFrame, source: cache.source)
        if stabilised.framesPerSecond == nil, CacheFormat(path: output) == .mayaCache { stabilised.framesPerSecond = 30 }
        try VertexCacheIO.write(stabilised, to: output, double: false)
        return motion.summary
    }
}

/// A `[V, 3]` float pose from an .npy file.
enum NumpyNeutral {
    static func read(_ path: String) throws -> [Float] {
        let array = try NpyArray.read(path)
        guard array.shape.count == 2, array.shape[1] == 3 else {
            throw FormatError(file: path, .element("shape"), "shape \(array.shape), expected [vertices, 3]")
        }
        return try array.floats()
    }
}
