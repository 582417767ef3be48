import Formats
import Linalg
import Testing
import TestSupport
@testable import Analysis

/// The solve's Float products on the real ICT-FaceKit head: the weights they give equal, to 1e-6, the
/// weights of the same solve fed projections summed exactly in Double. Synthetic rigs are well
/// conditioned; a scanned face's 51 overlapping expressions are not, and amplify rounding.
@Suite("Solve on the real ICT-FaceKit rig")
struct ICTRigSolveTests {
    /// `l1`, `l2`: the SDK's built-in strengths (the rig's bs_skin_config.json template), and a nearly
    /// unregularised solve, where rounding in the projections is amplified most.
    @Test("weights from the kernels' projections equal those from exact Double projections to 1e-6", arguments: [(1.0, 3.5), (0.0, 0.05)])
    func projectionsKeepWeights(l1: Double, l2: Double) throws {
        let ict = ICTRig.shared
        let mask = try NpzArchive.read(ICTRig.path).array("frontalMask").integers().map { Int($0) }
        let rig = try BlendshapeRig(neutral: ict.neutral, deltas: ict.deltas, mask: mask)
        var settings = BlendshapeSolverSettings(poseCount: rig.poseCount)
        settings.l1 = l1
        settings.l2 = l2
        settings.templateBBSize = 33.8131
        let system = try BlendshapeSystem(rig: rig, settings: settings)
        let solver = try BlendshapeSolver(system: system)

        // Expressions of a few poses each, and a millimetre of noise a face's capture has.
        var rng = SeededGenerator(seed: 31)
        let frameCount = 40
        let weights = (0..<frameCount).map { _ in ict.names.map { _ in Float.random(in: 0...1, using: &rng) < 0.2 ? Float.random(in: 0...1, using: &rng) : 0 } }
        var frames = try ict.frames(weights)
        for i in frames.indices { frames[i] += Float.random(in: -0.05...0.05, using: &rng) }

        let kernel = try system.projections(of: frames, frameCount: frameCount, vertexCount: rig.vertexCount)
        let width = rig.neutral.count, ka = system.activeCount
        var exact = [Double](repeating: 0, count: frameCount * ka)
        for f in 0..<frameCount {
            for (j, pose) in system.activePoses.enumerated() {
                var sum = 0.0
                for c in system.selection.indices {
                    sum += Double(rig.deltas[pose, c]) * (Double(frames[f * width + c]) - Double(rig.neutral[c]))
                }
                exact[f * ka + j] = sum
            }
        }
        func solve(_ projections: [Double]) throws -> [Double] {
            var stage = try BlendshapeSolver.FrameStage(solver: solver, frameCount: frameCount)
            try stage.solve(projections, count: frameCount)
            return stage.raw
        }
        let fromKernel = try solve(kernel.elements), fromExact = try solve(exact)
        let worst = zip(fromKernel, fromExact).map { abs($0 - $1) }.max() ?? .infinity
        #expect(worst <= 1e-6, "largest weight difference \(worst)")
        #expect(fromExact.contains { $0 > 0.1 })   // the frames are expressions, not the neutral
    }
}
