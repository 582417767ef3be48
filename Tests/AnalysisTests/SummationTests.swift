import Foundation
import TestSupport
import Testing
@testable import Analysis

/// The lane-wise sums and the selection against the plain loops and sorts they replace.
@Suite("Vectorised sums, selection and windowed levels")
struct SummationTests {
    @Test("sums of squares, squared distances between rows and shifted dot products equal the plain loops, at every length and offset")
    func sumsMatchLoops() {
        var rng = SeededGenerator(seed: 7)
        let floats = (0..<203).map { _ in Float.random(in: -1...1, using: &rng) }
        let a = (0..<97).map { _ in Double.random(in: -1...1, using: &rng) }, b = (0..<120).map { _ in Double.random(in: -1...1, using: &rng) }
        floats.withUnsafeBufferPointer { p in
            for (lo, hi) in [(0, 0), (0, 1), (3, 7), (5, 203), (0, 203), (200, 203)] {
                let plain = floats[lo..<hi].reduce(0.0) { $0 + Double($1) * Double($1) }
                #expect(abs(Summation.sumOfSquares(p, lo..<hi) - plain) <= 1e-13 * max(plain, 1), "\(lo)..<\(hi)")
            }
        }
        floats.withUnsafeBufferPointer { p in
            for (x, y, count) in [(0, 0, 0), (0, 100, 3), (10, 7, 64), (3, 100, 103), (100, 0, 101)] {
                let plain = (0..<count).reduce(0.0) { sum, k in
                    let d = Double(floats[x + k]) - Double(floats[y + k])
                    return sum + d * d
                }
                #expect(abs(Summation.squaredDistance(p, x, y, count: count) - plain) <= 1e-13 * max(plain, 1), "\(x), \(y), \(count)")
            }
        }
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                for shift in [-20, -1, 0, 3, 23] {
                    let range = max(0, -shift)..<min(a.count, b.count - shift)
                    let plain = range.reduce(0.0) { $0 + a[$1] * b[$1 + shift] }
                    #expect(abs(Summation.dot(pa, pb, shift: shift, range) - plain) < 1e-12, "shift \(shift)")
                }
            }
        }
    }

    @Test("the k-th order statistic is sorted()[k], with ties, runs and a single value")
    func orderStatisticMatchesSort() {
        var rng = SeededGenerator(seed: 11)
        let cases: [[Double]] = [
            [4], [2, 2, 2, 2], Array(stride(from: 0.0, to: 50, by: 1)), Array(stride(from: 50.0, to: 0, by: -1)),
            (0..<301).map { _ in Double(Int.random(in: 0..<9, using: &rng)) },
            (0..<1000).map { _ in Double.random(in: -5...5, using: &rng) },
        ]
        for values in cases {
            let sorted = values.sorted()
            for k in Set([0, values.count / 2, values.count - 1, values.count / 3]) {
                #expect(Summation.orderStatistic(values, k) == sorted[k], "k \(k) of \(values.count)")
            }
        }
    }

    @Test("per-frame and fine RMS envelopes equal windows summed sample by sample, cut at the ends")
    func windowedLevelsMatchDirectSums() {
        var rng = SeededGenerator(seed: 5)
        let rate = 16_000
        let samples = (0..<(rate / 2 + 37)).map { _ in Float.random(in: -0.8...0.8, using: &rng) }
        func direct(centre: Double, width: Double) -> Double {
            let lo = min(samples.count, max(0, Int((centre - width / 2).rounded())))
            let hi = min(samples.count, max(0, Int((centre + width / 2).rounded())))
            guard hi > lo else { return 0 }
            return (samples[lo..<hi].reduce(0.0) { $0 + Double($1) * Double($1) } / Double(hi - lo)).squareRoot()
        }
        let fps = 30.0, perFrame = Double(rate) / fps
        // 20 frames run past the end of the audio: those windows are cut, then empty.
        let frames = SpeechActivity.perFrame(samples, sampleRate: rate, frames: 35, framesPerSecond: fps)
        for (i, level) in frames.enumerated() {
            #expect(abs(level - direct(centre: (Double(i) + 0.5) * perFrame, width: perFrame)) < 1e-12, "frame \(i)")
        }
        #expect(frames.last == 0)
        // Overlapping windows (25 ms every 1 ms).
        let fine = SpeechActivity.envelope(samples, sampleRate: rate, hopSeconds: 0.001, windowSeconds: 0.025)
        #expect(fine.count == samples.count / 16)
        for (j, level) in fine.enumerated() where j % 7 == 0 || j < 20 || j > fine.count - 20 {
            #expect(abs(level - direct(centre: (Double(j) + 0.5) * 16, width: 400)) < 1e-12, "window \(j)")
        }
    }

    @Test("audio levels: RMS, peak and clipped share equal the plain loop's")
    func audioLevels() {
        var samples = (0..<1001).map { Float(sin(Double($0) * 0.05)) * 0.5 }
        samples[17] = 1; samples[500] = -0.9995; samples[1000] = -0.75
        let levels = AudioLevels(samples: samples)
        let rms = (samples.reduce(0.0) { $0 + Double($1) * Double($1) } / 1001).squareRoot()
        #expect(abs(levels.rms - rms) < 1e-15)
        #expect(levels.peak == 1)
        #expect(levels.clippedFraction == 2.0 / 1001)
        #expect(AudioLevels(samples: [-0.25, 0.5, -0.999]).peak == Double(Float(0.999)))
    }
}
