import Analysis
import Foundation
import Formats
import Linalg

/// The per-frame rigid transform of a small set of points that should move rigidly (tongue rigid
/// vertices, jaw keypoints), with how far they fail to: frame → reference, as the training framework
/// stabilises the tongue.
/// Its JSON leaves out `transforms`: they are written to an .npz, which the report names.
public struct RigidSetFit: Sendable, Encodable {
    public let shot: String
    public let frames: Int
    /// `[F, 4, 4]` row-major homogeneous matrices M with x_reference = M·[x_frame, 1].
    public let transforms: [Float]
    /// Largest per-frame RMS distance of the points after the fit (mesh units) and its frame.
    public let maxResidual: Double
    public let worstFrame: Int
    /// The points (indices into the set given) that deform most, with their RMS distance over the shot.
    public let worstPoints: [PointResidual]
    public let maxRotationDegrees: Double
    public let maxTranslation: Double
    /// True when `maxResidual` exceeds the limit: the points do not move rigidly.
    public let deforms: Bool
    /// Per frame, the RMS distance of the points after the fit (mesh units); not encoded (`faceprep report` draws it).
    public let residuals: [Double]
    /// The residual above which the points count as deforming (mesh units).
    public let limit: Double

    private enum CodingKeys: String, CodingKey {
        case shot, frames, maxResidual, worstFrame, worstPoints, maxRotationDegrees, maxTranslation, deforms
    }

    public struct PointResidual: Sendable, Codable, Equatable {
        public let point: Int
        public let rms: Double
    }

    /// Fits `frames` `[F, N, 3]` to `reference` `[N, 3]`; flags residuals above `limit`. `labels` maps
    /// point positions to the indices reported (mesh vertex numbers).
    /// Returns the report and the transforms in Double.
    static func fit(shot: String, reference: [Double], frames: [Float], frameCount: Int, limit: Double,
                    labels: [Int]) throws -> (fit: RigidSetFit, transforms: [RigidTransform]) {
        let fits = try Kabsch(reference: reference).fit(frames: frames, frameCount: frameCount)
        let n = reference.count / 3
        var pointSums = [Double](repeating: 0, count: n)
        for (f, fit) in fits.enumerated() {
            for i in 0..<n {
                let q = SIMD3(Double(frames[(f * n + i) * 3]), Double(frames[(f * n + i) * 3 + 1]), Double(frames[(f * n + i) * 3 + 2]))
                let d = fit.transform.apply(q) - SIMD3(reference[3 * i], reference[3 * i + 1], reference[3 * i + 2])
                pointSums[i] += (d * d).sum()
            }
        }
        let pointRMS = pointSums.map { ($0 / Double(max(frameCount, 1))).squareRoot() }
        let worstPoints = pointRMS.indices.sorted { pointRMS[$0] > pointRMS[$1] }.prefix(3).map { PointResidual(point: labels[$0], rms: pointRMS[$0]) }
        let residuals = fits.map(\.rmsResidual)
        let worst = residuals.indices.max { residuals[$0] < residuals[$1] } ?? 0
        let report = RigidSetFit(shot: shot, frames: frameCount, transforms: fits.flatMap { $0.transform.homogeneous.map(Float.init) },
                           maxResidual: residuals.max() ?? 0, worstFrame: worst, worstPoints: Array(worstPoints),
                           maxRotationDegrees: (fits.map(\.transform.angle).max() ?? 0) * 180 / .pi,
                           maxTranslation: fits.map { length($0.transform.translation) }.max() ?? 0,
                           deforms: (residuals.max() ?? 0) > limit, residuals: residuals, limit: limit)
        return (report, fits.map(\.transform))
    }

    /// Writes `{shot: [F, 4, 4] float32}` to `path`.
    public static func writeTransforms(_ fits: [RigidSetFit], toFile path: String) throws { try writeTransforms(fits, to: path) }

    /// Writes `{shot: [F, 4, 4] float32}` to `path`.
    static func writeTransforms(_ fits: [RigidSetFit], to path: String) throws {
        try NpzArchive.write(fits.map { (key: $0.shot, npy: NpyWriter.encode(floats: $0.transforms, shape: [$0.frames, 4, 4])) }, to: path)
    }
}

/// One shot's rigid fit or why it has none, whole (transforms and residuals too): what a shard of
/// `tongue` or `jaw` hands the merge.
public struct RigidShotOutcome: Sendable, Codable {
    public let fit: StoredFit?
    public let error: ShotFailure?
    /// Files the shot's run wrote (`tongue --write-stabilized`'s caches): a resumed run reuses the shot
    /// only while they are as it left them. Nil in outcomes that wrote none.
    public let outputs: [String]?

    public init(_ result: Result<RigidSetFit, ShotFailure>, outputs: [String] = []) {
        switch result {
        case let .success(fit): self.fit = StoredFit(fit); error = nil
        case let .failure(failure): fit = nil; error = failure
        }
        self.outputs = outputs.isEmpty ? nil : outputs
    }

    public var result: Result<RigidSetFit, ShotFailure> {
        if let fit { return .success(fit.value) }
        return .failure(error ?? ShotFailure(shot: "", file: "", message: "no fit recorded", ioFailure: false))
    }

    /// Every field of a `RigidSetFit`, the matrices included.
    public struct StoredFit: Sendable, Codable {
        let shot: String, frames: Int, transforms: [Float], maxResidual: Double, worstFrame: Int
        let worstPoints: [RigidSetFit.PointResidual], maxRotationDegrees: Double, maxTranslation: Double
        let deforms: Bool, residuals: [Double], limit: Double

        init(_ f: RigidSetFit) {
            shot = f.shot; frames = f.frames; transforms = f.transforms; maxResidual = f.maxResidual; worstFrame = f.worstFrame
            worstPoints = f.worstPoints; maxRotationDegrees = f.maxRotationDegrees; maxTranslation = f.maxTranslation
            deforms = f.deforms; residuals = f.residuals; limit = f.limit
        }

        var value: RigidSetFit {
            RigidSetFit(shot: shot, frames: frames, transforms: transforms, maxResidual: maxResidual, worstFrame: worstFrame,
                        worstPoints: worstPoints, maxRotationDegrees: maxRotationDegrees, maxTranslation: maxTranslation,
                        deforms: deforms, residuals: residuals, limit: limit)
        }
    }
}
