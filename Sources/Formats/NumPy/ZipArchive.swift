import Foundation
import Linalg

/// A bounds-checked reader and writer of the zip archives numpy writes for .npz: stored and
/// deflated members, zip64 sizes and offsets. Every size and offset read from the file is checked
/// against the file before it is used; a member inflates to at most its declared size, and its
/// CRC-32 is compared.
struct ZipArchive {
    struct Entry {
        let name: String
        let method: UInt16
        let crc: UInt32
        let compressedSize: Int
        let uncompressedSize: Int
        let headerOffset: Int
        var isDeflated: Bool { method == 8 }
    }

    let path: String
    let buffer: ByteBuffer
    let entries: [Entry]

    /// The largest expansion DEFLATE can give (about 1032:1); a member claiming more is a lie.
    static let maxDeflateRatio = 1032

    /// Reads the central directory of the archive in `buffer` (the file at `path`).
    init(_ buffer: ByteBuffer, path: String) throws {
        self.path = path
        self.buffer = buffer
        func fail(_ offset: Int, _ problem: String) -> FormatError { FormatError(file: path, .byteOffset(offset), problem) }
        // End of central directory: the last signature within 22 + 65,535 bytes of the end.
        guard buffer.count >= 22 else { throw FormatError(file: path, .wholeFile, "not a zip archive (.npz): \(buffer.count) bytes") }
        var eocd = -1
        var probe = buffer.count - 22
        let lowest = max(0, buffer.count - 22 - 65_535)
        while probe >= lowest {
            if buffer.uint32(at: probe, .littleEndian) == 0x0605_4B50 { eocd = probe; break }
            probe -= 1
        }
        guard eocd >= 0 else { throw FormatError(file: path, .wholeFile, "not a zip archive (.npz): no end-of-central-directory record") }
        guard let disk = buffer.uint16(at: eocd + 4, .littleEndian), let cdDisk = buffer.uint16(at: eocd + 6, .littleEndian),
              let count16 = buffer.uint16(at: eocd + 10, .littleEndian), let size32 = buffer.uint32(at: eocd + 12, .littleEndian),
              let offset32 = buffer.uint32(at: eocd + 16, .littleEndian) else { throw fail(eocd, "truncated end-of-central-directory record") }
        guard (disk == 0 || disk == 0xFFFF), (cdDisk == 0 || cdDisk == 0xFFFF) else { throw fail(eocd, "multi-disk archives are not supported") }
        var count = UInt64(count16), cdSize = UInt64(size32), cdOffset = UInt64(offset32)
        if count16 == 0xFFFF || size32 == 0xFFFF_FFFF || offset32 == 0xFFFF_FFFF {
            // zip64: the locator stands 20 bytes before the record.
            let locator = eocd - 20
            guard locator >= 0, buffer.uint32(at: locator, .littleEndian) == 0x0706_4B50, let recordOffset = buffer.uint64(at: locator + 8, .littleEndian),
                  recordOffset <= UInt64(buffer.count), let record = Int(exactly: recordOffset),
                  buffer.uint32(at: record, .littleEndian) == 0x0606_4B50,
                  let c = buffer.uint64(at: record + 32, .littleEndian), let s = buffer.uint64(at: record + 40, .littleEndian),
                  let o = buffer.uint64(at: record + 48, .littleEndian) else { throw fail(max(locator, 0), "a zip64 archive without a valid zip64 end-of-central-directory record") }
            count = c; cdSize = s; cdOffset = o
        }
        guard cdOffset <= UInt64(buffer.count), cdSize <= UInt64(buffer.count) - cdOffset,
              let start = Int(exactly: cdOffset), let size = Int(exactly: cdSize) else {
            throw fail(eocd, "the central directory (\(cdSize) bytes at \(cdOffset)) lies outside the \(buffer.count)-byte file")
        }
        guard count <= cdSize / 46 else { throw fail(eocd, "\(count) entries cannot fit in a \(cdSize)-byte central directory") }
        var entries: [Entry] = []
        var at = start
        for index in 0..<Int(count) {
            guard at + 46 <= start + size, buffer.uint32(at: at, .littleEndian) == 0x0201_4B50,
                  let flags = buffer.uint16(at: at + 8, .littleEndian), let method = buffer.uint16(at: at + 10, .littleEndian),
                  let crc = buffer.uint32(at: at + 16, .littleEndian), let comp32 = buffer.uint32(at: at + 20, .littleEndian),
                  let raw32 = buffer.uint32(at: at + 24, .littleEndian), let nameLength = buffer.uint16(at: at + 28, .littleEndian),
                  let extraLength = buffer.uint16(at: at + 30, .littleEndian), let commentLength = buffer.uint16(at: at + 32, .littleEndian),
                  let offset32 = buffer.uint32(at: at + 42, .littleEndian) else {
                throw fail(at, "central-directory entry \(index) is malformed or truncated")
            }
            let nameStart = at + 46, extraStart = nameStart + Int(nameLength)
            let next = extraStart + Int(extraLength) + Int(commentLength)
            guard next <= start + size, let nameBytes = buffer.bytes(at: nameStart, count: Int(nameLength)) else {
                throw fail(at, "central-directory entry \(index) runs past the directory")
            }
            guard let name = String(validating: nameBytes, as: UTF8.self) else { throw fail(nameStart, "entry \(index)'s name is not UTF-8") }
            guard flags & 1 == 0 else { throw fail(at, "member '\(name)' is encrypted") }
            guard method == 0 || method == 8 else { throw fail(at, "member '\(name)' uses compression method \(method); numpy writes stored (0) or deflated (8)") }
            // zip64 extra field: the 64-bit values of the fields that hold 0xFFFFFFFF, in that order.
            var uncompressed = UInt64(raw32), compressed = UInt64(comp32), offset = UInt64(offset32)
            if raw32 == 0xFFFF_FFFF || comp32 == 0xFFFF_FFFF || offset32 == 0xFFFF_FFFF {
                var e = extraStart
                var found = false
                while e + 4 <= extraStart + Int(extraLength) {
                    guard let id = buffer.uint16(at: e, .littleEndian), let length = buffer.uint16(at: e + 2, .littleEndian) else { break }
                    if id == 0x0001 {
                        var field = e + 4
                        let end = field + Int(length)
                        func take() throws -> UInt64 {
                            guard field + 8 <= end, let v = buffer.uint64(at: field, .littleEndian) else { throw fail(e, "member '\(name)': short zip64 extra field") }
                            field += 8
                            return v
                        }
                        if raw32 == 0xFFFF_FFFF { uncompressed = try take() }
                        if comp32 == 0xFFFF_FFFF { compressed = try take() }
                        if offset32 == 0xFFFF_FFFF { offset = try take() }
                        found = true
                        break
                    }
                    e += 4 + Int(length)
                }
                guard found else { throw fail(at, "member '\(name)': sizes in a zip64 field that is missing") }
            }
            guard offset < UInt64(buffer.count), compressed <= UInt64(buffer.count), let headerOffset = Int(exactly: offset),
                  let compressedSize = Int(exactly: compressed) else {
                throw fail(at, "member '\(name)' claims \(compressed) bytes at offset \(offset) of a \(buffer.count)-byte file")
            }
            let limit = method == 8 ? UInt64(compressedSize) * UInt64(Self.maxDeflateRatio) + 64 : UInt64(compressedSize)
            guard uncompressed <= limit, let uncompressedSize = Int(exactly: uncompressed) else {
                throw fail(at, "member '\(name)' claims \(uncompressed) bytes from \(compressedSize) stored: more than \(method == 8 ? "DEFLATE can expand to" : "it stores")")
            }
            entries.append(Entry(name: name, method: method, crc: crc, compressedSize: compressedSize, uncompressedSize: uncompressedSize,
                                 headerOffset: headerOffset))
            at = next
        }
        self.entries = entries
    }

