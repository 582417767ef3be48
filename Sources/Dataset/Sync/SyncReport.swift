import Analysis

/// What `faceprep sync` (and validate's sync rules) conclude about one shot, one augmented track,
/// and the dataset.
public enum SyncVerdict: String, Sendable, Codable {
    case inSync = "in sync"
    case offset
    case inconclusive
}

/// One shot's audio against its animation.
public struct ShotSync: Sendable, Codable {
    public let shot: String
    public let frames: Int
    /// Which animation signal was used: e.g. "lip distance rate".
    public let signal: String?
    /// Frames; positive = the animation is late (its mouth moves after the sound).
    public let lagFrames: Double?
    public let lagMilliseconds: Double?
    public let peak: Double?
    public let confidence: Double?
    public let verdict: SyncVerdict
    /// Why the verdict is inconclusive.
    public let doubt: String?

    /// The integer frame offset, when confident.
    public var confidentLag: Int? { verdict == .inconclusive ? nil : lagFrames.flatMap { Int(exactly: $0.rounded()) } }
}

/// One augmented voice's track against the shot's original audio.
public struct AugmentedSync: Sendable, Codable {
    public let voice: String
    public let shot: String
    public let file: String
    /// Positive = the augmented track is late.
    public let lagSamples: Double?
    public let lagMilliseconds: Double?
    public let confidence: Double?
    /// Augmented duration − original duration, in samples of the augmented track.
    public let lengthDifferenceSamples: Int
    public let lengthDifferenceMilliseconds: Double
    public let verdict: SyncVerdict
    public let doubt: String?
}

/// Encodes without its timings (they go to the CLI envelope's `timings`).
public struct SyncReport: Sendable, Encodable {
    public let root: String
    public let framesPerSecond: Double
    public let maxLagFrames: Int
    public let shots: [ShotSync]
    /// Median lag of the confident shots, frames: a common offset points at an export setting.
    public let medianLagFrames: Double?
    /// Confident shots whose lag is 2 or more frames from the median.
    public let outliers: [String]
    public let augmented: [AugmentedSync]
    /// Caches and WAVs that could not be read (their shots are inconclusive).
    public let failures: [ShotFailure]
    /// Wall time reading caches and audio, and aligning (envelopes, correlations, augmented tracks
    /// with their second read), seconds.
    public let readSeconds: Double
    public let alignSeconds: Double
    /// Each shot's speech activity and mouth opening per frame, as aligned (for `faceprep report`; not encoded).
    public var signals: [ShotSignals] = []

    private enum CodingKeys: String, CodingKey {
        case root, framesPerSecond, maxLagFrames, shots, medianLagFrames, outliers, augmented, failures
    }

    public init(root: String, framesPerSecond: Double, maxLagFrames: Int, shots: [ShotSync], medianLagFrames: Double?, outliers: [String],
                augmented: [AugmentedSync], failures: [ShotFailure], readSeconds: Double, alignSeconds: Double) {
        self.root = root
        self.framesPerSecond = framesPerSecond
        self.maxLagFrames = maxLagFrames
        self.shots = shots
        self.medianLagFrames = medianLagFrames
        self.outliers = outliers
        self.augmented = augmented
        self.failures = failures
        self.readSeconds = readSeconds
        self.alignSeconds = alignSeconds
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(root, forKey: .root)
        try c.encode(framesPerSecond, forKey: .framesPerSecond)
        try c.encode(maxLagFrames, forKey: .maxLagFrames)
        try c.encode(shots, forKey: .shots)
        try c.encodeIfPresent(medianLagFrames, forKey: .medianLagFrames)
        try c.encode(outliers, forKey: .outliers)
        try c.encode(augmented, forKey: .augmented)
        try c.encode(failures, forKey: .failures)
    }

    /// Shots with a confident offset of two frames or more, or augmented tracks that drift: what
    /// makes `faceprep sync` exit 1.
    public var hasFindings: Bool {
        shots.contains { $0.verdict == .offset } || augmented.contains { $0.verdict == .offset }
    }
}
