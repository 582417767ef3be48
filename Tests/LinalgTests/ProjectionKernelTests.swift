import TestSupport
import Testing
@testable import Linalg

/// The solve's two packed kernels against plain Double loops over the same inputs: the projections
/// Dᵀ(t − n) and the fit's per-vertex residual distances, at sizes that leave partial tiles, panels,
/// chunks and vertex blocks everywhere.
@Suite("Packed kernels: centred projections and residual distances")
struct ProjectionKernelTests {
    @Test("Dᵀ(t − n) equals a Double loop to Float rounding of 64-coordinate sums at every kernel level, the same numbers at every level, and splits by threads exactly",
          arguments: [(1, 5, 1), (13, 1_031, 7), (25, 2_307, 52), (61, 300, 51), (7, 129, 14), (19, 200, 16)])
    func projection(frames: Int, width: Int, columns: Int) throws {
        var rng = SeededGenerator(seed: UInt64(frames * 7 + columns))
        let deltas = (0..<(width * columns)).map { _ in Double(Float.random(in: -1...1, using: &rng)) }
        let neutral = (0..<width).map { _ in Float.random(in: -20...20, using: &rng) }
        // Frames near the neutral, as a face's are: the product must not lose t − n to cancellation.
        let frames = (0..<(frames * width)).map { neutral[$0 % width] + Float.random(in: -0.5...0.5, using: &rng) }
        var truth = [Double](repeating: 0, count: frames.count / width * columns), scale = truth
        for f in 0..<(frames.count / width) {
            for c in 0..<width {
                let centred = Double(frames[f * width + c]) - Double(neutral[c])
                for j in 0..<columns {
                    truth[f * columns + j] += centred * deltas[c * columns + j]
                    scale[f * columns + j] += abs(centred * deltas[c * columns + j])
                }
            }
        }
        // Each 64-coordinate run summed in Float (t − n rounded once, then one fused multiply-add a term):
        // at most ~66 roundings of 6e-8 of the run's terms; the runs added in Double.
        let bound = Double(min(width, 64) + 2) * 6e-8
        // Every kernel level this CPU has: portable, AVX2, AVX-512.
        var levelResults: [[Double]] = []
        for level in 0...VectorKernels.level {
            let kernel = try packed(at: level) { try CentredProjection(deltas: deltas, columns: columns, neutral: neutral) }
            var out = [Double](repeating: .nan, count: truth.count + 3)
            try kernel.project(frames, frames: frames.count / width, into: &out)
            #expect(truth.indices.allSatisfy { abs(out[$0] - truth[$0]) <= bound * scale[$0] }, "level \(level)")
            #expect(out[truth.count...].allSatisfy { $0.isNaN })   // nothing past the frames
            var split = [Double](repeating: 0, count: truth.count)
            try kernel.project(frames, frames: frames.count / width, threads: 3, into: &split)
            #expect(split == Array(out[..<truth.count]))
            levelResults.append(split)
            // The same coordinates read in place out of wider rows (every other slot and a few more, as a
            // mask's lie in whole frames): the same numbers, bit for bit, on one thread and on three.
            let stride = 2 * width + 3
            let coordinates = (0..<width).map { 2 * $0 + ($0 % 5 == 0 ? 1 : 0) + 2 }
            var wide = [Float](repeating: .nan, count: frames.count / width * stride)
            for f in 0..<(frames.count / width) { for (c, at) in coordinates.enumerated() { wide[f * stride + at] = frames[f * width + c] } }
            for threads in [1, 3] {
                var inPlace = [Double](repeating: .nan, count: truth.count)
                try kernel.project(selecting: coordinates, of: wide, frames: frames.count / width, stride: stride, threads: threads, into: &inPlace)
                #expect(inPlace == split, "level \(level), threads \(threads), read in place")
            }
        }
        // Every level sums every output through the same operations in the same order: the same numbers, bit for bit.
        #expect(levelResults.allSatisfy { $0 == levelResults.first })
    }

    /// Builds a packed kernel with the vector level capped at `level` (the level is recorded when packing).
    private func packed<Kernel>(at level: Int, _ make: () throws -> Kernel) rethrows -> Kernel {
        VectorKernels.limit(level)
        defer { VectorKernels.limit(2) }
        return try make()
    }

    @Test("rejects D of the wrong size and short buffers")
    func projectionShapes() throws {
        #expect(throws: LinalgError.self) { try CentredProjection(deltas: [1, 2, 3], columns: 2, neutral: [0, 0]) }
        let kernel = try CentredProjection(deltas: [1, 2, 3, 4], columns: 2, neutral: [0, 0])
        var out = [Double](repeating: 0, count: 4)
        #expect(throws: LinalgError.self) { try kernel.project([1, 2, 3], frames: 2, into: &out) }
        // Coordinates read in place: one per column of D's rows, each inside the row.
        #expect(throws: LinalgError.self) { try kernel.project(selecting: [0, 4], of: [1, 2, 3, 4, 5, 6, 7, 8], frames: 2, stride: 4, into: &out) }
        #expect(throws: LinalgError.self) { try kernel.project(selecting: [0], of: [1, 2, 3, 4, 5, 6, 7, 8], frames: 2, stride: 4, into: &out) }
        #expect(throws: LinalgError.self) { try kernel.project(selecting: [0, 3], of: [1, 2, 3, 4, 5, 6, 7], frames: 2, stride: 4, into: &out) }
        try kernel.project(selecting: [0, 3], of: [1, 2, 3, 4, 5, 6, 7, 8], frames: 2, stride: 4, into: &out)
        // Row f's values at 0 and 3: t = (1, 4) and (5, 8); D = [[1, 2], [3, 4]] gives Dᵀt = (13, 18) and (29, 42).
        #expect(out == [13, 18, 29, 42])
    }

