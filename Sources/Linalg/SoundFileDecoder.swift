import CSndfile

/// Audio in any container libsndfile reads (FLAC, Ogg Vorbis/Opus, MP3, AIFF, CAF, W64, and WAV),
/// decoded to Float: the library the training framework reads audio with (through `soundfile`), so
/// what it hears is what FacePrep converts.
public enum SoundFileDecoder {
    public struct Decoded: Sendable {
        /// Interleaved `[frames, channels]`, in [−1, 1].
        public let samples: [Float]
        public let channels: Int
        public let sampleRate: Int
        /// Bits per sample of integer PCM data (8, 16, 24, 32); nil for float and compressed data.
        public let bitsPerSample: Int?
        /// libsndfile's name of the container and encoding, e.g. "FLAC (Free Lossless Audio Codec), Signed 16 bit PCM".
        public let format: String
    }

    /// At most this many sample frames are decoded (about 12 hours at 48 kHz): a header cannot make
    /// FacePrep allocate without bound.
    public static let maximumFrames = 2_000_000_000

    public static func decode(_ path: String) throws -> Decoded {
        var info = SF_INFO()
        guard let file = sf_open(path, Int32(SFM_READ), &info) else {
            throw LinalgError.library(routine: "sf_open", detail: "\(path): \(String(cString: sf_strerror(nil)))")
        }
        defer { sf_close(file) }
        let channels = Int(info.channels), declared = Int(info.frames)
        guard channels > 0, channels <= 64, info.samplerate > 0, declared >= 0, declared <= maximumFrames / channels else {
            throw LinalgError.library(routine: "sf_open", detail: "\(path): \(channels) channels, \(info.samplerate) Hz, \(declared) frames")
        }
        // Read in chunks: compressed formats may hold fewer frames than their header says.
        var samples: [Float] = []
        samples.reserveCapacity(min(declared, 1 << 24) * channels)
        var chunk = [Float](repeating: 0, count: 65_536 * channels)
        while true {
            let read = chunk.withUnsafeMutableBufferPointer { sf_readf_float(file, $0.baseAddress, 65_536) }
            if read <= 0 { break }
            samples.append(contentsOf: chunk.prefix(Int(read) * channels))
            if samples.count / channels > maximumFrames / channels { break }
        }
        let subtype = info.format & Int32(SF_FORMAT_SUBMASK)
        let bits: Int?
        switch subtype {
        case Int32(SF_FORMAT_PCM_S8), Int32(SF_FORMAT_PCM_U8): bits = 8
        case Int32(SF_FORMAT_PCM_16): bits = 16
        case Int32(SF_FORMAT_PCM_24): bits = 24
        case Int32(SF_FORMAT_PCM_32): bits = 32
        default: bits = nil
        }
        var major = SF_FORMAT_INFO(), minor = SF_FORMAT_INFO()
        major.format = info.format & Int32(SF_FORMAT_TYPEMASK)
        minor.format = subtype
        _ = sf_command(file, Int32(SFC_GET_FORMAT_INFO), &major, Int32(MemoryLayout<SF_FORMAT_INFO>.size))
        _ = sf_command(file, Int32(SFC_GET_FORMAT_INFO), &minor, Int32(MemoryLayout<SF_FORMAT_INFO>.size))
        let names = [major.name, minor.name].compactMap { $0.map { String(cString: $0) } }
        return Decoded(samples: samples, channels: channels, sampleRate: Int(info.samplerate), bitsPerSample: bits, format: names.joined(separator: ", "))
    }
}
