import Foundation
import Linalg
import TestSupport
import Testing
@testable import Analysis

@Suite("Cross-correlation, alignment and speech activity")
struct SignalAlignmentTests {
    @Test("FFT cross-correlation equals the direct sum at every lag, without wrap-around")
    func correlationMatchesDirectSum() throws {
        var rng = SeededGenerator(seed: 21)
        for (na, nb, maxLag) in [(50, 50, 12), (37, 61, 40), (5, 9, 20), (200, 180, 3)] {
            let a = (0..<na).map { _ in Double.random(in: -1...1, using: &rng) }
            let b = (0..<nb).map { _ in Double.random(in: -1...1, using: &rng) }
            let r = try RealFFT.crossCorrelation(a, b, maxLag: maxLag)
            for k in -maxLag...maxLag {
                var direct = 0.0
                for i in 0..<na where i + k >= 0 && i + k < nb { direct += a[i] * b[i + k] }
                #expect(abs(r[maxLag + k] - direct) < 1e-12, "lag \(k)")
            }
        }
        #expect(throws: LinalgError.self) { try RealFFT.crossCorrelation([1], [1], maxLag: -1) }
    }

    @Test("a signal delayed by d samples (also by a fraction) gives lag +d; the sign says which is late")
    func lagSignAndSubsample() throws {
        func bumps(_ shift: Double) -> [Double] {
            (0..<300).map { i in [40.0, 95, 170, 230].reduce(0) { $0 + exp(-pow((Double(i) - $1 - shift) / 4, 2)) } }
        }
        for shift in [-7.0, -2.0, 0, 3, 2.3, -4.6, 11] {
            let estimate = try #require(try SignalAlignment.estimate(reference: bumps(0), signal: bumps(shift), maxLag: 15))
            #expect(abs(estimate.lag - shift) < 0.15, "\(shift): \(estimate.lag)")
            #expect(estimate.isConfident)
            #expect(estimate.peak > 0.95)
        }
        // A constant signal has nothing to align.
        #expect(try SignalAlignment.estimate(reference: bumps(0), signal: [Double](repeating: 2, count: 300), maxLag: 15) == nil)
        // A periodic signal matches equally well one period away: not confident.
        let periodic = (0..<300).map { sin(2 * Double.pi * Double($0) / 10) }
        let shifted = (0..<300).map { sin(2 * Double.pi * Double($0 - 3) / 10) }
        let ambiguous = try #require(try SignalAlignment.estimate(reference: periodic, signal: shifted, maxLag: 15))
        #expect(!ambiguous.isConfident)
    }

    @Test("unrelated references that match as well make the result inconclusive")
    func chance() throws {
        var rng = SeededGenerator(seed: 8)
        let reference = (0..<200).map { _ in Double.random(in: 0...1, using: &rng) }
        let signal = reference.map { $0 + Double.random(in: -2...2, using: &rng) }   // weakly related
        let strong = reference.map { $0 + Double.random(in: -0.05...0.05, using: &rng) }
        let alone = try #require(try SignalAlignment.estimate(reference: reference, signal: strong, maxLag: 10, unrelated: []))
        #expect(alone.isConfident && alone.lag.rounded() == 0)
        let crowded = try #require(try SignalAlignment.estimate(reference: reference, signal: signal, maxLag: 10, unrelated: [signal]))
        #expect(!crowded.isConfident)
    }

