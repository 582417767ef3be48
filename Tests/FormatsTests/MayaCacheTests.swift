import Foundation
import Testing
import TestSupport
import Linalg
@testable import Formats

/// Maya caches assembled byte by byte from the format description, independent of FacePrep's writer.
enum MayaBytes {
    static func pad(_ bytes: [UInt8], to alignment: Int) -> [UInt8] {
        bytes + [UInt8](repeating: 0, count: (alignment - bytes.count % alignment) % alignment)
    }
    /// FOR4: tag, 32-bit size, data padded to 4.
    static func chunk4(_ tag: String, _ payload: [UInt8]) -> [UInt8] { ascii(tag) + be32(payload.count) + pad(payload, to: 4) }
    static func group4(_ type: String, _ children: [UInt8]) -> [UInt8] { chunk4("FOR4", ascii(type) + children) }
    /// FOR8: tag, 4 zero bytes, 64-bit size, data padded to 8.
    static func chunk8(_ tag: String, _ payload: [UInt8]) -> [UInt8] { ascii(tag) + [0, 0, 0, 0] + be64(payload.count) + pad(payload, to: 8) }
    static func group8(_ type: String, _ children: [UInt8]) -> [UInt8] { chunk8("FOR8", ascii(type) + children) }

    static func cstring(_ s: String) -> [UInt8] { ascii(s) + [0] }

    static func xml(type: String = "OneFile", format: String = "mcc", range: (Int, Int), tpf: Int, channels: [(String, String)]) -> [UInt8] {
        var text = """
            <?xml version="1.0"?>
            <Autodesk_Cache_File>
              <cacheType Type="\(type)" Format="\(format)"/>
              <time Range="\(range.0)-\(range.1)"/>
              <cacheTimePerFrame TimePerFrame="\(tpf)"/>
              <cacheVersion Version="2.0"/>
              <Channels>

            """
        for (i, c) in channels.enumerated() {
            text += "    <channel\(i) ChannelName=\"\(c.0)\" ChannelType=\"\(c.1)\" ChannelInterpretation=\"positions\" SamplingType=\"Regular\" SamplingRate=\"\(tpf)\" StartTime=\"\(range.0)\" EndTime=\"\(range.1)\"/>\n"
        }
        return ascii(text + "  </Channels>\n</Autodesk_Cache_File>\n")
    }

    /// Frame f, vertex v, axis a of the test caches.
    static func value(_ f: Int, _ v: Int, _ a: Int) -> Float { Float(f * 100 + v * 10 + a) + 0.25 }
    static func frameValues(_ f: Int, vertices: Int) -> [Float] { (0..<vertices).flatMap { v in (0..<3).map { value(f, v, $0) } } }

    /// A OneFile FOR4 cache of 3 frames × 2 vertices at 30 fps (200 ticks), start time 0.
    static func for4(frames: Int = 3, vertices: Int = 2, extraChannel: Bool = false) -> [UInt8] {
        var bytes = group4("CACH", chunk4("VRSN", cstring("0.1")) + chunk4("STIM", be32(0)) + chunk4("ETIM", be32((frames - 1) * 200)))
        for f in 0..<frames {
            var body = chunk4("TIME", be32(f * 200))
            body += chunk4("CHNM", cstring("skinShape")) + chunk4("SIZE", be32(vertices)) + chunk4("FVCA", beFloats(frameValues(f, vertices: vertices)))
            if extraChannel {
                body += chunk4("CHNM", cstring("tongueShape")) + chunk4("SIZE", be32(1))
                body += chunk4("DVCA", beDoubles([Double(f), -1.5, 2]))
            }
            bytes += group4("MYCH", body)
        }
        return bytes
    }

    static func for8(frames: Int = 3, vertices: Int = 2) -> [UInt8] {
        var bytes = group8("CACH", chunk8("VRSN", cstring("0.1")) + chunk8("STIM", be32(0)) + chunk8("ETIM", be32((frames - 1) * 200)))
        for f in 0..<frames {
            bytes += group8("MYCH", chunk8("TIME", be32(f * 200)) + chunk8("CHNM", cstring("skinShape"))
                + chunk8("SIZE", be32(vertices)) + chunk8("DVCA", beDoubles(frameValues(f, vertices: vertices).map(Double.init))))
        }
        return bytes
    }
}

