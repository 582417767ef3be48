import Linalg

/// The IFF container of a Maya cache binary: FOR4 (.mc: 32-bit sizes, 4-byte padding) or FOR8
/// (.mcx: 4 bytes of padding after each tag, 64-bit sizes, 8-byte padding). All numbers big-endian.
public enum IFFContainer: String, Sendable {
    case for4 = "FOR4"
    case for8 = "FOR8"

    /// Bytes from a chunk's tag to its data.
    var headerSize: Int { self == .for4 ? 8 : 16 }
    var alignment: Int { self == .for4 ? 4 : 8 }

    func padded(_ size: Int) -> Int { (size + alignment - 1) / alignment * alignment }
}

/// The structure of one Maya cache binary, parsed without decoding any vertex data: where each
/// frame's channels are, so only the selected channel is ever read.
///
/// ```
/// FOR4 <size> CACH  VRSN <4> "0.1\0"  STIM <4> start  ETIM <4> end
/// FOR4 <size> MYCH  TIME <4> t  (CHNM <n> name\0 pad  SIZE <4> count  FVCA|DVCA <bytes> data)…
/// ```
struct MayaCacheBinary {
    struct ChannelBlock {
        let name: String
        /// `FVCA` (float32 xyz), `DVCA` (float64 xyz), or another array type.
        let dataTag: String
        let elementCount: Int
        let dataOffset: Int
    }

    struct FrameBlock {
        /// `TIME` in ticks, or nil when the group has none (one-file-per-frame caches).
        let time: Int?
        let channels: [ChannelBlock]
    }

    let container: IFFContainer
    let version: String
    let startTime: Int
    let endTime: Int
    let frames: [FrameBlock]

    private struct Chunk {
        let tag: String
        let size: Int
        let dataOffset: Int
        /// Offset after the data and its padding.
        let end: Int
    }

