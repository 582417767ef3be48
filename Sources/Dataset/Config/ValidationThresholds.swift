/// Every number validate judges by, with its unit, so a project can set it (`[thresholds]` in
/// faceprep.toml) and `--show-config` and `--explain` can print the values in force.
public struct ValidationThresholds: Sendable, Equatable {
    public var headRotationDegrees = 0.25
    public var headTranslationPercent = 0.1
    public var syncOffsetFrames = 2.0
    public var augmentedDriftMilliseconds = 5.0
    public var cacheScaleRatio = 1.2
    public var cacheOffsetFraction = 0.1
    public var cacheReorderFraction = 0.1
    public var shotMinSeconds = 3.0
    public var shotMaxSeconds = 30.0
    public var diffusionMinSeconds = 0.2
    public var datasetMinShots = 50.0
    public var emotionMinShots = 3.0
    public var minFramesPerSecond = 29.5
    public var audioMinSampleRate = 16000.0
    public var audioMinBits = 16.0
    public var audioSilentDBFS = -60.0
    public var audioClippedPercent = 0.1
    public var eyeOpenThreshold = 0.35
    public var templateSizeTolerancePercent = 1.0

    public init() {}

    /// One threshold: its key in faceprep.toml, unit, meaning and the rules that use it.
    public struct Descriptor: Sendable {
        public let key: String
        public let unit: String
        public let meaning: String
        public let rules: [String]
        public let path: WritableKeyPath<ValidationThresholds, Double> & Sendable
    }

    /// Every threshold, in the order `--show-config` prints them.
    public static let descriptors: [Descriptor] = [
        Descriptor(key: "head-rotation-degrees", unit: "degrees", meaning: "largest rigid head rotation a static head may show in any frame", rules: ["HEAD-MOTION"], path: \.headRotationDegrees),
        Descriptor(key: "head-translation-percent", unit: "% of the head height", meaning: "largest displacement of the head's centre", rules: ["HEAD-MOTION"], path: \.headTranslationPercent),
        Descriptor(key: "sync-offset-frames", unit: "frames", meaning: "a confident audio/animation lag of this many frames or more is reported", rules: ["SYNC-OFFSET"], path: \.syncOffsetFrames),
        Descriptor(key: "augmented-drift-ms", unit: "milliseconds", meaning: "an augmented track shifted by more than this is reported", rules: ["AUG-DRIFT"], path: \.augmentedDriftMilliseconds),
        Descriptor(key: "cache-scale-ratio", unit: "ratio", meaning: "a shot whose bounding box is this many times larger or smaller than the neutral's is rescaled", rules: ["CACHE-SCALE"], path: \.cacheScaleRatio),
        Descriptor(key: "cache-offset-fraction", unit: "fraction of the head size", meaning: "a shot whose mean centre is this far from the neutral's is offset", rules: ["CACHE-OFFSET"], path: \.cacheOffsetFraction),
        Descriptor(key: "cache-reorder-fraction", unit: "fraction of the head size", meaning: "half the vertices this far from their neutral positions means another vertex order", rules: ["CACHE-ORDER"], path: \.cacheReorderFraction),
        Descriptor(key: "shot-min-seconds", unit: "seconds", meaning: "the guide's shortest recommended shot", rules: ["CACHE-DURATION"], path: \.shotMinSeconds),
        Descriptor(key: "shot-max-seconds", unit: "seconds", meaning: "the guide's longest recommended shot", rules: ["CACHE-DURATION"], path: \.shotMaxSeconds),
        Descriptor(key: "diffusion-min-seconds", unit: "seconds", meaning: "shots this short or shorter crash the diffusion model's audio encoder", rules: ["CACHE-TOO-SHORT-DIFFUSION"], path: \.diffusionMinSeconds),
        Descriptor(key: "dataset-min-shots", unit: "shots", meaning: "the guide's smallest recommended dataset", rules: ["DATASET-SHOTS"], path: \.datasetMinShots),
        Descriptor(key: "emotion-min-shots", unit: "shots", meaning: "fewest shots per emotion", rules: ["DATASET-EMOTION"], path: \.emotionMinShots),
        Descriptor(key: "min-fps", unit: "frames per second", meaning: "the guide's lowest recommended frame rate", rules: ["CACHE-FPS-LOW"], path: \.minFramesPerSecond),
        Descriptor(key: "audio-min-sample-rate", unit: "Hz", meaning: "the guide's lowest sampling rate", rules: ["AUDIO-RATE"], path: \.audioMinSampleRate),
        Descriptor(key: "audio-min-bits", unit: "bits", meaning: "the guide's lowest PCM bit depth", rules: ["AUDIO-DEPTH"], path: \.audioMinBits),
        Descriptor(key: "audio-silent-dbfs", unit: "dBFS", meaning: "a track whose RMS is below this holds no speech", rules: ["AUDIO-SILENT"], path: \.audioSilentDBFS),
        Descriptor(key: "audio-clipped-percent", unit: "% of samples", meaning: "more samples than this at full scale is clipping", rules: ["AUDIO-CLIPPED"], path: \.audioClippedPercent),
        Descriptor(key: "eye-open-threshold", unit: "mesh units", meaning: "the framework's EYE_DIST_THRESHOLD: a mean lid gap at or below it counts as eyes closed", rules: ["EYE-GAP"], path: \.eyeOpenThreshold),
        Descriptor(key: "template-size-tolerance-percent", unit: "%", meaning: "templateBBSize within this of the diagonal (or the height) counts as matching", rules: ["BS-BBSIZE", "BS-BBSIZE-HEIGHT"], path: \.templateSizeTolerancePercent),
    ]

    /// The thresholds a rule uses, as `key = value unit` lines.
    public func inForce(for rule: String) -> [String] {
        Self.descriptors.filter { $0.rules.contains(rule) }.map { "\($0.key) = \(Self.format(self[keyPath: $0.path])) (\($0.unit))" }
    }

    static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}
