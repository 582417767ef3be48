import Foundation
import TestSupport
import Testing
@testable import Linalg

@Suite("Block kernels: selected decoding, distance tallies, raw-array products, number text")
struct BlockKernelTests {
    /// Float values stored with `encoding`, as a file would hold them.
    private func encode(_ values: [Float], width: Int, order: ByteOrder) -> [UInt8] {
        var bytes: [UInt8] = []
        for value in values {
            let word: [UInt8]
            if width == 4 {
                let bits = order == .bigEndian ? value.bitPattern.bigEndian : value.bitPattern.littleEndian
                word = withUnsafeBytes(of: bits) { Array($0) }
            } else {
                let double = Double(value).bitPattern
                word = withUnsafeBytes(of: order == .bigEndian ? double.bigEndian : double.littleEndian) { Array($0) }
            }
            bytes += word
        }
        return bytes
    }

    @Test("a row's sums and its selection in one pass (AVX-512) equal the two passes, at every kernel level; the one kernel writes nothing outside the slot",
          arguments: [ByteOrder.bigEndian, .littleEndian])
    func sampledAccumulation(order: ByteOrder) throws {
        var rng = SeededGenerator(seed: 9)
        // 2,101 values: not a whole number of 16-value chunks, so the last chunk is short.
        let rowWidth = 2_101, rows = 3
        let values = (0..<(rows * rowWidth)).map { _ in Float.random(in: -1e4...1e4, using: &rng) * Float.random(in: 1e-6...1, using: &rng) }
        let bytes = [UInt8](repeating: 1, count: 5) + encode(values, width: 4, order: order)
        let path = try makeTemporaryDirectory() + "/rows.bin"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        var scattered: [Int] = [0]
        for index in stride(from: 7, to: rowWidth, by: 5) { scattered.append(index) }
        let selections: [[Int]] = [scattered, Array(1_000..<1_400), [rowWidth - 1], Array(0..<rowWidth)]
        for buffer in [ByteBuffer(bytes), try ByteBuffer.map(path: path)] {
            for indices in selections {
                let runs = try #require(CoordinateRuns(ascending: indices))
                let masks = runs.rowMasks(width: rowWidth)
                #expect(masks.count == (rowWidth + 15) / 16)
                var outcomes: [[Double]] = [], samples: [[Float]] = []
                for (level, fused) in [(2, true), (1, true), (0, true), (2, false)] {
                    VectorKernels.limit(level)
                    defer { VectorKernels.limit(2) }
                    var sums = [Double](repeating: 0, count: rowWidth)
                    // Two sentinels either side of the slots.
                    var out = [Float](repeating: .nan, count: rows * runs.count + 4), scratch: [UInt8] = []
                    for row in 0..<rows {
                        let finite = buffer.accumulateFloats(at: 5 + 4 * row * rowWidth, rowWidth: rowWidth, as: .float(bytes: 4, order), into: &sums,
                                                             selecting: runs, rowMasks: fused ? masks : nil, into: &out, at: 2 + row * runs.count,
                                                             scratch: &scratch)
                        #expect(finite == true)
                    }
                    #expect(out[0].isNaN && out[1].isNaN, "level \(level)")
                    // The one kernel writes nothing past the selection at any level; the two-pass decode may use
                    // room it is given.
                    if fused { #expect(out[out.count - 2].isNaN && out[out.count - 1].isNaN, "level \(level)") }
                    outcomes.append(sums)
                    samples.append(Array(out[2..<(out.count - 2)]))
                }
                var expected = [Double](repeating: 0, count: rowWidth)
                for row in 0..<rows { for i in 0..<rowWidth { expected[i] += Double(values[row * rowWidth + i]) } }
                let picked = (0..<rows).flatMap { row in indices.map { values[row * rowWidth + $0] } }
                for (sums, sampled) in zip(outcomes, samples) {
                    #expect(sums == expected)
                    #expect(sampled == picked)
                }
            }
        }
        // A NaN or an infinity anywhere, the short last chunk included, is reported.
        for bad in [0, 1_234, rowWidth - 1] {
            var poisoned = Array(values.prefix(rowWidth))
            poisoned[bad] = bad == 0 ? .infinity : .nan
            let row = ByteBuffer(encode(poisoned, width: 4, order: order))
            let runs = try #require(CoordinateRuns(ascending: scattered))
            var sums = [Double](repeating: 0, count: rowWidth), out = [Float](repeating: 0, count: runs.count), scratch: [UInt8] = []
            #expect(row.accumulateFloats(at: 0, rowWidth: rowWidth, as: .float(bytes: 4, order), into: &sums, selecting: runs,
                                         rowMasks: runs.rowMasks(width: rowWidth), into: &out, at: 0, scratch: &scratch) == false)
        }
    }

    @Test("runs of indices: starts, lengths, total, end and the indices back")
    func runs() throws {
        let runs = try #require(CoordinateRuns(ascending: [2, 3, 4, 9, 11, 12]))
        #expect(runs.starts == [2, 9, 11] && runs.lengths == [3, 1, 2] && runs.count == 6 && runs.end == 13)
        #expect(runs.indices == [2, 3, 4, 9, 11, 12])
        #expect(CoordinateRuns(ascending: [3, 3]) == nil && CoordinateRuns(ascending: [4, 1]) == nil)
        let vertices = try #require(CoordinateRuns(vertices: [1, 2, 5]))
        #expect(vertices.starts == [3, 15] && vertices.lengths == [6, 3])
    }

    @Test("decoding a selection equals decoding the row and picking, from memory and through the mapping, every encoding",
          arguments: [(4, ByteOrder.bigEndian), (4, .littleEndian), (8, .bigEndian), (8, .littleEndian)])
    func selectedDecoding(width: Int, order: ByteOrder) throws {
        var rng = SeededGenerator(seed: 5)
        let rowWidth = 3 * 700
        let values = (0..<(2 * rowWidth)).map { _ in Float.random(in: -50...50, using: &rng) }
        let header = [UInt8](repeating: 7, count: 13)   // rows start at an odd offset
        let bytes = header + encode(values, width: width, order: order)
        let path = try makeTemporaryDirectory() + "/rows.bin"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        // A scattered mask (runs of 3), a long run, and a mix ending on the row's last value.
        var scattered: [Int] = []
        for vertex in stride(from: 5, to: 700, by: 3) { scattered += [3 * vertex, 3 * vertex + 1, 3 * vertex + 2] }
        let mixed: [Int] = [0, 1, 2, 40] + Array(500..<560) + [rowWidth - 1]
        // Single values and pairs picked at random, ending on the row's last value: chunks of every kind.
        let random = (0..<(rowWidth - 1)).filter { _ in Int.random(in: 0..<10, using: &rng) < 3 } + [rowWidth - 1]
        let selections: [[Int]] = [scattered, Array(100..<1900), mixed, random, Array(scattered.dropFirst(7).dropLast(2))]
        for buffer in [ByteBuffer(bytes), try ByteBuffer.map(path: path)] {
            for indices in selections {
                let runs = try #require(CoordinateRuns(ascending: indices))
                for row in 0..<2 {
                    var out = [Float](repeating: .nan, count: runs.count + 5)
                    var scratch: [UInt8] = []
                    let ok = buffer.decodeFloats(at: header.count + row * rowWidth * width, rowWidth: rowWidth, selecting: runs,
                                                 as: .float(bytes: width, order), into: &out, at: 2, scratch: &scratch)
                    #expect(ok)
                    #expect(Array(out[2..<(2 + runs.count)]) == indices.map { values[row * rowWidth + $0] })
                    #expect(out[0].isNaN && out[1].isNaN && out[runs.count + 2].isNaN)   // nothing outside the slot
                }
            }
            // Out of bounds: refused, nothing written.
            var out = [Float](repeating: 0, count: 4)
            var scratch: [UInt8] = []
            let runs = try #require(CoordinateRuns(ascending: [0, 1]))
            #expect(!buffer.decodeFloats(at: bytes.count - 4, rowWidth: 2, selecting: runs, as: .float(bytes: width, order), into: &out, at: 0, scratch: &scratch))
            #expect(out == [0, 0, 0, 0])
        }
    }

    @Test("many rows decoded on several threads equal the rows decoded one by one; the first unreadable row is named",
          arguments: [(4, ByteOrder.bigEndian), (8, .littleEndian)])
    func rowsOnThreads(width: Int, order: ByteOrder) throws {
        var rng = SeededGenerator(seed: 11)
        let rowWidth = 3 * 50, rowCount = 40
        let values = (0..<(rowCount * rowWidth)).map { _ in Float.random(in: -50...50, using: &rng) }
        let bytes = [UInt8](repeating: 1, count: 5) + encode(values, width: width, order: order)
        let path = try makeTemporaryDirectory() + "/rows.bin"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        // Short runs of 3 (the kernel's fast path for short runs writes past a run when it has room) and one long run.
        var picked: [Int] = []
        for vertex in stride(from: 1, to: 45, by: 4) { picked += [3 * vertex, 3 * vertex + 1, 3 * vertex + 2] }
        picked += Array(140..<150)
        let runs = try #require(CoordinateRuns(ascending: picked))
        for buffer in [ByteBuffer(bytes), try ByteBuffer.map(path: path)] {
            let rows = (0..<rowCount).map { StoredRow(buffer: buffer, offset: 5 + $0 * rowWidth * width, encoding: .float(bytes: width, order)) }
            let expected = (0..<rowCount).flatMap { row in picked.map { values[row * rowWidth + $0] } }
            for threads in [1, 2, 5] {
                var out = [Float](repeating: .nan, count: rowCount * runs.count)
                #expect(ByteBuffer.decodeRows(rows, rowWidth: rowWidth, selecting: runs, into: &out, threads: threads) == nil)
                #expect(out == expected, "threads \(threads)")
            }
            // Rows 23 and 31 lie past the end of the bytes: the first of them is named, on any number of threads.
            var broken = rows
            broken[23] = StoredRow(buffer: buffer, offset: bytes.count - 8, encoding: .float(bytes: width, order))
            broken[31] = StoredRow(buffer: buffer, offset: bytes.count, encoding: .float(bytes: width, order))
            for threads in [1, 2, 5] {
                var out = [Float](repeating: 0, count: rowCount * runs.count)
                #expect(ByteBuffer.decodeRows(broken, rowWidth: rowWidth, selecting: runs, into: &out, threads: threads) == 23)
            }
            // A destination too small for every row: the first row that does not fit.
            var short = [Float](repeating: 0, count: 10 * runs.count + 1)
            #expect(ByteBuffer.decodeRows(rows, rowWidth: rowWidth, selecting: runs, into: &short, threads: 2) == 10)
        }
    }

    @Test("a non-finite float is found on the bytes, at its index")
    func nonFinite() throws {
        for (width, order) in [(4, ByteOrder.littleEndian), (4, .bigEndian), (8, .littleEndian)] {
            var values = [Float](repeating: 1.5, count: 1000)
            let buffer = ByteBuffer(encode(values, width: width, order: order))
            #expect(buffer.firstNonFiniteFloat(at: 0, count: 1000, as: .float(bytes: width, order)) == nil)
            values[700] = .infinity
            values[801] = .nan
            let bad = ByteBuffer(encode(values, width: width, order: order))
            #expect(bad.firstNonFiniteFloat(at: 0, count: 1000, as: .float(bytes: width, order)) == 700)
            // The largest finite magnitudes, either sign, are finite; −∞ and a negative NaN are not, wherever
            // they lie in a block of 256.
            var edges = (0..<1000).map { Float($0 % 7) - 3 }
            edges[5] = .greatestFiniteMagnitude
            edges[6] = -.greatestFiniteMagnitude
            edges[7] = -.leastNonzeroMagnitude
            let finite = ByteBuffer(encode(edges, width: width, order: order))
            #expect(finite.firstNonFiniteFloat(at: 0, count: 1000, as: .float(bytes: width, order)) == nil)
            for (index, value) in [(0, -Float.infinity), (255, -Float.nan), (256, Float.infinity), (999, -Float.infinity)] {
                var one = edges
                one[index] = value
                let buffer = ByteBuffer(encode(one, width: width, order: order))
                #expect(buffer.firstNonFiniteFloat(at: 0, count: 1000, as: .float(bytes: width, order)) == index, "\(value) at \(index)")
            }
        }
    }

    @Test("distance tally: mean, RMS, maximum and where, over all points and a selection, against a direct loop")
    func tally() throws {
        var rng = SeededGenerator(seed: 9)
        let points = 1003, rows = 7
        let reference = (0..<(3 * points)).map { _ in Float.random(in: -1...1, using: &rng) }
        let values = (0..<(rows * 3 * points)).map { _ in Float.random(in: -2...2, using: &rng) }
        let selected = Array(stride(from: 3, to: points, by: 7))
        var tally = DistanceTally(reference: reference, selectedPoints: selected)
        #expect(tally.add(Array(values[0..<(3 * 3 * points)]), rows: 3, firstRow: 0) == nil)
        #expect(tally.add(Array(values[(3 * 3 * points)...]), rows: 4, firstRow: 3) == nil)
        func expected(_ pick: (Int) -> Bool) -> (mean: Double, rms: Double, max: Double, row: Int, point: Int) {
            var sum = 0.0, squares = 0.0, count = 0, best = -1.0, row = 0, point = 0
            for r in 0..<rows {
                for p in 0..<points where pick(p) {
                    let d = (0..<3).map { Double(values[r * 3 * points + 3 * p + $0] - reference[3 * p + $0]) }
                    let distance = (d[0] * d[0] + d[1] * d[1] + d[2] * d[2]).squareRoot()
                    sum += distance; squares += distance * distance; count += 1
                    if distance > best { best = distance; row = r; point = p }
                }
            }
            return (sum / Double(count), (squares / Double(count)).squareRoot(), best, row, point)
        }
        let selection = Set(selected)
        for (summary, truth) in [(tally.all, expected { _ in true }), (tally.selected, expected { selection.contains($0) })] {
            #expect(abs(summary.mean - truth.mean) < 1e-5 * truth.mean)
            #expect(abs(summary.rms - truth.rms) < 1e-5 * truth.rms)
            #expect(abs(summary.max - truth.max) < 1e-5 * truth.max)
            #expect(summary.worstRow == truth.row && summary.worstPoint == truth.point)
        }
        var broken = values
        broken[2 * 3 * points + 3 * 17 + 1] = .nan
        var second = DistanceTally(reference: reference, selectedPoints: nil)
        let found = second.add(broken, rows: rows, firstRow: 10)
        let bad = try #require(found)
        #expect(bad.row == 12 && bad.point == 17)
    }

    @Test("raw-array gemm with a column block of A and a row block of B equals the naive product")
    func rawGemm() throws {
        var rng = SeededGenerator(seed: 3)
        let (m, n, wide) = (5, 4, 20)
        let a = (0..<(m * wide)).map { _ in Float.random(in: -1...1, using: &rng) }
        let b = (0..<(wide * n)).map { _ in Float.random(in: -1...1, using: &rng) }
        var c = [Float](repeating: 1, count: m * n)
        try gemm(rows: m, columns: n, inner: 6, a, aOffset: 8, lda: wide, b, bOffset: 8 * n, alpha: 2, beta: 1, into: &c)
        for i in 0..<m {
            for j in 0..<n {
                let dot = (0..<6).reduce(0.0) { $0 + Double(a[i * wide + 8 + $1]) * Double(b[(8 + $1) * n + j]) }
                #expect(abs(Double(c[i * n + j]) - (1 + 2 * dot)) < 1e-5)
            }
        }
        #expect(throws: LinalgError.self) { try gemm(rows: m, columns: n, inner: 6, a, aOffset: 15, lda: wide, b, into: &c) }
    }

    @Test("number text is printf's, byte for byte")
    func numberText() {
        var rng = SeededGenerator(seed: 11)
        var values: [Double] = [0, -0.0, 1, 0.1, 1e-7, 123456789, 9.99999e-5, -2.5e-12, 1.0 / 3, .infinity, .nan]
        values += (0..<500).map { _ in Double(Float.random(in: -2...2, using: &rng)) * pow(10, Double(Int.random(in: -8...6, using: &rng))) }
        for value in values {
            var bytes: [UInt8] = []
            NumberText.append(value, format: "%.6g", to: &bytes)
            #expect(String(decoding: bytes, as: UTF8.self) == String(format: "%.6g", value))
            bytes = []
            NumberText.append(value, format: "%.6f", to: &bytes)
            #expect(String(decoding: bytes, as: UTF8.self) == String(format: "%.6f", value))
        }
    }

    @Test("six significant digits of a Float are printf's %.6g, byte for byte, over every exponent and at the rounding ties")
    func sixSignificant() {
        var rng = SeededGenerator(seed: 12)
        var values: [Float] = [0, -0.0, 1, -1, 0.1, 0.5, 1e-4, 9.99999e-5, 9.999995e-5, 1e-4 * 1.0000001, 999_999.5, 999_999.4, 1e6, 123_456.5,
                               0.0001234565, 2.5e-12, 1e30, .infinity, -.infinity, .nan, .leastNonzeroMagnitude, .greatestFiniteMagnitude]
        values += (0..<200_000).map { _ in Float.random(in: 0...1.2, using: &rng) }
        values += (0..<50_000).map { _ in Float.random(in: -2...2, using: &rng) * powf(10, Float(Int.random(in: -9...8, using: &rng))) }
        // Exact decimal ties at the sixth significant digit (seven digits ending in 5, held exactly by a
        // Float): glibc rounds them half to even.
        values += (0..<2_000).map { Float(100_000 + $0) + 0.5 }
        values += (0..<2_000).flatMap { i in [0.25, 0.75].map { Float(10_000 + i) + $0 } }
        values += (0..<2_000).flatMap { i in [0.125, 0.375, 0.625, 0.875].map { Float(1_000 + i) + $0 } }
        var mismatches = 0
        for value in values {
            var bytes: [UInt8] = []
            NumberText.appendSixSignificant(value, to: &bytes)
            let expected = String(format: "%.6g", Double(value))
            if String(decoding: bytes, as: UTF8.self) != expected {
                mismatches += 1
                if mismatches < 5 { Issue.record("\(value): \(String(decoding: bytes, as: UTF8.self)) ≠ \(expected)") }
            }
        }
        #expect(mismatches == 0)
    }
}

