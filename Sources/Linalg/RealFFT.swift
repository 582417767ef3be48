import ComplexModule
import Synchronization

/// Real-input discrete Fourier transforms through FFTW, in `Float` or `Double`.
///
/// `forward` maps `n` real samples to the `n/2 + 1` non-negative-frequency bins
/// `X[k] = Σ x[j]·e^(−2πi·jk/n)` (unnormalised, as numpy's `rfft`); `inverse` maps them back and divides
/// by `n`, so `inverse(forward(x), count: n) == x` up to rounding (numpy's `irfft`).
///
/// Plans are created once per length and precision, under a lock because FFTW's planner is not
/// thread-safe, with `FFTW_ESTIMATE` (measuring would cost seconds for long signals). Executing a plan
/// is thread-safe, so transforms may run concurrently.
public enum RealFFT {
    /// Spectrum of `signal`: `signal.count / 2 + 1` complex bins.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func forward<Scalar: LinalgScalar>(_ signal: [Scalar]) throws -> [Complex<Scalar>] {
        let n = signal.count
        guard n > 0 else { return [] }
        let plan = try FFTPlanCache.shared.plan(Scalar.self, count: n, inverse: false)
        // FFTW writes every bin, and an out-of-place r2c plan preserves its input (FFTW_PRESERVE_INPUT is
        // the default for r2c): the signal is passed as it is, not copied, and the bins are not zeroed first
        // (on a 16 kHz shot's padded track, 4 MB each, fresh pages the kernel zeroes).
        return signal.withUnsafeBufferPointer { pin in
            [Complex<Scalar>](unsafeUninitializedCapacity: n / 2 + 1) { pout, initialized in
                Scalar._fftExecuteForward(plan.pointer, UnsafeMutablePointer(mutating: pin.baseAddress!), pout.baseAddress!)
                initialized = n / 2 + 1
            }
        }
    }

    /// The `count` real samples whose spectrum is `spectrum` (which must hold `count / 2 + 1` bins),
    /// normalised by `1/count`. The imaginary parts of bin 0 (and of bin `count/2` for even `count`)
    /// are ignored, as for any real signal.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func inverse<Scalar: LinalgScalar>(_ spectrum: [Complex<Scalar>], count: Int) throws -> [Scalar] {
        guard count > 0 else { return [] }
        guard spectrum.count == count / 2 + 1 else {
            throw LinalgError.shapeMismatch(operation: "inverse FFT",
                                            detail: "\(spectrum.count) bins for \(count) samples; need \(count / 2 + 1)")
        }
        let plan = try FFTPlanCache.shared.plan(Scalar.self, count: count, inverse: true)
        var input = spectrum  // c2r overwrites its input
        var output = [Scalar](repeating: 0, count: count)
        input.withUnsafeMutableBufferPointer { pin in
            output.withUnsafeMutableBufferPointer { pout in
                Scalar._fftExecuteInverse(plan.pointer, pin.baseAddress!, pout.baseAddress!)
            }
        }
        let scale = 1 / Scalar(count)
        for i in output.indices { output[i] *= scale }
        return output
    }

    /// The smallest `n ≥ minimum` whose only prime factors are 2, 3, 5 and 7 — lengths FFTW handles
    /// fastest, for zero-padding.
    public static func fastLength(atLeast minimum: Int) -> Int {
        var n = Swift.max(minimum, 1)
        while true {
            var m = n
            for p in [2, 3, 5, 7] { while m % p == 0 { m /= p } }
            if m == 1 { return n }
            n += 1
        }
    }
}

/// An FFTW plan. Plans are never mutated after creation and FFTW's new-array execute functions are
/// thread-safe, which is what makes sharing them across threads sound.
struct FFTPlan: @unchecked Sendable {
    let pointer: OpaquePointer
}

/// Process-wide cache of FFTW plans, keyed by precision, length and direction.
final class FFTPlanCache: Sendable {
    static let shared = FFTPlanCache()

    private struct Key: Hashable {
        let precision: String
        let count: Int
        let inverse: Bool
    }

    private let plans = Mutex<[Key: FFTPlan]>([:])

    func plan<Scalar: LinalgScalar>(_: Scalar.Type, count: Int, inverse: Bool) throws -> FFTPlan {
        let key = Key(precision: Scalar.lapackPrefix, count: count, inverse: inverse)
        let n32 = try blasInt(count, "FFT")
        return try plans.withLock { plans in
            if let cached = plans[key] { return cached }
            let made = inverse ? Scalar._fftPlanInverse(count: n32) : Scalar._fftPlanForward(count: n32)
            guard let pointer = made else {
                throw LinalgError.shapeMismatch(operation: "FFT", detail: "FFTW could not plan a transform of length \(count)")
            }
            let plan = FFTPlan(pointer: pointer)
            plans[key] = plan
            return plan
        }
    }
}
