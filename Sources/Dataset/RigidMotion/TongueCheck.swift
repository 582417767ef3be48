import Analysis
import Foundation
import Formats
import Linalg

/// `faceprep tongue`: per-frame rigid transforms of every tongue shot from its rigid vertices.
public enum TongueCheck {
    /// Rigid vertices may drift by at most this fraction of the tongue's size (bounding-box diagonal).
    public static let residualLimit = 0.005

    public struct Report: Sendable, Encodable {
        public let rigidVertices: [Int]
        public let shots: [RigidSetFit]
        public let errors: [ShotFailure]
        /// The transforms file written (nil when no shot could be fitted).
        public let transformsFile: String?
        public var flagged: Int { shots.filter(\.deforms).count + errors.count }
    }

    /// Fits every tongue shot; writes `tongue_rigid_transforms.npz` into `output`, and with
    /// `writeStabilized` the stabilised caches as Maya caches under `output/tongue_stabilized/`.
    /// The shots in `known` (a shard's results) are taken as they are; with `shots`, only those are
    /// fitted (and the transforms file is left to the merge); `record` gets each shot as it is fitted.
    public static func run(_ root: String, output: String, writeStabilized: Bool, shots only: [String]? = nil,
                           known: [String: RigidShotOutcome] = [:],
                           progress: @escaping @Sendable (String) -> Void = { _ in },
                           record: @escaping @Sendable (String, RigidShotOutcome) -> Void = { _, _ in }) throws -> Report {
        let layout = try DatasetLayout.discover(root)
        let neutral = try NumpyNeutral.read(layout.path(DatasetFiles.tongueNeutral))
        let rigid = try JSONFile.read([Int].self, from: layout.path(DatasetFiles.tongueRigid))
        let vertexCount = neutral.count / 3
        guard Set(rigid).count >= 3, rigid.allSatisfy({ $0 >= 0 && $0 < vertexCount }) else {
            throw FormatError(file: layout.path(DatasetFiles.tongueRigid), .wholeFile,
                              "needs at least 3 distinct indices in [0, \(vertexCount)); faceprep validate explains")
        }
        guard !layout.tongue.isEmpty else { throw FormatError(file: root, .element("cache/tongue"), "no tongue caches") }
        let reference = rigid.flatMap { i in (0..<3).map { Double(neutral[3 * i + $0]) } }
        let limit = residualLimit * (BoundingBox(points: neutral)?.diagonal ?? 1)
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        let done = Counter()
        let entries = layout.tongue.filter { only?.contains($0.shot) ?? true }
        let toFit = entries.filter { known[$0.shot] == nil }
        let fitted = parallelMap(toFit) { entry -> Result<RigidSetFit, ShotFailure> in
            defer { progress("tongue \(done.increment())/\(toFit.count): \(entry.shot)") }
            let (result, written) = fit(entry)
            record(entry.shot, RigidShotOutcome(result, outputs: written))
            return result
        }
        /// The shot's fit, and the files it wrote (the stabilised cache's data and .xml).
        @Sendable func fit(_ entry: DatasetLayout.ShotCaches) -> (Result<RigidSetFit, ShotFailure>, [String]) {
            do {
                guard let file = entry.candidates.first else { throw FormatError(file: root, .element("cache/tongue/\(entry.shot)"), "no cache") }
                let cache = try VertexCacheIO.read(layout.path(file))
                guard cache.vertexCount == vertexCount else {
                    throw FormatError(file: layout.path(file), .wholeFile, "\(cache.vertexCount) vertices, the tongue neutral has \(vertexCount)")
                }
                var points = [Float]()
                points.reserveCapacity(cache.frameCount * rigid.count * 3)
                for f in 0..<cache.frameCount {
                    let frame = cache.frame(f)
                    for i in rigid { points += frame[(frame.startIndex + 3 * i)..<(frame.startIndex + 3 * i + 3)] }
                }
                let (fit, transforms) = try RigidSetFit.fit(shot: entry.shot, reference: reference, frames: points, frameCount: cache.frameCount,
                                              limit: limit, labels: rigid)
                if writeStabilized {
                    var stabilised = try VertexCache(
                        frameCount: cache.frameCount, vertexCount: cache.vertexCount,
                        positions: try RigidTransform.apply(transforms, to: cache.positions, vertexCount: cache.vertexCount),
                        framesPerSecond: cache.framesPerSecond, startFrame: cache.startFrame, source: cache.source)
                    if stabilised.framesPerSecond == nil { stabilised.framesPerSecond = 30 }
                    let folder = "\(output)/tongue_stabilized/\(entry.shot)"
                    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                    return (.success(fit), try MayaCache.write(stabilised, to: "\(folder)/\(entry.shot).xml"))
                }
                return (.success(fit), [])
            } catch {
                return (.failure(ShotFailure(shot: entry.shot, file: entry.candidates.first ?? "", error: error)), [])
            }
        }
        var fittedByShot = Dictionary(zip(toFit.map(\.shot), fitted), uniquingKeysWith: { a, _ in a })
        let outcomes = entries.compactMap { known[$0.shot]?.result ?? fittedByShot.removeValue(forKey: $0.shot) }
        let fits = outcomes.compactMap { try? $0.get() }
        let errors = outcomes.compactMap { outcome -> ShotFailure? in if case let .failure(e) = outcome { return e } else { return nil } }
        let file = "\(output)/tongue_rigid_transforms.npz"
        if only == nil, !fits.isEmpty { try RigidSetFit.writeTransforms(fits, to: file) }
        return Report(rigidVertices: rigid, shots: fits, errors: errors, transformsFile: fits.isEmpty ? nil : file)
    }
}
