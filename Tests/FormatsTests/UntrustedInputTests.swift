import Foundation
import Testing
import TestSupport
@testable import Formats
@testable import Linalg

/// The causes of crashes, hangs and memory blow-ups found by a corpus of malformed files and by
/// libFuzzer, each fixed at its root: every one is refused with a FormatError (or read, when it is
/// valid), never a trap.
@Suite("Untrusted inputs")
struct UntrustedInputTests {
    private func refused(_ probe: FormatProbe, _ bytes: [UInt8], _ contains: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            let result = try probe.parse(bytes)
            Issue.record("accepted: \(result)", sourceLocation: sourceLocation)
        } catch let error as FormatError {
            if let contains { #expect(error.description.contains(contains), "\(error)", sourceLocation: sourceLocation) }
        } catch {
            Issue.record("not a FormatError: \(error)", sourceLocation: sourceLocation)
        }
    }

    private func xml(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test("XML: invalid UTF-8 in a name, empty processing instructions, truncation, DOCTYPE, entities")
    func xmlCauses() {
        refused(.mayaDescription, Array("<Autodesk_Cache_File><ca".utf8) + [0xC3, 0x28] + Array("he/></Autodesk_Cache_File>".utf8), "UTF-8")
        refused(.mayaDescription, xml("<?pi?><Autodesk_Cache_File></Autodesk_Cache_File>"), "missing")
        refused(.mayaDescription, xml("<?x?>"), "no root element")
        refused(.mayaDescription, xml("<Autodesk_Cache_File><cacheType Type=\"OneFile\"/>"), "never closed")
        refused(.mayaDescription, xml("<Autodesk_Cache_File><cacheType Type=\"OneFile\""), "unclosed tag")
        refused(.mayaDescription, xml("<!DOCTYPE a [<!ENTITY x \"y\">]><a/>"), "DOCTYPE")
        refused(.mayaDescription, xml("<a b=\"&x;\"/>"), "entity")
        refused(.mayaDescription, xml("<a></b>"), "closes")
        refused(.mayaDescription, xml("<a/><b/>"), "after the root")
        refused(.mayaDescription, xml(String(repeating: "<a>", count: 200)), "nested deeper")
    }

    @Test("Maya description: time ranges whose frame count would overflow")
    func mayaRanges() {
        let head = "<Autodesk_Cache_File><cacheType Type=\"OneFile\" Format=\"mcc\"/>"
        let tail = "<Channels><channel0 ChannelName=\"a\"/></Channels></Autodesk_Cache_File>"
        refused(.mayaDescription, xml(head + "<time Range=\"0-9223372036854775807\"/><cacheTimePerFrame TimePerFrame=\"1\"/>" + tail), "too large")
        refused(.mayaDescription, xml(head + "<time Range=\"-9223372036854775807-9223372036854775807\"/><cacheTimePerFrame TimePerFrame=\"1\"/>" + tail))
        refused(.mayaDescription, xml(head + "<time Range=\"0-99999999999999999999\"/><cacheTimePerFrame TimePerFrame=\"1\"/>" + tail), "not an integer")
    }

    /// A .npy header for `shape`, float32, and `data` after it.
    private func npy(_ shape: String, data: [UInt8] = []) -> [UInt8] {
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': \(shape), }"
        while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        return [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.utf8.count & 0xFF), UInt8(header.utf8.count >> 8)] + Array(header.utf8) + data
    }

    @Test("npy: empty shapes whose strides overflow, frames of 0 vertices")
    func npyShapes() throws {
        refused(.npy, npy("(0, 4611686018427387904, 3)"), "strides overflow")
        let folder = try makeTemporaryDirectory()
        for shape in ["(1099511627776, 0, 3)", "(20000000, 0, 3)"] {
            let path = folder + "/zero.npy"
            try Data(npy(shape)).write(to: URL(fileURLWithPath: path))
            #expect(throws: FormatError.self) { try NumpyCache.frames(path) }
        }
    }

    @Test("PC2: a header claiming 2^31−1 samples of 0 points is refused before anything is allocated")
    func pc2ZeroPoints() {
        var bytes = Array("POINTCACHE2".utf8) + [0]
        for value: UInt32 in [1, 0, 0, 0x3F80_0000, 0x7FFF_FFFF] { withUnsafeBytes(of: value.littleEndian) { bytes += $0 } }
        refused(.pc2, bytes, "0-byte frames")
    }

    /// A one-member zip around `payload` (stored), with the central directory's sizes replaced.
    private func zip(_ payload: [UInt8], compressed: UInt64? = nil, uncompressed: UInt64? = nil, crc: UInt32? = nil, method: UInt16 = 0) -> [UInt8] {
        var bytes = ZipArchive.stored([("a.npy", payload)])
        // The central directory entry follows the local header (30 + 5 name) and the payload.
        let cd = 30 + 5 + payload.count
        func put32(_ v: UInt32, _ at: Int) { for i in 0..<4 { bytes[at + i] = UInt8((v >> (8 * UInt32(i))) & 0xFF) } }
        if let crc { put32(crc, cd + 16) }
        bytes[cd + 10] = UInt8(method)
        if compressed != nil || uncompressed != nil {
            // Sizes through a zip64 extra field appended to the entry (and the directory length updated).
            put32(0xFFFF_FFFF, cd + 20); put32(0xFFFF_FFFF, cd + 24)
            var extra: [UInt8] = [1, 0, 16, 0]
            withUnsafeBytes(of: (uncompressed ?? UInt64(payload.count)).littleEndian) { extra += $0 }
            withUnsafeBytes(of: (compressed ?? UInt64(payload.count)).littleEndian) { extra += $0 }
            bytes[cd + 30] = UInt8(extra.count)
            let entryEnd = cd + 46 + 5
            bytes.insert(contentsOf: extra, at: entryEnd)
            let eocd = bytes.count - 22
            let oldSize = UInt32(bytes[eocd + 12]) | UInt32(bytes[eocd + 13]) << 8
            put32(oldSize + UInt32(extra.count), eocd + 12)
        }
        return bytes
    }

