import Foundation
import Linalg
import Testing
import TestSupport
@testable import Analysis

@Suite("Kabsch rigid fits")
struct KabschTests {
    private func randomPoints(_ n: Int, _ rng: inout SeededGenerator) -> [Double] {
        (0..<(3 * n)).map { _ in Double.random(in: -10...10, using: &rng) }
    }

    private func randomRotation(_ rng: inout SeededGenerator, angle: Double? = nil) -> Matrix3 {
        let axis = SIMD3(Double.random(in: -1...1, using: &rng), Double.random(in: -1...1, using: &rng), Double.random(in: -1...1, using: &rng))
        return RigidTransform.rotation(axis: axis, angle: angle ?? Double.random(in: 0...Double.pi, using: &rng))
    }

    /// Frame points q with R·q + t = p: q = Rᵀ(p − t).
    private func frame(_ p: [Double], _ r: Matrix3, _ t: SIMD3<Double>) -> [Double] {
        stride(from: 0, to: p.count, by: 3).flatMap { i -> [Double] in
            let q = r.transposed * (SIMD3(p[i], p[i + 1], p[i + 2]) - t)
            return [q.x, q.y, q.z]
        }
    }

    private func angleBetween(_ a: Matrix3, _ b: Matrix3) -> Double { RigidTransform.angle(of: a * b.transposed) }

    @Test("known rotations and translations come back to 1e-9 rad in Double, including near 180°")
    func recoversDouble() throws {
        var rng = SeededGenerator(seed: 11)
        let p = randomPoints(12, &rng)
        let kabsch = try Kabsch(reference: p)
        var truths: [(Matrix3, SIMD3<Double>)] = (0..<40).map { _ in
            (randomRotation(&rng), SIMD3(Double.random(in: -5...5, using: &rng), Double.random(in: -5...5, using: &rng), Double.random(in: -5...5, using: &rng)))
        }
        truths += [(randomRotation(&rng, angle: .pi), SIMD3(1, 2, 3)), (randomRotation(&rng, angle: .pi - 1e-7), .zero), (.identity, .zero)]
        let frames = truths.flatMap { frame(p, $0.0, $0.1) }
        let fits = try kabsch.fit(frames: frames, frameCount: truths.count)
        for (fit, truth) in zip(fits, truths) {
            #expect(angleBetween(fit.transform.rotation, truth.0) < 1e-9)
            #expect(length(fit.transform.translation - truth.1) < 1e-9)
            #expect(abs(fit.transform.rotation.determinant - 1) < 1e-12)
            #expect(fit.rmsResidual < 1e-6)
        }
    }

