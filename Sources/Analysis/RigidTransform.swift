import Linalg

/// A proper rigid motion `x ↦ R·x + t` (rotation `R` with det +1, translation `t`), in Double.
public struct RigidTransform: Sendable, Equatable {
    public var rotation: Matrix3
    public var translation: SIMD3<Double>

    public init(rotation: Matrix3, translation: SIMD3<Double>) {
        self.rotation = rotation
        self.translation = translation
    }

    public static let identity = RigidTransform(rotation: .identity, translation: .zero)

    /// `R·x + t`.
    public func apply(_ x: SIMD3<Double>) -> SIMD3<Double> { rotation * x + translation }

    /// The rotation angle in radians, in [0, π], computed stably for small and near-π angles.
    public var angle: Double { Self.angle(of: rotation) }

    /// Rotation angle of a rotation matrix: atan2 of ‖axis·sin‖ against cos, which keeps precision
    /// where acos(trace) would not.
    public static func angle(of r: Matrix3) -> Double {
        let sine = SIMD3(r[2, 1] - r[1, 2], r[0, 2] - r[2, 0], r[1, 0] - r[0, 1])
        let cosine = (r[0, 0] + r[1, 1] + r[2, 2] - 1) / 2
        return atan2(length(sine) / 2, cosine)
    }

    /// The homogeneous 4×4 matrix `[R t; 0 1]`, row-major.
    public var homogeneous: [Double] {
        let r = rotation
        return [r[0, 0], r[0, 1], r[0, 2], translation.x,
                r[1, 0], r[1, 1], r[1, 2], translation.y,
                r[2, 0], r[2, 1], r[2, 2], translation.z,
                0, 0, 0, 1]
    }

    /// Rotation about `axis` (any length) by `angle` radians (Rodrigues).
    public static func rotation(axis: SIMD3<Double>, angle: Double) -> Matrix3 {
        let k = axis / length(axis)
        let c = cos(angle), s = sin(angle), v = 1 - c
        return Matrix3(rows:
            SIMD3(c + k.x * k.x * v, k.x * k.y * v - k.z * s, k.x * k.z * v + k.y * s),
            SIMD3(k.y * k.x * v + k.z * s, c + k.y * k.y * v, k.y * k.z * v - k.x * s),
            SIMD3(k.z * k.x * v - k.y * s, k.z * k.y * v + k.x * s, c + k.z * k.z * v))
    }
}

import Foundation
