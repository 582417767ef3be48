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
    public static func run(_ root: String, output: String) throws -> Report {
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
        var errors = archive.failures.sorted { $0.key < $1.key }.map { ShotFailure(shot: $0.key, file: archive.path, error: $0.value) }
        for key in archive.keys {
            guard let array = archive.arrays[key] else { continue }
            guard array.shape.count == 3, array.shape[1] == n, array.shape[2] == 3, array.dtype.kind == .float else {
                errors.append(ShotFailure(shot: key, file: archive.path, message: "\(array.dtype.name) \(array.shape), expected float32 [frames, \(n), 3]",
                                          ioFailure: false))
                continue
            }
            let deltas = try array.floats()
            let frames = array.shape[0]
            let points = deltas.indices.map { deltas[$0] + neutral[$0 % (3 * n)] }
            fits.append(try RigidSetFit.fit(shot: key, reference: reference, frames: points, frameCount: frames,
                                            limit: limit, labels: Array(0..<n)).fit)
        }
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        let file = "\(output)/jaw_rigid_transforms.npz"
        if !fits.isEmpty { try RigidSetFit.writeTransforms(fits, to: file) }
        return Report(keypoints: n, singularValues: shape.singularValues, rank: shape.rank, lineCondition: shape.lineCondition,
                      planeCondition: shape.planeCondition, collinear: false, nearlyCoplanar: shape.planeCondition > coplanarCondition,
                      shots: fits, errors: errors, transformsFile: fits.isEmpty ? nil : file)
    }
}
