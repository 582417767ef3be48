import Linalg
import TestSupport
import Testing

@Suite("Rigid-fit moments from Float frames")
struct RigidMomentsTests {
    @Test("H, the weighted centroid and Σw‖q‖² equal Double loops, for point counts with and without a vector tail, split over threads or not")
    func momentsMatchLoops() {
        var rng = SeededGenerator(seed: 17)
        for (points, frames) in [(3, 2), (4, 5), (7, 3), (950, 4), (1101, 1200)] {
            let reference = (0..<(3 * points)).map { _ in Double.random(in: -10...10, using: &rng) }
            let raw = (0..<points).map { _ in Double.random(in: 0...2, using: &rng) }
            let weights = raw.map { $0 / raw.reduce(0, +) }
            let q = (0..<(frames * 3 * points)).map { _ in Float.random(in: -12...12, using: &rng) }
            let (moments, norms) = RigidMomentWeights(centredReference: reference, weights: weights).moments(of: q, frameCount: frames)
            for f in [0, frames / 2, frames - 1] {
                var h = [Double](repeating: 0, count: 9), c = [Double](repeating: 0, count: 3), norm = 0.0, scale = 0.0
                for i in 0..<points {
                    for a in 0..<3 {
                        let v = Double(q[f * 3 * points + 3 * i + a])
                        for b in 0..<3 { h[3 * a + b] += weights[i] * v * reference[3 * i + b] }
                        c[a] += weights[i] * v
                        norm += weights[i] * v * v
                        scale += weights[i] * abs(v) * 10
                    }
                }
                let got = Array(moments[(f * 12)..<(f * 12 + 12)])
                for (k, truth) in (h + c).enumerated() {
                    #expect(abs(got[k] - truth) <= 1e-13 * scale, "\(points) points, frame \(f), moment \(k): \(got[k]) vs \(truth)")
                }
                #expect(abs(norms[f] - norm) <= 1e-13 * norm, "\(points) points, frame \(f) norm")
            }
        }
    }
}