    /// The member's bytes, inflated if need be, with their CRC-32 checked.
    func data(of entry: Entry) throws -> ByteBuffer {
        let h = entry.headerOffset
        func fail(_ offset: Int, _ problem: String) -> FormatError { FormatError(file: path, .byteOffset(offset), "member '\(entry.name)': \(problem)") }
        guard buffer.uint32(at: h, .littleEndian) == 0x0403_4B50, let nameLength = buffer.uint16(at: h + 26, .littleEndian),
              let extraLength = buffer.uint16(at: h + 28, .littleEndian) else { throw fail(h, "no local header at its offset") }
        let dataStart = h + 30 + Int(nameLength) + Int(extraLength)
        guard let stored = buffer.slice(dataStart..<(dataStart + entry.compressedSize)), dataStart + entry.compressedSize <= buffer.count else {
            throw fail(dataStart, "its \(entry.compressedSize) bytes run past the end of the file")
        }
        let bytes: ByteBuffer
        if entry.isDeflated {
            do { bytes = ByteBuffer(try Deflate.inflate(stored, expectedSize: entry.uncompressedSize)) } catch let failure as Deflate.Failure {
                throw fail(dataStart, failure.reason)
            }
        } else {
            guard entry.compressedSize == entry.uncompressedSize else { throw fail(h, "stored, but its sizes differ (\(entry.compressedSize) and \(entry.uncompressedSize))") }
            bytes = stored
        }
        let crc = Deflate.crc32(bytes)
        guard crc == entry.crc else { throw fail(dataStart, String(format: "CRC-32 %08x, the archive records %08x: the data is corrupt", crc, entry.crc)) }
        return bytes
    }

