/// Loudness measures of a mono signal in [-1, 1], for the silent and clipped track checks.
public struct AudioLevels: Sendable, Equatable, Codable {
    /// Root mean square level (1 = full-scale square wave).
    public let rms: Double
    /// Largest absolute sample.
    public let peak: Double
    /// Fraction of samples at or beyond 0.999 of full scale.
    public let clippedFraction: Double

    public init(samples: [Float]) {
        guard !samples.isEmpty else {
            rms = 0; peak = 0; clippedFraction = 0
            return
        }
        // Four lanes at a time: one running sum is a chain of dependent additions that cannot vectorise.
        var squares = SIMD4<Double>.zero, largest = SIMD4<Float>.zero, clippedLanes = SIMD4<Int32>.zero
        var i = 0
        samples.withUnsafeBufferPointer { p in
            while i + 4 <= p.count {
                let v = SIMD4<Float>(p[i], p[i + 1], p[i + 2], p[i + 3])
                let a = pointwiseMax(v, -v)
                let wide = SIMD4<Double>(Double(v[0]), Double(v[1]), Double(v[2]), Double(v[3]))
                squares += wide * wide
                largest = pointwiseMax(largest, a)
                clippedLanes &+= SIMD4<Int32>.zero.replacing(with: 1, where: a .>= 0.999)
                i += 4
            }
        }
        var sumSquares = squares.sum(), peakValue = largest.max(), clipped = Int(clippedLanes.wrappedSum())
        for s in samples[i...] {
            let a = abs(s)
            sumSquares += Double(s) * Double(s)
            if a > peakValue { peakValue = a }
            if a >= 0.999 { clipped += 1 }
        }
        rms = (sumSquares / Double(samples.count)).squareRoot()
        peak = Double(peakValue)
        clippedFraction = Double(clipped) / Double(samples.count)
    }

    /// RMS in decibels relative to full scale.
    public var rmsDecibels: Double { rms > 0 ? 20 * log10(rms) : -.infinity }

    /// Quieter than −60 dBFS throughout: no usable speech.
    public var isSilent: Bool { rms < 0.001 }

    /// More than 0.1 % of samples at full scale: the recording was clipped.
    public var isClipped: Bool { clippedFraction > 0.001 }
}

import Foundation
