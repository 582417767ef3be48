import Linalg

extension WavAudio {
    /// Reads the WAV file at `path`: RIFF or RF64, PCM 8/16/24/32-bit or IEEE float 32/64, plain or
    /// WAVE_FORMAT_EXTENSIBLE, any chunks (LIST/INFO, fact, …) before or after `data`, odd chunk sizes
    /// padded as the RIFF rules require.
    public static func read(_ path: String) throws -> WavAudio {
        let buffer: ByteBuffer
        buffer = try ByteBuffer.mapFile(path)
        return try parse(buffer, path: path)
    }

    public static func parse(_ buffer: ByteBuffer, path: String) throws -> WavAudio {
        func fail(_ offset: Int, _ problem: String) -> FormatError { FormatError(file: path, .byteOffset(offset), problem) }
        guard let riff = buffer.ascii(at: 0, count: 4), let wave = buffer.ascii(at: 8, count: 4) else {
            throw fail(0, "file is \(buffer.count) bytes, too short for a WAV header")
        }
        guard (riff == "RIFF" || riff == "RF64"), wave == "WAVE" else {
            let kind = riff == "FORM" ? " (looks like AIFF)" : (riff.hasPrefix("ID3") || riff.hasPrefix("\u{FF}") ? " (looks like MP3)" : (riff == "fLaC" ? " (FLAC)" : ""))
            throw fail(0, "not a WAV file\(kind): expected RIFF…WAVE, found '\(riff)'")
        }
        let isRF64 = riff == "RF64"
        var rf64DataSize: Int?
        var format: (tag: UInt16, channels: Int, rate: Int, blockAlign: Int, bits: Int, extensible: Bool)?
        var dataRange: Range<Int>?
        var chunks: [String] = []
        var offset = 12
        while offset + 8 <= buffer.count {
            guard let id = buffer.ascii(at: offset, count: 4), let size32 = buffer.uint32(at: offset + 4, .littleEndian) else { break }
            chunks.append(id)
            var size = Int(size32)
            if isRF64 && id == "data" && size32 == 0xFFFF_FFFF {
                guard let real = rf64DataSize else { throw fail(offset + 4, "RF64 data chunk size is 0xFFFFFFFF but no ds64 chunk came before it") }
                size = real
            }
            let body = offset + 8
            guard size <= buffer.count - body else {
                throw fail(offset, "chunk '\(id)' claims \(size.formatted) bytes but only \((buffer.count - body).formatted) remain")
            }
            switch id {
            case "ds64":
                guard size >= 28, let dataSize = buffer.uint64(at: body + 8, .littleEndian) else { throw fail(body, "ds64 chunk is too short") }
                rf64DataSize = Int(exactly: dataSize)
            case "fmt ":
                guard size >= 16, let tag = buffer.uint16(at: body, .littleEndian), let channels = buffer.uint16(at: body + 2, .littleEndian),
                      let rate = buffer.uint32(at: body + 4, .littleEndian), let align = buffer.uint16(at: body + 12, .littleEndian),
                      let bits = buffer.uint16(at: body + 14, .littleEndian) else {
                    throw fail(body, "fmt chunk has \(size) bytes, needs at least 16")
                }
                var effectiveTag = tag
                if tag == 0xFFFE {
                    guard size >= 40, let subFormat = buffer.uint16(at: body + 24, .littleEndian) else {
                        throw fail(body, "WAVE_FORMAT_EXTENSIBLE fmt chunk has \(size) bytes, needs 40")
                    }
                    effectiveTag = subFormat
                }
                format = (effectiveTag, Int(channels), Int(rate), Int(align), Int(bits), tag == 0xFFFE)
            case "data":
                dataRange = body..<(body + size)
            default:
                break
            }
            offset = body + size + (size & 1)
        }
        guard let fmt = format else { throw fail(12, "no 'fmt ' chunk") }
        guard let data = dataRange else { throw fail(12, "no 'data' chunk") }
        guard fmt.channels > 0 else { throw fail(22, "channel count is 0") }
        guard fmt.rate > 0 else { throw fail(24, "sample rate is 0") }
        let encoding: NumericEncoding
        let kind: Encoding
        switch (fmt.tag, fmt.bits) {
        case (1, 8): encoding = .integer(bytes: 1, signed: false, .littleEndian); kind = .pcm
        case (1, 16), (1, 24), (1, 32): encoding = .integer(bytes: fmt.bits / 8, signed: true, .littleEndian); kind = .pcm
        case (3, 32), (3, 64): encoding = .float(bytes: fmt.bits / 8, .littleEndian); kind = .float
        default:
            throw fail(20, "unsupported encoding: format tag \(fmt.tag) with \(fmt.bits) bits (PCM 8/16/24/32 and IEEE float 32/64 are read)")
        }
        let bytesPerFrame = fmt.channels * encoding.width
        guard fmt.blockAlign == bytesPerFrame else {
            throw fail(32, "block align \(fmt.blockAlign) does not match \(fmt.channels) channels × \(encoding.width) bytes")
        }
        let frames = data.count / bytesPerFrame
        guard var values = buffer.decodeFloats(at: data.lowerBound, count: frames * fmt.channels, as: encoding) else {
            throw fail(data.lowerBound, "data chunk is truncated")
        }
        if kind == .pcm {
            // Scale to [-1, 1): 8-bit PCM is unsigned with 128 as silence.
            let scale = 1 / Float(1 << (fmt.bits - 1))
            let bias: Float = fmt.bits == 8 ? 128 : 0
            for i in values.indices { values[i] = (values[i] - bias) * scale }
        }
        return WavAudio(sampleRate: fmt.rate, channelCount: fmt.channels, bitsPerSample: fmt.bits, encoding: kind,
                        container: riff + (fmt.extensible ? ", extensible" : ""), samples: values, chunks: chunks)
    }
}