    /// A stored (uncompressed) archive of `members`, as `np.savez` writes one (zip64 where needed).
    static func stored(_ members: [(name: String, bytes: [UInt8])]) -> [UInt8] {
        var out = ByteWriter()
        var central = ByteWriter()
        var offsets: [Int] = []
        let dosTime: UInt16 = 0, dosDate: UInt16 = (1 << 5) | 1  // 1980-01-01
        for member in members {
            let name = Array(member.name.utf8)
            let crc = Deflate.crc32(member.bytes)
            let size = member.bytes.count, offset = out.count
            offsets.append(offset)
            let big = size >= 0xFFFF_FFFF || offset >= 0xFFFF_FFFF
            // Local header (zip64 extra with both sizes when the member is large).
            out.append(UInt32(0x0403_4B50), .littleEndian); out.append(UInt16(big ? 45 : 20), .littleEndian); out.append(UInt16(0), .littleEndian); out.append(UInt16(0), .littleEndian)
            out.append(UInt16(dosTime), .littleEndian); out.append(UInt16(dosDate), .littleEndian); out.append(UInt32(crc), .littleEndian)
            out.append(UInt32(big ? 0xFFFF_FFFF : UInt32(size)), .littleEndian); out.append(UInt32(big ? 0xFFFF_FFFF : UInt32(size)), .littleEndian)
            out.append(UInt16(UInt16(name.count)), .littleEndian); out.append(UInt16(big ? 20 : 0), .littleEndian); out.append(name)
            if big { out.append(UInt16(1), .littleEndian); out.append(UInt16(16), .littleEndian); out.append(UInt64(UInt64(size)), .littleEndian); out.append(UInt64(UInt64(size)), .littleEndian) }
            out.append(member.bytes)
            // Central-directory entry.
            central.append(UInt32(0x0201_4B50), .littleEndian); central.append(UInt16(big ? 45 : 20), .littleEndian); central.append(UInt16(big ? 45 : 20), .littleEndian)
            central.append(UInt16(0), .littleEndian); central.append(UInt16(0), .littleEndian); central.append(UInt16(dosTime), .littleEndian); central.append(UInt16(dosDate), .littleEndian)
            central.append(UInt32(crc), .littleEndian)
            central.append(UInt32(big ? 0xFFFF_FFFF : UInt32(size)), .littleEndian); central.append(UInt32(big ? 0xFFFF_FFFF : UInt32(size)), .littleEndian)
            central.append(UInt16(UInt16(name.count)), .littleEndian); central.append(UInt16(big ? 28 : 0), .littleEndian); central.append(UInt16(0), .littleEndian)
            central.append(UInt16(0), .littleEndian); central.append(UInt16(0), .littleEndian); central.append(UInt32(0), .littleEndian)
            central.append(UInt32(big ? 0xFFFF_FFFF : UInt32(offset)), .littleEndian); central.append(name)
            if big {
                central.append(UInt16(1), .littleEndian); central.append(UInt16(24), .littleEndian)
                central.append(UInt64(UInt64(size)), .littleEndian); central.append(UInt64(UInt64(size)), .littleEndian); central.append(UInt64(UInt64(offset)), .littleEndian)
            }
        }
        let cdOffset = out.count, cdSize = central.count
        out.append(central.bytes)
        let zip64 = members.count >= 0xFFFF || cdOffset >= 0xFFFF_FFFF || cdSize >= 0xFFFF_FFFF
        if zip64 {
            let record = out.count
            out.append(UInt32(0x0606_4B50), .littleEndian); out.append(UInt64(44), .littleEndian); out.append(UInt16(45), .littleEndian); out.append(UInt16(45), .littleEndian)
            out.append(UInt32(0), .littleEndian); out.append(UInt32(0), .littleEndian); out.append(UInt64(UInt64(members.count)), .littleEndian); out.append(UInt64(UInt64(members.count)), .littleEndian)
            out.append(UInt64(UInt64(cdSize)), .littleEndian); out.append(UInt64(UInt64(cdOffset)), .littleEndian)
            out.append(UInt32(0x0706_4B50), .littleEndian); out.append(UInt32(0), .littleEndian); out.append(UInt64(UInt64(record)), .littleEndian); out.append(UInt32(1), .littleEndian)
        }
        out.append(UInt32(0x0605_4B50), .littleEndian); out.append(UInt16(0), .littleEndian); out.append(UInt16(0), .littleEndian)
        out.append(UInt16(zip64 ? 0xFFFF : UInt16(members.count)), .littleEndian); out.append(UInt16(zip64 ? 0xFFFF : UInt16(members.count)), .littleEndian)
        out.append(UInt32(zip64 ? 0xFFFF_FFFF : UInt32(cdSize)), .littleEndian); out.append(UInt32(zip64 ? 0xFFFF_FFFF : UInt32(cdOffset)), .littleEndian)
        out.append(UInt16(0), .littleEndian)
        return out.bytes
    }
}
