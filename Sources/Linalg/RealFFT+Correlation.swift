import ComplexModule

extension RealFFT {
    /// Linear (not circular) cross-correlation `r[k] = Σᵢ a[i]·b[i + k]` for `k` in `-maxLag...maxLag`,
    /// through FFTW: both signals are zero-padded to at least `a.count + b.count` so that no lag wraps.
    ///
    /// Positive `k` pairs `a[i]` with a later `b` sample: `r` peaks at `k = d` when `b` is `a` delayed
    /// by `d` samples. Lags with no overlap give 0.
    /// - Returns: `[2·maxLag + 1]`, index `maxLag + k` holding `r[k]`.
    public static func crossCorrelation(_ a: [Double], _ b: [Double], maxLag: Int) throws -> [Double] {
        guard maxLag >= 0 else { throw LinalgError.shapeMismatch(operation: "crossCorrelation", detail: "negative maximum lag \(maxLag)") }
        var result = [Double](repeating: 0, count: 2 * maxLag + 1)
        guard !a.isEmpty, !b.isEmpty else { return result }
        let n = fastLength(atLeast: a.count + b.count)
        let spectrumA = try forward(a + [Double](repeating: 0, count: n - a.count))
        let spectrumB = try forward(b + [Double](repeating: 0, count: n - b.count))
        // conj(A)·B is the spectrum of Σᵢ a[i]·b[i + k] (circular over n, which is long enough).
        let product = zip(spectrumA, spectrumB).map { $0.conjugate * $1 }
        let circular = try inverse(product, count: n)
        for k in -maxLag...maxLag where abs(k) < n {
            result[maxLag + k] = circular[(k + n) % n]
        }
        // Lags beyond either signal's reach have no overlap; the transform leaves rounding noise there.
        for k in -maxLag...maxLag where k >= b.count || -k >= a.count { result[maxLag + k] = 0 }
        return result
    }
}
