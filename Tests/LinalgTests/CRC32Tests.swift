import Linalg
import TestSupport
import Testing

@Suite("CRC-32 as zip stores it")
struct CRC32Tests {
    /// The definition, a bit at a time (reflected polynomial 0xEDB88320, complemented in and out).
    static func bitwise(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    /// i·131 + 7 mod 256 for i in 0 ..< 2²⁰.
    static let pattern = (0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 7) }

    @Test("Python's zlib.crc32 of the check string and of long buffers, folded or not")
    func matchesPython() throws {
        #expect(Deflate.crc32(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(Deflate.crc32(Self.pattern) == 0xCC7A_0791)
        #expect(Deflate.crc32(Array(Self.pattern[0..<64])) == 0x38E4_DBB5)
        #expect(Deflate.crc32(Array(Self.pattern[0..<79])) == 0x118A_99CB)
        #expect(Deflate.crc32(Array(Self.pattern[0..<128])) == 0xCC81_6B20)
        // An odd start and length inside a buffer: the fold reads unaligned lanes and leaves a tail.
        let slice = try #require(ByteBuffer(Self.pattern).slice(3..<1_000_006))
        #expect(Deflate.crc32(slice) == 0x474B_541F)
    }

    @Test("every length up to 300 at every start up to 16 equals the bit-at-a-time definition")
    func matchesTheDefinition() throws {
        var rng = SeededGenerator(seed: 32)
        let bytes = (0..<400).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let buffer = ByteBuffer(bytes)
        for start in 0..<16 {
            for length in 0...300 {
                let slice = try #require(buffer.slice(start..<(start + length)))
                let expected = Self.bitwise(bytes[start..<(start + length)])
                #expect(Deflate.crc32(slice) == expected, "start \(start), length \(length)")
                if Deflate.crc32(slice) != expected { return }
            }
        }
    }
}
