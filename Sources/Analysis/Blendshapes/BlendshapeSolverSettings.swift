/// The solver settings of `bs_skin_config.json` / `bs_tongue_config.json`, per pose `[K]` where
/// per pose (K = poses without the neutral).
public struct BlendshapeSolverSettings: Sendable, Equatable {
    /// strengthL1regularization, strengthL2regularization, strengthTemporalSmoothing, strengthSymmetry.
    public var l1 = 0.0, l2 = 0.0, temporal = 0.0, symmetry = 0.0
    /// Poses solved for; inactive poses are removed from the system and output as 0 (before offsets).
    public var active: [Bool]
    /// Cancel-pair id per pose (-1: none); the two poses of a pair are never both on.
    public var cancelPairIDs: [Int]
    /// Symmetry-pair id per pose (-1: none); the two poses of a pair are pulled together.
    public var symmetryPairIDs: [Int]
    /// Output = weight · multiplier + offset.
    public var multipliers: [Double]
    public var offsets: [Double]
    /// Size of the template mesh the strengths were tuned on (3-D bounding-box diagonal, mesh units).
    public var templateBBSize = 54.7

    public init(poseCount: Int) {
        active = Array(repeating: true, count: poseCount)
        cancelPairIDs = Array(repeating: -1, count: poseCount)
        symmetryPairIDs = Array(repeating: -1, count: poseCount)
        multipliers = Array(repeating: 1, count: poseCount)
        offsets = Array(repeating: 0, count: poseCount)
    }

    public var poseCount: Int { active.count }

    /// Pairs `(first, second)` of pose indices (first < second) sharing a non-negative id, both active.
    static func activePairs(_ ids: [Int], active: [Bool]) -> [(Int, Int)] {
        var byID: [Int: [Int]] = [:]
        for (pose, id) in ids.enumerated() where id >= 0 { byID[id, default: []].append(pose) }
        return byID.keys.sorted().compactMap { id in
            guard let poses = byID[id], poses.count == 2, active[poses[0]], active[poses[1]] else { return nil }
            return (poses[0], poses[1])
        }
    }
}
