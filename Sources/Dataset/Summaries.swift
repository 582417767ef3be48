import Analysis
import Formats
import Linalg

/// What validation keeps of a cache after reading it once: counts, rates and the comparison with the
/// neutral — never the positions, so a 54-shot dataset needs memory for one cache per core only.
public struct CacheSummary: Sendable, Codable {
    public let file: String
    public let frameCount: Int
    public let vertexCount: Int
    public let framesPerSecond: Double?
    public let format: CacheFormat
    public let storedType: String
    public let variant: String
    public let channels: [String]
    /// Mean frame against the neutral pose, when a neutral of the same vertex count exists.
    public let comparison: PoseComparison?

    init(file: String, cache: VertexCache, neutral: [Float]?) throws {
        self.file = file
        frameCount = cache.frameCount
        vertexCount = cache.vertexCount
        framesPerSecond = cache.framesPerSecond
        format = cache.source.format
        storedType = cache.source.storedType
        variant = cache.source.variant
        channels = cache.source.channels
        if let neutral, neutral.count == cache.vertexCount * 3, cache.frameCount > 0 {
            let mean = try CacheSummary.meanFrame(cache)
            comparison = PoseComparison(frame: mean[...], neutral: neutral[...])
        } else {
            comparison = nil
        }
    }

    /// The average of all frames, `[V, 3]`, as one BLAS matrix-vector product over `[F, 3V]`.
    static func meanFrame(_ cache: VertexCache) throws -> [Float] {
        let matrix = try Matrix(rows: cache.frameCount, columns: cache.vertexCount * 3, elements: cache.positions)
        let weights = [Float](repeating: 1 / Float(cache.frameCount), count: cache.frameCount)
        return try matrix.multiplied(by: weights, transpose: .transposed)
    }

    /// Why the training framework cannot read this Maya cache variant, if it cannot.
    var unreadableMayaVariant: String? {
        guard format == .mayaCache else { return nil }
        var reasons: [String] = []
        if variant.hasPrefix("FOR8") { reasons.append("FOR8 (.mcx)") }
        if variant.contains("OneFilePerFrame") { reasons.append("OneFilePerFrame") }
        if channels.count > 1 { reasons.append("\(channels.count) channels") }
        return reasons.isEmpty ? nil : reasons.joined(separator: ", ")
    }
}

/// What validation keeps of a WAV file.
public struct AudioSummary: Sendable, Codable {
    public let file: String
    public let sampleRate: Int
    public let bitsPerSample: Int
    public let encoding: WavAudio.Encoding
    public let channelCount: Int
    public let duration: Double
    public let levels: AudioLevels

    init(file: String, audio: WavAudio) {
        self.file = file
        sampleRate = audio.sampleRate
        bitsPerSample = audio.bitsPerSample
        encoding = audio.encoding
        channelCount = audio.channelCount
        duration = audio.duration
        levels = AudioLevels(samples: audio.mono())
    }
}
