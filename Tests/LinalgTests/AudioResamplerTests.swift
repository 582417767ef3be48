import Foundation
import Testing
@testable import Linalg

@Suite("audio resampling (libsoxr VHQ)")
struct AudioResamplerTests {
    /// A sum of sines below both Nyquist frequencies, sampled at `rate`: its values at any rate are known exactly.
    private func tone(_ t: Double) -> Double { 0.5 * sin(2 * .pi * 440 * t) + 0.25 * sin(2 * .pi * 1234.5 * t + 0.3) }

    @Test("down and up: every output sample equals the tone at its time, start aligned, length frames × ratio",
          arguments: [(44_100.0, 16_000.0), (8_000.0, 16_000.0), (22_050.0, 16_000.0), (48_000.0, 16_000.0)])
    func againstClosedForm(input: Double, output: Double) throws {
        let frames = Int(input * 0.75)
        let samples = (0..<frames).map { Float(tone(Double($0) / input)) }
        let out = try AudioResampler.resample(samples, channels: 1, from: input, to: output)
        #expect(out.count == Int((Double(frames) * output / input).rounded()))
        // Away from the two ends (where the band-limited filter sees the cut), within 1e-4 of the tone.
        let margin = Int(output * 0.01)
        var worst = 0.0
        for i in margin..<(out.count - margin) { worst = max(worst, abs(Double(out[i]) - tone(Double(i) / output))) }
        #expect(worst < 1e-4, "worst \(worst)")
    }

    @Test("channels stay apart; bad shapes are refused")
    func channels() throws {
        let frames = 8_000
        var stereo = [Float](repeating: 0, count: 2 * frames)
        for i in 0..<frames { stereo[2 * i] = Float(tone(Double(i) / 8_000)); stereo[2 * i + 1] = 0 }
        let out = try AudioResampler.resample(stereo, channels: 2, from: 8_000, to: 16_000)
        #expect(out.count == 2 * 16_000)
        #expect((0..<16_000).allSatisfy { out[2 * $0 + 1] == 0 })
        #expect(abs(Double(out[2 * 8_000]) - tone(0.5)) < 1e-4)
        #expect(throws: LinalgError.self) { try AudioResampler.resample([1, 2, 3], channels: 2, from: 8_000, to: 16_000) }
        #expect(throws: LinalgError.self) { try AudioResampler.resample([1, 2], channels: 1, from: 0, to: 16_000) }
    }
}