    static func parse(_ buffer: ByteBuffer, path: String) throws -> MayaCacheBinary {
        // Headers through a copied window: one per frame, far apart, each would fault in a page.
        var reader = WindowedReader(buffer)
        func fail(_ offset: Int, _ problem: String) -> FormatError { FormatError(file: path, .byteOffset(offset), problem) }

        guard let first = reader.ascii(at: 0, count: 4) else {
            throw fail(0, "file is \(buffer.count) bytes, too short for a Maya cache")
        }
        guard let container = IFFContainer(rawValue: first) else {
            throw fail(0, "not a Maya cache: starts with '\(first)', expected FOR4 (.mc) or FOR8 (.mcx)")
        }

        /// Reads the chunk header at `offset` and checks that it fits inside `limit`.
        func chunk(at offset: Int, limit: Int, context: String) throws -> Chunk {
            guard offset + container.headerSize <= limit, let tag = reader.ascii(at: offset, count: 4) else {
                throw fail(offset, "\(context): ends inside a chunk header")
            }
            let size: Int
            if container == .for4 {
                guard let s = reader.uint32(at: offset + 4, .bigEndian) else { throw fail(offset + 4, "\(context): truncated size") }
                size = Int(s)
            } else {
                guard let s = reader.uint64(at: offset + 8, .bigEndian) else { throw fail(offset + 8, "\(context): truncated size") }
                guard let narrowed = Int(exactly: s), narrowed <= Int(Int32.max) * 1024 else {
                    throw fail(offset + 8, "\(context): chunk '\(tag)' claims \(s) bytes")
                }
                size = narrowed
            }
            let dataOffset = offset + container.headerSize
            guard size <= limit - dataOffset else {
                throw fail(offset, "\(context): chunk '\(tag)' claims \(size.formatted) bytes but only \((limit - dataOffset).formatted) remain")
            }
            return Chunk(tag: tag, size: size, dataOffset: dataOffset, end: min(dataOffset + container.padded(size), limit))
        }

        func int32(_ c: Chunk, _ context: String) throws -> Int {
            guard c.size >= 4, let v = reader.int32(at: c.dataOffset, .bigEndian) else {
                throw fail(c.dataOffset, "\(context): '\(c.tag)' holds \(c.size) bytes, expected a 4-byte integer")
            }
            return Int(v)
        }

        func group(at offset: Int, expecting type: String) throws -> (children: Range<Int>, end: Int) {
            let g = try chunk(at: offset, limit: buffer.count, context: "group")
            guard g.tag == container.rawValue else {
                throw fail(offset, "expected a \(container.rawValue) group, found '\(g.tag)'")
            }
            guard g.size >= 4, let groupType = reader.ascii(at: g.dataOffset, count: 4) else {
                throw fail(g.dataOffset, "group is too short to hold its type")
            }
            guard groupType == type else { throw fail(g.dataOffset, "expected a \(type) group, found '\(groupType)'") }
            return (g.dataOffset + 4 ..< g.dataOffset + g.size, g.end)
        }

        // Header group.
        let header = try group(at: 0, expecting: "CACH")
        var version = "", start: Int?, end: Int?
        var offset = header.children.lowerBound
        while offset < header.children.upperBound {
            let c = try chunk(at: offset, limit: header.children.upperBound, context: "header")
            switch c.tag {
            case "VRSN": version = String(decoding: (reader.bytes(at: c.dataOffset, count: c.size) ?? []).prefix { $0 != 0 }, as: UTF8.self)
            case "STIM": start = try int32(c, "header")
            case "ETIM": end = try int32(c, "header")
            default: throw fail(offset, "header: unknown tag '\(c.tag)' (expected VRSN, STIM, ETIM)")
            }
            offset = c.end
        }
        guard let startTime = start, let endTime = end else { throw fail(header.children.lowerBound, "header lacks STIM or ETIM") }

        // Frame groups.
        var frames: [FrameBlock] = []
        offset = header.end
        while offset < buffer.count {
            let frameGroup = try group(at: offset, expecting: "MYCH")
            let context = "frame \(frames.count)"
            var time: Int?
            var channels: [ChannelBlock] = []
            var pendingName: String?
            var pendingCount: Int?
            var child = frameGroup.children.lowerBound
            while child < frameGroup.children.upperBound {
                let c = try chunk(at: child, limit: frameGroup.children.upperBound, context: context)
                switch c.tag {
                case "TIME":
                    if c.size == 8, let t = reader.int64(at: c.dataOffset, .bigEndian) { time = Int(t) } else { time = try int32(c, context) }
                case "CHNM":
                    pendingName = reader.zeroTerminatedText(at: c.dataOffset, count: c.size) ?? ""
                case "SIZE":
                    let n = try int32(c, context)
                    guard n >= 0 else { throw fail(c.dataOffset, "\(context): negative element count \(n)") }
                    pendingCount = n
                default:
                    guard let name = pendingName, let count = pendingCount else {
                        throw fail(child, "\(context): unknown tag '\(c.tag)' or data chunk without a preceding CHNM and SIZE")
                    }
                    let elementBytes: Int?
                    switch c.tag {
                    case "FVCA": elementBytes = 12
                    case "DVCA": elementBytes = 24
                    case "FBCA", "DBLA", "INTA": elementBytes = nil
                    default: throw fail(child, "\(context): unknown data tag '\(c.tag)' for channel '\(name)'")
                    }
                    if let elementBytes, c.size != count * elementBytes {
                        throw fail(child, "\(context): channel '\(name)' \(c.tag) holds \(c.size.formatted) bytes, SIZE says \(count) elements × \(elementBytes) = \((count * elementBytes).formatted)")
                    }
                    channels.append(ChannelBlock(name: name, dataTag: c.tag, elementCount: count, dataOffset: c.dataOffset))
                    pendingName = nil
                    pendingCount = nil
                }
                child = c.end
            }
            guard pendingName == nil else { throw fail(frameGroup.children.upperBound, "\(context): channel '\(pendingName ?? "")' has no data chunk") }
            frames.append(FrameBlock(time: time, channels: channels))
            offset = frameGroup.end
        }
        return MayaCacheBinary(container: container, version: version, startTime: startTime, endTime: endTime, frames: frames)
    }
}
