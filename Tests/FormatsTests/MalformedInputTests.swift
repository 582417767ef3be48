import Foundation
import Testing
import TestSupport
@testable import Formats
@testable import Linalg

/// Damaged and hostile files: every one must give a FormatError naming the file and a place in it —
/// never a crash, a hang or an allocation sized by a header's claim.
@Suite("Malformed inputs")
struct MalformedInputTests {
    private func withDirectory(_ body: (String) throws -> Void) throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try body(dir)
    }

    /// Reads `path` and expects a FormatError about `file` (default: `path`) with a precise location.
    @discardableResult
    private func expectError(_ path: String, file: String? = nil, _ read: (String) throws -> Void) -> FormatError? {
        do {
            try read(path)
            Issue.record("\(path) was read without error")
            return nil
        } catch let error as FormatError {
            #expect(error.file == (file ?? path), "\(error)")
            #expect(error.location != .wholeFile, "\(error)")
            return error
        } catch {
            Issue.record("unexpected error type: \(error)")
            return nil
        }
    }

    @Test("every truncation of an .npy, .pc2, FOR4/FOR8 Maya binary and .wav is refused")
    func truncatedEverywhere() throws {
        try withDirectory { dir in
            let cache = try VertexCache(frameCount: 2, vertexCount: 3, positions: (0..<18).map(Float.init),
                                        source: CacheSource(path: "m", format: .numpy, variant: "", storedType: "float32"))
            try VertexCacheIO.write(cache, to: dir + "/full.npy")
            try VertexCacheIO.write(cache, to: dir + "/full.pc2")
            let wav = WavAudio.encode(samples: (0..<50).map { Float($0) / 50 }, sampleRate: 16000, channelCount: 1, as: .pcm16)
            let files: [(String, [UInt8], (String) throws -> Void)] = [
                ("npy", [UInt8](try Data(contentsOf: URL(fileURLWithPath: dir + "/full.npy"))), { _ = try VertexCacheIO.read($0) }),
                ("pc2", [UInt8](try Data(contentsOf: URL(fileURLWithPath: dir + "/full.pc2"))), { _ = try VertexCacheIO.read($0) }),
                ("mc", MayaBytes.for4(), { _ = try VertexCacheIO.read($0) }),
                ("mcx", MayaBytes.for8(), { _ = try VertexCacheIO.read($0) }),
                ("wav", wav, { _ = try WavAudio.read($0) }),
            ]
            for (ext, bytes, read) in files {
                let path = dir + "/cut." + ext
                for length in 0..<bytes.count {
                    try write(Array(bytes.prefix(length)), to: path)
                    do {
                        try read(path)
                        // A Maya binary cut exactly between two frame groups is a complete, shorter cache.
                        if ext == "mc" || ext == "mcx" { continue }
                        Issue.record("\(ext) truncated to \(length) of \(bytes.count) bytes was accepted")
                    } catch let error as FormatError {
                        #expect(error.file == path)
                    } catch {
                        Issue.record("\(ext) truncated to \(length): unexpected \(error)")
                    }
                }
            }
        }
    }

    @Test("wrong magic numbers name what was found")
    func wrongMagic() throws {
        try withDirectory { dir in
            try write(ascii("NUMPYNOT") + [UInt8](repeating: 0, count: 64), to: dir + "/a.npy")
            expectError(dir + "/a.npy") { _ = try VertexCacheIO.read($0) }
            try write(ascii("POINTCACHE3\0") + [UInt8](repeating: 0, count: 20), to: dir + "/a.pc2")
            expectError(dir + "/a.pc2") { _ = try VertexCacheIO.read($0) }
            try write(ascii("FOR9") + be32(4) + ascii("CACH"), to: dir + "/a.mc")
            let mc = expectError(dir + "/a.mc") { _ = try VertexCacheIO.read($0) }
            #expect(mc?.problem.contains("FOR9") == true)
            try write(ascii("FORM") + le32(4) + ascii("AIFF"), to: dir + "/a.wav")
            let wav = expectError(dir + "/a.wav") { _ = try WavAudio.read($0) }
            #expect(wav?.problem.contains("AIFF") == true)
        }
    }

    @Test("sizes that overflow or exceed the file are refused before allocating")
    func hostileSizes() throws {
        try withDirectory { dir in
            // .npy v2 claiming a 4 GiB header.
            try write([0x93] + ascii("NUMPY") + [2, 0] + le32(0xFFFF_FFFF) + ascii("{}"), to: dir + "/h.npy")
            expectError(dir + "/h.npy") { _ = try NpyArray.read($0) }
            // .npy whose shape multiplies past Int.max.
            let header = "{'descr': '<f4', 'fortran_order': False, 'shape': (4611686018427387904, 4611686018427387904, 3), }\n"
            try write([0x93] + ascii("NUMPY") + [1, 0] + le16(header.utf8.count) + ascii(header), to: dir + "/s.npy")
            let shape = expectError(dir + "/s.npy") { _ = try NpyArray.read($0) }
            #expect(shape?.problem.contains("overflow") == true)
            // .npy claiming far more data than present.
            let big = "{'descr': '<f4', 'fortran_order': False, 'shape': (100000000, 3), }\n"
            try write([0x93] + ascii("NUMPY") + [1, 0] + le16(big.utf8.count) + ascii(big) + [0, 0, 0, 0], to: dir + "/b.npy")
            expectError(dir + "/b.npy") { _ = try NpyArray.read($0) }
            // PC2 claiming 2^31 − 1 points × 2^31 − 1 samples.
            try write(ascii("POINTCACHE2\0") + le32(1) + le32(0x7FFF_FFFF) + le32(0) + le32(Int(Float(1).bitPattern)) + le32(0x7FFF_FFFF), to: dir + "/h.pc2")
            expectError(dir + "/h.pc2") { _ = try VertexCacheIO.read($0) }
            // FOR4 group claiming 4 GiB; FOR8 claiming 2^63.
            try write(ascii("FOR4") + be32(0xFFFF_FFF0) + ascii("CACH"), to: dir + "/h.mc")
            expectError(dir + "/h.mc") { _ = try VertexCacheIO.read($0) }
            try write(ascii("FOR8") + [0, 0, 0, 0] + [0x80, 0, 0, 0, 0, 0, 0, 0] + ascii("CACH"), to: dir + "/h.mcx")
            expectError(dir + "/h.mcx") { _ = try VertexCacheIO.read($0) }
            // FVCA whose byte count disagrees with SIZE.
            var bad = MayaBytes.group4("CACH", MayaBytes.chunk4("STIM", be32(0)) + MayaBytes.chunk4("ETIM", be32(0)))
            bad += MayaBytes.group4("MYCH", MayaBytes.chunk4("CHNM", MayaBytes.cstring("a")) + MayaBytes.chunk4("SIZE", be32(1000)) + MayaBytes.chunk4("FVCA", beFloats([1, 2, 3])))
            try write(bad, to: dir + "/size.mc")
            let size = expectError(dir + "/size.mc") { _ = try VertexCacheIO.read($0) }
            #expect(size?.problem.contains("SIZE says 1000") == true)
            // WAV data chunk claiming 4 GiB.
            try write(ascii("RIFF") + le32(100) + ascii("WAVE") + ascii("fmt ") + le32(16) + le16(1) + le16(1) + le32(16000) + le32(32000) + le16(2) + le16(16)
                      + ascii("data") + le32(0xFFFF_FFFF) + [0, 0], to: dir + "/h.wav")
            expectError(dir + "/h.wav") { _ = try WavAudio.read($0) }
        }
    }

    @Test("negative counts are refused")
    func negativeCounts() throws {
        try withDirectory { dir in
            try write(ascii("POINTCACHE2\0") + le32(1) + le32(-5) + le32(0) + le32(Int(Float(1).bitPattern)) + le32(2), to: dir + "/n.pc2")
            let pc2 = expectError(dir + "/n.pc2") { _ = try VertexCacheIO.read($0) }
            #expect(pc2?.location == .byteOffset(16))
            var mc = MayaBytes.group4("CACH", MayaBytes.chunk4("STIM", be32(0)) + MayaBytes.chunk4("ETIM", be32(0)))
            mc += MayaBytes.group4("MYCH", MayaBytes.chunk4("CHNM", MayaBytes.cstring("a")) + MayaBytes.chunk4("SIZE", be32(-2)) + MayaBytes.chunk4("FVCA", []))
            try write(mc, to: dir + "/n.mc")
            expectError(dir + "/n.mc") { _ = try VertexCacheIO.read($0) }
            let header = "{'descr': '<f4', 'fortran_order': False, 'shape': (-1, 3), }\n"
            try write([0x93] + ascii("NUMPY") + [1, 0] + le16(header.utf8.count) + ascii(header), to: dir + "/n.npy")
            expectError(dir + "/n.npy") { _ = try NpyArray.read($0) }
        }
    }

    @Test("unknown tags in a Maya cache name the tag and its offset")
    func unknownTags() throws {
        try withDirectory { dir in
            var mc = MayaBytes.group4("CACH", MayaBytes.chunk4("STIM", be32(0)) + MayaBytes.chunk4("ETIM", be32(0)) + MayaBytes.chunk4("WHAT", be32(1)))
            try write(mc, to: dir + "/h.mc")
            let header = expectError(dir + "/h.mc") { _ = try VertexCacheIO.read($0) }
            #expect(header?.problem.contains("WHAT") == true)
            mc = MayaBytes.group4("CACH", MayaBytes.chunk4("STIM", be32(0)) + MayaBytes.chunk4("ETIM", be32(0)))
            mc += MayaBytes.group4("MYCH", MayaBytes.chunk4("CHNM", MayaBytes.cstring("a")) + MayaBytes.chunk4("SIZE", be32(1)) + MayaBytes.chunk4("ZZZZ", beFloats([1, 2, 3])))
            try write(mc, to: dir + "/d.mc")
            let data = expectError(dir + "/d.mc") { _ = try VertexCacheIO.read($0) }
            #expect(data?.problem.contains("ZZZZ") == true)
            #expect(data?.location == .byteOffset(72))
        }
    }

    @Test("NaN and infinite payloads name the frame, vertex and byte offset")
    func nonFinitePayloads() throws {
        try withDirectory { dir in
            var values = (0..<18).map(Float.init)
            values[10] = .nan
            let cache = try VertexCache(frameCount: 2, vertexCount: 3, positions: values,
                                        source: CacheSource(path: "m", format: .numpy, variant: "", storedType: "float32"))
            try PointCache2.write(cache, to: dir + "/n.pc2")
            let pc2 = expectError(dir + "/n.pc2") { _ = try VertexCacheIO.read($0) }
            #expect(pc2?.location == .byteOffset(32 + 40))
            #expect(pc2?.problem.contains("frame 1, vertex 0, y") == true)
            try NumpyCache.write(cache, to: dir + "/n.npy", double: false)
            let npy = expectError(dir + "/n.npy") { _ = try VertexCacheIO.read($0) }
            #expect(npy?.location == .byteOffset(128 + 40))
            var infinite = values
            infinite[10] = .infinity
            try MayaCache.write(try VertexCache(frameCount: 2, vertexCount: 3, positions: infinite, framesPerSecond: 30,
                                                source: cache.source), to: dir + "/n.xml")
            expectError(dir + "/n.xml", file: dir + "/n.mc") { _ = try VertexCacheIO.read($0) }
            // A NaN in the PC2 header's start frame.
            try write(ascii("POINTCACHE2\0") + le32(1) + le32(0) + le32(Int(Float.nan.bitPattern)) + le32(Int(Float(1).bitPattern)) + le32(0), to: dir + "/h.pc2")
            let header = expectError(dir + "/h.pc2") { _ = try VertexCacheIO.read($0) }
            #expect(header?.location == .byteOffset(20))
        }
    }

    @Test("WAV: odd-sized chunks are padded, LIST chunks skipped, RF64 sizes taken from ds64")
    func wavChunkRules() throws {
        try withDirectory { dir in
            let fmt = ascii("fmt ") + le32(16) + le16(1) + le16(1) + le32(16000) + le32(32000) + le16(2) + le16(16)
            let samples = le16(1000) + le16(-1000 & 0xFFFF) + le16(16384)
            let list = ascii("LIST") + le32(9) + ascii("INFOabcde") + [0]   // odd size, pad byte
            let body = ascii("WAVE") + fmt + list + ascii("data") + le32(6) + samples
            try write(ascii("RIFF") + le32(body.count) + body, to: dir + "/odd.wav")
            let odd = try WavAudio.read(dir + "/odd.wav")
            #expect(odd.chunks == ["fmt ", "LIST", "data"])
            let expectedSamples: [Float] = [1000.0 / 32768, -1000.0 / 32768, 0.5]
            #expect(odd.samples == expectedSamples)
            let ds64 = ascii("ds64") + le32(28) + le64(0) + le64(6) + le64(3) + le32(0)
            let rf = ascii("WAVE") + ds64 + fmt + ascii("data") + le32(0xFFFF_FFFF) + samples
            try write(ascii("RF64") + le32(0xFFFF_FFFF) + rf, to: dir + "/rf.wav")
            let rf64 = try WavAudio.read(dir + "/rf.wav")
            #expect(rf64.container == "RF64")
            #expect(rf64.samples == odd.samples)
            let noDS64 = ascii("WAVE") + fmt + ascii("data") + le32(0xFFFF_FFFF) + samples
            try write(ascii("RF64") + le32(0xFFFF_FFFF) + noDS64, to: dir + "/bad.wav")
            expectError(dir + "/bad.wav") { _ = try WavAudio.read($0) }
        }
    }

    @Test("malformed XML and JSON name the line or key")
    func xmlAndJSON() throws {
        try withDirectory { dir in
            try write(ascii("<Autodesk_Cache_File><cacheType Type=\"OneFile\"/>"), to: dir + "/x.xml")
            expectError(dir + "/x.xml") { _ = try MayaCache.read($0) }
            try write(MayaBytes.xml(type: "Sometimes", range: (0, 0), tpf: 200, channels: [("a", "FloatVectorArray")]), to: dir + "/t.xml")
            let type = expectError(dir + "/t.xml") { _ = try MayaCache.read($0) }
            #expect(type?.problem.contains("Sometimes") == true)
            try write(ascii(#"{"upper": [1, 2]}"#), to: dir + "/e.json")
            let json = expectError(dir + "/e.json") { _ = try JSONFile.read(UpperLowerVertexList.self, from: $0) }
            #expect(json?.problem.contains("lower") == true)
        }
    }
}
