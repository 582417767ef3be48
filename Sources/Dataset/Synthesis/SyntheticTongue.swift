import Linalg
import Foundation

/// A synthetic tongue: a flattened half-ellipsoid inside the mouth whose underside (the rigid
/// vertices) only rotates and translates with the jaw, while the tip and top deform.
struct SyntheticTongue {
    let neutral: [Float]
    let vertexCount: Int
    /// Underside vertices, which never deform.
    let rigidVertices: [Int]
    private let tipWeight: [Double]
    private static let centre = SIMD3<Double>(0, -5.5, 3.5)
    private static let hinge = SIMD3<Double>(0, -1, -3)

    init(rings: Int = 8, segments: Int = 16) {
        var points: [SIMD3<Double>] = []
        for r in 0..<rings {
            let v = Double(r) / Double(rings - 1)          // 0 at the back, 1 at the tip
            for s in 0..<segments {
                let u = Double(s) / Double(segments) * 2 * .pi
                let radius = 1.8 * sin(.pi * (0.15 + 0.8 * v))
                points.append(Self.centre + SIMD3(radius * cos(u), 0.5 * radius * sin(u), -2.5 + 5 * v))
            }
        }
        neutral = points.flatMap { [Float($0.x), Float($0.y), Float($0.z)] }
        vertexCount = points.count
        // Underside, away from the tip: y below the centre line, in the back 60 %.
        rigidVertices = points.indices.filter { points[$0].y < Self.centre.y - 0.3 && points[$0].z < Self.centre.z + 0.5 }
        tipWeight = points.map { p in
            let v = (p.z - Self.centre.z + 2.5) / 5
            return p.y >= Self.centre.y - 0.3 ? max(0, v - 0.3) / 0.7 : 0
        }
    }

    /// `[F, V, 3]`: every frame rotated with the jaw about its hinge and shifted a little, the tip
    /// curling up and down on top of that.
    func animate(jaw: [Double], rng: inout SeededRandomGenerator) -> [Float] {
        var result: [Float] = []
        result.reserveCapacity(jaw.count * vertexCount * 3)
        var curl = 0.0
        for opening in jaw {
            curl += (Double.random(in: -1...1, using: &rng) - curl) * 0.2
            let angle = opening * 10 * .pi / 180
            let shift = SIMD3<Double>(0, -0.3 * opening, 0.2 * curl)
            for i in 0..<vertexCount {
                var p = SIMD3(Double(neutral[3 * i]), Double(neutral[3 * i + 1]), Double(neutral[3 * i + 2]))
                p.y += 0.8 * curl * tipWeight[i]
                let moved = SyntheticHead.rotateX(p - Self.hinge, angle) + Self.hinge + shift
                result += [Float(moved.x), Float(moved.y), Float(moved.z)]
            }
        }
        return result
    }

    /// A small tongue blendshape set (deltas), Claire-style names.
    func blendshapes() -> [(name: String, delta: [Float])] { TongueShapes.make(tipWeight: tipWeight, scale: 1) }
}

/// The synthetic tongues' blendshapes: the tip moved up, down, left, right and out, weighted by how
/// far each vertex is towards the tip. Five, so that the one pair (left/right) leaves three unpaired
/// poses: the SDK would pair exactly two poses left at -1.
enum TongueShapes {
    static func make(tipWeight: [Double], scale: Double) -> [(name: String, delta: [Float])] {
        let directions: [(String, SIMD3<Double>)] = [("TongueTipUp", SIMD3(0, 1, 0)), ("TongueTipDown", SIMD3(0, -1, 0)),
                                                      ("TongueTipLeft", SIMD3(1, 0, 0)), ("TongueTipRight", SIMD3(-1, 0, 0)),
                                                      ("TongueOut", SIMD3(0, 0, 1))]
        return directions.map { name, direction in
            let scaled = direction * scale
            var delta: [Float] = []
            delta.reserveCapacity(3 * tipWeight.count)
            for w in tipWeight { delta += [Float(scaled.x * w), Float(scaled.y * w), Float(scaled.z * w)] }
            return (name: name, delta: delta)
        }
    }
}
