import Foundation
import Formats

extension ValidationContext {
    private enum AudioOutcome: Sendable {
        case read(AudioSummary)
        case failed(String)
    }

    func checkAudio() {
        for file in layout.nonWavAudio {
            add(Rules.audioFormat, file, "\(URL(fileURLWithPath: file).pathExtension.uppercased()) audio; only WAV is read",
                fix: "sox \(file) -b 16 \(URL(fileURLWithPath: file).deletingPathExtension().relativePath).wav")
        }
        guard layout.hasAudioFolder else { return }
        let shotSet = Set(shots)
        for shot in shots where layout.audio[shot] == nil {
            add(Rules.audioMissing, "audio/\(shot).wav", "missing for shot '\(shot)'")
        }
        for (name, file) in layout.audio.sorted(by: { $0.key < $1.key }) where !shotSet.contains(name) {
            add(Rules.audioOrphan, file, "no shot named '\(name)' in cache/skin/")
        }

        // Read every WAV once, in parallel.
        var files = layout.audio.values.sorted()
        for tracks in layout.augmentedVoices.values { files += tracks.values.sorted() }
        let root = layout.root
        let progress = options.progress
        let done = Counter()
        let total = files.count
        // Originals get their speech activity at the animation's frames, for the sync rules.
        var animationFrames: [String: Int] = [:]
        for (shot, file) in layout.audio { if let cache = skinCaches[shot] { animationFrames[file] = cache.frameCount } }
        let fps = framesPerSecond, fineEnvelopes = !layout.augmentedVoices.isEmpty
        let outcomes = parallelMap(files) { [animationFrames] file -> AudioOutcome in
            defer { progress("read \(done.increment())/\(total) audio files") }
            do {
                return .read(AudioSummary(file: file, audio: try WavAudio.read(root + "/" + file), frames: animationFrames[file], framesPerSecond: fps,
                                             fineEnvelope: fineEnvelopes))
            } catch {
                return .failed("\(error)")
            }
        }
        var summaries: [String: AudioSummary] = [:]
        for (file, outcome) in zip(files, outcomes) {
            switch outcome {
            case let .read(s): summaries[file] = s
            case let .failed(message):
                add(Rules.audioUnreadable, file, message.hasPrefix(root) ? String(message.dropFirst(root.count + 1)) : message)
            }
        }
        for summary in summaries.values.sorted(by: { $0.file < $1.file }) { checkFormat(summary) }
        audioSummaries = summaries

        // Durations against the animation.
        let frame = 1 / framesPerSecond
        for shot in shots {
            guard let file = layout.audio[shot], let audio = summaries[file], let cache = skinCaches[shot] else { continue }
            let animation = Double(cache.frameCount) / framesPerSecond
            let difference = audio.duration - animation
            if abs(difference) > frame + 1e-9 {
                add(Rules.audioDuration, file, String(format: "%.3f s, the animation is %.3f s (%d frames at %@ fps): %@%.0f ms, %@%.1f frames",
                                                      audio.duration, animation, cache.frameCount, format(framesPerSecond),
                                                      difference > 0 ? "+" : "", difference * 1000, difference > 0 ? "+" : "", difference / frame))
            }
        }

        // Augmented voices.
        for (voice, tracks) in layout.augmentedVoices.sorted(by: { $0.key < $1.key }) {
            for shot in shots where tracks[shot] == nil {
                add(Rules.augMissing, "audio/aug/\(voice)/\(shot).wav", "voice '\(voice)' lacks shot '\(shot)'")
            }
            for (name, file) in tracks.sorted(by: { $0.key < $1.key }) {
                guard shotSet.contains(name) else {
                    add(Rules.augExtra, file, "no shot named '\(name)'")
                    continue
                }
                // Judged against the animation when there is one (the original may be the wrong one).
                guard let track = summaries[file] else { continue }
                let reference: (seconds: Double, what: String)?
                if let cache = skinCaches[name] {
                    reference = (Double(cache.frameCount) / framesPerSecond, "the animation")
                } else if let original = layout.audio[name].flatMap({ summaries[$0] }) {
                    reference = (original.duration, "the original track")
                } else {
                    reference = nil
                }
                if let reference, abs(track.duration - reference.seconds) > frame + 1e-9 {
                    add(Rules.augDuration, file, String(format: "%.3f s, %@ is %.3f s (%+.0f ms)", track.duration, reference.what, reference.seconds,
                                                        (track.duration - reference.seconds) * 1000))
                }
            }
        }
        if !layout.augmentedVoices.isEmpty {
            for shot in shots {
                let grabbers = shots.filter { $0 != shot && shot.contains($0) }
                for other in grabbers {
                    add(Rules.augSubstring, "audio/aug/", "shot '\(other)' is contained in '\(shot)': the framework also pairs '\(shot)' tracks with '\(other)'")
                }
            }
        }
        summary.sampleRates = Array(Set(summaries.values.map(\.sampleRate))).sorted()
        summary.augmentedVoices = layout.augmentedVoices.keys.sorted()
    }

    private func checkFormat(_ audio: AudioSummary) {
        if audio.sampleRate < 16000 {
            add(Rules.audioRate, audio.file, "\(audio.sampleRate) Hz, needs ≥ 16000 Hz")
        }
        if audio.encoding == .pcm, audio.bitsPerSample < 16 {
            add(Rules.audioDepth, audio.file, "\(audio.bitsPerSample)-bit PCM, needs ≥ 16 bits")
        }
        if audio.channelCount > 1 {
            add(Rules.audioChannels, audio.file, "\(audio.channelCount) channels; the framework averages them to mono")
        }
        if audio.levels.isSilent {
            add(Rules.audioSilent, audio.file, String(format: "RMS %.1f dBFS", audio.levels.rmsDecibels))
        } else if audio.levels.isClipped {
            add(Rules.audioClipped, audio.file, String(format: "%.2f%% of samples at full scale", audio.levels.clippedFraction * 100))
        }
    }
}
