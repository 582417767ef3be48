import Analysis
import Foundation
import Formats
import Linalg

/// What `faceprep synth` animates: a skin rig (neutral, named deltas, frontal mask, the guide's
/// vertex lists) and the parts that ride the jaw (keypoints, tongue). Either the procedural head or
/// a real rig read from a rig file (`--rig`, see `FaceRig.read`).
struct FaceRig {
    /// `[V, 3]`, centimetres.
    let neutral: [Float]
    let poses: [(name: String, delta: [Float])]
    let mask: [Int32]?
    let eyes: UpperLowerVertexList
    let lips: UpperLowerVertexList
    let lipSize: LipSizeVertexList
    /// `[N, 3]` jaw keypoints in the neutral.
    let jawKeypointsNeutral: [Float]
    /// Keypoint deltas `[F, N, 3]` for jaw opening `jaw[f]` in [0, 1].
    let jawKeypointDeltas: ([Double]) -> [Float]
    let tongue: TongueModel
    /// Where the rig came from, for messages.
    let name: String

    var vertexCount: Int { neutral.count / 3 }

    /// The procedural head of `vertexCount` vertices with `poseCount` poses.
    static func procedural(vertexCount: Int, poseCount: Int, seed: UInt64) -> FaceRig {
        let head = SyntheticHead(vertexCount: vertexCount)
        let keypoints = head.jawKeypointIndices().flatMap { head.neutral[(3 * $0)..<(3 * $0 + 3)] }
        let lists = head.vertexLists()
        let tongue = SyntheticTongue()
        return FaceRig(neutral: head.neutral, poses: head.blendshapes(count: poseCount, seed: seed &+ 17), mask: head.frontalMask(),
                       eyes: lists.eyes, lips: lists.lips, lipSize: lists.lipSize, jawKeypointsNeutral: keypoints,
                       jawKeypointDeltas: { SyntheticHead.jawKeypointDeltas(keypoints, jaw: $0) },
                       tongue: TongueModel(neutral: tongue.neutral, rigidVertices: tongue.rigidVertices,
                                           animate: { tongue.animate(jaw: $0, rng: &$1) }, blendshapes: tongue.blendshapes()),
                       name: "procedural head")
    }