    @Test("speech activity: RMS per frame of a tone is A/√2 where it plays and 0 elsewhere")
    func speechActivity() {
        let rate = 16000, fps = 30.0
        let samplesPerFrame = rate / 30
        // A 440 Hz tone of amplitude 0.5 over frames 10..<20 of 30.
        let samples: [Float] = (0..<(30 * samplesPerFrame)).map { n in
            (10 * samplesPerFrame..<20 * samplesPerFrame).contains(n) ? Float(0.5 * sin(2 * Double.pi * 440 * Double(n) / Double(rate))) : 0
        }
        let activity = SpeechActivity.perFrame(samples, sampleRate: rate, frames: 30, framesPerSecond: fps)
        #expect(activity.count == 30)
        for i in 11..<19 { #expect(abs(activity[i] - 0.5 / 2.0.squareRoot()) < 0.01, "frame \(i)") }
        for i in Array(0..<9) + Array(21..<30) { #expect(activity[i] == 0, "frame \(i)") }
        let fine = SpeechActivity.envelope(samples, sampleRate: rate, hopSeconds: 0.001, windowSeconds: 0.025)
        #expect(fine.count == samples.count / 16)   // one per millisecond at 16 kHz
        #expect(fine[500] > 0.34 && fine[100] == 0)
    }

    @Test("mouth signals: lip distance along +Y, jaw drop, lower-face motion")
    func mouthSignals() {
        // Two pairs; frame 0 closed (distance 1), frame 1 open by 0.5.
        let lips: [Float] = [0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0,
                             0, 1.25, 0, 0, 1.25, 0, 0, -0.25, 0, 0, -0.25, 0]
        let signal = MouthSignal.lipDistance(positions: lips, frames: 2, pairs: 2)
        #expect(signal.opening == [1, 1.5])
        #expect(signal.rate == [0.5, 0.5])
        let jaw = MouthSignal.jawDrop(deltas: [0, -1, 0, 0, -3, 0], frames: 1, points: 2, neutral: [0, 0, 0, 4, 0, 0])
        #expect(jaw.opening == [2])
        #expect(jaw.extent == 4)
        #expect(signal.extent == 1 && !signal.isStill)
        let still = MouthSignal.lipDistance(positions: lips.enumerated().map { $0.offset >= 12 ? lips[$0.offset - 12] + ($0.offset == 13 ? 1e-5 : 0) : $0.element },
                                            frames: 2, pairs: 2)
        #expect(still.isStill)
        let face = MouthSignal.lowerFaceMotion(positions: [0, 0, 0, 3, 4, 0], frames: 2, neutral: [0, 0, 0])
        #expect(face.opening == [0, 5])
        #expect(face.rate == [5, 5])
    }

    @Test("the direct sum over a few lags equals the FFT cross-correlation")
    func directMatchesFFT() throws {
        var rng = SeededGenerator(seed: 31)
        let a = (0..<397).map { _ in Double.random(in: -1...1, using: &rng) }
        let b = (0..<380).map { _ in Double.random(in: -1...1, using: &rng) }
        for maxLag in [0, 1, 15, 40] {
            let direct = SignalAlignment.directCorrelation(a, b, maxLag: maxLag)
            let fft = try RealFFT.crossCorrelation(a, b, maxLag: maxLag)
            #expect(direct.count == fft.count && zip(direct, fft).allSatisfy { abs($0 - $1) < 1e-9 }, "maxLag \(maxLag)")
        }
    }

    @Test("spectra padded to the longer signal plus the largest lag correlate like a fully padded product: no lag wraps around")
    func shortSpectraDoNotWrap() throws {
        var rng = SeededGenerator(seed: 32)
        let a = (0..<1_200).map { _ in Double.random(in: -1...1, using: &rng) }
        let b = (0..<1_150).map { _ in Double.random(in: -1...1, using: &rng) }
        let maxLag = 300
        let shortest = max(a.count, b.count) + maxLag
        let full = try #require(try SignalAlignment.normalizedCorrelation(SignalAlignment.Prepared(a), SignalAlignment.Prepared(b), maxLag: maxLag))
        for length in [shortest, RealFFT.fastLength(atLeast: shortest), a.count + b.count] {
            let spectral = try #require(try SignalAlignment.normalizedCorrelation(SignalAlignment.Prepared(a, transformLength: length),
                                                                                  SignalAlignment.Prepared(b, transformLength: length), maxLag: maxLag))
            #expect(zip(full, spectral).allSatisfy { abs($0 - $1) < 1e-12 }, "length \(length)")
        }
        // One short would let the largest lags wrap around: the spectra are not used then.
        let wrapped = try #require(try SignalAlignment.normalizedCorrelation(SignalAlignment.Prepared(a, transformLength: shortest - 1),
                                                                             SignalAlignment.Prepared(b, transformLength: shortest - 1), maxLag: maxLag))
        #expect(zip(full, wrapped).allSatisfy { abs($0 - $1) < 1e-12 })
    }
}

