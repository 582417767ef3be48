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

    /// RMS of `samples` in windows of `width` samples centred on `centres` (sample positions,
    /// ascending); windows are cut at the ends of the signal. The sums of squares are taken between
    /// consecutive window edges (vectorised) and accumulated edge to edge: a running sum at every
    /// sample would be one long chain of dependent additions.
    private static func windowedRMS(_ samples: [Float], centres: [Double], width: Double) -> [Double] {
        let n = centres.count
        let lows = centres.map { min(samples.count, max(0, Int(($0 - width / 2).rounded()))) }
        let highs = centres.map { min(samples.count, max(0, Int(($0 + width / 2).rounded()))) }
        // Both edge lists ascend with the centres: one merge visits every edge in order.
        var below = [Double](repeating: 0, count: n), upTo = [Double](repeating: 0, count: n)
        samples.withUnsafeBufferPointer { all in
            var sum = 0.0, position = 0, i = 0, j = 0
            while i < n || j < n {
                let takeLow = j >= n || (i < n && lows[i] <= highs[j])
                let edge = max(position, takeLow ? lows[i] : highs[j])
                sum += Summation.sumOfSquares(all, position..<edge)
                position = edge
                if takeLow { below[i] = sum; i += 1 } else { upTo[j] = sum; j += 1 }
            }
        }
        return (0..<n).map { k in
            highs[k] > lows[k] ? ((upTo[k] - below[k]) / Double(highs[k] - lows[k])).squareRoot() : 0
        }
    }
}