@Suite("Maya caches assembled byte by byte")
struct MayaCacheTests {
    private func expected(frames: Int = 3, vertices: Int = 2) -> [Float] {
        (0..<frames).flatMap { MayaBytes.frameValues($0, vertices: vertices) }
    }

    @Test("FOR4 OneFile float: values, frame rate, variant")
    func for4() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try write(MayaBytes.xml(range: (0, 400), tpf: 200, channels: [("skinShape", "FloatVectorArray")]), to: dir + "/shot.xml")
        try write(MayaBytes.for4(), to: dir + "/shot.mc")
        let cache = try MayaCache.read(dir + "/shot.xml")
        #expect(cache.frameCount == 3 && cache.vertexCount == 2)
        #expect(cache.positions == expected())
        #expect(cache.framesPerSecond == 30)
        #expect(cache.source.variant == "FOR4, OneFile")
        #expect(cache.source.storedType == "float32")
        #expect(cache.source.notes.isEmpty)
        // The binary alone is readable too, without a frame rate.
        let bare = try VertexCacheIO.read(dir + "/shot.mc")
        #expect(bare.positions == expected())
    }

    @Test("FOR8 (.mcx) double channel")
    func for8() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try write(MayaBytes.xml(format: "mcx", range: (0, 400), tpf: 200, channels: [("skinShape", "DoubleVectorArray")]), to: dir + "/shot.xml")
        try write(MayaBytes.for8(), to: dir + "/shot.mcx")
        let cache = try MayaCache.read(dir + "/shot.xml")
        #expect(cache.positions == expected())
        #expect(cache.source.storedType == "float64")
        #expect(cache.source.variant.hasPrefix("FOR8"))
        #expect(cache.source.notes.contains { $0.contains("FOR8") })
    }

    @Test("two channels: the choice is required, each reads its own data")
    func twoChannels() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try write(MayaBytes.xml(range: (0, 400), tpf: 200, channels: [("skinShape", "FloatVectorArray"), ("tongueShape", "DoubleVectorArray")]), to: dir + "/s.xml")
        try write(MayaBytes.for4(extraChannel: true), to: dir + "/s.mc")
        let error = try #require(throws: FormatError.self) { try MayaCache.read(dir + "/s.xml") }
        #expect(error.description.contains("skinShape") && error.description.contains("tongueShape"))
        let skin = try MayaCache.read(dir + "/s.xml", channel: "skinShape")
        #expect(skin.positions == expected())
        #expect(skin.source.notes.contains { $0.contains("2 channels") })
        let tongue = try MayaCache.read(dir + "/s.xml", channel: "tongueShape")
        #expect(tongue.vertexCount == 1)
        #expect(tongue.positions == [0, -1.5, 2, 1, -1.5, 2, 2, -1.5, 2])
        #expect(throws: FormatError.self) { try MayaCache.read(dir + "/s.xml", channel: "eyes") }
    }

    @Test("OneFilePerFrame: Frame<N>.mc files in time order, Tick sub-frames skipped")
    func oneFilePerFrame() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try write(MayaBytes.xml(type: "OneFilePerFrame", range: (200, 600), tpf: 200, channels: [("skinShape", "FloatVectorArray")]), to: dir + "/p.xml")
        func frameFile(_ f: Int, time: Int) -> [UInt8] {
            MayaBytes.group4("CACH", MayaBytes.chunk4("VRSN", MayaBytes.cstring("0.1")) + MayaBytes.chunk4("STIM", be32(time)) + MayaBytes.chunk4("ETIM", be32(time)))
                + MayaBytes.group4("MYCH", MayaBytes.chunk4("CHNM", MayaBytes.cstring("skinShape")) + MayaBytes.chunk4("SIZE", be32(2))
                    + MayaBytes.chunk4("FVCA", beFloats(MayaBytes.frameValues(f, vertices: 2))))
        }
        for f in 0..<3 { try write(frameFile(f, time: 200 + 200 * f), to: dir + "/pFrame\(f + 1).mc") }
        try write(frameFile(9, time: 300), to: dir + "/pFrame1Tick100.mc")
        let cache = try MayaCache.read(dir + "/p.xml")
        #expect(cache.positions == expected())
        #expect(cache.startFrame == 1)
        #expect(cache.source.variant == "FOR4, OneFilePerFrame")
        #expect(cache.source.notes.contains { $0.contains("OneFilePerFrame") })
        #expect(cache.source.notes.contains { $0.contains("sub-frame") })
    }

    @Test("the XML time range must match the frames present")
    func timeRangeMismatch() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try write(MayaBytes.xml(range: (0, 600), tpf: 200, channels: [("skinShape", "FloatVectorArray")]), to: dir + "/shot.xml")
        try write(MayaBytes.for4(), to: dir + "/shot.mc")
        let error = try #require(throws: FormatError.self) { try MayaCache.read(dir + "/shot.xml") }
        #expect(error.description.contains("4 frames") && error.description.contains("holds 3"))
    }
}

