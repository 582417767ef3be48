import Analysis
import Linalg
import Foundation
import Formats

extension ValidationContext {
    /// Audio/animation alignment of every shot and augmented-voice timing, from what the cache and
    /// audio passes kept (no file is read again but the small jaw keypoint archive).
    func checkSync() {
        let (jawArchive, jawNeutral) = MouthSignal.jawData(layout)
        let signals: [ShotSignals] = shots.compactMap { shot in
            guard let cache = skinCaches[shot], let activity = layout.audio[shot].flatMap({ audioSummaries[$0] })?.activity else { return nil }
            let mouth = MouthSignal.preferred(sampled: cache.mouth,
                                              jaw: MouthSignal.jaw(jawArchive, neutral: jawNeutral, shot: shot, frames: cache.frameCount))
            return ShotSignals(shot: shot, frames: cache.frameCount, activity: activity, mouth: mouth, problem: nil)
        }
        let (results, median, _) = SyncAnalysis.alignShots(signals, framesPerSecond: framesPerSecond, maxLag: SyncAnalysis.defaultMaxLag)
        let limit = thresholds.syncOffsetFrames
        let common = median.map { abs($0.rounded()) >= limit } ?? false
        for result in results where result.verdict != .inconclusive {
            guard let lag = result.lagFrames, abs(lag.rounded()) >= limit, let file = layout.audio[result.shot] else { continue }
            var message = String(format: "the animation is %.1f frames (%.0f ms) %@ against its audio (%@, correlation %.2f, confidence %.2f)",
                                 abs(lag), abs(lag) / framesPerSecond * 1000, lag > 0 ? "late" : "early", result.signal ?? "mouth", result.peak ?? 0, result.confidence ?? 0)
            if common, let median { message += String(format: "; the dataset's median lag is %+.1f frames, a common offset points at an export setting", median) }
            add(Rules.syncOffset, file, message)
        }

        // Every augmented track against its original, a track per core; findings in voice, then shot order.
        let pairs = layout.augmentedVoices.sorted(by: { $0.key < $1.key }).flatMap { voice, tracks in
            tracks.sorted(by: { $0.key < $1.key }).map { (voice: voice, shot: $0.key, file: $0.value) }
        }
        let envelopes = audioSummaries.compactMapValues(\.envelope)
        let originals = Dictionary(uniqueKeysWithValues: shots.compactMap { shot in layout.audio[shot].flatMap { envelopes[$0] }.map { (shot, $0) } })
        let maxLagSeconds = Double(SyncAnalysis.defaultMaxLag) / framesPerSecond
        let shotOrder = shots
        // Every envelope transformed once, at one length that holds the longest and the largest lag
        // without wrapping around (only lags within ±maxLag are read): half the length of a full product.
        let used = Set(pairs.map(\.file)).union(originals.values.map(\.file))
        let transformLength = RealFFT.fastLength(atLeast: (envelopes.values.map(\.envelope.count).max() ?? 0)
                                                 + SyncAnalysis.augmentedMaxLag(seconds: maxLagSeconds))
        let preparedList = parallelMap(Array(used).sorted()) { file in (file, envelopes[file].flatMap { try? SignalAlignment.Prepared($0.envelope, transformLength: transformLength) }) }
        let prepared = Dictionary(uniqueKeysWithValues: preparedList.compactMap { file, value in value.map { (file, $0) } })
        let augmented = parallelMap(pairs) { pair -> (file: String, original: String, sync: AugmentedSync)? in
            guard let track = envelopes[pair.file], let original = originals[pair.shot] else { return nil }
            let unrelated = shotOrder.filter { $0 != pair.shot }.compactMap { originals[$0] }
            return (pair.file, original.file, SyncAnalysis.alignAugmented(voice: pair.voice, shot: pair.shot, track: track, original: original,
                                                                          unrelated: unrelated, maxLagSeconds: maxLagSeconds) { envelope in
                try prepared[envelope.file] ?? SignalAlignment.Prepared(envelope.envelope)
            })
        }
        for case let (file, originalFile, result)? in augmented {
            guard result.verdict != .inconclusive, let ms = result.lagMilliseconds, abs(ms) > thresholds.augmentedDriftMilliseconds,
                  let samples = result.lagSamples else { continue }
            add(Rules.augDrift, file, String(format: "%.1f ms (%.0f samples) %@ than the original %@", abs(ms), abs(samples), ms > 0 ? "later" : "earlier", originalFile))
        }
    }
}
