import Foundation
import Linalg

extension MayaCache {
    /// Writes `cache` as a OneFile Maya cache: `<base>.xml` plus `<base>.mc` (FOR4) or `<base>.mcx`
    /// (FOR8), where `<base>` is `path` without its extension. FVCA (float32) data, or DVCA when
    /// `double`. The frame rate is the cache's own, else 30 fps.
    /// - Returns: the files written, the data file first.
    @discardableResult
    public static func write(_ cache: VertexCache, to path: String, container: IFFContainer = .for4,
                             double: Bool = false, channelName: String? = nil) throws -> [String] {
        let base = URL(fileURLWithPath: path).deletingPathExtension().path
        let fps = cache.framesPerSecond ?? 30
        let ticks = MayaCacheDescription.ticksPerSecond / fps
        guard fps > 0, ticks >= 1, ticks <= Double(Int32.max), abs(ticks - ticks.rounded()) < 1e-6 else {
            throw FormatError(file: path, .wholeFile, "\(fps) fps is not a whole number of Maya ticks per frame (6000 per second); choose another --fps")
        }
        let timePerFrame = Int(ticks.rounded())
        // Every tick written must fit the 32-bit TIME, STIM and ETIM fields.
        let startTicks = (cache.startFrame * Double(timePerFrame)).rounded()
        let endTicks = startTicks + Double(max(cache.frameCount - 1, 0)) * Double(timePerFrame)
        guard startTicks.isFinite, startTicks >= Double(Int32.min), endTicks <= Double(Int32.max) else {
            throw FormatError(file: path, .wholeFile, "start frame \(cache.startFrame) and \(cache.frameCount) frames at \(fps) fps give times outside a Maya cache's 32-bit ticks")
        }
        let start = Int(startTicks)
        let end = Int(endTicks)
        let name = channelName ?? cache.source.channel ?? "faceprepShape"
        guard let vertexCount = Int32(exactly: cache.vertexCount) else {
            throw FormatError(file: path, .wholeFile, "too many vertices for a Maya cache")
        }

        var out = ByteWriter(reservingCapacity: cache.positions.count * (double ? 8 : 4) + cache.frameCount * 96 + 128)
        let header = writeGroup(&out, container, type: "CACH") { out in
            writeChunk(&out, container, tag: "VRSN") { $0.append(ascii: "0.1"); $0.appendZeros(1) }
            writeChunk(&out, container, tag: "STIM") { $0.append(Int32(start), .bigEndian) }
            writeChunk(&out, container, tag: "ETIM") { $0.append(Int32(end), .bigEndian) }
        }
        _ = header
        let stride = cache.vertexCount * 3
        for frame in 0..<cache.frameCount {
            _ = writeGroup(&out, container, type: "MYCH") { out in
                writeChunk(&out, container, tag: "TIME") { $0.append(Int32(start + frame * timePerFrame), .bigEndian) }
                writeChunk(&out, container, tag: "CHNM") { $0.append(ascii: name); $0.appendZeros(1) }
                writeChunk(&out, container, tag: "SIZE") { $0.append(vertexCount, .bigEndian) }
                writeChunk(&out, container, tag: double ? "DVCA" : "FVCA") { out in
                    out.append(floats: Array(cache.positions[(frame * stride)..<((frame + 1) * stride)]),
                               width: double ? 8 : 4, .bigEndian)
                }
            }
        }
        let description = MayaCacheDescription(
            cacheType: .oneFile, format: container == .for4 ? "mcc" : "mcx", startTime: start, endTime: end,
            timePerFrame: timePerFrame, channels: [.init(
                name: name, type: double ? "DoubleVectorArray" : "FloatVectorArray", interpretation: "positions",
                samplingType: "Regular", samplingRate: timePerFrame, startTime: start, endTime: end)])
        // The .xml names the data: it goes last, and the old one is removed first.
        let files = [base + (container == .for4 ? ".mc" : ".mcx"), base + ".xml"]
        try AtomicFile.write(together: [(out.bytes, files[0]), (Array(description.xml.utf8), files[1])])
        return files
    }

    /// Writes a chunk header, the data `body` produces, then pads to the container's alignment; the
    /// size field is filled in once the data is written.
    static func writeChunk(_ out: inout ByteWriter, _ container: IFFContainer, tag: String, _ body: (inout ByteWriter) -> Void) {
        out.append(ascii: tag)
        let sizeOffset = out.count + (container == .for4 ? 0 : 4)
        out.appendZeros(container.headerSize - 4)
        let dataStart = out.count
        body(&out)
        let size = out.count - dataStart
        patchSize(&out, container, at: sizeOffset, size)
        out.appendZeros(container.padded(size) - size)
    }

    /// Writes a group (`FOR4`/`FOR8` + size + type) around the chunks `body` writes.
    @discardableResult
    static func writeGroup(_ out: inout ByteWriter, _ container: IFFContainer, type: String, _ body: (inout ByteWriter) -> Void) -> Int {
        let start = out.count
        writeChunk(&out, container, tag: container.rawValue) { out in
            out.append(ascii: type)
            body(&out)
        }
        return start
    }

    private static func patchSize(_ out: inout ByteWriter, _ container: IFFContainer, at offset: Int, _ size: Int) {
        if container == .for4 {
            out.patch(UInt32(size), at: offset, .bigEndian)
        } else {
            out.patch(UInt32(UInt64(size) >> 32), at: offset, .bigEndian)
            out.patch(UInt32(truncatingIfNeeded: size), at: offset + 4, .bigEndian)
        }
    }
}
