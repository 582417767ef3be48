import ComplexModule
import Foundation
import TestSupport
import Testing
@testable import Linalg

@Suite("Real FFT through FFTW")
struct RealFFTTests {
    @Test("an impulse at 0 has a flat spectrum; a delayed impulse a pure phase ramp", arguments: [8, 15, 1024])
    func impulse(n: Int) throws {
        var x = [Double](repeating: 0, count: n)
        x[0] = 1
        #expect(try RealFFT.forward(x).allSatisfy { abs($0.real - 1) < 1e-12 && abs($0.imaginary) < 1e-12 })
        x[0] = 0
        x[3] = 1
        let spectrum = try RealFFT.forward(x)
        for (k, bin) in spectrum.enumerated() {
            let angle = -2 * Double.pi * Double(3 * k) / Double(n)
            #expect(abs(bin.real - cos(angle)) < 1e-9 && abs(bin.imaginary - sin(angle)) < 1e-9)
        }
    }

    @Test("a cosine at bin k puts n/2 in bin k and nothing elsewhere", arguments: [(64, 5), (100, 17), (63, 4)])
    func cosineAtBin(n: Int, k: Int) throws {
        let x = (0..<n).map { Float(cos(2 * Double.pi * Double(k * $0) / Double(n))) }
        let spectrum = try RealFFT.forward(x)
        #expect(spectrum.count == n / 2 + 1)
        for (bin, value) in spectrum.enumerated() {
            let expected: Float = bin == k ? Float(n) / 2 : 0
            #expect(abs(value.real - expected) < 1e-3 && abs(value.imaginary) < 1e-3)
        }
    }

    @Test("Parseval: Σ|x|² = (1/n)·Σ|X|² over the full spectrum", arguments: [256, 301])
    func parseval(n: Int) throws {
        var rng = SeededGenerator(seed: UInt64(n))
        let x = (0..<n).map { _ in Double.random(in: -1...1, using: &rng) }
        let spectrum = try RealFFT.forward(x)
        let timeEnergy = x.reduce(0) { $0 + $1 * $1 }
        // Bins 1..<(n+1)/2 stand for themselves and their conjugate mirror; 0 and n/2 (even n) once.
        var freqEnergy = 0.0
        for (k, bin) in spectrum.enumerated() {
            let mirrored = k != 0 && !(n % 2 == 0 && k == n / 2)
            freqEnergy += (mirrored ? 2 : 1) * (bin.real * bin.real + bin.imaginary * bin.imaginary)
        }
        #expect(abs(timeEnergy - freqEnergy / Double(n)) < 1e-9 * timeEnergy)
    }

    @Test("r2c then c2r returns the signal (float and double, even and odd lengths)", arguments: [1, 2, 7, 480, 1001])
    func roundTrip(n: Int) throws {
        var rng = SeededGenerator(seed: 99)
        let x = (0..<n).map { _ in Double.random(in: -1...1, using: &rng) }
        let back = try RealFFT.inverse(try RealFFT.forward(x), count: n)
        #expect(maxAbs(zip(back, x).map { $0 - $1 }) < 1e-12)
        let xf = x.map { Float($0) }
        let backf = try RealFFT.inverse(try RealFFT.forward(xf), count: n)
        #expect(maxAbs(zip(backf, xf).map { Double($0 - $1) }) < 1e-5)
    }

    @Test("forward leaves its input as it was (the signal is handed to FFTW without a copy)", arguments: [7, 480, 1001, 1 << 16])
    func forwardPreservesInput(n: Int) throws {
        var rng = SeededGenerator(seed: 7)
        let x = (0..<n).map { _ in Double.random(in: -1...1, using: &rng) }
        let kept = x.map { $0 }   // separate storage
        _ = try RealFFT.forward(x)
        #expect(x == kept)
        let xf = x.map { Float($0) }, keptf = xf.map { $0 }
        _ = try RealFFT.forward(xf)
        #expect(xf == keptf)
    }

    @Test("inverse rejects a spectrum of the wrong length")
    func inverseShape() {
        #expect(throws: LinalgError.self) { try RealFFT.inverse([Complex<Double>](repeating: .zero, count: 4), count: 10) }
    }

    @Test("plans are shared safely across concurrent transforms")
    func concurrentUse() async throws {
        let lengths = [96, 97, 98, 99, 100, 96, 97, 98]
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for n in lengths {
                group.addTask {
                    var x = [Double](repeating: 0, count: n)
                    x[1] = 1
                    let back = try RealFFT.inverse(try RealFFT.forward(x), count: n)
                    return maxAbs(zip(back, x).map { $0 - $1 }) < 1e-12
                }
            }
            for try await ok in group { #expect(ok) }
        }
    }

    @Test("fast lengths have only the factors 2, 3, 5, 7")
    func fastLength() {
        #expect(RealFFT.fastLength(atLeast: 1000) == 1000)
        #expect(RealFFT.fastLength(atLeast: 1001) == 1008)
        #expect(RealFFT.fastLength(atLeast: 11) == 12)
    }
}
