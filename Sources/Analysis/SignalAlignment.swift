import ComplexModule
import Linalg

/// The time offset between two signals sampled at the same rate, from their normalised
/// cross-correlation, with how far it can be trusted.
///
/// Sign convention: a positive lag means the second signal (the animation, or an augmented track)
/// is *late*: its feature at sample `i + lag` matches the reference's at `i`.
public struct SignalAlignment: Sendable, Codable, Equatable {
    /// Lag in samples of the signals (frames for the animation), sub-sample by parabolic
    /// interpolation of the peak.
    public let lag: Double
    /// Normalised correlation at the peak, in [−1, 1].
    public let peak: Double
    /// Highest other local maximum of the correlation within the search window (outside the
    /// peak's own lobe), or nil when there is none.
    public let secondPeak: Double?
    /// Highest correlation of the second signal with unrelated references (other shots' audio)
    /// within the same window: what chance alone reaches. Nil without such references.
    public let chance: Double?
    /// How far the peak stands above its best rival (second peak, chance, or 0), as a fraction of
    /// the room above that rival: `(peak − rival) / (1 − rival)`, in [0, 1].
    public let confidence: Double
    /// Why the result cannot be trusted, or nil when it can.
    public let doubt: String?

    /// Below this correlation the signals hardly resemble each other.
    public static let minimumPeak = 0.3
    /// The peak must clear its rival by this fraction of the room above it.
    public static let minimumConfidence = 0.2

    public var isConfident: Bool { doubt == nil }

    /// Normalised cross-correlation of the mean-removed signals a′, b′ for `k` in `-maxLag...maxLag`
    /// (index `maxLag + k`): `c[k] = Σᵢ a′ᵢ·b′ᵢ₊ₖ / √(Σ a′ᵢ² · Σ b′ᵢ₊ₖ²)`, both sums of squares over
    /// the samples that overlap at that lag — so a shifted copy scores as high as an aligned one, and a
    /// periodic signal scores alike a period away. Nil when either signal is constant.
    public static func normalizedCorrelation(_ a: [Double], _ b: [Double], maxLag: Int) throws -> [Double]? {
        try normalizedCorrelation(Prepared(a), Prepared(b), maxLag: maxLag)
    }

    /// A signal made ready for many correlations: centred, its running energy, and — with a transform
    /// length — its spectrum, so that correlating it with many others costs one inverse transform each
    /// (sync's augmented tracks are each correlated with their original and six unrelated tracks).
    public struct Prepared: Sendable {
        let count: Int
        let centred: [Double]
        let energy: [Double]
        let isFlat: Bool
        /// The spectrum of `centred` zero-padded to `spectrumLength`.
        let spectrum: [Complex<Double>]?
        let spectrumLength: Int

        /// - Parameter transformLength: the zero-padded length of the spectrum, at least the longer of any
        ///   two signals correlated plus the largest lag asked for (no lag in ±maxLag then wraps
        ///   around; `RealFFT.fastLength` of it is fastest); nil for none.
        public init(_ x: [Double], transformLength: Int? = nil) throws {
            count = x.count
            centred = SignalAlignment.centred(x)
            energy = runningSquares(centred)
            isFlat = SignalAlignment.isFlat(x, centredEnergy: energy.last ?? 0)
            if let n = transformLength, n >= x.count, !x.isEmpty {
                spectrum = try RealFFT.forward(centred + [Double](repeating: 0, count: n - x.count))
                spectrumLength = n
            } else {
                spectrum = nil
                spectrumLength = 0
            }
        }
    }

    /// `normalizedCorrelation` of prepared signals: from their shared spectra when both have them at
    /// one length long enough for both, else summed directly (a few lags) or by FFT.
    public static func normalizedCorrelation(_ a: Prepared, _ b: Prepared, maxLag: Int) throws -> [Double]? {
        let centredA = a.centred, centredB = b.centred
        let energyA = a.energy, energyB = b.energy
        guard let totalA = energyA.last, let totalB = energyB.last, !a.isFlat, !b.isFlat else { return nil }
        let raw: [Double]
        if let spectrumA = a.spectrum, let spectrumB = b.spectrum, a.spectrumLength == b.spectrumLength,
           a.spectrumLength >= max(a.count, b.count) + maxLag, maxLag > 40 {
            let n = a.spectrumLength
            let circular = try RealFFT.inverse(zip(spectrumA, spectrumB).map { $0.conjugate * $1 }, count: n)
            raw = (-maxLag...maxLag).map { k in k >= b.count || -k >= a.count || abs(k) >= n ? 0 : circular[(k + n) % n] }
        } else if maxLag <= 40 {
            // A few lags are cheaper summed directly than through two transforms and their plans (sync
            // correlates every shot with every other for its chance level: thousands of short ones).
            raw = directCorrelation(centredA, centredB, maxLag: maxLag)
        } else {
            raw = try RealFFT.crossCorrelation(centredA, centredB, maxLag: maxLag)
        }
        return (-maxLag...maxLag).map { k in
            // Overlap: i in lo..<hi pairs a[i] with b[i + k].
            let lo = max(0, -k), hi = min(a.count, b.count - k)
            guard hi > lo else { return 0 }
            let overlapA = energyA[hi] - energyA[lo], overlapB = energyB[hi + k] - energyB[lo + k]
            // Overlaps holding (almost) none of a signal's energy say nothing.
            guard overlapA > 1e-6 * totalA, overlapB > 1e-6 * totalB else { return 0 }
            return min(1, max(-1, raw[maxLag + k] / (overlapA * overlapB).squareRoot()))
        }
    }

