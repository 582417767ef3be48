import Linalg
import Foundation

/// Speech-like activity for synthetic shots, per animation frame in [0, 1]: from a real recording's
/// loudness, or made up of syllables (about 4 per second) in phrases separated by pauses.
enum SpeechEnvelope {
    /// The RMS of `samples` in a window of one frame centred on each frame time (i + 0.5) / fps —
    /// how the training framework samples audio — normalised by its 95th percentile.
    static func fromAudio(_ samples: [Float], sampleRate: Int, frames: Int, fps: Double) -> [Double] {
        let window = Double(sampleRate) / fps
        var levels = (0..<frames).map { i -> Double in
            let centre = (Double(i) + 0.5) / fps * Double(sampleRate)
            let lo = max(0, Int(centre - window / 2)), hi = min(samples.count, Int(centre + window / 2))
            guard hi > lo else { return 0 }
            var sum = 0.0
            for s in samples[lo..<hi] { sum += Double(s) * Double(s) }
            return (sum / Double(hi - lo)).squareRoot()
        }
        let sorted = levels.sorted()
        let reference = max(sorted[min(sorted.count - 1, Int(Double(sorted.count) * 0.95))], 1e-6)
        for i in levels.indices { levels[i] = min(1, levels[i] / reference) }
        return levels
    }

    /// Syllable bumps at about 4 Hz in phrases of 1–3 s with pauses, reproducible from `rng`.
    static func synthetic(frames: Int, fps: Double, rng: inout SeededRandomGenerator) -> [Double] {
        var envelope = [Double](repeating: 0, count: frames)
        var t = Double.random(in: 0.2...0.5, using: &rng)
        let end = Double(frames) / fps - 0.2
        while t < end {
            let phraseEnd = min(end, t + Double.random(in: 1...3, using: &rng))
            while t < phraseEnd {
                let length = Double.random(in: 0.15...0.3, using: &rng)
                let peak = Double.random(in: 0.5...1, using: &rng)
                let first = Int(t * fps), last = min(frames - 1, Int((t + length) * fps))
                if first <= last {
                    for i in first...last {
                        let phase = (Double(i) / fps - t) / length
                        envelope[i] = max(envelope[i], peak * sin(.pi * min(max(phase, 0), 1)))
                    }
                }
                t += length + Double.random(in: 0.02...0.08, using: &rng)
            }
            t += Double.random(in: 0.3...0.7, using: &rng)
        }
        return envelope
    }

    /// Voiced audio following `envelope`: harmonics of a gliding pitch plus a little noise.
    static func audio(envelope: [Double], fps: Double, sampleRate: Int, pitch: Double, rng: inout SeededRandomGenerator) -> [Float] {
        let count = Int((Double(envelope.count) / fps * Double(sampleRate)).rounded())
        var phase = 0.0
        return (0..<count).map { n in
            let time = Double(n) / Double(sampleRate)
            let position = time * fps - 0.5
            let i = min(max(Int(position.rounded(.down)), 0), envelope.count - 1)
            let j = min(i + 1, envelope.count - 1)
            let fraction = min(max(position - Double(i), 0), 1)
            let level = envelope[i] * (1 - fraction) + envelope[j] * fraction
            let f0 = pitch * (1 + 0.08 * sin(2 * .pi * 0.7 * time))
            phase += 2 * .pi * f0 / Double(sampleRate)
            var voice = 0.0
            for h in 1...6 { voice += sin(Double(h) * phase) / Double(h) }
            let noise = Double.random(in: -1...1, using: &rng) * 0.05
            return Float(0.3 * level * (voice * 0.5 + noise))
        }
    }
}
