/// Small reads (tags, sizes, names) of a `ByteBuffer` served from a few kilobytes copied out of the
/// file with `pread`, for walking the chunk headers of a large mapped file.
///
/// A Maya cache holds one header every few hundred kilobytes (a frame's data between them): reading
/// each through the mapping faults in a fresh page per frame, and the fault (with its later unmapping)
/// costs more than copying the same bytes. Reads beyond the window, or of bytes held in memory, go
/// to the buffer itself; out-of-bounds reads return nil exactly as the buffer's do.
public struct WindowedReader {
    public let buffer: ByteBuffer
    /// A copy of `buffer[windowStart ..< windowStart + window.count]`, or nil before the first read.
    private var window: ByteBuffer?
    private var windowStart = 0
    /// Bytes copied per window: a page, which holds a frame's whole header run.
    private static let windowSize = 4096

    public init(_ buffer: ByteBuffer) { self.buffer = buffer }

    /// The buffer holding `length` bytes at `offset`, and where they lie in it.
    private mutating func locate(_ offset: Int, _ length: Int) -> (ByteBuffer, Int) {
        guard buffer.storage.isFile, length <= Self.windowSize, buffer.contains(offset: offset, length: length) else { return (buffer, offset) }
        if let window, offset >= windowStart, offset + length <= windowStart + window.count { return (window, offset - windowStart) }
        let count = min(Self.windowSize, buffer.count - offset)
        var bytes = [UInt8](repeating: 0, count: count)
        let copied = bytes.withUnsafeMutableBytes { raw in
            raw.baseAddress.map { buffer.storage.copy((buffer.start + offset)..<(buffer.start + offset + count), into: $0) } ?? false
        }
        guard copied else { return (buffer, offset) }
        let copy = ByteBuffer(bytes)
        window = copy
        windowStart = offset
        return (copy, 0)
    }

    public mutating func ascii(at offset: Int, count: Int) -> String? { let (b, o) = locate(offset, count); return b.ascii(at: o, count: count) }
    public mutating func zeroTerminatedText(at offset: Int, count: Int) -> String? {
        let (b, o) = locate(offset, count); return b.zeroTerminatedText(at: o, count: count)
    }
    public mutating func bytes(at offset: Int, count: Int) -> [UInt8]? { let (b, o) = locate(offset, count); return b.bytes(at: o, count: count) }
    public mutating func uint32(at offset: Int, _ order: ByteOrder) -> UInt32? { let (b, o) = locate(offset, 4); return b.uint32(at: o, order) }
    public mutating func uint64(at offset: Int, _ order: ByteOrder) -> UInt64? { let (b, o) = locate(offset, 8); return b.uint64(at: o, order) }
    public mutating func int32(at offset: Int, _ order: ByteOrder) -> Int32? { let (b, o) = locate(offset, 4); return b.int32(at: o, order) }
    public mutating func int64(at offset: Int, _ order: ByteOrder) -> Int64? { let (b, o) = locate(offset, 8); return b.int64(at: o, order) }
}
