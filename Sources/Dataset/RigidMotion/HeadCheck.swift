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
        /// The cache could not be read at all (rather than read and found malformed).
        public var ioFailure = false
    }

    /// Which vertices decided the rigid motion.
    public struct RigidSetReport: Sendable, Codable, Equatable {
        /// `blendshapes` (from `bs_data/bs_skin.npz`) or `shots` (learned per shot).
        public let source: RigidVertexSet.Source
        /// Vertices in the rig's rigid set (0 when learned per shot).
        public let vertices: Int
        /// Vertices the fit reads.
        public let fitVertices: Int
        public let description: String

        init(_ reference: HeadReference) {
            source = reference.rigidSet.source
            vertices = reference.rigidSet.vertices.count
            fitVertices = reference.candidates.count
            description = reference.description
        }
    }

    public struct Report: Sendable, Codable {
        public let rigidSet: RigidSetReport
        public let shots: [ShotResult]
    }

    /// Estimates the head motion of every skin shot (or those in `shots`) of the dataset at `root`; the
    /// shots in `known` (a shard's results) are taken as they are, each other one is passed to `record`
    /// as soon as it is measured.
    public static func run(_ root: String, shots only: [String] = [], known: [String: ShotResult] = [:],
                           progress: @escaping @Sendable (String) -> Void = { _ in },
                           record: @escaping @Sendable (ShotResult) -> Void = { _ in }) throws -> Report {
        let layout = try DatasetLayout.discover(root)
        let reference = try HeadReference.load(layout)
        let entries = layout.skin.filter { only.isEmpty || only.contains($0.shot) }
        try layout.requireShots(only)
        let done = Counter()
        let measured = entries.filter { known[$0.shot] == nil }.count
        @Sendable func measure(_ entry: DatasetLayout.ShotCaches) -> ShotResult {
            defer { progress("head \(done.increment())/\(measured): \(entry.shot)") }
            guard let file = entry.candidates.first else {
                return ShotResult(shot: entry.shot, file: "", frames: 0, summary: nil, error: "no cache")
            }
            do {
                let frames = try VertexCacheIO.frames(layout.path(file))
                guard frames.frameCount > 0 else { throw FormatError(file: layout.path(file), .wholeFile, "the cache has no frames") }
                let motion = try estimate(frames, reference: reference)
                return ShotResult(shot: entry.shot, file: file, frames: frames.frameCount, summary: motion.summary, error: nil)
            } catch {
                var result = ShotResult(shot: entry.shot, file: file, frames: 0, summary: nil, error: "\(error)")
                result.ioFailure = (error as? FormatError)?.isIOFailure ?? false
                return result
            }
        }
        let results = parallelMap(entries) { entry -> ShotResult in
            if let result = known[entry.shot] { return result }
            let result = measure(entry)
            record(result)
            return result
        }
        return Report(rigidSet: RigidSetReport(reference), shots: results)
    }

    /// The shot's head motion against `reference`, from the positions of its candidate vertices.
    public static func estimate(_ frames: CacheFrames, reference: HeadReference) throws -> HeadMotion {
        guard reference.neutral.count == frames.valuesPerFrame else {
            throw FormatError(file: frames.source.path, .wholeFile, "\(frames.vertexCount) vertices, the neutral has \(reference.vertexCount)")
        }
        // The full pass (not `sample`): it refuses non-finite positions with their place in the file.
        let sampled = try CacheSummary.stream(frames, samplings: [reference.candidates]).sampled[0]
        return try reference.estimate(candidatePositions: sampled, frameCount: frames.frameCount)
    }

    /// The head motion of a cache already in memory (its positions were checked finite when read).
    public static func estimate(_ cache: VertexCache, reference: HeadReference) throws -> HeadMotion {
        guard reference.neutral.count == cache.vertexCount * 3 else {
            throw FormatError(file: cache.source.path, .wholeFile, "\(cache.vertexCount) vertices, the neutral has \(reference.vertexCount)")
        }
        var sampled: [Float] = []
        sampled.reserveCapacity(cache.frameCount * reference.candidates.count * 3)
        CacheSummary.gather(reference.candidates, from: cache.positions, frames: cache.frameCount, width: cache.vertexCount * 3, into: &sampled)
        return try reference.estimate(candidatePositions: sampled, frameCount: cache.frameCount)
    }
}
