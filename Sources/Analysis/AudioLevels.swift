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
        var sumSquares = 0.0, largest: Float = 0
        var clipped = 0
        for s in samples {
            let a = abs(s)
            sumSquares += Double(s) * Double(s)
            if a > largest { largest = a }
            if a >= 0.999 { clipped += 1 }
        }
        rms = (sumSquares / Double(samples.count)).squareRoot()
        peak = Double(largest)
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
