import Foundation
import Linalg

/// Blendshape weights `[F, K]` in [0, 1] for synthetic shots: the jaw and mouth follow the speech
/// envelope, smiles and brows drift slowly, the eyes blink every few seconds.
enum SyntheticWeights {
    static func make(names: [String], envelope: [Double], fps: Double, rng: inout SeededRandomGenerator) -> Matrix<Float> {
        let frames = envelope.count
        var weights = Matrix<Float>(rows: frames, columns: names.count)
        let blinkEvery = Int(fps * Double.random(in: 2.5...4, using: &rng))
        for (k, name) in names.enumerated() {
            let drift = smoothNoise(frames: frames, fps: fps, cutoffSeconds: 1.5, rng: &rng)
            let jitter = smoothNoise(frames: frames, fps: fps, cutoffSeconds: 0.25, rng: &rng)
            for f in 0..<frames {
                let value: Double
                switch name {
                case "jawOpen": value = 0.85 * envelope[f]
                case "eyeBlinkLeft", "eyeBlinkRight":
                    let phase = (f + blinkEvery / 2) % max(blinkEvery, 1)
                    value = phase < 6 ? sin(Double(phase) / 6 * .pi) : 0
                case _ where name.hasPrefix("mouth"): value = envelope[f] * max(0, jitter[f])
                default: value = 0.4 * max(0, drift[f])
                }
                weights[f, k] = Float(min(1, max(0, value)))
            }
        }
        return weights
    }

    /// Low-pass filtered noise in about [-1, 1], changing over `cutoffSeconds`.
    private static func smoothNoise(frames: Int, fps: Double, cutoffSeconds: Double, rng: inout SeededRandomGenerator) -> [Double] {
        let alpha = 1 / max(1, cutoffSeconds * fps)
        var value = Double.random(in: -1...1, using: &rng)
        var target = Double.random(in: -1...1, using: &rng)
        return (0..<frames).map { _ in
            if Double.random(in: 0...1, using: &rng) < alpha { target = Double.random(in: -1...1, using: &rng) }
            value += (target - value) * alpha * 3
            return value
        }
    }
}
