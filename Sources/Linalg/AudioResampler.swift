import CSoxr

/// Band-limited sample-rate conversion by libsoxr (the SoX resampler, also used by FFmpeg and
/// PipeWire), at its "very high quality" setting: a linear-phase filter with pass-band up to 91.3 %
/// of the lower Nyquist frequency, ≥ 175 dB of stop-band rejection and 28-bit precision.
public enum AudioResampler {
    /// The quality recipe, as stated in fix logs.
    public static let description = "libsoxr VHQ (linear phase, 28-bit, pass-band 91.3 % of Nyquist)"

    /// `samples` (`[frames, channels]` interleaved) at `inputRate` Hz, converted to `outputRate` Hz:
    /// `round(frames × outputRate ÷ inputRate)` frames, aligned to the input's start (the filter's
    /// delay is removed).
    public static func resample(_ samples: [Float], channels: Int, from inputRate: Double, to outputRate: Double) throws -> [Float] {
        guard channels > 0, samples.count % channels == 0, inputRate > 0, outputRate > 0, inputRate.isFinite, outputRate.isFinite else {
            throw LinalgError.shapeMismatch(operation: "AudioResampler",
                                            detail: "\(samples.count) samples in \(channels) channels, \(inputRate) → \(outputRate) Hz")
        }
        let frames = samples.count / channels
        let outFrames = Int((Double(frames) * outputRate / inputRate).rounded())
        guard frames > 0, outFrames > 0 else { return [] }
        var output = [Float](repeating: 0, count: outFrames * channels)
        var io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I)
        var quality = soxr_quality_spec(UInt(SOXR_VHQ), 0)
        var runtime = soxr_runtime_spec(1)
        var inputDone = 0, outputDone = 0
        let failure: String? = samples.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out in
                guard let error = soxr_oneshot(inputRate, outputRate, UInt32(channels), input.baseAddress, frames, &inputDone,
                                               out.baseAddress, outFrames, &outputDone, &io, &quality, &runtime) else { return nil }
                return String(cString: error)
            }
        }
        if let failure { throw LinalgError.library(routine: "soxr_oneshot", detail: failure) }
        // soxr_oneshot flushes the filter: every output frame is written. Fewer means a library failure.
        guard outputDone == outFrames else {
            throw LinalgError.library(routine: "soxr_oneshot", detail: "wrote \(outputDone) of \(outFrames) frames")
        }
        return output
    }
}
