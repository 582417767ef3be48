/// The result of `faceprep validate`: every finding and a summary of the dataset.
public struct ValidationReport: Sendable, Codable {
    public struct EmotionSummary: Sendable, Codable, Equatable {
        public let emotion: String
        public let shots: Int
        public let seconds: Double
    }

    public struct Summary: Sendable, Codable {
        public var shots = 0
        public var totalSeconds = 0.0
        public var framesPerSecond: Double?
        /// Where the frame rate came from: `cache headers`, `--fps` or `default`.
        public var frameRateSource = ""
        public var totalFrames = 0
        public var skinVertices: Int?
        public var tongueVertices: Int?
        public var tongueShots = 0
        public var augmentedVoices: [String] = []
        public var sampleRates: [Int] = []
        public var emotions: [EmotionSummary] = []
        public var untaggedShots = 0
        /// The vertices the static-head check measured the head on.
        public var headRigidSet: String?
    }

    public let root: String
    public let findings: [Finding]
    public let summary: Summary

    public func count(_ severity: Severity) -> Int { findings.filter { $0.severity == severity }.count }

    /// Exit status: 1 with errors (or, when `strict`, warnings), else 0.
    public func exitCode(strict: Bool) -> Int32 {
        count(.error) > 0 || (strict && count(.warning) > 0) ? 1 : 0
    }
}

/// Settings of a validation run.
public struct ValidationOptions: Sendable {
    /// Frame rate for shots whose files do not state one (.npy, .pc2); 30 when nil.
    public var framesPerSecond: Double?
    /// Emotion names looked for in shot names; the guide's eleven by default.
    public var emotions: [String]
    /// Receives progress lines (stderr in the CLI).
    public var progress: @Sendable (String) -> Void
    /// The model to be trained: rules of the other model are not checked.
    public var model: Rule.Model = .both
    /// Rule selection, severities, per-path ignores and thresholds (faceprep.toml and the command line).
    public var settings = ValidationSettings()
    /// Caches already read (by a shard of the run): taken as they are, not read again.
    public var knownCaches: [String: ShotCacheReadings] = [:]

    public init(framesPerSecond: Double? = nil, emotions: [String] = ValidationOptions.guideEmotions,
                progress: @escaping @Sendable (String) -> Void = { _ in }) {
        self.framesPerSecond = framesPerSecond
        self.emotions = emotions
        self.progress = progress
    }

    /// The Claire dataset's emotional states, from the guide.
    public static let guideEmotions = ["neutral", "amazement", "anger", "cheekiness", "disgust", "fear", "grief",
                                       "joy", "outofbreath", "pain", "sadness"]
}
