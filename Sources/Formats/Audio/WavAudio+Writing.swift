import Linalg

extension WavAudio {
    /// Sample formats FacePrep writes.
    public enum OutputFormat: Sendable {
        case pcm16, float32
    }

    /// The bytes of a canonical RIFF WAV file holding `samples` (interleaved, in [-1, 1]).
    public static func encode(samples: [Float], sampleRate: Int, channelCount: Int, as format: OutputFormat) -> [UInt8] {
        let bits = format == .pcm16 ? 16 : 32
        let bytesPerFrame = channelCount * bits / 8
        let dataSize = samples.count * bits / 8
        var out = ByteWriter(reservingCapacity: dataSize + 64)
        let factSize = format == .float32 ? 12 : 0
        out.append(ascii: "RIFF")
        out.append(UInt32(4 + 24 + factSize + 8 + dataSize + (dataSize & 1)), .littleEndian)
        out.append(ascii: "WAVE")
        out.append(ascii: "fmt ")
        out.append(UInt32(16), .littleEndian)
        out.append(UInt16(format == .pcm16 ? 1 : 3), .littleEndian)
        out.append(UInt16(channelCount), .littleEndian)
        out.append(UInt32(sampleRate), .littleEndian)
        out.append(UInt32(sampleRate * bytesPerFrame), .littleEndian)
        out.append(UInt16(bytesPerFrame), .littleEndian)
        out.append(UInt16(bits), .littleEndian)
        if format == .float32 {
            // Non-PCM WAV files carry a fact chunk with the frame count.
            out.append(ascii: "fact")
            out.append(UInt32(4), .littleEndian)
            out.append(UInt32(samples.count / max(channelCount, 1)), .littleEndian)
        }
        out.append(ascii: "data")
        out.append(UInt32(dataSize), .littleEndian)
        if format == .pcm16 {
            // The reader's scale (1/32768, as sox uses), clipped to the 16-bit range.
            for s in samples {
                let scaled = (s.isNaN ? 0 : s * 32768).rounded()
                out.append(Int16(max(-32768, min(32767, scaled))), .littleEndian)
            }
        } else {
            out.append(floats: samples, width: 4, .littleEndian)
        }
        if dataSize & 1 == 1 { out.appendZeros(1) }
        return out.bytes
    }

    /// Writes this audio to `path` atomically.
    public func write(to path: String, as format: OutputFormat) throws {
        try AtomicFile.write(Self.encode(samples: samples, sampleRate: sampleRate, channelCount: channelCount, as: format), to: path)
    }
}
