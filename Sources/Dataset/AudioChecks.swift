import Foundation
import Formats
import Linalg

extension ValidationContext {
    private enum AudioOutcome: Sendable {
        case read(AudioSummary)
        case failed(String)
    }

    func checkAudio() {
        // A missing WAV whose near miss exists (another case, another audio format) is one finding, not two.
        var explained = Set<String>()
        if layout.hasAudioFolder {
            for shot in shots where layout.audio[shot] == nil {
                let caseMiss = layout.audio.first { $0.key.lowercased() == shot.lowercased() }?.value
                let formatMiss = layout.nonWavAudio.first { URL(fileURLWithPath: $0).deletingPathExtension().lastPathComponent.lowercased() == shot.lowercased() }
                let target = shellQuoted(layout.path("audio/\(shot).wav"))
                if let near = caseMiss {
                    explained.insert(near)
                    add(Rules.audioMissing, "audio/\(shot).wav", "missing for shot '\(shot)'; \(near) differs only in case, and the framework's file lookup is case-sensitive",
                        fix: "mv \(shellQuoted(layout.path(near))) \(target)")
                } else if let near = formatMiss {
                    explained.insert(near)
                    add(Rules.audioMissing, "audio/\(shot).wav", "missing for shot '\(shot)'; \(near) is \(URL(fileURLWithPath: near).pathExtension.uppercased()) audio, and the clip template names <shot>.wav",
                        fix: "sox \(shellQuoted(layout.path(near))) -b 16 \(target)")
                } else {
                    add(Rules.audioMissing, "audio/\(shot).wav", "missing for shot '\(shot)'")
                }
            }
        }
        for file in layout.nonWavAudio where !explained.contains(file) {
            add(Rules.audioFormat, file, "\(URL(fileURLWithPath: file).pathExtension.uppercased()) audio; only WAV is read",
                fix: "sox \(shellQuoted(layout.path(file))) -b 16 \(shellQuoted(layout.path(URL(fileURLWithPath: file).deletingPathExtension().relativePath + ".wav")))")
        }
        guard layout.hasAudioFolder else { return }
        let shotSet = Set(shots)
        for (name, file) in layout.audio.sorted(by: { $0.key < $1.key }) where !shotSet.contains(name) && !explained.contains(file) {
            add(Rules.audioOrphan, file, "no shot named '\(name)' in cache/skin/" + (NameSuggestion.hint(for: name, in: shots).map { " (\($0))" } ?? ""))
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
                if let container = Self.soundContainer(root + "/" + file) {
                    add(Rules.audioNotWav, file, "\(container) data in a .wav file: the framework's libsndfile reads it by content; FacePrep checks only WAV, so its rate, depth, length and sync are unchecked",
                        fix: "sox \(shellQuoted(root + "/" + file)) -b 16 \(shellQuoted(root + "/" + file + ".new.wav")) && mv \(shellQuoted(root + "/" + file + ".new.wav")) \(shellQuoted(root + "/" + file))")
                } else {
                    add(Rules.audioUnreadable, file, message.hasPrefix(root) ? String(message.dropFirst(root.count + 1)) : message)
                }
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
                let text = String(format: "%.3f s, the animation is %.3f s (%d frames at %@ fps): %@%.0f ms, %@%.1f frames",
                                  audio.duration, animation, cache.frameCount, format(framesPerSecond),
                                  difference > 0 ? "+" : "", difference * 1000, difference > 0 ? "+" : "", difference / frame)
                if difference < 0 {
                    add(Rules.audioShort, file, text + String(format: "; the last %d frames train on silence", Int((-difference / frame).rounded(.down))))
                } else {
                    add(Rules.audioLong, file, text)
                }
            }
        }

