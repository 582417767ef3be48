import Linalg

/// PC2 point caches (Blender, 3ds Max).
///
/// Layout, little-endian: a 32-byte header — `"POINTCACHE2\0"`, int32 version (1), int32 point count,
/// float32 start frame, float32 sample rate, int32 sample count — then float32 x, y, z for every point
/// of every sample. The "sample rate" is the step between samples in frames (1.0 = every frame), not
/// frames per second: a PC2 file does not know its frame rate.
public enum PointCache2 {
    static let headerSize = 32
    static let magic: [UInt8] = Array("POINTCACHE2".utf8) + [0]

    /// The header fields.
    public struct Header: Sendable, Equatable {
        public var version: Int32
        public var pointCount: Int
        public var startFrame: Float
        /// Frames between samples (1.0 = every frame).
        public var sampleRate: Float
        public var sampleCount: Int
    }

    /// Reads and checks the header of `buffer`.
    public static func header(_ buffer: ByteBuffer, path: String) throws -> Header {
        guard buffer.count >= headerSize, let head = buffer.bytes(at: 0, count: 12) else {
            throw FormatError(file: path, .byteOffset(0), "file is \(buffer.count) bytes, shorter than the 32-byte PC2 header")
        }
        guard head == magic else { throw FormatError(file: path, .byteOffset(0), "not a PC2 file (signature is not POINTCACHE2\\0)") }
        guard let version = buffer.int32(at: 12, .littleEndian), let points = buffer.int32(at: 16, .littleEndian),
              let start = buffer.float32(at: 20, .littleEndian), let rate = buffer.float32(at: 24, .littleEndian),
              let samples = buffer.int32(at: 28, .littleEndian) else {
            throw FormatError(file: path, .byteOffset(12), "header is truncated")
        }
        guard points >= 0 else { throw FormatError(file: path, .byteOffset(16), "negative point count \(points)") }
        guard samples >= 0 else { throw FormatError(file: path, .byteOffset(28), "negative sample count \(samples)") }
        guard points > 0 || samples == 0 else { throw FormatError(file: path, .byteOffset(16), "\(samples) samples of 0 points (0-byte frames are refused)") }
        guard start.isFinite else { throw FormatError(file: path, .byteOffset(20), "start frame is \(start)") }
        guard rate.isFinite, rate > 0 else { throw FormatError(file: path, .byteOffset(24), "sample rate \(rate) is not a positive number of frames") }
        // Int32 × Int32 × 12 can exceed Int.max: compare without overflowing.
        let (pointBytes, o1) = Int(samples).multipliedReportingOverflow(by: Int(points))
        let (dataBytes, o2) = pointBytes.multipliedReportingOverflow(by: 12)
        let expected = o1 || o2 ? Int.max : headerSize + dataBytes
        guard expected == buffer.count else {
            throw FormatError(file: path, .byteOffset(buffer.count < expected ? buffer.count : expected),
                              "header claims \(samples) samples × \(points) points = \(expected == Int.max ? "more than Int.max" : expected.formatted) bytes, but the file has \(buffer.count.formatted)")
        }
        return Header(version: version, pointCount: Int(points), startFrame: start, sampleRate: rate, sampleCount: Int(samples))
    }

    public static func read(_ path: String) throws -> VertexCache {
        try frames(path).readAll()
    }

    /// Opens a PC2 file for frame-by-frame decoding.
    public static func frames(_ path: String) throws -> CacheFrames {
        try frames(try ByteBuffer.mapFile(path), origin: path)
    }

    /// Opens PC2 bytes; `origin` names them in errors.
    public static func frames(_ buffer: ByteBuffer, origin path: String) throws -> CacheFrames {
        let header = try header(buffer, path: path)
        var notes: [String] = []
        // FacePrep writes the frame rate in the sampleRate field; 1 means unknown (Blender's default).
        let fps: Double? = header.sampleRate > 1 && header.sampleRate <= 1000 ? Double(header.sampleRate) : nil
        if let fps { notes.append("sampleRate field \(fps): read as the frame rate") }
        else if header.sampleRate != 1 { notes.append("sampleRate field \(header.sampleRate): not a frame rate FacePrep can use") }
        let source = CacheSource(path: path, format: .pointCache2, variant: "PC2 v\(header.version)", storedType: "float32", notes: notes)
        let frameBytes = header.pointCount * 12
        let segments = (0..<header.sampleCount).map {
            CacheFrames.Segment(buffer: buffer, file: path, offset: headerSize + $0 * frameBytes, encoding: .float(bytes: 4, .littleEndian))
        }
        return CacheFrames(frameCount: header.sampleCount, vertexCount: header.pointCount, framesPerSecond: fps,
                           startFrame: Double(header.startFrame), source: source, segments: segments)
    }

    public static func write(_ cache: VertexCache, to path: String) throws {
        guard let points = Int32(exactly: cache.vertexCount), let samples = Int32(exactly: cache.frameCount) else {
            throw FormatError(file: path, .wholeFile, "too many frames or vertices for PC2's 32-bit counts")
        }
        var out = ByteWriter(reservingCapacity: headerSize + cache.positions.count * 4)
        out.append(magic)
        out.append(Int32(1), .littleEndian)
        out.append(points, .littleEndian)
        out.append(Float(cache.startFrame), .littleEndian)
        // The frame rate, where Blender's and 3ds Max's readers look for the sampling (1 when unknown).
        out.append(Float(cache.framesPerSecond ?? 1), .littleEndian)
        out.append(samples, .littleEndian)
        out.append(floats: cache.positions, width: 4, .littleEndian)
        try AtomicFile.write(out.bytes, to: path)
    }
}
