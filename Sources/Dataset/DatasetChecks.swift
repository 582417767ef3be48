extension ValidationContext {
    func checkDataset() {
        summary.shots = shots.count
        summary.totalFrames = skinCaches.values.reduce(0) { $0 + $1.frameCount }
        summary.totalSeconds = Double(summary.totalFrames) / framesPerSecond
        if Double(shots.count) < thresholds.datasetMinShots {
            add(Rules.datasetShots, "cache/skin/", "\(shots.count) shot\(shots.count == 1 ? "" : "s"), the guide recommends at least \(format(thresholds.datasetMinShots))")
        }
        var byEmotion: [String: [String]] = [:]
        var untagged: [String] = []
        for shot in shots {
            let key = Self.normalised(shot)
            if let emotion = options.emotions.first(where: { key.contains(Self.normalised($0)) }) {
                byEmotion[emotion, default: []].append(shot)
            } else {
                untagged.append(shot)
            }
        }
        summary.emotions = options.emotions.compactMap { emotion in
            guard let tagged = byEmotion[emotion] else { return nil }
            let frames = tagged.compactMap { skinCaches[$0]?.frameCount }.reduce(0, +)
            return ValidationReport.EmotionSummary(emotion: emotion, shots: tagged.count, seconds: Double(frames) / framesPerSecond)
        }
        summary.untaggedShots = untagged.count
        for entry in summary.emotions where Double(entry.shots) < thresholds.emotionMinShots {
            add(Rules.datasetEmotion, "cache/skin/", "emotion '\(entry.emotion)' has \(entry.shots) shot\(entry.shots == 1 ? "" : "s"), needs at least \(format(thresholds.emotionMinShots))")
        }
        if !untagged.isEmpty {
            let list = untagged.prefix(5).joined(separator: ", ") + (untagged.count > 5 ? ", …" : "")
            add(Rules.datasetNoEmotion, "cache/skin/", "\(untagged.count) shot\(untagged.count == 1 ? "" : "s") name no emotion (\(list))")
        }
    }

    /// Lower-case letters only: `Out of Breath`, `out_of_breath` and `outOfBreath` all match.
    static func normalised(_ text: String) -> String {
        String(text.lowercased().filter { $0.isLetter })
    }
}
