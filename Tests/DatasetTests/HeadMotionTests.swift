import Foundation
import Formats
import Linalg
import Testing
import TestSupport
@testable import Analysis
@testable import Dataset

@Suite("Static-head check on synthetic shots", .serialized)
struct HeadMotionTests {
    private struct Shot {
        let neutral: [Float]
        let cache: VertexCache
        var headHeight: Double { BoundingBox(points: neutral)?.size.y ?? 0 }
    }

    private func shot(_ name: String = firstShot) throws -> Shot {
        Shot(neutral: try NpyArray.read(templateDataset + "/" + DatasetFiles.skinNeutral).floats(),
             cache: try VertexCacheIO.read("\(templateDataset)/cache/skin/\(name)/\(name).xml"))
    }

    /// The template's rigid set from its blendshapes, or none (learned from the shot).
    private static let sources: [RigidVertexSet.Source] = [.blendshapes, .shots]

    private func reference(_ shot: Shot, _ source: RigidVertexSet.Source) throws -> HeadReference {
        guard source == .blendshapes else { return HeadReference(neutral: shot.neutral, rigidSet: nil) }
        let archive = try NpzArchive.read(templateDataset + "/" + DatasetFiles.bsSkin)
        let set = try #require(HeadReference.rigidSet(of: archive, vertexCount: shot.neutral.count / 3))
        return HeadReference(neutral: shot.neutral, rigidSet: set)
    }

    private func estimate(_ positions: [Float], _ shot: Shot, _ source: RigidVertexSet.Source = .blendshapes) throws -> HeadMotion.Summary {
        try headMotion(positions, reference(shot, source)).summary
    }

    /// Moves frames `range` of the shot rigidly about the head's centre.
    private func moved(_ shot: Shot, rotation: Matrix3, translation: SIMD3<Double>, frames range: Range<Int>) -> [Float] {
        var positions = shot.cache.positions
        let v = shot.cache.vertexCount
        let box = BoundingBox(points: shot.neutral)!
        let centre = (box.minimum + box.maximum) / 2
        for f in range {
            for i in 0..<v {
                let k = (f * v + i) * 3
                let p = SIMD3(Double(positions[k]), Double(positions[k + 1]), Double(positions[k + 2]))
                let q = rotation * (p - centre) + centre + translation
                positions[k] = Float(q.x); positions[k + 1] = Float(q.y); positions[k + 2] = Float(q.z)
            }
        }
        return positions
    }

    @Test("expression-only shots pass, with almost no estimated motion", arguments: [firstShot, secondShot, "shot03_neutral"], sources)
    func expressionsOnly(name: String, source: RigidVertexSet.Source) throws {
        let s = try shot(name)
        let summary = try estimate(s.cache.positions, s, source)
        #expect(summary.passed)
        #expect(summary.maxRotationDegrees < 0.02, "\(summary)")
        #expect(summary.maxTranslationPercent < 0.01, "\(summary)")
    }

    @Test("a 0.5° head rotation always fails, about any axis", arguments: 0..<6, sources)
    func rotationFails(seed: Int, source: RigidVertexSet.Source) throws {
        let s = try shot()
        var rng = SeededGenerator(seed: UInt64(seed + 100))
        let axis = SIMD3(Double.random(in: -1...1, using: &rng), Double.random(in: -1...1, using: &rng), Double.random(in: -1...1, using: &rng))
        let start = Int.random(in: 0..<(s.cache.frameCount - 10), using: &rng)
        let rotation = RigidTransform.rotation(axis: axis, angle: 0.5 * .pi / 180)
        let summary = try estimate(moved(s, rotation: rotation, translation: .zero, frames: start..<(start + 10)), s, source)
        #expect(!summary.passed)
        #expect(abs(summary.maxRotationDegrees - 0.5) < 0.03, "\(summary)")
        #expect((start..<(start + 10)).contains(summary.worstFrame))
    }

    @Test("a translation of 0.2% of the head height always fails, in any direction", arguments: 0..<6, sources)
    func translationFails(seed: Int, source: RigidVertexSet.Source) throws {
        let s = try shot()
        var rng = SeededGenerator(seed: UInt64(seed + 200))
        let direction = SIMD3(Double.random(in: -1...1, using: &rng), Double.random(in: -1...1, using: &rng), Double.random(in: -1...1, using: &rng))
        let shift = direction / length(direction) * (0.002 * s.headHeight)
        let summary = try estimate(moved(s, rotation: .identity, translation: shift, frames: 20..<40), s, source)
        #expect(!summary.passed)
        #expect(abs(summary.maxTranslationPercent - 0.2) < 0.02, "\(summary)")
    }

    @Test("validate reports E-HEAD-MOTION on the moved shot only")
    func validateRule() throws {
        let added = try findingsAdded { root in
            try rewriteSkin(root) { c in
                let s = Shot(neutral: try NpyArray.read(root + "/" + DatasetFiles.skinNeutral).floats(), cache: c)
                return try withPositions(c, moved(s, rotation: RigidTransform.rotation(axis: SIMD3(0, 1, 0), angle: 0.01), translation: .zero, frames: 30..<60))
            }
        }
        #expect(added == ["E-HEAD-MOTION cache/skin/\(firstShot)/\(firstShot).xml"])
    }
}
