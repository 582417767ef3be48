import CKernels
import CZlib

/// zlib's raw DEFLATE decoder and CRC-32, for .npz members: the output is capped at the size the
/// archive declares, so a "deflate bomb" costs at most that much memory, and the checksum is compared.
public enum Deflate {
    public struct Failure: Error, Sendable {
        public let reason: String
    }

    /// Inflates the raw DEFLATE stream `input` into exactly `expectedSize` bytes; throws when it
    /// holds more, less or malformed data.
    public static func inflate(_ input: ByteBuffer, expectedSize: Int) throws -> [UInt8] {
        guard expectedSize >= 0 else { throw Failure(reason: "negative size") }
        var output = [UInt8](repeating: 0, count: expectedSize)
        var stream = z_stream()
        guard inflateInit2_(&stream, -MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw Failure(reason: "zlib could not start")
        }
        defer { inflateEnd(&stream) }
        var status: Int32 = Z_OK
        var produced = 0
        try input.storage.withBytes { raw in
            guard let base = raw.baseAddress else { return }
            stream.next_in = UnsafeMutablePointer(mutating: base.advanced(by: input.start).assumingMemoryBound(to: Bytef.self))
            var remaining = input.count
            try output.withUnsafeMutableBytes { out in
                var spare: UInt8 = 0
                while true {
                    let inChunk = min(remaining, Int(UInt32.max))
                    stream.avail_in = uInt(inChunk)
                    if produced < expectedSize {
                        stream.next_out = out.baseAddress?.advanced(by: produced).assumingMemoryBound(to: Bytef.self)
                        stream.avail_out = uInt(min(expectedSize - produced, Int(UInt32.max)))
                    } else {
                        // One byte of spare room tells a stream that would go on from one that has ended.
                        stream.next_out = withUnsafeMutablePointer(to: &spare) { $0 }
                        stream.avail_out = 1
                    }
                    let beforeIn = Int(stream.avail_in), beforeOut = Int(stream.avail_out)
                    status = CZlib.inflate(&stream, Z_NO_FLUSH)
                    let wrote = beforeOut - Int(stream.avail_out)
                    remaining -= beforeIn - Int(stream.avail_in)
                    if produced >= expectedSize, wrote > 0 { throw Failure(reason: "inflates to more than the declared \(expectedSize) bytes") }
                    produced += wrote
                    if status == Z_STREAM_END { return }
                    guard status == Z_OK || status == Z_BUF_ERROR else {
                        throw Failure(reason: "corrupt deflate data (\(stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"))")
                    }
                    if beforeIn - Int(stream.avail_in) == 0, wrote == 0 {
                        throw Failure(reason: remaining == 0 ? "the deflate data ends early" : "the deflate data makes no progress")
                    }
                }
            }
        }
        guard status == Z_STREAM_END else { throw Failure(reason: "the deflate data ends early") }
        guard produced == expectedSize else { throw Failure(reason: "inflates to \(produced) bytes, the archive declares \(expectedSize)") }
        return output
    }

    /// `bytes` as a zlib stream (RFC 1950: header, DEFLATE data, Adler-32), as PNG's IDAT holds it.
    public static func zlibCompress(_ bytes: [UInt8], level: Int32 = 6) throws -> [UInt8] {
        var capacity = compressBound(uLong(bytes.count))
        var out = [UInt8](repeating: 0, count: Int(capacity))
        let status = out.withUnsafeMutableBufferPointer { o in
            bytes.withUnsafeBufferPointer { i in compress2(o.baseAddress, &capacity, i.baseAddress, uLong(bytes.count), level) }
        }
        guard status == Z_OK else { throw Failure(reason: "zlib compress2 failed (\(status))") }
        return Array(out.prefix(Int(capacity)))
    }

    /// CRC-32 (as zip stores it) of `bytes`.
    public static func crc32(_ bytes: ByteBuffer) -> UInt32 {
        bytes.storage.withBytes { raw -> UInt32 in
            guard let base = raw.baseAddress else { return 0 }
            return crc32(base.advanced(by: bytes.start).assumingMemoryBound(to: UInt8.self), count: bytes.count)
        }
    }

    /// CRC-32 of `count` bytes at `data`.
    ///
    /// All but the last few bytes are folded with carry-less multiplies (`fp_crc32_fold`), where the
    /// CPU has them: zlib's table code ran at 2 GB/s, a third of a rig's load in a one-shot solve.
    static func crc32(_ data: UnsafePointer<UInt8>, count: Int) -> UInt32 {
        var crc: uLong = 0, offset = 0
        var remainder: (UInt64, UInt64) = (0, 0)
        // zlib's running value starts at 0: the raw state, its complement, at all ones.
        let folded = withUnsafeMutableBytes(of: &remainder) { r in
            fp_crc32_fold(data, count, 0xFFFF_FFFF, r.baseAddress?.assumingMemoryBound(to: UInt8.self))
        }
        if folded > 0 {
            // The remainder's CRC from a zero state is the folded bytes': zlib starts from the complement of
            // its argument, so 0xFFFFFFFF starts it at zero.
            crc = withUnsafeBytes(of: &remainder) { r in CZlib.crc32(0xFFFF_FFFF, r.baseAddress?.assumingMemoryBound(to: Bytef.self), 16) }
            offset = folded
        }
        while offset < count {
            let chunk = min(count - offset, 1 << 30)
            crc = CZlib.crc32(crc, data + offset, uInt(chunk))
            offset += chunk
        }
        return UInt32(truncatingIfNeeded: crc)
    }

    /// CRC-32 of bytes in memory.
    public static func crc32(_ bytes: [UInt8]) -> UInt32 { crc32(ByteBuffer(bytes)) }
}
