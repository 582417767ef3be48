import Foundation
import Linalg

/// A procedural head for synthetic datasets: an ellipsoid of `vertexCount` evenly spread vertices
/// (a Fibonacci lattice), 16 × 23 × 19 cm, face towards +Z, up +Y, with landmarks (mouth, lips,
/// eyes, brows, cheeks, chin) and localised ARKit-named blendshapes built on them.
struct SyntheticHead {
    /// `[V, 3]` row-major, centimetres.
    let neutral: [Float]
    let vertexCount: Int
    /// Ellipsoid half-extents.
    static let radii = SIMD3<Double>(8, 11.5, 9.5)

    init(vertexCount: Int) {
        self.vertexCount = vertexCount
        let golden = Double.pi * (3 - 5.0.squareRoot())
        var points: [Float] = []
        points.reserveCapacity(vertexCount * 3)
        for i in 0..<vertexCount {
            let y = 1 - 2 * (Double(i) + 0.5) / Double(vertexCount)
            let r = (1 - y * y).squareRoot()
            let theta = golden * Double(i)
            let unit = SIMD3(r * cos(theta), y, r * sin(theta))
            let p = unit * Self.radii
            points += [Float(p.x), Float(p.y), Float(p.z)]
        }
        neutral = points
    }

    func position(_ index: Int) -> SIMD3<Double> {
        SIMD3(Double(neutral[3 * index]), Double(neutral[3 * index + 1]), Double(neutral[3 * index + 2]))
    }

    /// The point of the surface in direction (x, y, 1) from the centre (the face side).
    static func surface(_ x: Double, _ y: Double) -> SIMD3<Double> {
        let direction = SIMD3(x, y, 1)
        let scaled = direction / radii
        return direction / (scaled * scaled).sum().squareRoot()
    }

    /// The vertex nearest to `point` among those not in `excluded` that satisfy `allowed` (any vertex
    /// when none does).
    func nearest(_ point: SIMD3<Double>, excluding excluded: Set<Int> = [], where allowed: (SIMD3<Double>) -> Bool = { _ in true }) -> Int {
        var best = -1, bestDistance = Double.infinity
        for i in 0..<vertexCount where !excluded.contains(i) && allowed(position(i)) {
            let d = position(i) - point
            let distance = (d * d).sum()
            if distance < bestDistance { bestDistance = distance; best = i }
        }
        return best >= 0 ? best : nearest(point, excluding: excluded)
    }

    /// Landmarks on the face.
    static let mouth = surface(0, -0.45)
    static let leftEye = surface(0.38, 0.22), rightEye = surface(-0.38, 0.22)
    static let leftBrow = surface(0.38, 0.42), rightBrow = surface(-0.38, 0.42)
    static let chin = surface(0, -0.9)

    /// A displacement that fades with distance from `centre` (Gaussian of width `radius` cm).
    func localDelta(centre: SIMD3<Double>, radius: Double, displacement: SIMD3<Double>) -> [Float] {
        var delta = [Float](repeating: 0, count: vertexCount * 3)
        for i in 0..<vertexCount {
            let d = position(i) - centre
            let weight = exp(-(d * d).sum() / (2 * radius * radius))
            guard weight > 1e-4 else { continue }
            let v = displacement * weight
            delta[3 * i] = Float(v.x); delta[3 * i + 1] = Float(v.y); delta[3 * i + 2] = Float(v.z)
        }
        return delta
    }

    /// The jaw opening: vertices below the mouth rotate about a hinge near the ears.
    func jawDelta(angleDegrees: Double) -> [Float] {
        let hinge = SIMD3<Double>(0, -1, -3)
        let angle = angleDegrees * .pi / 180
        var delta = [Float](repeating: 0, count: vertexCount * 3)
        for i in 0..<vertexCount {
            let p = position(i)
            guard p.z > 0, p.y < Self.mouth.y else { continue }
            let fade = min(1, (Self.mouth.y - p.y) / 2.5)
            let rotated = SyntheticHead.rotateX(p - hinge, angle * fade) + hinge
            let v = rotated - p
            delta[3 * i] = Float(v.x); delta[3 * i + 1] = Float(v.y); delta[3 * i + 2] = Float(v.z)
        }
        return delta
    }

    /// Rotation about +X by `angle` radians (positive opens the jaw: the chin goes down).
    static func rotateX(_ v: SIMD3<Double>, _ angle: Double) -> SIMD3<Double> {
        let c = cos(angle), s = sin(angle)
        return SIMD3(v.x, c * v.y - s * v.z, s * v.y + c * v.z)
    }

