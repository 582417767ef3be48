import Foundation
import Linalg
import TestSupport
import Testing
@testable import Analysis

/// A random rig: a head-sized cloud of vertices (about 30 units across) and smooth, localised deltas
/// of about one unit.
private func randomRig(vertices: Int = 300, poses: Int = 12, maskEvery: Int? = nil, seed: UInt64 = 1) throws -> BlendshapeRig {
    var rng = SeededGenerator(seed: seed)
    let neutral = (0..<(3 * vertices)).map { _ in Float.random(in: -15...15, using: &rng) }
    var deltas = [Float](repeating: 0, count: poses * 3 * vertices)
    for k in 0..<poses {
        let centre = (0..<3).map { _ in Float.random(in: -15...15, using: &rng) }
        let direction = (0..<3).map { _ in Float.random(in: -1...1, using: &rng) }
        for v in 0..<vertices {
            var d2: Float = 0
            for c in 0..<3 { d2 += (neutral[3 * v + c] - centre[c]) * (neutral[3 * v + c] - centre[c]) }
            let falloff = exp(-d2 / 200)
            for c in 0..<3 { deltas[k * 3 * vertices + 3 * v + c] = direction[c] * falloff + Float.random(in: -0.05...0.05, using: &rng) }
        }
    }
    let mask = maskEvery.map { every in Array(stride(from: 0, to: vertices, by: every)) }
    return try BlendshapeRig(neutral: neutral, deltas: Matrix(rows: poses, columns: 3 * vertices, elements: deltas), mask: mask)
}

/// Frames N + W·Δ `[F, 3V]` for weights `[F, K]`.
private func frames(_ rig: BlendshapeRig, weights: [[Double]]) -> [Float] {
    weights.flatMap { w in
        (0..<rig.neutral.count).map { c in rig.neutral[c] + (0..<rig.poseCount).reduce(Float(0)) { $0 + Float(w[$1]) * rig.deltas[$1, c] } }
    }
}

/// Projected gradient on ½xᵀHx − qᵀx over [0, u], run to convergence: slow, simple, independent.
private func projectedGradient(h: Matrix<Double>, q: [Double], upper: [Double]) -> [Double] {
    let n = q.count
    let lipschitz = (0..<n).map { i in (0..<n).reduce(0.0) { $0 + abs(h[i, $1]) } }.max() ?? 1
    var x = [Double](repeating: 0, count: n)
    for _ in 0..<200_000 {
        var change = 0.0
        for i in 0..<n {
            var g = -q[i]
            for j in 0..<n { g += h[i, j] * x[j] }
            let next = min(max(x[i] - g / lipschitz, 0), upper[i])
            change = max(change, abs(next - x[i]))
            x[i] = next
        }
        if change < 1e-15 { break }
    }
    return x
}