        // Augmented voices: the framework pairs a track with every shot whose name its file name contains.
        for (voice, tracks) in layout.augmentedVoices.sorted(by: { $0.key < $1.key }) {
            var covered = Set<String>()
            for (name, file) in tracks.sorted(by: { $0.key < $1.key }) {
                let fileName = URL(fileURLWithPath: file).lastPathComponent
                let paired = shots.filter { fileName.contains($0) }
                covered.formUnion(paired)
                if paired.isEmpty {
                    add(Rules.augExtra, file, "its name contains no shot name: the framework pairs it with no shot")
                    continue
                }
                // The shot it was made for: its exact name, else the longest shot name it contains.
                let own = shotSet.contains(name) ? name : (paired.max { $0.count < $1.count } ?? name)
                let wrong = paired.filter { $0 != own }
                if !wrong.isEmpty {
                    add(Rules.augSubstring, file, "also paired with shot\(wrong.count == 1 ? "" : "s") \(wrong.map { "'\($0)'" }.joined(separator: ", ")), whose name\(wrong.count == 1 ? " it contains" : "s it contains"): it trains as audio for \(wrong.count == 1 ? "that animation" : "those animations") too")
                }
                if own != name {
                    add(Rules.augSuffix, file, "named '\(name)'; the framework pairs it with shot '\(own)', whose name it contains")
                }
                // Judged against the animation when there is one (the original may be the wrong one).
                guard let track = summaries[file] else { continue }
                let reference: (seconds: Double, what: String)?
                if let cache = skinCaches[own] {
                    reference = (Double(cache.frameCount) / framesPerSecond, "the animation")
                } else if let original = layout.audio[own].flatMap({ summaries[$0] }) {
                    reference = (original.duration, "the original track")
                } else {
                    reference = nil
                }
                if let reference, abs(track.duration - reference.seconds) > frame + 1e-9 {
                    let text = String(format: "%.3f s, %@ is %.3f s (%+.0f ms)", track.duration, reference.what, reference.seconds,
                                      (track.duration - reference.seconds) * 1000)
                    add(track.duration < reference.seconds ? Rules.augShort : Rules.augLong, file, text)
                }
            }
            for shot in shots where !covered.contains(shot) {
                add(Rules.augMissing, "audio/aug/\(voice)/\(shot).wav", "voice '\(voice)' lacks shot '\(shot)'")
            }
        }
        summary.sampleRates = Array(Set(summaries.values.map(\.sampleRate))).sorted()
        summary.augmentedVoices = layout.augmentedVoices.keys.sorted()
    }

    /// The container a file holds by its first bytes, when it is a sound format libsndfile reads
    /// but not WAV.
    static func soundContainer(_ path: String) -> String? {
        // Mapped like every read, so a FIFO in the file's place is refused rather than waited on.
        guard let buffer = try? ByteBuffer.map(path: path), let head = buffer.bytes(at: 0, count: min(buffer.count, 12)),
              head.count >= 4 else { return nil }
        if head.starts(with: Array("fLaC".utf8)) { return "FLAC" }
        if head.starts(with: Array("OggS".utf8)) { return "Ogg" }
        if head.count >= 12, head.starts(with: Array("FORM".utf8)), ["AIFF", "AIFC"].contains(String(decoding: head[8..<12], as: UTF8.self)) { return "AIFF" }
        return nil
    }

    private func checkFormat(_ audio: AudioSummary) {
        if let first = audio.firstNonFinite {
            add(Rules.audioNonFinite, audio.file, "\(audio.nonFiniteSamples) samples are NaN or infinite, the first at sample \(first / max(audio.channelCount, 1)) (\(String(format: "%.3f", Double(first / max(audio.channelCount, 1)) / Double(max(audio.sampleRate, 1)))) s)")
        }
        if Double(audio.sampleRate) < thresholds.audioMinSampleRate {
            add(Rules.audioRate, audio.file, "\(audio.sampleRate) Hz, the guide asks for ≥ \(format(thresholds.audioMinSampleRate)) Hz")
        }
        if audio.encoding == .pcm, Double(audio.bitsPerSample) < thresholds.audioMinBits {
            add(Rules.audioDepth, audio.file, "\(audio.bitsPerSample)-bit PCM, the guide asks for ≥ \(format(thresholds.audioMinBits)) bits")
        }
        if audio.channelCount > 1 {
            add(Rules.audioChannels, audio.file, "\(audio.channelCount) channels; the framework averages them to mono")
        }
        if audio.levels.rmsDecibels < thresholds.audioSilentDBFS {
            add(Rules.audioSilent, audio.file, String(format: "RMS %.1f dBFS, under %@ dBFS", audio.levels.rmsDecibels, format(thresholds.audioSilentDBFS)))
        } else if audio.levels.clippedFraction * 100 > thresholds.audioClippedPercent {
            add(Rules.audioClipped, audio.file, String(format: "%.2f%% of samples at full scale", audio.levels.clippedFraction * 100))
        }
    }
}
