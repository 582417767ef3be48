import Analysis
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

        for (voice, tracks) in layout.augmentedVoices.sorted(by: { $0.key < $1.key }) {
            for (shot, file) in tracks.sorted(by: { $0.key < $1.key }) {
                guard let track = audioSummaries[file]?.envelope, let original = layout.audio[shot].flatMap({ audioSummaries[$0]?.envelope }) else { continue }
                let unrelated = shots.filter { $0 != shot }.compactMap { layout.audio[$0].flatMap { audioSummaries[$0] }?.envelope }
                let result = SyncAnalysis.alignAugmented(voice: voice, shot: shot, track: track, original: original,
                                                         unrelated: unrelated, maxLagSeconds: Double(SyncAnalysis.defaultMaxLag) / framesPerSecond)
                guard result.verdict != .inconclusive, let ms = result.lagMilliseconds, abs(ms) > thresholds.augmentedDriftMilliseconds,
                      let samples = result.lagSamples else { continue }
                add(Rules.augDrift, file, String(format: "%.1f ms (%.0f samples) %@ than the original %@", abs(ms), abs(samples), ms > 0 ? "later" : "earlier", original.file))
            }
        }
    }
}