    /// `local`: each pose moves one stretch of the points and nothing else (as blendshapes do; the kernels
    /// skip the blocks a pose leaves still), and the last pose moves none. `local` with one column: no
    /// pose moves anything.
    @Test("residual distances equal a Double loop to Float rounding at every kernel level, split by threads exactly",
          arguments: [(1, 5, 3, false), (7, 8, 52, false), (10, 517, 51, false), (33, 1_003, 4, false),
                      (9, 517, 51, true), (13, 1_003, 7, true), (4, 40, 1, true)])
    func residuals(rows: Int, points: Int, columns: Int, local: Bool) throws {
        var rng = SeededGenerator(seed: UInt64(rows * 31 + points))
        let width = 3 * points
        var deltas = (0..<(columns * width)).map { _ in Float.random(in: -1...1, using: &rng) }
        if local {
            for k in 0..<columns {
                let first = Int.random(in: 0..<points, using: &rng), length = k == columns - 1 ? 0 : Int.random(in: 1...max(1, points / 5), using: &rng)
                for p in 0..<points where !(first..<(first + length)).contains(p) {
                    for axis in 0..<3 { deltas[k * width + 3 * p + axis] = axis == 1 ? -0.0 : 0 }
                }
            }
        }
        let reference = (0..<width).map { _ in Float.random(in: -10...10, using: &rng) }
        let weights = (0..<(rows * columns)).map { _ in Float.random(in: 0...1, using: &rng) }
        let values = (0..<(rows * width)).map { reference[$0 % width] + Float.random(in: -3...3, using: &rng) }
        var truth = [Double](repeating: 0, count: rows * points)
        for r in 0..<rows {
            for p in 0..<points {
                var squares = 0.0
                for axis in 0..<3 {
                    var residual = Double(values[r * width + 3 * p + axis]) - Double(reference[3 * p + axis])
                    for k in 0..<columns { residual -= Double(weights[r * columns + k]) * Double(deltas[k * width + 3 * p + axis]) }
                    squares += residual * residual
                }
                truth[r * points + p] = squares.squareRoot()
            }
        }
        // Float sums of `columns` terms of size ≤ 1 on values of size ≤ 13: a few ulps of 13·columns.
        let bound = Double(columns + 13) * 4e-7
        var results: [[Float]] = []
        for level in 0...VectorKernels.level {
            let kernel = try packed(at: level) { try ResidualDistances(deltas: deltas, columns: columns, reference: reference) }
            #expect(local ? kernel.density < 0.6 : kernel.density == 1, "level \(level): density \(kernel.density)")
            var out = [Float](repeating: .nan, count: truth.count + 2)
            try kernel.distances(of: values, rows: rows, weights: weights, into: &out)
            #expect(zip(out, truth).allSatisfy { abs(Double($0) - $1) <= bound }, "level \(level)")
            #expect(out[truth.count...].allSatisfy { $0.isNaN })
            var split = [Float](repeating: 0, count: truth.count)
            try kernel.distances(of: values, rows: rows, weights: weights, threads: 2, into: &split)
            #expect(split == Array(out[..<truth.count]))
            results.append(split)
        }
        // Each lane goes through the same fused operations at every level: the same numbers.
        #expect(results.allSatisfy { $0 == results.first })
    }

    @Test("a tally of given distances equals the tally of the points they came from")
    func tallyOfDistances() throws {
        var rng = SeededGenerator(seed: 9)
        let points = 37, rows = 5
        let reference = (0..<(3 * points)).map { _ in Float.random(in: -1...1, using: &rng) }
        let values = (0..<(rows * 3 * points)).map { _ in Float.random(in: -2...2, using: &rng) }
        var distances = [Float](repeating: 0, count: rows * points)
        for r in 0..<rows {
            for p in 0..<points {
                let base = r * 3 * points + 3 * p
                let dx = values[base] - reference[3 * p], dy = values[base + 1] - reference[3 * p + 1], dz = values[base + 2] - reference[3 * p + 2]
                distances[r * points + p] = (dx * dx + dy * dy + dz * dz).squareRoot()
            }
        }
        let selected = [0, 5, 36, 12]
        var fromPoints = DistanceTally(reference: reference, selectedPoints: selected)
        var fromDistances = fromPoints
        #expect(fromPoints.add(values, rows: rows, firstRow: 10) == nil)
        #expect(fromDistances.add(distances: distances, rows: rows, firstRow: 10) == nil)
        #expect(fromPoints.all == fromDistances.all && fromPoints.selected == fromDistances.selected)
        #expect(fromDistances.all.worstRow >= 10 && fromDistances.all.count == rows * points && fromDistances.selected.count == rows * 4)
        distances[2 * points + 7] = .nan
        var broken = DistanceTally(reference: reference, selectedPoints: nil)
        let bad = broken.add(distances: distances, rows: rows, firstRow: 0)
        #expect(bad?.row == 2 && bad?.point == 7)
    }
}