@Suite("A cache read once for its sums and samples")
struct CacheAccumulationTests {
    /// 11 frames × 700 vertices, values over six orders of magnitude, so that a sum taken in any
    /// other order would round differently.
    static let frames = 11, vertices = 700
    static func values(_ f: Int) -> [Float] {
        (0..<(vertices * 3)).map { i in
            let x = Double((f * 7_919 + i * 104_729) % 1_000_003) / 1_000_003
            return Float((x - 0.4) * pow(10, Double((i + f) % 7) - 3))
        }
    }

    private func cache(nanAt: (frame: Int, value: Int)? = nil) throws -> (dir: String, frames: CacheFrames) {
        let dir = try makeTemporaryDirectory()
        var bytes = MayaBytes.group4("CACH", MayaBytes.chunk4("VRSN", MayaBytes.cstring("0.1")) + MayaBytes.chunk4("STIM", be32(0))
                                        + MayaBytes.chunk4("ETIM", be32((Self.frames - 1) * 200)))
        for f in 0..<Self.frames {
            var values = Self.values(f)
            if let nanAt, nanAt.frame == f { values[nanAt.value] = .nan }
            bytes += MayaBytes.group4("MYCH", MayaBytes.chunk4("TIME", be32(f * 200)) + MayaBytes.chunk4("CHNM", MayaBytes.cstring("skinShape"))
                                          + MayaBytes.chunk4("SIZE", be32(Self.vertices)) + MayaBytes.chunk4("FVCA", beFloats(values)))
        }
        try write(bytes, to: dir + "/shot.mc")
        return (dir, try VertexCacheIO.frames(dir + "/shot.mc"))
    }

    @Test("sums equal frame-after-frame Double additions exactly; samples are the selected values")
    func sumsAndSamples() throws {
        let (dir, frames) = try cache()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let selection = [1, 2, 3, 50, 51, 52, 699]
        let runs = try #require(CoordinateRuns(vertices: selection))
        var sums: [Double] = [], sampled: [Float] = []
        #expect(try frames.accumulate(into: &sums, sampling: runs, into: &sampled) == nil)
        var expected = [Double](repeating: 0, count: Self.vertices * 3)
        var expectedSamples: [Float] = []
        for f in 0..<Self.frames {
            let values = Self.values(f)
            for i in values.indices { expected[i] += Double(values[i]) }
            expectedSamples += selection.flatMap { v in (0..<3).map { values[3 * v + $0] } }
        }
        #expect(sums == expected)
        #expect(sampled == expectedSamples)
    }

    @Test("a NaN stops the pass at its frame: the first frame read, one inside, the last", arguments: [(0, 17), (6, 2_099), (10, 0)])
    func nonFinite(frame: Int, value: Int) throws {
        let (dir, frames) = try cache(nanAt: (frame, value))
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var sums: [Double] = [], sampled: [Float] = []
        #expect(try frames.accumulate(into: &sums, sampling: nil, into: &sampled) == frame)
    }
}