    /// `Σᵢ a[i]·b[i + k]` for k in −maxLag…maxLag, at index `maxLag + k` (what `RealFFT.crossCorrelation` gives).
    static func directCorrelation(_ a: [Double], _ b: [Double], maxLag: Int) -> [Double] {
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                (-maxLag...maxLag).map { k in
                    let lo = max(0, -k), hi = min(a.count, b.count - k)
                    return hi > lo ? Summation.dot(pa, pb, shift: k, lo..<hi) : 0
                }
            }
        }
    }

    /// Whether `x` is constant relative to its own size: rounding noise on a flat line is not a
    /// signal, and nothing can be aligned with it.
    public static func isFlat(_ x: [Double]) -> Bool {
        isFlat(x, centredEnergy: centred(x).reduce(0) { $0 + $1 * $1 })
    }

    private static func isFlat(_ x: [Double], centredEnergy: Double) -> Bool {
        let scale = x.map(abs).max() ?? 0
        return !(centredEnergy > 0 && centredEnergy.squareRoot() > 1e-9 * scale * Double(x.count).squareRoot())
    }

    /// `[0, x₀², x₀² + x₁², …]`: sums of squares over any range by one subtraction.
    private static func runningSquares(_ x: [Double]) -> [Double] {
        var sums = [Double](repeating: 0, count: x.count + 1)
        for (i, value) in x.enumerated() { sums[i + 1] = sums[i] + value * value }
        return sums
    }

    /// The alignment of `signal` against `reference`, judged against `unrelated` references.
    /// - Returns: nil when either signal is constant (no speech, or no motion).
    /// - Parameter separation: rival peaks count only this many samples or more from the peak; the
    ///   ripple of an envelope on its own peak's slope is no rival.
    public static func estimate(reference: [Double], signal: [Double], maxLag: Int, unrelated: [[Double]] = [],
                                separation: Int = 2) throws -> SignalAlignment? {
        try estimate(reference: Prepared(reference), signal: Prepared(signal), maxLag: maxLag, unrelated: unrelated.map { try Prepared($0) },
                     separation: separation)
    }

    /// `estimate` on prepared signals (their spectra computed once however often they are used).
    public static func estimate(reference: Prepared, signal: Prepared, maxLag: Int, unrelated: [Prepared],
                                separation: Int = 2) throws -> SignalAlignment? {
        guard let correlation = try normalizedCorrelation(reference, signal, maxLag: maxLag) else { return nil }
        let chance = try unrelated.compactMap { try normalizedCorrelation($0, signal, maxLag: maxLag)?.max() }.max()
        return from(correlation: correlation, maxLag: maxLag, chance: chance, separation: separation)
    }

    /// Reads the peak, its rivals and the verdict off a correlation `[2·maxLag + 1]`.
    public static func from(correlation c: [Double], maxLag: Int, chance: Double?, separation: Int = 2) -> SignalAlignment {
        guard let best = c.indices.max(by: { c[$0] < c[$1] }) else {
            return SignalAlignment(lag: 0, peak: 0, secondPeak: nil, chance: chance, confidence: 0, doubt: "no correlation")
        }
        var lag = Double(best - maxLag)
        if best > 0, best < c.count - 1 {
            let (left, centre, right) = (c[best - 1], c[best], c[best + 1])
            let curvature = left - 2 * centre + right
            if curvature < 0 { lag += 0.5 * (left - right) / curvature }
        }
        // The peak's lobe: walk down both sides while the correlation keeps falling.
        var lobeLow = best, lobeHigh = best
        while lobeLow > 0, c[lobeLow - 1] <= c[lobeLow] { lobeLow -= 1 }
        while lobeHigh < c.count - 1, c[lobeHigh + 1] <= c[lobeHigh] { lobeHigh += 1 }
        let others = c.indices.filter { i in
            (i < lobeLow || i > lobeHigh) && abs(i - best) >= separation && (i == 0 || c[i] >= c[i - 1]) && (i == c.count - 1 || c[i] >= c[i + 1])
        }
        let second = others.map { c[$0] }.max()
        let rival = max(0, second ?? 0, chance ?? 0)
        let confidence = rival < 1 - 1e-12 ? min(1, max(0, (c[best] - rival) / (1 - rival))) : 0
        let doubt: String?
        if best == 0 || best == c.count - 1 {
            doubt = "the best match lies at the edge of the ±\(maxLag)-frame search"
        } else if c[best] < minimumPeak {
            doubt = String(format: "the signals hardly correlate (peak %.2f < %.2f)", c[best], minimumPeak)
        } else if confidence < minimumConfidence {
            let what = (chance ?? 0) >= (second ?? 0) ? String(format: "other shots' audio reaches %.2f", chance ?? 0)
                                                      : String(format: "another lag reaches %.2f", second ?? 0)
            doubt = String(format: "the peak %.2f barely stands out: %@", c[best], what)
        } else {
            doubt = nil
        }
        return SignalAlignment(lag: lag, peak: c[best], secondPeak: second, chance: chance, confidence: confidence, doubt: doubt)
    }

    private static func centred(_ x: [Double]) -> [Double] {
        guard !x.isEmpty else { return x }
        let mean = x.reduce(0, +) / Double(x.count)
        return x.map { $0 - mean }
    }
}