    /// Reads a rig file: an .npz in the runtime's `bs_skin.npz` layout (`poseNames` with `neutral`
    /// first, `neutral` `[V, 3]`, one `[V, 3]` delta per pose, optional `frontalMask`) plus
    /// `rig_eyeUpper`/`rig_eyeLower`, `rig_lipUpper`/`rig_lipLower`, `rig_lipUpperTop`/
    /// `rig_lipLowerBottom` (vertex indices), `rig_jawKeypoints` `[N, 3]`, the jaw hinge
    /// `rig_jawPivot`, `rig_jawAxis` and `rig_jawOpenDegrees` (its rotation at jawOpen = 1), and the
    /// tongue `rig_tongueNeutral` `[T, 3]` with its rigid underside `rig_tongueRigid`.
    /// `Tests/DatasetTests/Fixtures/ICTRig/make_rig.py` writes one from the ICT-FaceKit head.
    static func read(_ path: String) throws -> FaceRig {
        let archive = try NpzArchive.read(path)
        func floats(_ key: String, count: Int? = nil) throws -> [Float] {
            let values = try archive.array(key).floats()
            if let count, values.count != count {
                throw FormatError(file: path, .element(key), "\(values.count) values, expected \(count)")
            }
            return values
        }
        func indices(_ key: String, below limit: Int) throws -> [Int] {
            let values = try archive.array(key).integers().map { Int($0) }
            if let bad = values.first(where: { $0 < 0 || $0 >= limit }) {
                throw FormatError(file: path, .element(key), "index \(bad) outside [0, \(limit))")
            }
            return values
        }
        let names = Array(try archive.array("poseNames").strings().dropFirst())
        let neutral = try floats("neutral")
        guard !names.isEmpty, !neutral.isEmpty, neutral.count % 3 == 0 else {
            throw FormatError(file: path, .element("poseNames"), "a rig needs a [V, 3] neutral and at least one pose")
        }
        let v = neutral.count / 3
        let poses = try names.map { (name: $0, delta: try floats($0, count: neutral.count)) }
        let mask = try archive.arrays["frontalMask"].map { _ in try indices("frontalMask", below: v).map(Int32.init) }
        let keypoints = try floats("rig_jawKeypoints")
        let pivotValues = try floats("rig_jawPivot", count: 3), axisValues = try floats("rig_jawAxis", count: 3)
        let degrees = try floats("rig_jawOpenDegrees", count: 1)[0]
        let pivot = SIMD3(Double(pivotValues[0]), Double(pivotValues[1]), Double(pivotValues[2]))
        let axis = SIMD3(Double(axisValues[0]), Double(axisValues[1]), Double(axisValues[2]))
        guard length(axis) > 0, degrees.isFinite else { throw FormatError(file: path, .element("rig_jawAxis"), "the jaw axis must be a non-zero vector") }
        let jaw = JawHinge(pivot: pivot, axis: axis, openDegrees: Double(degrees))
        let tongueNeutral = try floats("rig_tongueNeutral")
        let tongueRigid = try indices("rig_tongueRigid", below: tongueNeutral.count / 3)
        let tongue = RigTongue(neutral: tongueNeutral, rigidVertices: tongueRigid, jaw: jaw)
        return FaceRig(
            neutral: neutral, poses: poses, mask: mask,
            eyes: UpperLowerVertexList(upper: try indices("rig_eyeUpper", below: v), lower: try indices("rig_eyeLower", below: v)),
            lips: UpperLowerVertexList(upper: try indices("rig_lipUpper", below: v), lower: try indices("rig_lipLower", below: v)),
            lipSize: LipSizeVertexList(upperLip: .init(top: try indices("rig_lipUpperTop", below: v), bottom: try indices("rig_lipUpper", below: v)),
                                       lowerLip: .init(top: try indices("rig_lipLower", below: v), bottom: try indices("rig_lipLowerBottom", below: v))),
            jawKeypointsNeutral: keypoints,
            jawKeypointDeltas: { jaw.deltas(of: keypoints, opening: $0) },
            tongue: TongueModel(neutral: tongueNeutral, rigidVertices: tongueRigid, animate: { tongue.animate(jaw: $0, rng: &$1) },
                                blendshapes: tongue.blendshapes()),
            name: URL(fileURLWithPath: path).lastPathComponent)
    }
}

/// A tongue to animate: its neutral, rigid underside and jaw-driven motion.
struct TongueModel {
    let neutral: [Float]
    let rigidVertices: [Int]
    /// `[F, T, 3]` for jaw opening per frame.
    let animate: ([Double], inout SeededRandomGenerator) -> [Float]
    let blendshapes: [(name: String, delta: [Float])]
    var vertexCount: Int { neutral.count / 3 }
}

/// A jaw that opens by rotating about a hinge: `openDegrees` at jawOpen = 1.
struct JawHinge {
    let pivot: SIMD3<Double>
    let axis: SIMD3<Double>
    let openDegrees: Double

    func transform(opening: Double) -> RigidTransform {
        let r = RigidTransform.rotation(axis: axis, angle: opening * openDegrees * .pi / 180)
        return RigidTransform(rotation: r, translation: pivot - r * pivot)
    }

    /// Deltas `[F, N, 3]` of the points `[N, 3]` for jaw opening per frame.
    func deltas(of points: [Float], opening: [Double]) -> [Float] {
        var result: [Float] = []
        result.reserveCapacity(opening.count * points.count)
        for value in opening {
            let t = transform(opening: value)
            for k in stride(from: 0, to: points.count, by: 3) {
                let p = SIMD3(Double(points[k]), Double(points[k + 1]), Double(points[k + 2]))
                let d = t.apply(p) - p
                result += [Float(d.x), Float(d.y), Float(d.z)]
            }
        }
        return result
    }
}