    @Test("npz: zip64 sizes past 2^63, a member claiming 2^62 bytes, a flipped bit, a lying directory, a deflate bomb")
    func zipLies() throws {
        let member = npy("(2,)", data: [0, 0, 128, 63, 0, 0, 0, 64])
        #expect(throws: Never.self) { try FormatProbe.npz.parse(zip(member)) }
        refused(.npz, zip(member, compressed: 1 << 63), "claims")
        refused(.npz, zip(member, uncompressed: 1 << 62), "claims")
        refused(.npz, zip(member, uncompressed: 1 << 62, method: 8), "claims")
        var flipped = zip(member)
        flipped[30 + 5 + member.count - 1] ^= 0x01
        let archive = try NpzArchive.parse(ByteBuffer(flipped), origin: "flipped")
        #expect(archive.failures["a"]?.problem.contains("CRC-32") == true, "\(archive.failures)")
        var lying = zip(member)
        lying[lying.count - 22 + 16] = 0xFF  // the central directory's offset, past the end
        lying[lying.count - 22 + 17] = 0x7F
        refused(.npz, lying, "outside")
        // 16 MB of zeros deflate to ~16 KB; the member declares 1 KB: inflation stops at the declared size.
        let zeros = [UInt8](repeating: 0, count: 16 << 20)
        let deflated = try deflate(zeros)
        var bomb = ZipArchive.stored([("a.npy", deflated)])
        let cd = 30 + 5 + deflated.count
        bomb[cd + 10] = 8; bomb[8] = 8
        for (i, v) in [UInt32(1024)].enumerated() { for b in 0..<4 { bomb[cd + 24 + 4 * i + b] = UInt8((v >> (8 * UInt32(b))) & 0xFF) } }
        let bombed = try NpzArchive.parse(ByteBuffer(bomb), origin: "bomb")
        #expect(bombed.failures["a"]?.problem.contains("more than the declared") == true, "\(bombed.failures)")
    }

    /// Raw DEFLATE of `bytes`, via Python's zlib (the reference encoder).
    private func deflate(_ bytes: [UInt8]) throws -> [UInt8] {
        let folder = try makeTemporaryDirectory()
        let input = folder + "/in", output = folder + "/out"
        try Data(bytes).write(to: URL(fileURLWithPath: input))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import zlib,sys; c=zlib.compressobj(9, zlib.DEFLATED, -15); d=open(sys.argv[1],'rb').read(); open(sys.argv[2],'wb').write(c.compress(d)+c.flush())", input, output]
        try process.run()
        process.waitUntilExit()
        return [UInt8](try Data(contentsOf: URL(fileURLWithPath: output)))
    }

    @Test("a zip64 archive written by Python whose extra field carries every value reads whole")
    func zip64ExtraRepeatsOffset() throws {
        // The bs_zip64.npz fixture was written by numpy with force_zip64.
        let path = Bundle.module.bundleURL.appendingPathComponent("Fixtures/bs_zip64.npz").path
        let archive = try NpzArchive.read(path)
        #expect(archive.failures.isEmpty && !archive.keys.isEmpty)
    }

    @Test("Maya writing: start ticks outside 32 bits are refused, not trapped on")
    func mayaTickRange() throws {
        let folder = try makeTemporaryDirectory()
        for start in [3e9, 1e30, -1e30] {
            var cache = try VertexCache(frameCount: 2, vertexCount: 1, positions: [0, 0, 0, 1, 1, 1],
                                        source: CacheSource(path: "x", format: .pointCache2, variant: "", storedType: "float32"))
            cache.startFrame = start
            cache.framesPerSecond = 30
            #expect(throws: FormatError.self) { try MayaCache.write(cache, to: folder + "/t.xml") }
        }
    }

    @Test("special files are refused before opening: a FIFO in a cache's place does not hang")
    func fifo() throws {
        let folder = try makeTemporaryDirectory()
        for name in ["f.mc", "f.npy", "f.json", "f.npz", "f.wav", "f.pc2"] {
            let path = folder + "/" + name
            #expect(mkfifo(path, 0o644) == 0)
            #expect(throws: FormatError.self) { _ = try FileInfo.inspect(path) }
        }
    }

    @Test("every fuzz regression input is read or refused with a FormatError", arguments: FormatProbe.allCases)
    func fuzzRegressions(probe: FormatProbe) throws {
        let folder = Bundle.module.bundleURL.appendingPathComponent("Fixtures/fuzz-regressions/\(probe.rawValue)").path
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        for file in files {
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: folder + "/" + file)))
            do { try probe.parse(bytes) } catch is FormatError {} catch { Issue.record("\(file): \(error)") }
        }
    }
}
