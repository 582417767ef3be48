import Foundation
import Testing
@testable import Formats

@Suite("WAV files written by sox and espeak-ng, checked against sox's own decoding")
struct WavFixtureTests {
    struct Case: Sendable, CustomStringConvertible {
        let file: String, rate: Int, bits: Int, channels: Int, encoding: WavAudio.Encoding, extensible: Bool
        var description: String { file }
    }

    static let cases: [Case] = [
        Case(file: "pcm16_16k", rate: 16000, bits: 16, channels: 1, encoding: .pcm, extensible: false),
        Case(file: "pcm24_48k", rate: 48000, bits: 24, channels: 1, encoding: .pcm, extensible: true),
        Case(file: "pcm32_44k", rate: 44100, bits: 32, channels: 1, encoding: .pcm, extensible: true),
        Case(file: "pcm8_8k", rate: 8000, bits: 8, channels: 1, encoding: .pcm, extensible: false),
        Case(file: "float32_22k", rate: 22050, bits: 32, channels: 1, encoding: .float, extensible: false),
        Case(file: "float64_32k", rate: 32000, bits: 64, channels: 1, encoding: .float, extensible: false),
        Case(file: "stereo16_44k", rate: 44100, bits: 16, channels: 2, encoding: .pcm, extensible: false),
        Case(file: "quad24_48k", rate: 48000, bits: 24, channels: 4, encoding: .pcm, extensible: true),
        Case(file: "espeak_16k", rate: 16000, bits: 16, channels: 1, encoding: .pcm, extensible: false),
    ]

    @Test("format, rate, depth, channels and every sample", arguments: cases)
    func matchesSox(_ c: Case) throws {
        let audio = try WavAudio.read(fixture(c.file + ".wav"))
        #expect(audio.sampleRate == c.rate)
        #expect(audio.bitsPerSample == c.bits)
        #expect(audio.channelCount == c.channels)
        #expect(audio.encoding == c.encoding)
        #expect(audio.container.contains("extensible") == c.extensible)
        let truth = try rawFloat32(fixture(c.file + ".f32"))
        #expect(audio.samples.count == truth.count)
        let worst = zip(audio.samples, truth).map { abs($0 - $1) }.max() ?? 0
        #expect(worst <= 1e-6, "largest difference from sox: \(worst)")
    }

    @Test("durations in samples and seconds; mono mix averages the channels")
    func durationAndMono() throws {
        let tone = try WavAudio.read(fixture("pcm16_16k.wav"))
        #expect(tone.frameCount == 800)
        #expect(abs(tone.duration - 0.05) < 1e-12)
        let stereo = try WavAudio.read(fixture("stereo16_44k.wav"))
        let mono = stereo.mono()
        #expect(mono.count == stereo.frameCount)
        #expect(mono[10] == (stereo.samples[20] + stereo.samples[21]) / 2)
        let speech = try WavAudio.read(fixture("espeak_16k.wav"))
        #expect(abs(speech.duration - 0.5) < 1e-9)
        #expect(speech.samples.contains { abs($0) > 0.05 }, "espeak-ng speech should not be silent")
    }
}
