import Foundation
import Formats
import Linalg
@testable import Analysis
@testable import Dataset

/// The decimated ICT-FaceKit head (`Fixtures/ICTRig`): a real scanned face whose expressions move
/// 94 % of the skin, unlike the procedural head's localised bumps.
struct ICTRig {
    static let path = Bundle.module.bundleURL.appendingPathComponent("Fixtures/ICTRig/ict_rig_small.npz").path
    static let shared: ICTRig = {
        do { return try ICTRig() } catch { fatalError("cannot read the ICT rig fixture: \(error)") }
    }()

    let neutral: [Float]
    let names: [String]
    /// `[K, 3V]`.
    let deltas: Matrix<Float>
    var vertexCount: Int { neutral.count / 3 }
    var headHeight: Double { BoundingBox(points: neutral)?.size.y ?? 0 }
    var box: BoundingBox { BoundingBox(points: neutral)! }

    init() throws {
        let archive = try NpzArchive.read(Self.path)
        neutral = try archive.array("neutral").floats()
        names = Array(try archive.array("poseNames").strings().dropFirst())
        deltas = try Matrix(rows: names.count, columns: neutral.count, elements: names.flatMap { try archive.array($0).floats() })
    }

    /// Frames `[F, V, 3]` = neutral + weights · deltas for weights `[F, K]`.
    func frames(_ weights: [[Float]]) throws -> [Float] {
        let w = try Matrix(rows: weights.count, columns: names.count, elements: weights.flatMap { $0 })
        var positions = try w.multiplied(by: deltas).elements
        for f in 0..<weights.count { for c in 0..<neutral.count { positions[f * neutral.count + c] += neutral[c] } }
        return positions
    }

    /// Weight row with `values` by pose name, others 0.
    func weights(_ values: [String: Float]) -> [Float] {
        names.map { values[$0] ?? 0 }
    }

    /// The rig's rigid set, as `head` finds it from bs_data.
    var rigidSet: RigidVertexSet? { RigidVertexSet.fromBlendshapes(deltas: deltas, neutral: neutral) }
}

/// Positions of `indices` in every frame of `[F, V, 3]`.
func gather(_ positions: [Float], vertexCount: Int, indices: [Int]) -> [Float] {
    let frames = positions.count / (3 * vertexCount)
    var out: [Float] = []
    out.reserveCapacity(frames * indices.count * 3)
    for f in 0..<frames {
        for i in indices { out += positions[(f * vertexCount + i) * 3..<((f * vertexCount + i) * 3 + 3)] }
    }
    return out
}

/// Head motion of `[F, V, 3]` positions against `reference`.
func headMotion(_ positions: [Float], _ reference: HeadReference) throws -> HeadMotion {
    let frames = positions.count / reference.neutral.count
    return try reference.estimate(candidatePositions: gather(positions, vertexCount: reference.vertexCount, indices: reference.candidates),
                                  frameCount: frames)
}

/// Moves every frame of `[F, V, 3]` positions by `transforms[f]` (frame f's motion).
func moved(_ positions: [Float], vertexCount: Int, _ transform: (Int) -> RigidTransform) -> [Float] {
    var out = positions
    let frames = positions.count / (3 * vertexCount)
    for f in 0..<frames {
        let t = transform(f)
        for i in 0..<vertexCount {
            let k = (f * vertexCount + i) * 3
            let p = t.apply(SIMD3(Double(out[k]), Double(out[k + 1]), Double(out[k + 2])))
            out[k] = Float(p.x); out[k + 1] = Float(p.y); out[k + 2] = Float(p.z)
        }
    }
    return out
}

/// A rotation by `degrees` about `axis` through `pivot`, plus `shift`.
func rotation(degrees: Double, axis: SIMD3<Double>, pivot: SIMD3<Double>, shift: SIMD3<Double> = .zero) -> RigidTransform {
    let r = RigidTransform.rotation(axis: axis, angle: degrees * .pi / 180)
    return RigidTransform(rotation: r, translation: pivot - r * pivot + shift)
}
