import Analysis
import Foundation

/// The signals of one shot that alignment compares.
public struct ShotSignals: Sendable {
    public let shot: String
    public let frames: Int
    /// Speech activity per animation frame (`SpeechActivity.perFrame`), nil without readable audio.
    public let activity: [Double]?
    public let mouth: MouthSignal?
    /// Why there is no audio or mouth signal.
    public let problem: String?

    public init(shot: String, frames: Int, activity: [Double]?, mouth: MouthSignal?, problem: String?) {
        self.shot = shot
        self.frames = frames
        self.activity = activity
        self.mouth = mouth
        self.problem = problem
    }
}

/// A track's fine speech envelope (`SyncAnalysis.fineHop` steps), for augmented-voice checks.
public struct TrackEnvelope: Sendable {
    public let file: String
    public let sampleRate: Int
    public let sampleCount: Int
    public let envelope: [Double]

    public init(file: String, sampleRate: Int, samples: [Float]) {
        self.file = file
        self.sampleRate = sampleRate
        self.sampleCount = samples.count
        self.envelope = SpeechActivity.envelope(samples, sampleRate: sampleRate, hopSeconds: SyncAnalysis.fineHop,
                                                windowSeconds: SyncAnalysis.fineWindow)
    }
}

/// Audio/animation and augmented-voice alignment by normalised FFT cross-correlation.
public enum SyncAnalysis {
    /// Default search range, frames either way.
    public static let defaultMaxLag = 15
    /// An offset of this many frames or more is reported.
    public static let offsetFrames = 2
    /// Step and window of the envelopes that compare an augmented track with its original, seconds.
    public static let fineHop = 0.001
    public static let fineWindow = 0.025
    /// An augmented track more than this far from its original drifts, seconds.
    public static let augmentedTolerance = 0.005
    /// Unrelated tracks used to gauge chance for augmented tracks (correlations of long envelopes).
    static let augmentedChanceTracks = 6

    /// Aligns every shot's mouth signal with its own audio, judged against the other shots' audio.
    /// - Returns: the shots in input order, the median confident lag and the outliers.
    public static func alignShots(_ shots: [ShotSignals], framesPerSecond: Double, maxLag: Int) -> (shots: [ShotSync], median: Double?, outliers: [String]) {
        // Each shot is correlated with every other one (the chance level): a shot per core.
        let results = parallelMap(shots) { shot in align(shot, among: shots, framesPerSecond: framesPerSecond, maxLag: maxLag) }
        let lags = results.compactMap { $0.verdict == .inconclusive ? nil : $0.lagFrames }.sorted()
        let median: Double? = lags.isEmpty ? nil
            : (lags.count % 2 == 1 ? lags[lags.count / 2] : (lags[lags.count / 2 - 1] + lags[lags.count / 2]) / 2)
        let outliers = median.map { m in
            results.filter { $0.verdict != .inconclusive && abs(($0.lagFrames ?? m) - m) >= Double(offsetFrames) }.map(\.shot)
        } ?? []
        return (results, median, outliers)
    }

    static func align(_ shot: ShotSignals, among all: [ShotSignals], framesPerSecond: Double, maxLag: Int) -> ShotSync {
        func inconclusive(_ why: String, signal: String? = nil) -> ShotSync {
            ShotSync(shot: shot.shot, frames: shot.frames, signal: signal, lagFrames: nil, lagMilliseconds: nil, peak: nil,
                     confidence: nil, verdict: .inconclusive, doubt: why)
        }
        guard let activity = shot.activity, let mouth = shot.mouth else { return inconclusive(shot.problem ?? "no signals") }
        guard !mouth.isStill else { return inconclusive("the mouth does not move", signal: mouth.source.rawValue) }
        let unrelated = all.filter { $0.shot != shot.shot }.compactMap(\.activity)
        // The opening and its rate: whichever follows speech activity better.
        var best: (name: String, alignment: SignalAlignment)?
        for (name, signal) in [("\(mouth.source.rawValue)", mouth.opening), ("\(mouth.source.rawValue) rate", mouth.rate)] {
            guard let alignment = try? SignalAlignment.estimate(reference: activity, signal: signal, maxLag: maxLag, unrelated: unrelated) else { continue }
            if alignment.peak > (best?.alignment.peak ?? -.infinity) { best = (name, alignment) }
        }
        guard let (name, alignment) = best else {
            let silent = (activity.max() ?? 0) <= 0 || SignalAlignment.isFlat(activity)
            return inconclusive(silent ? "the audio has no speech activity" : "the mouth does not move", signal: mouth.source.rawValue)
        }
        let verdict: SyncVerdict = !alignment.isConfident ? .inconclusive
            : (abs(alignment.lag.rounded()) >= Double(offsetFrames) ? .offset : .inSync)
        return ShotSync(shot: shot.shot, frames: shot.frames, signal: name, lagFrames: alignment.lag,
                        lagMilliseconds: alignment.lag / framesPerSecond * 1000, peak: alignment.peak,
                        confidence: alignment.confidence, verdict: verdict, doubt: alignment.doubt)
    }

    /// An augmented track against its shot's original: envelope against envelope (the lag should be
    /// 0) and the length.
    /// `prepared` gives each envelope ready for correlation (callers checking many tracks prepare each
    /// once, with one shared transform length).
    /// The largest lag, in fine-envelope steps, an augmented track is searched over.
    static func augmentedMaxLag(seconds: Double) -> Int { max(1, Int((seconds / fineHop).rounded())) }

    public static func alignAugmented(voice: String, shot: String, track: TrackEnvelope, original: TrackEnvelope,
                                      unrelated: [TrackEnvelope], maxLagSeconds: Double,
                                      prepared: (TrackEnvelope) throws -> SignalAlignment.Prepared = { try .init($0.envelope) }) -> AugmentedSync {
        let lengthDifference = track.sampleCount - Int((Double(original.sampleCount) * Double(track.sampleRate) / Double(max(original.sampleRate, 1))).rounded())
        let lengthMilliseconds = Double(lengthDifference) / Double(max(track.sampleRate, 1)) * 1000
        let maxLag = augmentedMaxLag(seconds: maxLagSeconds)
        let chance = Array(unrelated.prefix(augmentedChanceTracks))
        let separation = Int((fineWindow / fineHop).rounded())
        guard let alignment = try? SignalAlignment.estimate(reference: prepared(original), signal: prepared(track), maxLag: maxLag,
                                                            unrelated: chance.map(prepared), separation: separation) else {
            return AugmentedSync(voice: voice, shot: shot, file: track.file, lagSamples: nil, lagMilliseconds: nil, confidence: nil,
                                 lengthDifferenceSamples: lengthDifference, lengthDifferenceMilliseconds: lengthMilliseconds,
                                 verdict: .inconclusive, doubt: "one of the two tracks is silent")
        }
        let seconds = alignment.lag * fineHop
        let verdict: SyncVerdict = !alignment.isConfident ? .inconclusive : (abs(seconds) > augmentedTolerance ? .offset : .inSync)
        return AugmentedSync(voice: voice, shot: shot, file: track.file, lagSamples: seconds * Double(track.sampleRate),
                             lagMilliseconds: seconds * 1000, confidence: alignment.confidence,
                             lengthDifferenceSamples: lengthDifference, lengthDifferenceMilliseconds: lengthMilliseconds,
                             verdict: verdict, doubt: alignment.doubt)
    }
}
