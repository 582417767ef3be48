import Foundation
import Linalg
import TestSupport
import Testing

@Suite("Header reads through a copied window")
struct WindowedReaderTests {
    @Test("every read through the window equals the mapped buffer's, across window edges and at the end")
    func readsMatchTheBuffer() throws {
        var rng = SeededGenerator(seed: 3)
        var bytes = (0..<10_000).map { _ in UInt8.random(in: 0...255, using: &rng) }
        // Text with a NUL inside a window, and a tag straddling the first window's end (4096).
        bytes.replaceSubrange(100..<108, with: ascii("CHNM") + [0x61, 0x62, 0, 0x63])
        bytes.replaceSubrange(4094..<4098, with: ascii("FVCA"))
        let path = NSTemporaryDirectory() + "faceprep-window-\(UUID().uuidString)"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        for buffer in [ByteBuffer(bytes), try ByteBuffer.map(path: path)] {
            var reader = WindowedReader(buffer)
            // Forward (as a parser walks), then backward and far jumps.
            let offsets = [0, 100, 104, 4090, 4094, 4095, 4096, 5000, 9992, 9996, 9999, 10_000, 2, 8000, -1]
            for offset in offsets {
                #expect(reader.ascii(at: offset, count: 4) == buffer.ascii(at: offset, count: 4), "ascii at \(offset)")
                #expect(reader.uint32(at: offset, .bigEndian) == buffer.uint32(at: offset, .bigEndian), "uint32 at \(offset)")
                #expect(reader.int32(at: offset, .littleEndian) == buffer.int32(at: offset, .littleEndian), "int32 at \(offset)")
                #expect(reader.uint64(at: offset, .bigEndian) == buffer.uint64(at: offset, .bigEndian), "uint64 at \(offset)")
                #expect(reader.int64(at: offset, .bigEndian) == buffer.int64(at: offset, .bigEndian), "int64 at \(offset)")
                #expect(reader.bytes(at: offset, count: 9) == buffer.bytes(at: offset, count: 9), "bytes at \(offset)")
                #expect(reader.zeroTerminatedText(at: offset, count: 8) == buffer.zeroTerminatedText(at: offset, count: 8), "text at \(offset)")
            }
            #expect(reader.ascii(at: 4094, count: 4) == "FVCA")
            #expect(reader.zeroTerminatedText(at: 104, count: 4) == "ab")
            // Longer than a window: read from the buffer itself.
            #expect(reader.bytes(at: 10, count: 5000) == Array(bytes[10..<5010]))
            #expect(reader.uint32(at: 9997, .bigEndian) == nil)
        }
    }
}
