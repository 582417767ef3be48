import Foundation
import Testing
import TestSupport
@testable import Formats
@testable import Linalg

@Suite("Every writer read back by every reader")
struct RoundTripTests {
    private func sampleCache(frames: Int = 7, vertices: Int = 11, fps: Double? = 30) throws -> VertexCache {
        var rng = SeededGenerator(seed: 5)
        let values = (0..<(frames * vertices * 3)).map { _ in Float.random(in: -50...50, using: &rng) }
        return try VertexCache(frameCount: frames, vertexCount: vertices, positions: values, framesPerSecond: fps,
                               source: CacheSource(path: "memory", format: .numpy, variant: "", storedType: "float32"))
    }

    @Test("float caches survive every format bit-exactly", arguments: ["out.npy", "out.pc2", "out.xml", "out.mc", "out.mcx"])
    func cacheRoundTrip(name: String) throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cache = try sampleCache()
        let path = dir + "/" + name
        try VertexCacheIO.write(cache, to: path)
        let back = try VertexCacheIO.read(path)
        #expect(back.frameCount == cache.frameCount && back.vertexCount == cache.vertexCount)
        #expect(back.positions == cache.positions)
        if CacheFormat(path: path) == .mayaCache {
            #expect(back.framesPerSecond == 30)
            #expect(back.source.storedType == "float32")
            #expect(back.source.variant.hasPrefix(name.hasSuffix("mcx") ? "FOR8" : "FOR4"))
        }
        // Writing again replaces the files in place.
        try VertexCacheIO.write(cache, to: path)
        #expect(try VertexCacheIO.read(path).positions == cache.positions)
        // No temporary files are left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).allSatisfy { !$0.hasSuffix(".tmp") })
    }

    @Test("double caches (Maya DVCA FOR4/FOR8, npy <f8) hold float64 and read back to the same floats",
          arguments: ["d.xml", "d.mcx", "d.npy"])
    func doubleRoundTrip(name: String) throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cache = try sampleCache(fps: 24)
        try VertexCacheIO.write(cache, to: dir + "/" + name, double: true)
        let back = try VertexCacheIO.read(dir + "/" + name)
        #expect(back.source.storedType == "float64")
        #expect(back.positions == cache.positions)
    }

    @Test("every format converts to every other and back unchanged")
    func conversionChain() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var cache = try sampleCache()
        for name in ["a.pc2", "b.mcx", "c.npy", "d.xml", "e.pc2", "f.npy"] {
            try VertexCacheIO.write(cache, to: dir + "/" + name)
            let fps = cache.framesPerSecond
            cache = try VertexCacheIO.read(dir + "/" + name)
            if cache.framesPerSecond == nil { cache.framesPerSecond = fps }
        }
        #expect(cache.positions == (try sampleCache()).positions)
    }

    @Test("Maya frame rates and start frames are kept", arguments: [24.0, 25, 30, 60])
    func mayaTiming(fps: Double) throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var cache = try sampleCache(fps: fps)
        cache.startFrame = 10
        try MayaCache.write(cache, to: dir + "/t.xml")
        let back = try MayaCache.read(dir + "/t.xml")
        #expect(back.framesPerSecond == fps)
        #expect(back.startFrame == 10)
        let description = try MayaCacheDescription.read(dir + "/t.xml")
        #expect(description.timePerFrame == Int(6000 / fps))
        #expect(description.frameCount == 7)
    }

    @Test("a frame rate that is not a whole number of ticks is refused")
    func awkwardFrameRate() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cache = try sampleCache(fps: 29.97)
        #expect(throws: FormatError.self) { try MayaCache.write(cache, to: dir + "/x.xml") }
        #expect(!FileManager.default.fileExists(atPath: dir + "/x.mc"))
    }

    @Test("npy writer: floats, int32 and S/U strings read back")
    func npyWriter() throws {
        let floats = try NpyArray.parse(ByteBuffer(NpyWriter.encode(floats: [1, -2, 3.5, 4], shape: [2, 2])), origin: "f")
        #expect(floats.shape == [2, 2] && floats.dtype == .float32)
        #expect(try floats.floats() == [1, -2, 3.5, 4])
        let ints = try NpyArray.parse(ByteBuffer(NpyWriter.encode(int32: [7, -8, 9], shape: [3])), origin: "i")
        #expect(try ints.integers() == [7, -8, 9])
        let names = try NpyArray.parse(ByteBuffer(NpyWriter.encode(byteStrings: ["neutral", "jawOpen"])), origin: "s")
        #expect(names.dtype.description == "|S7")
        #expect(try names.strings() == ["neutral", "jawOpen"])
        let unicode = try NpyArray.parse(ByteBuffer(NpyWriter.encode(unicodeStrings: ["a", "Zungé"])), origin: "u")
        #expect(unicode.dtype.description == "<U5")
        #expect(try unicode.strings() == ["a", "Zungé"])
        // numpy.save of a one-element float32 array is 132 bytes: the header is padded to 128.
        #expect(NpyWriter.encode(floats: [1], shape: [1]).count == 132)
    }

    @Test("npz writer (stored) reads back every member")
    func npzWriter() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/bs.npz"
        try NpzArchive.write([
            ("poseNames", NpyWriter.encode(byteStrings: ["neutral", "jawOpen"])),
            ("neutral", NpyWriter.encode(floats: Array(fixtureCacheValues.prefix(15)), shape: [5, 3])),
            ("frontalMask", NpyWriter.encode(int32: [0, 3], shape: [2])),
        ], to: path)
        let archive = try NpzArchive.read(path)
        #expect(archive.keys == ["poseNames", "neutral", "frontalMask"])
        #expect(try archive.array("poseNames").strings() == ["neutral", "jawOpen"])
        #expect(try archive.array("neutral").floats() == Array(fixtureCacheValues.prefix(15)))
        #expect(try archive.array("frontalMask").integers() == [0, 3])
    }

    @Test("WAV writer: PCM16 within half a step, float32 exactly", arguments: [WavAudio.OutputFormat.pcm16, .float32])
    func wavWriter(format: WavAudio.OutputFormat) throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let samples = (0..<1001).map { Float(sin(Double($0) * 0.05) * 0.8) }
        let audio = WavAudio(sampleRate: 16000, channelCount: 1, bitsPerSample: 0, encoding: .pcm, samples: samples)
        try audio.write(to: dir + "/a.wav", as: format)
        let back = try WavAudio.read(dir + "/a.wav")
        #expect(back.sampleRate == 16000 && back.channelCount == 1 && back.frameCount == 1001)
        let worst = zip(back.samples, samples).map { abs($0 - $1) }.max() ?? 1
        #expect(worst <= (format == .pcm16 ? 0.5 / 32768 : 0))
    }

    @Test("JSON vertex lists and blendshape configs decode, and errors name the key")
    func json() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try write(ascii(#"{"upper_lip": {"top": [1, 2], "bottom": [3, 4]}, "lower_lip": {"top": [5], "bottom": [6]}}"#), to: dir + "/size.json")
        let size = try JSONFile.read(LipSizeVertexList.self, from: dir + "/size.json")
        #expect(size.upperLip.bottom == [3, 4] && size.lowerLip.top == [5])
        try write(ascii(#"{"upper": [10, 11], "lower": "x"}"#), to: dir + "/eye.json")
        let error = try #require(throws: FormatError.self) { try JSONFile.read(UpperLowerVertexList.self, from: dir + "/eye.json") }
        #expect(error.description.contains(".lower"))
        var config = BlendshapeConfig(numPoses: 2, strengthL1: 0.5)
        config.bsSolveCancelPoses = [0, 0]
        try JSONFile.write(BlendshapeConfigFile(config), to: dir + "/cfg.json")
        let back = try JSONFile.read(BlendshapeConfigFile.self, from: dir + "/cfg.json")
        #expect(back.blendshapeParams == config)
        #expect(back.blendshapeParams.effectiveTemplateBBSize == 54.7)
        try write(ascii(#"[3, 7, 9, 12]"#), to: dir + "/rigid.json")
        #expect(try JSONFile.read([Int].self, from: dir + "/rigid.json") == [3, 7, 9, 12])
    }
}
