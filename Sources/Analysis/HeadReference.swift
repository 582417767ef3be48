import Foundation
import Linalg

/// What a shot's head motion is measured against: the neutral pose, the vertices the fit may use
/// (a rig's rigid set, or an even sample of the mesh to learn it from), the head's height and centre.
public struct HeadReference: Sendable {
    /// `[V, 3]`, mesh units.
    public let neutral: [Float]
    public let rigidSet: RigidVertexSet
    /// The vertices whose positions the fit reads: at most 1,000, evenly spread over the rigid set
    /// (or over the whole mesh when the set is learned from the shots).
    public let candidates: [Int]
    /// Neutral bounding-box height (Y extent), mesh units.
    public let headHeight: Double
    /// Neutral bounding-box centre, mesh units.
    public let centre: SIMD3<Double>

    public var vertexCount: Int { neutral.count / 3 }

    /// - Parameter rigidSet: the rig's rigid set; nil (or one that does not fit this mesh) learns it
    ///   from each shot.
    public init(neutral: [Float], rigidSet: RigidVertexSet?) {
        self.neutral = neutral
        let v = neutral.count / 3
        let usable = rigidSet.flatMap { set in set.source == .blendshapes && set.vertices.allSatisfy { $0 >= 0 && $0 < v } ? set : nil }
        self.rigidSet = usable ?? .learned
        candidates = usable.map { HeadMotion.sample($0.vertices) } ?? HeadMotion.sampleIndices(vertexCount: v)
        let box = BoundingBox(points: neutral)
        headHeight = box?.size.y ?? 1
        centre = box.map { ($0.minimum + $0.maximum) / 2 } ?? .zero
    }

    /// The share of the candidates assumed rigid when scaling the robust weights: a rig's rigid set
    /// is rigid throughout (half leaves room for a neck that deforms in capture); of the whole mesh,
    /// real heads have 5–10 % skull and neck.
    public var rigidFraction: Double { rigidSet.source == .blendshapes ? 0.5 : 0.1 }

    /// The head motion of `frameCount` frames of the candidates' positions `[F, candidates, 3]`.
    public func estimate(candidatePositions frames: [Float], frameCount: Int) throws -> HeadMotion {
        try HeadMotion.estimate(reference: candidates.flatMap { i in (0..<3).map { Double(neutral[3 * i + $0]) } },
                                frames: frames, frameCount: frameCount, headHeight: headHeight, centre: centre,
                                rigidFraction: rigidFraction)
    }

    /// One line for reports: which vertices decide the rigid motion.
    public var description: String {
        switch rigidSet.source {
        case .blendshapes:
            let moved = rigidSet.maxMobility == 0 ? "that no blendshape moves"
                : "that no combination of blendshapes moves by more than \(String(format: "%.2g", rigidSet.maxMobility)) mesh units"
            return "\(rigidSet.vertices.count) vertices \(moved), from the rig (fit on \(candidates.count))"
        case .shots:
            return "learned from each shot: the 10 % of \(candidates.count) sampled vertices that deform least"
        }
    }
}
