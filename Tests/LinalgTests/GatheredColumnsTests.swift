import TestSupport
import Testing
@testable import Linalg

/// D gathered out of a Float rig a block of rows at a time (never stored whole), its Gram matrix and
/// the projection over Q of D = QR formed and packed block by block, against plain loops and against
/// the same kernels fed the whole matrices.
@Suite("Gathered columns: DᵀD and Q = D·R⁻¹ a block of rows at a time")
struct GatheredColumnsTests {
    /// A rig of `poses` rows of `width` Floats, D its `columns` poses over every `step`-th coordinate:
    /// more than one 1,024-row block, and a last block cut short.
    private func rig(poses: Int, width: Int, step: Int, seed: UInt64) throws -> (source: [Float], rows: [Int], starts: [Int], d: GatheredColumns) {
        var rng = SeededGenerator(seed: seed)
        let source = (0..<(poses * width)).map { _ in Float.random(in: -1...1, using: &rng) }
        let rows = Array(stride(from: 1, to: width, by: step))
        let starts = [3, 0, 5, 1].filter { $0 < poses }.map { $0 * width }
        return (source, rows, starts, try GatheredColumns(source: source, rowIndices: rows, columnStarts: starts))
    }

    @Test("D holds source[start(c) + row(r)]; DᵀD equals a Double loop to 1e-13 and is the same on 1 and 4 threads, bit for bit")
    func gram() throws {
        let (source, rows, starts, d) = try rig(poses: 6, width: 7_001, step: 2, seed: 11)
        let whole = d.materialized()
        #expect(whole.count == rows.count * starts.count)
        for (r, row) in rows.enumerated() {
            for (c, start) in starts.enumerated() where whole[r * starts.count + c] != Double(source[start + row]) {
                Issue.record("D[\(r), \(c)] = \(whole[r * starts.count + c]), expected \(source[start + row])")
                return
            }
        }
        let one = d.gram(threads: 1), four = d.gram(threads: 4)
        #expect(one.elements == four.elements)
        let n = starts.count
        for i in 0..<n {
            for j in 0..<n {
                var sum = 0.0, scale = 0.0
                for r in rows.indices { sum += whole[r * n + i] * whole[r * n + j]; scale += abs(whole[r * n + i] * whole[r * n + j]) }
                #expect(abs(one[i, j] - sum) <= 1e-13 * scale, "G[\(i), \(j)]")
                #expect(one[i, j] == one[j, i])
            }
        }
    }

    @Test("rejects rows or columns outside the source")
    func bounds() {
        #expect(throws: LinalgError.self) { try GatheredColumns(source: [1, 2, 3], rowIndices: [0, 3], columnStarts: [0]) }
        #expect(throws: LinalgError.self) { try GatheredColumns(source: [1, 2, 3], rowIndices: [0, 1], columnStarts: [2]) }
        #expect(throws: LinalgError.self) { try GatheredColumns(source: [1, 2, 3], rowIndices: [-1], columnStarts: [0]) }
    }

    @Test("Q = D·R⁻¹ has orthonormal columns and D = QR; its projection packed by blocks on 1 or 3 threads equals the one packed from the whole Q, and Rᵀ·Qᵀ(t − n) equals Dᵀ(t − n)")
    func orthonormalized() throws {
        let (_, rows, starts, d) = try rig(poses: 6, width: 7_001, step: 2, seed: 12)
        let n = starts.count, m = rows.count
        let factor = try #require(CholeskyQR(gram: d.gram()))
        let q = factor.q(of: d), whole = d.materialized()
        for i in 0..<n {
            for j in 0..<n {
                var dot = 0.0
                for r in 0..<m { dot += q[r * n + i] * q[r * n + j] }
                #expect(abs(dot - (i == j ? 1 : 0)) <= 1e-10, "QᵀQ[\(i), \(j)] = \(dot)")
            }
        }
        for r in stride(from: 0, to: m, by: 97) {
            for c in 0..<n {
                var value = 0.0
                for k in 0...c { value += q[r * n + k] * factor.r[k, c] }
                #expect(abs(value - whole[r * n + c]) <= 1e-12)
            }
        }
        var rng = SeededGenerator(seed: 13)
        let neutral = (0..<m).map { _ in Float.random(in: -5...5, using: &rng) }
        let frames = 5
        let values = (0..<(frames * m)).map { neutral[$0 % m] + Float.random(in: -0.5...0.5, using: &rng) }
        let reference = try CentredProjection(deltas: q, columns: n, neutral: neutral)
        var expected = [Double](repeating: 0, count: frames * n)
        try reference.project(values, frames: frames, into: &expected)
        for threads in [1, 3] {
            let blocked = try #require(try CentredProjection(orthonormalizing: d, factor: factor, neutral: neutral, threads: threads))
            var out = [Double](repeating: 0, count: frames * n)
            try blocked.project(values, frames: frames, into: &out)
            #expect(out == expected, "threads \(threads)")
        }
        // Rᵀ·Qᵀ(t − n) against Dᵀ(t − n) in Double.
        factor.multiplyRows(&expected, rows: frames)
        for f in 0..<frames {
            for c in 0..<n {
                var sum = 0.0, scale = 0.0
                for r in 0..<m {
                    let term = (Double(values[f * m + r]) - Double(neutral[r])) * whole[r * n + c]
                    sum += term; scale += abs(term)
                }
                #expect(abs(expected[f * n + c] - sum) <= 1e-5 * scale, "frame \(f), column \(c)")
            }
        }
    }

    @Test("a zero column and a repeated column still factor (D = QR with Q bounded)")
    func rankDeficient() throws {
        let width = 2_100
        var rng = SeededGenerator(seed: 14)
        var source = (0..<(3 * width)).map { _ in Float.random(in: -1...1, using: &rng) }
        for i in 0..<width { source[width + i] = 0 }   // pose 1 moves nothing
        let d = try GatheredColumns(source: source, rowIndices: Array(0..<width), columnStarts: [0, width, 2 * width, 0])
        let factor = try #require(CholeskyQR(gram: d.gram()))
        let q = factor.q(of: d)
        #expect(q.allSatisfy { $0.isFinite && abs($0) <= 1 + 1e-9 })
    }
}