/// A real rig's tongue: it rides the jaw rigidly, and its tip (the vertices farthest from the
/// rigid underside) curls on top of that.
struct RigTongue {
    let neutral: [Float]
    let rigidVertices: [Int]
    let jaw: JawHinge
    /// 0 on the underside, up to 1 at the far tip.
    private let tipWeight: [Double]

    init(neutral: [Float], rigidVertices: [Int], jaw: JawHinge) {
        self.neutral = neutral
        self.rigidVertices = rigidVertices
        self.jaw = jaw
        let n = neutral.count / 3
        let rigid = Set(rigidVertices)
        let front = (0..<n).map { Double(neutral[3 * $0 + 2]) }
        let lo = front.min() ?? 0, hi = front.max() ?? 1
        tipWeight = (0..<n).map { rigid.contains($0) ? 0 : max(0, (front[$0] - lo) / max(hi - lo, 1e-9) - 0.3) / 0.7 }
    }

    func animate(jaw opening: [Double], rng: inout SeededRandomGenerator) -> [Float] {
        let n = neutral.count / 3
        var result: [Float] = []
        result.reserveCapacity(opening.count * n * 3)
        var curl = 0.0
        for value in opening {
            curl += (Double.random(in: -1...1, using: &rng) - curl) * 0.2
            let t = jaw.transform(opening: value)
            for i in 0..<n {
                var p = SIMD3(Double(neutral[3 * i]), Double(neutral[3 * i + 1]), Double(neutral[3 * i + 2]))
                p.y += 0.4 * curl * tipWeight[i]
                let moved = t.apply(p)
                result += [Float(moved.x), Float(moved.y), Float(moved.z)]
            }
        }
        return result
    }

    func blendshapes() -> [(name: String, delta: [Float])] { TongueShapes.make(tipWeight: tipWeight, scale: 0.5) }
}

/// Rigid head motion injected into synthetic shots (`synth --head-motion`): a nod-and-turn about
/// the neck that rises smoothly from 0 to `maxDegrees` and back over the shot.
struct InjectedHeadMotion {
    let maxDegrees: Double

    /// The motion of frame `f` of `frames`, for a head whose neutral is `neutral` `[V, 3]`: about a
    /// pivot at the bottom back of the neutral's bounding box.
    func transform(frame f: Int, of frames: Int, neutral: [Float]) -> RigidTransform {
        guard maxDegrees != 0, let box = BoundingBox(points: neutral) else { return .identity }
        let pivot = SIMD3((box.minimum.x + box.maximum.x) / 2, box.minimum.y, box.minimum.z + 0.3 * (box.maximum.z - box.minimum.z))
        let phase = frames > 1 ? Double(f) / Double(frames - 1) : 0
        let angle = maxDegrees * 0.5 * (1 - cos(2 * .pi * phase)) * .pi / 180
        let r = RigidTransform.rotation(axis: SIMD3(1, 0.4, 0.2), angle: angle)
        return RigidTransform(rotation: r, translation: pivot - r * pivot)
    }

    /// Moves every frame of `positions` `[F, V, 3]` in place.
    func apply(to positions: inout [Float], frames: Int, neutral: [Float]) {
        guard maxDegrees != 0, frames > 0 else { return }
        let width = positions.count / frames
        for f in 0..<frames {
            let t = transform(frame: f, of: frames, neutral: neutral)
            for k in stride(from: f * width, to: (f + 1) * width, by: 3) {
                let p = t.apply(SIMD3(Double(positions[k]), Double(positions[k + 1]), Double(positions[k + 2])))
                positions[k] = Float(p.x); positions[k + 1] = Float(p.y); positions[k + 2] = Float(p.z)
            }
        }
    }
}
