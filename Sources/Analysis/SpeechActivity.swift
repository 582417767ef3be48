/// How much speech a recording carries over time: the RMS level of the mono signal in short windows.
///
/// Mouth opening follows loudness closely (vowels are loud and open), which makes the RMS envelope the
/// audio side of the alignment check. Windows are centred where the training framework samples audio
/// for a frame, at `(i + 0.5) / fps` seconds.
public enum SpeechActivity {
    /// RMS per animation frame, `[frames]`: a window one frame long centred on `(i + 0.5) / fps`.
    public static func perFrame(_ samples: [Float], sampleRate: Int, frames: Int, framesPerSecond: Double) -> [Double] {
        guard sampleRate > 0, framesPerSecond > 0 else { return [Double](repeating: 0, count: max(frames, 0)) }
        let samplesPerFrame = Double(sampleRate) / framesPerSecond
        return windowedRMS(samples, centres: (0..<max(frames, 0)).map { (Double($0) + 0.5) * samplesPerFrame }, width: samplesPerFrame)
    }

    /// RMS every `hopSeconds` in windows `windowSeconds` long (centred on `(j + 0.5)·hop`), for
    /// comparing two recordings with a finer step than a frame.
    public static func envelope(_ samples: [Float], sampleRate: Int, hopSeconds: Double, windowSeconds: Double) -> [Double] {
        guard sampleRate > 0, hopSeconds > 0 else { return [] }
        let hop = hopSeconds * Double(sampleRate)
        let count = Int((Double(samples.count) / hop).rounded(.down))
        return windowedRMS(samples, centres: (0..<count).map { (Double($0) + 0.5) * hop }, width: windowSeconds * Double(sampleRate))
    }

    /// RMS of `samples` in windows of `width` samples centred on `centres` (sample positions),
    /// from one running sum of squares; windows are cut at the ends of the signal.
    private static func windowedRMS(_ samples: [Float], centres: [Double], width: Double) -> [Double] {
        var cumulative = [Double](repeating: 0, count: samples.count + 1)
        var sum = 0.0
        for (i, s) in samples.enumerated() {
            sum += Double(s) * Double(s)
            cumulative[i + 1] = sum
        }
        return centres.map { centre in
            let lo = min(samples.count, max(0, Int((centre - width / 2).rounded()))),
                hi = min(samples.count, max(0, Int((centre + width / 2).rounded())))
            return hi > lo ? ((cumulative[hi] - cumulative[lo]) / Double(hi - lo)).squareRoot() : 0
        }
    }
}