@Suite("Blendshape solve (the Audio2Face objective, BVLS and ADMM)")
struct BlendshapeSolverTests {
    @Test("with every strength 0, noiseless frames give back their weights to 1e-4")
    func exactRecovery() throws {
        let rig = try randomRig()
        var rng = SeededGenerator(seed: 2)
        let truth = (0..<20).map { _ in (0..<rig.poseCount).map { _ in Double.random(in: 0...1, using: &rng) } }
        let solver = try BlendshapeSolver(system: BlendshapeSystem(rig: rig, settings: BlendshapeSolverSettings(poseCount: rig.poseCount)))
        let result = try solver.solve(frames: frames(rig, weights: truth), frameCount: truth.count, vertexCount: rig.vertexCount)
        for f in 0..<truth.count {
            for k in 0..<rig.poseCount { #expect(abs(Double(result.weights[f, k]) - truth[f][k]) < 1e-4, "frame \(f) pose \(k)") }
        }
    }

    @Test("the SDK's round-trip bar: sparse weights, L1 0.5, L2 0.7, templateBBSize 54.7 → mean per-vertex error ≤ 0.2")
    func sdkRoundTrip() throws {
        let rig = try randomRig(vertices: 400, poses: 24, seed: 3)
        var rng = SeededGenerator(seed: 4)
        let truth = (0..<30).map { _ -> [Double] in
            var w = [Double](repeating: 0, count: rig.poseCount)
            for k in Array(0..<rig.poseCount).shuffled(using: &rng).prefix(Int.random(in: 6...7, using: &rng)) { w[k] = Double.random(in: 0.2...1, using: &rng) }
            return w
        }
        var settings = BlendshapeSolverSettings(poseCount: rig.poseCount)
        settings.l1 = 0.5
        settings.l2 = 0.7
        let system = try BlendshapeSystem(rig: rig, settings: settings)
        let target = frames(rig, weights: truth)
        let result = try BlendshapeSolver(system: system).solve(frames: target, frameCount: truth.count, vertexCount: rig.vertexCount)
        let (fit, _) = try BlendshapeFit.measure(rig: rig, activePoses: system.activePoses, raw: result.raw, frames: target)
        #expect((fit.mesh?.mean ?? -1) <= 0.2, "mean per-vertex error \((fit.mesh?.mean ?? -1))")
        #expect((fit.mesh?.mean ?? -1) > 0)   // regularised: not an exact fit
    }

    /// Rᵀ·Qᵀ(t − n) with Float products over Q in runs of 64 summed in Double: measured 2.5e-8 of the sum of
    /// the terms' sizes at worst here (Double products were 1e-16; the solve's bar is 1e-6 on the weights).
    @Test("the projections (Float products over Q of D = QR, summed in Double) agree with a Double loop to 2e-7 of their scale")
    func projectionAccuracy() throws {
        let rig = try randomRig(vertices: 3000, poses: 20, maskEvery: 3, seed: 13)
        var rng = SeededGenerator(seed: 14)
        let truth = (0..<9).map { _ in (0..<rig.poseCount).map { _ in Double.random(in: 0...1, using: &rng) } }
        let system = try BlendshapeSystem(rig: rig, settings: BlendshapeSolverSettings(poseCount: rig.poseCount))
        let target = frames(rig, weights: truth)
        let projections = try system.projections(of: target, frameCount: truth.count, vertexCount: rig.vertexCount)
        let width = rig.neutral.count
        for f in 0..<truth.count {
            for (j, pose) in system.activePoses.enumerated() {
                var exact = 0.0, scale = 0.0
                for c in system.selection.indices {
                    let term = Double(rig.deltas[pose, c]) * (Double(target[f * width + c]) - Double(rig.neutral[c]))
                    exact += term
                    scale += abs(term)
                }
                #expect(abs(projections[f, j] - exact) <= 2e-7 * scale, "frame \(f) pose \(pose)")
            }
        }
    }

    @Test("one pass over a shot (solve and fit per block) gives the solve's weights, the mask-only fit the whole-mesh fit's mask figures")
    func shotPass() throws {
        let rig = try randomRig(vertices: 2000, poses: 12, maskEvery: 4, seed: 21)
        var rng = SeededGenerator(seed: 22)
        let truth = (0..<300).map { _ in (0..<rig.poseCount).map { _ in Double.random(in: 0...1, using: &rng) } }
        var settings = BlendshapeSolverSettings(poseCount: rig.poseCount)
        settings.l1 = 0.2; settings.temporal = 0.1
        let system = try BlendshapeSystem(rig: rig, settings: settings)
        let solver = try BlendshapeSolver(system: system)
        var target = frames(rig, weights: truth)
        for i in target.indices { target[i] += Float.random(in: -0.01...0.01, using: &rng) }
        let width = rig.neutral.count
        let read: (Range<Int>, CoordinateRuns, inout [Float]) throws -> Void = { range, selection, buffer in
            var packed: [Float] = []
            for f in range { packed += selection.indices.map { target[f * width + $0] } }
            buffer.replaceSubrange(0..<packed.count, with: packed)
        }
        let whole = try solver.solve(frames: target, frameCount: truth.count, vertexCount: rig.vertexCount)
        let mesh = try ShotSolve.run(solver: solver, measure: BlendshapeFit.Measure(rig: rig, activePoses: system.activePoses, scope: .mesh),
                                     frameCount: truth.count, read: read)
        let mask = try ShotSolve.run(solver: solver, measure: BlendshapeFit.Measure(rig: rig, activePoses: system.activePoses, scope: .mask),
                                     frameCount: truth.count, read: read)
        let meshDifference = zip(mesh.result.raw.elements, whole.raw.elements).map { abs($0 - $1) }.max() ?? 1
        let maskDifference = zip(mask.result.raw.elements, whole.raw.elements).map { abs($0 - $1) }.max() ?? 1
        // Blocks of another height sum in another order (OpenBLAS picks kernels by size): Double rounding only.
        #expect(meshDifference < 1e-9 && maskDifference < 1e-9, "\(meshDifference) \(maskDifference)")
        let (reference, _) = try BlendshapeFit.measure(rig: rig, activePoses: system.activePoses, raw: whole.raw, frames: target)
        let meshFit = try #require(mesh.fit), maskFit = try #require(mask.fit)
        #expect(maskFit.mesh == nil && meshFit.mesh != nil)
        for (a, b) in [(meshFit.mask, reference.mask), (maskFit.mask, reference.mask), (try #require(meshFit.mesh), try #require(reference.mesh))] {
            #expect(abs(a.mean - b.mean) <= 1e-6 * b.mean && abs(a.rms - b.rms) <= 1e-6 * b.rms && abs(a.max - b.max) <= 1e-6 * b.max)
            #expect(a.worstFrame == b.worstFrame && a.worstVertex == b.worstVertex)
        }
        #expect(Set(rig.mask ?? []).contains(maskFit.mask.worstVertex))
    }

    @Test("every frame satisfies the box problem's KKT conditions and matches projected gradient to 1e-5")
    func optimality() throws {
        let rig = try randomRig(vertices: 250, poses: 10, maskEvery: 2, seed: 5)
        var rng = SeededGenerator(seed: 6)
        // Weights beyond [0, 1] and noise, so that bounds are hit from both sides.
        let truth = (0..<12).map { _ in (0..<rig.poseCount).map { _ in Double.random(in: -0.6...1.6, using: &rng) } }
        var settings = BlendshapeSolverSettings(poseCount: rig.poseCount)
        settings.l1 = 0.3; settings.l2 = 0.2; settings.temporal = 0.1; settings.symmetry = 0.4
        settings.symmetryPairIDs[0] = 0; settings.symmetryPairIDs[1] = 0
        let system = try BlendshapeSystem(rig: rig, settings: settings)
        let target = frames(rig, weights: truth)
        let result = try BlendshapeSolver(system: system).solve(frames: target, frameCount: truth.count, vertexCount: rig.vertexCount)
        let projections = try system.projections(of: target, frameCount: truth.count, vertexCount: rig.vertexCount)
        var previous = [Double](repeating: 0, count: system.activeCount)
        var boundsHit = 0
        for f in 0..<truth.count {
            var b = projections.row(f)
            if f > 0 { for j in b.indices { b[j] += system.temporalWeight * previous[j] } }
            let q = try system.a.multiplied(by: b)
            let x = result.raw.row(f)
            let gradient = try system.hessian.multiplied(by: x).enumerated().map { $0.element - q[$0.offset] }
            let scale = max(1, q.map(abs).max() ?? 1)
            for j in x.indices {
                if x[j] <= 0 { #expect(gradient[j] >= -1e-5 * scale); boundsHit += 1 }
                else if x[j] >= 1 { #expect(gradient[j] <= 1e-5 * scale); boundsHit += 1 }
                else { #expect(abs(gradient[j]) <= 1e-5 * scale, "frame \(f) pose \(j): free, gradient \(gradient[j])") }
            }
            let reference = projectedGradient(h: system.hessian, q: q, upper: [Double](repeating: 1, count: q.count))
            for j in x.indices { #expect(abs(x[j] - reference[j]) <= 1e-5, "frame \(f) pose \(j): \(x[j]) vs \(reference[j])") }
            previous = x
        }
        #expect(boundsHit > 10)
    }

    @Test("inactive poses are 0 before offsets; cancel pairs never both on; multipliers and offsets come after and do not feed the next frame")
    func posesAndPairs() throws {
        let rig = try randomRig(vertices: 300, poses: 8, seed: 7)
        var rng = SeededGenerator(seed: 8)
        // Poses 2 and 3 both strongly on: a cancel pair must switch one off.
        let truth = (0..<15).map { _ in (0..<rig.poseCount).map { k in k == 2 || k == 3 ? Double.random(in: 0.5...0.9, using: &rng) : Double.random(in: 0...0.5, using: &rng) } }
        var settings = BlendshapeSolverSettings(poseCount: rig.poseCount)
        settings.l2 = 0.1; settings.temporal = 0.2
        settings.active[5] = false
        settings.cancelPairIDs[2] = 0; settings.cancelPairIDs[3] = 0
        let plain = try BlendshapeSolver(system: BlendshapeSystem(rig: rig, settings: settings))
        var scaled = settings
        scaled.multipliers = (0..<rig.poseCount).map { 1.5 + Double($0) }
        scaled.offsets = (0..<rig.poseCount).map { 0.1 * Double($0) }
        let withOutputMapping = try BlendshapeSolver(system: BlendshapeSystem(rig: rig, settings: scaled))
        let target = frames(rig, weights: truth)
        let a = try plain.solve(frames: target, frameCount: truth.count, vertexCount: rig.vertexCount)
        let b = try withOutputMapping.solve(frames: target, frameCount: truth.count, vertexCount: rig.vertexCount)
        #expect(a.raw == b.raw)   // the mapping never reaches the solve or the temporal term
        #expect(a.cancelEvents > 0)
        let two = try #require(plain.system.activePoses.firstIndex(of: 2)), three = try #require(plain.system.activePoses.firstIndex(of: 3))
        for f in 0..<truth.count {
            #expect(a.weights[f, 5] == 0)
            #expect(b.weights[f, 5] == Float(0.5))
            #expect(!(a.raw[f, two] > 1e-6 && a.raw[f, three] > 1e-6), "frame \(f)")
            for (j, pose) in plain.system.activePoses.enumerated() {
                #expect(abs(Double(b.weights[f, pose]) - (a.raw[f, j] * scaled.multipliers[pose] + scaled.offsets[pose])) < 1e-5)
            }
        }
    }

    @Test("ADMM equals a plain transcription of its update rules")
    func admmTranscription() throws {
        let rig = try randomRig(vertices: 200, poses: 6, seed: 9)
        var rng = SeededGenerator(seed: 10)
        // Pose 4 pushed below 0: its exact weight is 0, so only ADMM's second solve can move anything.
        let truth = (0..<6).map { _ in (0..<rig.poseCount).map { k in k == 4 ? -0.5 : Double.random(in: -0.2...1.2, using: &rng) } }
        var settings = BlendshapeSolverSettings(poseCount: rig.poseCount)
        settings.l1 = 0.2; settings.l2 = 0.3; settings.temporal = 0.1
        settings.cancelPairIDs[1] = 0; settings.cancelPairIDs[4] = 0
        let system = try BlendshapeSystem(rig: rig, settings: settings)
        let target = frames(rig, weights: truth)
        let result = try BlendshapeSolver(system: system, method: .admm).solve(frames: target, frameCount: truth.count, vertexCount: rig.vertexCount)
        // Every frame is solved twice (4 iterations each) although the smaller weight is already 0:
        // the SDK's ADMM always solves again with the cancelled bound.
        #expect(result.steps == 2 * 4 * truth.count)
        // Transcription with Gauss–Jordan inverses and plain loops.
        let n = system.activeCount
        let a = (0..<n).map { i in (0..<n).map { system.a[i, $0] } }
        func multiply(_ m: [[Double]], _ v: [Double]) -> [Double] { m.map { row in zip(row, v).reduce(0) { $0 + $1.0 * $1.1 } } }
        func inverse(_ m: [[Double]]) -> [[Double]] {
            var aug = m.enumerated().map { i, row in row + (0..<n).map { $0 == i ? 1.0 : 0 } }
            for c in 0..<n {
                let p = (c..<n).max { abs(aug[$0][c]) < abs(aug[$1][c]) } ?? c
                aug.swapAt(c, p)
                let pivot = aug[c][c]
                aug[c] = aug[c].map { $0 / pivot }
                for r in 0..<n where r != c {
                    let factor = aug[r][c]
                    aug[r] = zip(aug[r], aug[c]).map { $0 - factor * $1 }
                }
            }
            return aug.map { Array($0[n...]) }
        }
        let m = (0..<n).map { i in (0..<n).map { j in (0..<n).reduce(0.0) { $0 + a[$1][i] * a[$1][j] } } }
        let w2 = (0..<n).map { pow(0.25 * m[$0][$0].squareRoot(), 2) }
        let p = inverse((0..<n).map { i in (0..<n).map { j in m[i][j] + (i == j ? w2[i] : 0) } })
        let aInverse = inverse(a)
        let projections = try system.projections(of: target, frameCount: truth.count, vertexCount: rig.vertexCount)
        var previous = [Double](repeating: 0, count: n)
        for f in 0..<truth.count {
            let b = projections.row(f).enumerated().map { $0.element + (f > 0 ? system.temporalWeight * previous[$0.offset] : 0) }
            let atb = multiply((0..<n).map { i in (0..<n).map { a[$0][i] } }, b)
            func admm(_ upper: [Double]) -> [Double] {
                var z = multiply(aInverse, b).enumerated().map { min(max($0.element, 0), upper[$0.offset]) }
                var u = [Double](repeating: 0, count: n)
                for _ in 0..<4 {
                    let x = multiply(p, (0..<n).map { w2[$0] * (z[$0] - u[$0]) + atb[$0] })
                    z = (0..<n).map { min(max(u[$0] + x[$0], 0), upper[$0]) }
                    u = (0..<n).map { u[$0] + 1.9 * (x[$0] - z[$0]) }
                }
                return z
            }
            var upper = [Double](repeating: 1, count: n)
            let first = admm(upper)
            upper[first[1] < first[4] ? 1 : 4] = 1e-10     // the cancel pair (1, 4): the smaller is switched off
            let z = admm(upper)
            for j in 0..<n { #expect(abs(result.raw[f, j] - z[j]) < 1e-8, "frame \(f) pose \(j)") }
            previous = z
        }
    }
}
