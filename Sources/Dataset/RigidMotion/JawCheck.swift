import Analysis
import Foundation
import Formats

/// `faceprep jaw`: the jaw keypoints' shape and the per-frame jaw transform of every shot.
public enum JawCheck {
    /// Keypoints may drift from a rigid motion by at most this fraction of their spread.
    public static let residualLimit = 0.005
    /// σ₁/σ₃ above this: the keypoints lie nearly in a plane, so rotations about axes in that plane
    /// are poorly determined.
    public static let coplanarCondition = 100.0

    public struct Report: Sendable, Encodable {
        public let keypoints: Int
        public let singularValues: [Double]
        public let rank: Int
        public let lineCondition: Double
        public let planeCondition: Double
        public let collinear: Bool
        public let nearlyCoplanar: Bool
        public let shots: [RigidSetFit]
        public let errors: [ShotFailure]
        /// The transforms file written (nil when no shot could be fitted).
        public let transformsFile: String?
        public var flagged: Int { shots.filter(\.deforms).count + errors.count + (collinear ? 1 : 0) }
    }

    /// Checks `xform/jaw_keypoints_neutral.npy`, fits every shot of `xform/jaw_keypoints_cache_all.npz`
    /// (neutral + delta) and writes `jaw_rigid_transforms.npz` into `output`.
    /// The shots in `known` (a shard's results) are taken as they are; with `shots`, only those are
    /// fitted (and the transforms file is left to the merge); `record` gets each shot as it is fitted.
    public static func run(_ root: String, output: String, shots only: [String]? = nil, known: [String: RigidShotOutcome] = [:],
                           record: (String, RigidShotOutcome) -> Void = { _, _ in }) throws -> Report {
        let neutralPath = root + "/" + DatasetFiles.jawNeutral
        let neutral = try NumpyNeutral.read(neutralPath)
        let n = neutral.count / 3
        let shape = try PointSetShape(points: neutral)
        guard !shape.isCollinear else {
            return Report(keypoints: n, singularValues: shape.singularValues, rank: shape.rank, lineCondition: shape.lineCondition,
                          planeCondition: shape.planeCondition, collinear: true, nearlyCoplanar: false, shots: [],
                          errors: [ShotFailure(shot: "", file: neutralPath, message: "the keypoints are collinear (or fewer than 3); no rotation can be derived",
                                               ioFailure: false)], transformsFile: nil)
        }
        let archive = try NpzArchive.read(root + "/" + DatasetFiles.jawCache)
        let reference = neutral.map(Double.init)
        let limit = residualLimit * (BoundingBox(points: neutral)?.diagonal ?? 1)
        var fits: [RigidSetFit] = []
        var errors: [ShotFailure] = []
        func wanted(_ key: String) -> Bool { only?.contains(key) ?? true }
        // Members that cannot be read first (by name), then the rest in the archive's order.
        for (key, error) in archive.failures.sorted(by: { $0.key < $1.key }) where wanted(key) {
            errors.append(known[key]?.error ?? ShotFailure(shot: key, file: archive.path, error: error))
        }
        for key in archive.keys where wanted(key) {
            guard let array = archive.arrays[key] else { continue }
            if let outcome = known[key] {
                switch outcome.result {
                case let .success(fit): fits.append(fit)
                case let .failure(failure): errors.append(failure)
                }
                continue
            }
            guard array.shape.count == 3, array.shape[1] == n, array.shape[2] == 3, array.dtype.kind == .float else {
                let failure = ShotFailure(shot: key, file: archive.path, message: "\(array.dtype.name) \(array.shape), expected float32 [frames, \(n), 3]",
                                          ioFailure: false)
                errors.append(failure)
                record(key, RigidShotOutcome(.failure(failure)))
                continue
            }
            let deltas = try array.floats()
            let frames = array.shape[0]
            let points = deltas.indices.map { deltas[$0] + neutral[$0 % (3 * n)] }
            let fit = try RigidSetFit.fit(shot: key, reference: reference, frames: points, frameCount: frames, limit: limit, labels: Array(0..<n)).fit
            fits.append(fit)
            record(key, RigidShotOutcome(.success(fit)))
        }
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        let file = "\(output)/jaw_rigid_transforms.npz"
        if only == nil, !fits.isEmpty { try RigidSetFit.writeTransforms(fits, to: file) }
        return Report(keypoints: n, singularValues: shape.singularValues, rank: shape.rank, lineCondition: shape.lineCondition,
                      planeCondition: shape.planeCondition, collinear: false, nearlyCoplanar: shape.planeCondition > coplanarCondition,
                      shots: fits, errors: errors, transformsFile: fits.isEmpty ? nil : file)
    }

    /// The shots of `xform/jaw_keypoints_cache_all.npz` (its member names) and their frames: what a
    /// sharded `jaw` splits (empty when the archive cannot be read).
    public static func shotFrames(_ root: String) -> [String: Int] {
        guard let archive = try? NpzArchive.read(root + "/" + DatasetFiles.jawCache) else { return [:] }
        var frames: [String: Int] = [:]
        for key in archive.keys { frames[key] = max(1, archive.arrays[key]?.shape.first ?? 1) }
        for key in archive.failures.keys { frames[key] = 1 }
        return frames
    }
}
