import Linalg

/// A WAV file's audio: samples normalised to [-1, 1], interleaved by channel.
public struct WavAudio: Sendable {
    /// How the samples were stored.
    public enum Encoding: String, Sendable, Codable {
        case pcm = "PCM"
        case float = "IEEE float"
    }

    public let sampleRate: Int
    public let channelCount: Int
    /// Bits per stored sample (8, 16, 24, 32 for PCM; 32 or 64 for float).
    public let bitsPerSample: Int
    public let encoding: Encoding
    /// `"RIFF"`, `"RF64"`, with `", extensible"` for WAVE_FORMAT_EXTENSIBLE.
    public let container: String
    /// `[frames, channels]` row-major, each in [-1, 1] (PCM scaled by 2^(bits-1); 8-bit is unsigned).
    public let samples: [Float]
    /// Names of every chunk in file order (`fmt `, `LIST`, `data`, …).
    public let chunks: [String]

    public init(sampleRate: Int, channelCount: Int, bitsPerSample: Int, encoding: Encoding,
                container: String = "RIFF", samples: [Float], chunks: [String] = []) {
        self.sampleRate = sampleRate
        self.channelCount = channelCount
        self.bitsPerSample = bitsPerSample
        self.encoding = encoding
        self.container = container
        self.samples = samples
        self.chunks = chunks
    }

    /// Sample frames (one sample per channel each).
    public var frameCount: Int { channelCount > 0 ? samples.count / channelCount : 0 }

    /// Duration in seconds.
    public var duration: Double { sampleRate > 0 ? Double(frameCount) / Double(sampleRate) : 0 }

    /// The channels averaged to one, as the training framework does with multi-channel audio.
    public func mono() -> [Float] {
        guard channelCount > 1 else { return samples }
        let scale = 1 / Float(channelCount)
        return (0..<frameCount).map { frame in
            var sum: Float = 0
            for c in 0..<channelCount { sum += samples[frame * channelCount + c] }
            return sum * scale
        }
    }
}