    /// The ARKit blendshape names, in Apple's order.
    static let arkitNames = [
        "eyeBlinkLeft", "eyeLookDownLeft", "eyeLookInLeft", "eyeLookOutLeft", "eyeLookUpLeft", "eyeSquintLeft", "eyeWideLeft",
        "eyeBlinkRight", "eyeLookDownRight", "eyeLookInRight", "eyeLookOutRight", "eyeLookUpRight", "eyeSquintRight", "eyeWideRight",
        "jawForward", "jawLeft", "jawRight", "jawOpen", "mouthClose", "mouthFunnel", "mouthPucker", "mouthLeft", "mouthRight",
        "mouthSmileLeft", "mouthSmileRight", "mouthFrownLeft", "mouthFrownRight", "mouthDimpleLeft", "mouthDimpleRight",
        "mouthStretchLeft", "mouthStretchRight", "mouthRollLower", "mouthRollUpper", "mouthShrugLower", "mouthShrugUpper",
        "mouthPressLeft", "mouthPressRight", "mouthLowerDownLeft", "mouthLowerDownRight", "mouthUpperUpLeft", "mouthUpperUpRight",
        "browDownLeft", "browDownRight", "browInnerUp", "browOuterUpLeft", "browOuterUpRight", "cheekPuff", "cheekSquintLeft",
        "cheekSquintRight", "noseSneerLeft", "noseSneerRight", "tongueOut",
    ]

    /// `count` pose names (ARKit's first, then numbered extras) and their deltas `[V, 3]`.
    func blendshapes(count: Int, seed: UInt64) -> [(name: String, delta: [Float])] {
        var rng = SeededRandomGenerator(seed: seed)
        var result: [(String, [Float])] = []
        for k in 0..<count {
            let name = k < Self.arkitNames.count ? Self.arkitNames[k] : String(format: "extraPose%03d", k)
            let side: Double = name.hasSuffix("Left") ? 1 : (name.hasSuffix("Right") ? -1 : 0)
            let delta: [Float]
            switch name {
            case "jawOpen": delta = jawDelta(angleDegrees: 14)
            case "eyeBlinkLeft", "eyeBlinkRight":
                delta = localDelta(centre: side > 0 ? Self.leftEye + SIMD3(0, 0.6, 0) : Self.rightEye + SIMD3(0, 0.6, 0), radius: 0.9, displacement: SIMD3(0, -1.1, 0.1))
            case _ where name.hasPrefix("mouthSmile"):
                delta = localDelta(centre: Self.mouth + SIMD3(2.2 * side, 0, 0), radius: 1.3, displacement: SIMD3(0.5 * side, 0.7, -0.2))
            case _ where name.hasPrefix("mouthFrown"):
                delta = localDelta(centre: Self.mouth + SIMD3(2.2 * side, 0, 0), radius: 1.3, displacement: SIMD3(0.2 * side, -0.6, 0))
            case _ where name.hasPrefix("brow"):
                let centre = side > 0 ? Self.leftBrow : (side < 0 ? Self.rightBrow : Self.surface(0, 0.42))
                delta = localDelta(centre: centre, radius: 1.5, displacement: SIMD3(0, name.contains("Down") ? -0.5 : 0.6, 0))
            case "mouthFunnel", "mouthPucker":
                delta = localDelta(centre: Self.mouth, radius: 1.4, displacement: SIMD3(0, 0, 0.8))
            default:
                // A localised bump around a point of the lower face or eyes, mirrored for Left/Right.
                let around = name.hasPrefix("eye") ? Self.leftEye : Self.mouth
                var offset = SIMD3(Double.random(in: 0...2, using: &rng), Double.random(in: -1.5...1.5, using: &rng), 0)
                offset.x *= side == 0 ? 0 : side
                let centre = Self.surface((around + offset).x / Self.radii.x / 0.95, (around + offset).y / Self.radii.y / 0.95)
                let direction = SIMD3(Double.random(in: -0.5...0.5, using: &rng), Double.random(in: -0.5...0.5, using: &rng), Double.random(in: -0.3...0.3, using: &rng))
                delta = localDelta(centre: centre, radius: Double.random(in: 0.8...1.6, using: &rng), displacement: direction)
            }
            result.append((name, delta))
        }
        return result
    }
}