    @Test("from Float data the rotation is within 1e-4 rad")
    func recoversFloat() throws {
        var rng = SeededGenerator(seed: 12)
        let p = randomPoints(8, &rng).map { $0 + 150 }   // far from the origin, like a head in world space
        let kabsch = try Kabsch(reference: p)
        let truths = (0..<30).map { _ in randomRotation(&rng, angle: Double.random(in: 0...0.3, using: &rng)) }
        let frames = truths.flatMap { frame(p, $0, SIMD3(0.5, -1, 2)) }.map(Float.init)
        let fits = try kabsch.fit(frames: frames, frameCount: truths.count)
        for (fit, truth) in zip(fits, truths) { #expect(angleBetween(fit.transform.rotation, truth) < 1e-4) }
    }

    @Test("a mirrored frame still yields a proper rotation")
    func mirrored() throws {
        var rng = SeededGenerator(seed: 13)
        let p = randomPoints(10, &rng)
        let mirroredFrame = stride(from: 0, to: p.count, by: 3).flatMap { [-p[$0], p[$0 + 1], p[$0 + 2]] }
        let fit = try #require(try Kabsch(reference: p).fit(frames: mirroredFrame, frameCount: 1).first)
        #expect(abs(fit.transform.rotation.determinant - 1) < 1e-12)
        #expect(fit.rmsResidual > 1)
    }

    /// Horn's closed form (1987): the optimal rotation's quaternion is the eigenvector of the largest
    /// eigenvalue of a symmetric 4×4 matrix built from the cross-covariance — an independent method.
    private func horn(_ p: [Double], _ q: [Double], _ w: [Double]) throws -> Matrix3 {
        let n = p.count / 3
        let total = w.reduce(0, +)
        var pc = SIMD3<Double>.zero, qc = SIMD3<Double>.zero
        for i in 0..<n {
            pc += w[i] / total * SIMD3(p[3 * i], p[3 * i + 1], p[3 * i + 2])
            qc += w[i] / total * SIMD3(q[3 * i], q[3 * i + 1], q[3 * i + 2])
        }
        var s = [[Double]](repeating: [0, 0, 0], count: 3)   // S_ab = Σ w q'_a p'_b
        for i in 0..<n {
            let a = SIMD3(q[3 * i], q[3 * i + 1], q[3 * i + 2]) - qc, b = SIMD3(p[3 * i], p[3 * i + 1], p[3 * i + 2]) - pc
            for r in 0..<3 { for c in 0..<3 { s[r][c] += w[i] * a[r] * b[c] } }
        }
        let (xx, xy, xz, yx, yy, yz, zx, zy, zz) = (s[0][0], s[0][1], s[0][2], s[1][0], s[1][1], s[1][2], s[2][0], s[2][1], s[2][2])
        let nMatrix = try Matrix<Double>([
            [xx + yy + zz, yz - zy, zx - xz, xy - yx],
            [yz - zy, xx - yy - zz, xy + yx, zx + xz],
            [zx - xz, xy + yx, -xx + yy - zz, yz + zy],
            [xy - yx, zx + xz, yz + zy, -xx - yy + zz],
        ])
        let eig = try SymmetricEigenDecomposition(nMatrix)
        let v = eig.eigenvectors.column(3)
        let (q0, qx, qy, qz) = (v[0], v[1], v[2], v[3])
        return Matrix3(rows:
            SIMD3(q0 * q0 + qx * qx - qy * qy - qz * qz, 2 * (qx * qy - q0 * qz), 2 * (qx * qz + q0 * qy)),
            SIMD3(2 * (qy * qx + q0 * qz), q0 * q0 - qx * qx + qy * qy - qz * qz, 2 * (qy * qz - q0 * qx)),
            SIMD3(2 * (qz * qx - q0 * qy), 2 * (qz * qy + q0 * qx), q0 * q0 - qx * qx - qy * qy + qz * qz))
    }

    @Test("noisy, weighted points: the same least-squares optimum as Horn's quaternion method")
    func matchesHorn() throws {
        var rng = SeededGenerator(seed: 14)
        let p = randomPoints(20, &rng)
        let w = (0..<20).map { _ in Double.random(in: 0.1...2, using: &rng) }
        let kabsch = try Kabsch(reference: p, weights: w)
        for _ in 0..<10 {
            let noisy = frame(p, randomRotation(&rng), SIMD3(1, 1, 1)).map { $0 + Double.random(in: -0.3...0.3, using: &rng) }
            let fit = try #require(try kabsch.fit(frames: noisy, frameCount: 1).first)
            #expect(angleBetween(fit.transform.rotation, try horn(p, noisy, w)) < 1e-9)
            // The reported residual is the weighted RMS computed directly.
            let total = w.reduce(0, +)
            var direct = 0.0
            for i in 0..<20 {
                let d = fit.transform.apply(SIMD3(noisy[3 * i], noisy[3 * i + 1], noisy[3 * i + 2])) - SIMD3(p[3 * i], p[3 * i + 1], p[3 * i + 2])
                direct += w[i] / total * (d * d).sum()
            }
            #expect(abs(fit.rmsResidual - direct.squareRoot()) < 1e-9)
        }
    }

    @Test("weights: zero-weight outliers are ignored; scaling all weights changes nothing")
    func weights() throws {
        var rng = SeededGenerator(seed: 15)
        let p = randomPoints(10, &rng)
        let truth = randomRotation(&rng)
        var q = frame(p, truth, SIMD3(0, 3, 0))
        q[0] += 50; q[4] -= 80   // two wild points
        var w = [Double](repeating: 1, count: 10)
        w[0] = 0; w[1] = 0
        let fit = try #require(try Kabsch(reference: p, weights: w).fit(frames: q, frameCount: 1).first)
        #expect(angleBetween(fit.transform.rotation, truth) < 1e-9)
        let scaled = try #require(try Kabsch(reference: p, weights: w.map { $0 * 7 }).fit(frames: q, frameCount: 1).first)
        #expect(angleBetween(scaled.transform.rotation, fit.transform.rotation) < 1e-12)
        let unweighted = try #require(try Kabsch(reference: p).fit(frames: q, frameCount: 1).first)
        #expect(angleBetween(unweighted.transform.rotation, truth) > 1e-3)
    }

    @Test("degenerate inputs throw")
    func degenerate() throws {
        #expect(throws: KabschError.tooFewPoints(2)) { try Kabsch(reference: [0, 0, 0, 1, 0, 0]) }
        #expect(throws: KabschError.collinear) { try Kabsch(reference: [0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3]) }
        #expect(throws: KabschError.badWeights) { try Kabsch(reference: [0, 0, 0, 1, 0, 0, 0, 1, 0], weights: [0, 0, 0]) }
        #expect(throws: KabschError.badWeights) { try Kabsch(reference: [0, 0, 0, 1, 0, 0, 0, 1, 0], weights: [1, -1, 1]) }
        let k = try Kabsch(reference: [0, 0, 0, 1, 0, 0, 0, 1, 0])
        #expect(throws: KabschError.self) { try k.fit(frames: [Double](repeating: 0, count: 8), frameCount: 1) }
    }
}

@Suite("Kabsch from Float frames")
struct KabschFloatPathTests {
    @Test("fits of Float frames (moments taken directly) equal fits of the same values as Double (through the product)")
    func floatAndDoublePathsAgree() throws {
        var rng = SeededGenerator(seed: 29)
        let n = 501, frameCount = 40
        let reference = (0..<(3 * n)).map { _ in Double.random(in: -9...9, using: &rng) }
        let weights = (0..<n).map { _ in Double.random(in: 0.1...1, using: &rng) }
        var frames = [Float]()
        for f in 0..<frameCount {
            let angle = 0.02 * Double(f)
            let (c, s) = (cos(angle), sin(angle))
            for i in 0..<n {
                let (x, y, z) = (reference[3 * i], reference[3 * i + 1], reference[3 * i + 2])
                frames += [Float(c * x - s * y + 0.3 + Double.random(in: -0.01...0.01, using: &rng)),
                           Float(s * x + c * y - 1.2), Float(z + 0.05 * Double(f))]
            }
        }
        let kabsch = try Kabsch(reference: reference, weights: weights)
        let fromFloat = try kabsch.fit(frames: frames, frameCount: frameCount)
        let fromDouble = try kabsch.fit(frames: frames.map(Double.init), frameCount: frameCount)
        for (a, b) in zip(fromFloat, fromDouble) {
            #expect(a.transform.rotation.maxAbsDifference(b.transform.rotation) < 1e-12)
            let shift = a.transform.translation - b.transform.translation
            #expect(max(abs(shift.x), abs(shift.y), abs(shift.z)) < 1e-11)
            #expect(abs(a.rmsResidual - b.rmsResidual) < 1e-9)
        }
        #expect(throws: KabschError.self) { try kabsch.fit(frames: [Float](repeating: 0, count: 5), frameCount: 1) }
    }
}
