import Foundation
import Linalg

/// One shot solved and measured in a single pass over its frames: each block is read once, projected
/// (Dᵀ(t − n)), solved frame by frame, and its fit measured while it is still in cache — the file is
/// never read twice and no copy of the whole shot is held.
///
/// What a block reads depends on the fit: the solve's coordinates alone (the frontal mask's) when the
/// fit is measured over them too (`Scope.mask`, or no mask at all) or not at all; whole frames for the
/// whole-mesh fit, the solve's coordinates projected where they lie in them.
public enum ShotSolve {
    public struct Outcome: Sendable {
        public let result: BlendshapeSolver.Result
        public let fit: BlendshapeFit?
        /// Per frame, the fit's RMS distance over the measured vertices (mesh units).
        public var frameRMS: [Double]?
        /// Per measured vertex (numbers in `vertices`), its RMS distance over the frames (mesh units).
        public var vertexRMS: (vertices: [Int], rms: [Double])?
        /// `[F, 3V]` when asked for (whole-mesh fit only).
        public let reconstruction: [Float]?
    }

    /// - Parameters:
    ///   - read: `read(range, selection, &buffer)` puts the `selection` coordinates of frames `range`
    ///     (`[range.count, selection.count]`) at the start of `buffer`.
    public static func run(solver: BlendshapeSolver, measure: BlendshapeFit.Measure?, reconstruct: Bool = false, frameCount: Int,
                           read: (Range<Int>, CoordinateRuns, inout [Float]) throws -> Void) throws -> Outcome {
        let system = solver.system, ka = system.activeCount, selection = system.selection
        // The fit reads what the solve reads: measure the solve's own residual.
        let shared = measure.map { $0.selection == selection } ?? true
        let frameWidth = measure?.selection.count ?? selection.count
        let block = max(1, min(frameCount, measure.map { _ in BlendshapeFit.Measure.framesPerBlock(width: frameWidth) } ?? BlendshapeSolver.framesPerBlock))
        var stage = try BlendshapeSolver.FrameStage(solver: solver, frameCount: frameCount)
        var accumulation = measure.map { BlendshapeFit.Measure.Accumulation($0, reconstruct: reconstruct) }
        // Written by `read` before anything reads them: no zero-filling; taken from (and given back to)
        // the pool, so the next shot reuses their memory.
        var selected = shared ? ScratchPool.shared.take(count: block * selection.count) : []
        var frames = shared ? [] : ScratchPool.shared.take(count: block * frameWidth)
        defer {
            ScratchPool.shared.give(selected)
            ScratchPool.shared.give(frames)
            accumulation?.recycle()
        }
        var projections = [Double](repeating: 0, count: block * ka)
        var gemmSeconds = 0.0
        var first = 0
        while first < frameCount {
            let count = min(block, frameCount - first), rows = first..<(first + count)
            let clock = Date()
            if shared {
                try read(rows, selection, &selected)
                try system.projections(ofSelected: selected, frameCount: count, threads: ComputeThreads.count, into: &projections)
            } else if let measure {
                // Whole frames: the solve's coordinates are projected where they lie in them.
                try read(rows, measure.selection, &frames)
                try system.projections(selectingFrom: frames, frameCount: count, stride: frameWidth, threads: ComputeThreads.count, into: &projections)
            }
            gemmSeconds += Date().timeIntervalSince(clock)
            try stage.solve(projections, count: count)
            if shared {
                try accumulation?.add(&selected, raw: stage.raw, rows: rows)
            } else {
                try accumulation?.add(&frames, raw: stage.raw, rows: rows)
            }
            first += count
        }
        var outcome = Outcome(result: try stage.result(gemmSeconds: gemmSeconds), fit: accumulation?.fit, reconstruction: accumulation?.reconstruction)
        outcome.frameRMS = accumulation?.frameRMS
        outcome.vertexRMS = accumulation?.vertexRMS
        return outcome
    }
}
