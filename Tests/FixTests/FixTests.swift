import CSndfile
import Foundation
import Testing
import TestSupport
@testable import Dataset
@testable import Fix
import Formats
import Linalg

/// A synthetic dataset with one instance of every fault `faceprep fix` repairs (and one it cannot),
/// the same dataset made without them, and the truth to check the repairs against.
@Suite("faceprep fix: faults repaired against truth, the input untouched", .serialized)
struct FixTests {
    static let shots = ["shot01_neutral", "shot02_amazement", "shot03_neutral", "shot04_amazement", "shot05_neutral", "shot06_amazement"]
    /// Frames the animation of shot06 trails its audio by.
    static let delay = 4
    /// The closed-form tone shot01's audio is replaced with (below 4 kHz, so 8 kHz holds it).
    static func tone(_ t: Double) -> Double { 0.4 * sin(2 * .pi * 330 * t) + 0.2 * sin(2 * .pi * 1_700 * t + 0.5) }

    /// (faulty, static-and-in-sync twin, synth as written).
    static let datasets: (faulty: String, truth: String, written: String) = {
        do {
            let root = try makeTemporaryDirectory("faceprep-fix")
            func synth(_ folder: String, motion: [Double], delays: [Int]) throws {
                var options = SynthesisOptions()
                options.shots = 6; options.vertices = 1500; options.poses = 52; options.frames = 90...120; options.voices = 1; options.seed = 4
                options.headMotionDegrees = motion
                options.animationDelays = delays
                try DatasetSynthesizer.write(to: folder, options: options)
            }
            try synth(root + "/written", motion: [0, 0, 2], delays: [0, 0, 0, 0, 0, delay])
            try synth(root + "/truth", motion: [0], delays: [0])
            let faulty = root + "/faulty"
            try FileManager.default.copyItem(atPath: root + "/written", toPath: faulty)
            try injectFaults(faulty, perShot: root + "/per-shot")
            return (faulty, root + "/truth", root + "/written")
        } catch { fatalError("cannot write the fix fixtures: \(error)") }
    }()

    static var perShot: String { URL(fileURLWithPath: datasets.faulty).deletingLastPathComponent().path + "/per-shot" }

    static func injectFaults(_ ds: String, perShot: String) throws {
        let fm = FileManager.default
        func skin(_ shot: String) -> String { "\(ds)/cache/skin/\(shot)/\(shot)" }
        // A FOR8 Maya cache (shot02) and a big-endian float64 .npy one (shot04).
        let two = try VertexCacheIO.read(skin(shots[1]) + ".xml")
        for ext in ["xml", "mc"] { try fm.removeItem(atPath: skin(shots[1]) + "." + ext) }
        try VertexCacheIO.write(two, to: skin(shots[1]) + ".mcx")
        let four = try VertexCacheIO.read(skin(shots[3]) + ".xml")
        for ext in ["xml", "mc"] { try fm.removeItem(atPath: skin(shots[3]) + "." + ext) }
        try VertexCacheIO.write(four, to: skin(shots[3]) + ".npy", double: true)
        // A flat [F, 3V] .npy cache (shot05).
        let five = try VertexCacheIO.read(skin(shots[4]) + ".xml")
        for ext in ["xml", "mc"] { try fm.removeItem(atPath: skin(shots[4]) + "." + ext) }
        try AtomicFile.write(NpyWriter.encode(floats: five.positions, shape: [five.frameCount, 3 * five.vertexCount]), to: skin(shots[4]) + ".npy")
        // shot01: a tone at 8 kHz in 8 bits; shot02: 0.2 s short; shot05: named in another case.
        let frames01 = try VertexCacheIO.frames(skin(shots[0]) + ".xml").frameCount
        let count = Int(Double(frames01) / 30 * 8_000)
        try Data(wav8(rate: 8_000, samples: (0..<count).map { tone(Double($0) / 8_000) })).write(to: URL(fileURLWithPath: "\(ds)/audio/\(shots[0]).wav"))
        let short = try WavAudio.read("\(ds)/audio/\(shots[1]).wav")
        try WavAudio(sampleRate: short.sampleRate, channelCount: 1, bitsPerSample: 16, encoding: .pcm, samples: Array(short.samples.dropLast(3_200)))
            .write(to: "\(ds)/audio/\(shots[1]).wav", as: .pcm16)
        // shot05's track, named in another case, is also 0.3 s long: validate sees it only once it has the right name
        // and its flat cache (below) can be read, in the fix's second pass.
        let five05 = try WavAudio.read("\(ds)/audio/\(shots[4]).wav")
        try WavAudio(sampleRate: five05.sampleRate, channelCount: 1, bitsPerSample: 16, encoding: .pcm,
                     samples: five05.samples + [Float](repeating: 0.01, count: 4_800)).write(to: "\(ds)/audio/\(shots[4]).wav", as: .pcm16)
        try fm.moveItem(atPath: "\(ds)/audio/\(shots[4]).wav", toPath: "\(ds)/audio/Shot05_neutral.WAV")
        // shot02's short track in stereo (both channels the same); shot03's audio as FLAC (named .flac), its
        // augmented track as FLAC data in a .wav: both written by libsndfile.
        let shortStereo = try WavAudio.read("\(ds)/audio/\(shots[1]).wav")
        try WavAudio(sampleRate: shortStereo.sampleRate, channelCount: 2, bitsPerSample: 16, encoding: .pcm,
                     samples: shortStereo.samples.flatMap { [$0, $0] }).write(to: "\(ds)/audio/\(shots[1]).wav", as: .pcm16)
        for (track, target) in [("audio/\(shots[2]).wav", "audio/\(shots[2]).flac"), ("audio/aug/voice1/\(shots[2]).wav", "audio/aug/voice1/\(shots[2]).wav")] {
            let audio = try WavAudio.read("\(ds)/\(track)")
            try fm.removeItem(atPath: "\(ds)/\(track)")
            try writeFLAC(audio.samples, rate: audio.sampleRate, to: "\(ds)/\(target)")
        }
        // A stray file at the cache root.
        try Data("export notes".utf8).write(to: URL(fileURLWithPath: "\(ds)/cache/skin/notes.txt"))
        // float64 geometry; jaw transforms in float64 with 3 frames too many for shot03.
        let eye = try NpyArray.read("\(ds)/geom/skin/eye_close_pose_delta.npy")
        try AtomicFile.write(NpyWriter.encode(doubles: try eye.doubles(), shape: eye.shape), to: "\(ds)/geom/skin/eye_close_pose_delta.npy")
        var jaw = try NpzArchive.memberBytes("\(ds)/\(DatasetFiles.jawCache)")
        for (index, member) in jaw.enumerated() where member.key == shots[2] {
            let array = try NpyArray.parse(ByteBuffer(member.npy), origin: "jaw")
            let values = try array.doubles(), perFrame = values.count / array.shape[0]
            var shape = array.shape
            shape[0] += 3
            jaw[index].npy = NpyWriter.encode(doubles: values + values.suffix(3 * perFrame), shape: shape)
        }
        try NpzArchive.write(jaw, to: "\(ds)/\(DatasetFiles.jawCache)")
        // Blendshapes: poseNames as unicode, frontalMask as int64.
        var bs = try NpzArchive.memberBytes("\(ds)/\(DatasetFiles.bsSkin)")
        for (index, member) in bs.enumerated() {
            let array = try NpyArray.parse(ByteBuffer(member.npy), origin: "bs")
            if member.key == "poseNames" { bs[index].npy = NpyWriter.encode(unicodeStrings: try array.strings()) }
            if member.key == "frontalMask" { bs[index].npy = NpyWriter.encode(int64: try array.integers(), shape: array.shape) }
        }
        try NpzArchive.write(bs, to: "\(ds)/\(DatasetFiles.bsSkin)")
        // The combine-script mistake in the eye rotations of shot01, whose own archive is in a folder of per-shot files.
        var eyes = try NpzArchive.memberBytes("\(ds)/\(DatasetFiles.eyeRotations)")
        for (index, member) in eyes.enumerated() where member.key == shots[0] {
            try fm.createDirectory(atPath: perShot, withIntermediateDirectories: true)
            try NpzArchive.write([(key: "rotations", npy: member.npy)], to: "\(perShot)/eye_rotations_\(shots[0]).npz")
            eyes[index].npy = NpyWriter.encode(unicodeStrings: ["rotations"])
        }
        try NpzArchive.write(eyes, to: "\(ds)/\(DatasetFiles.eyeRotations)")
        // Not fixable: shot04's audio is gone.
        try fm.removeItem(atPath: "\(ds)/audio/\(shots[3]).wav")
    }

    /// A 16-bit mono FLAC file, written by libsndfile.
    static func writeFLAC(_ samples: [Float], rate: Int, to path: String) throws {
        var info = SF_INFO()
        info.samplerate = Int32(rate)
        info.channels = 1
        info.format = Int32(SF_FORMAT_FLAC | SF_FORMAT_PCM_16)
        guard let file = sf_open(path, Int32(SFM_WRITE), &info) else { throw FixError.io(path, "libsndfile cannot write FLAC") }
        _ = samples.withUnsafeBufferPointer { sf_writef_float(file, $0.baseAddress, sf_count_t($0.count)) }
        sf_close(file)
    }

    /// An 8-bit unsigned PCM mono WAV.
    static func wav8(rate: Int, samples: [Double]) -> [UInt8] {
        var out = ByteWriter()
        out.append(ascii: "RIFF"); out.append(UInt32(36 + samples.count), .littleEndian); out.append(ascii: "WAVEfmt ")
        out.append(UInt32(16), .littleEndian); out.append(UInt16(1), .littleEndian); out.append(UInt16(1), .littleEndian)
        out.append(UInt32(rate), .littleEndian); out.append(UInt32(rate), .littleEndian); out.append(UInt16(1), .littleEndian); out.append(UInt16(8), .littleEndian)
        out.append(ascii: "data"); out.append(UInt32(samples.count), .littleEndian)
        out.append(samples.map { UInt8(clamping: Int((128 + 127 * $0).rounded())) })
        return out.bytes
    }

    /// Size and CRC-32 of every file below `root`.
    static func fingerprint(_ root: String) throws -> [String: String] {
        var result: [String: String] = [:]
        let walker = FileManager.default.enumerator(atPath: root)
        while let relative = walker?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: root + "/" + relative, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            let bytes = try ByteBuffer.map(path: root + "/" + relative)
            result[relative] = "\(bytes.count) \(Deflate.crc32(bytes))"
        }
        return result
    }

    static func fix(_ options: (inout FixOptions) -> Void = { _ in }) throws -> (FixReport, String) {
        let out = try makeTemporaryDirectory("faceprep-fixed") + "/fixed"
        var fixOptions = FixOptions(output: out)
        options(&fixOptions)
        return (try FixRun.run(datasets.faulty, options: fixOptions), out)
    }

    @Test("every fixable fault is gone from the fixed dataset; the unfixable one is listed and remains; the input is byte for byte as before")
    func fixesEverything() throws {
        let faulty = Self.datasets.faulty
        let before = try Self.fingerprint(faulty)
        let found = Set(try DatasetValidator.validate(faulty).findings.map(\.rule))
        let fixable: Set<String> = ["CACHE-MAYA-VARIANT", "CACHE-DTYPE", "HEAD-MOTION", "AUDIO-RATE", "AUDIO-DEPTH", "AUDIO-SHORT", "LAYOUT-STRAY",
                                    "GEOM-SDK-DTYPE", "XFORM-DTYPE", "XFORM-FRAMES", "BS-POSENAMES", "BS-MASK", "SYNC-OFFSET", "XFORM-COMBINE-MISTAKE", "CACHE-UNREADABLE", "AUDIO-CHANNELS", "AUDIO-NOT-WAV"]
        #expect(fixable.isSubset(of: found), "the fixture lacks \(fixable.subtracting(found))")
        let (report, out) = try Self.fix { $0.applySync = true; $0.perShotFolder = Self.perShot }
        #expect(report.fixed.allSatisfy { $0.error == nil }, "\(report.fixed.compactMap(\.error))")
        let eyes = try NpzArchive.read(out + "/" + DatasetFiles.eyeRotations).array(Self.shots[0])
        let originalEyes = try NpzArchive.read(Self.datasets.written + "/" + DatasetFiles.eyeRotations).array(Self.shots[0])
        let eyeValues = try eyes.floats(), originalEyeValues = try originalEyes.floats()
        #expect(eyes.dtype == .float32 && eyes.shape == originalEyes.shape && eyeValues == originalEyeValues)
        let remaining = Set(report.remaining.map(\.rule))
        #expect(remaining.isDisjoint(with: fixable), "still there: \(remaining.intersection(fixable))")
        #expect(remaining.contains("AUDIO-MISSING") && report.unfixed.contains { $0.rule == "AUDIO-MISSING" && $0.file == "audio/\(Self.shots[3]).wav" })
        #expect(report.exitCode == 1)   // the missing audio is an error that stays
        #expect(try Self.fingerprint(faulty) == before)
        // The log, the set-aside file, the renamed audio; no marker left.
        let fm = FileManager.default
        #expect(fm.fileExists(atPath: out + "/" + FixRun.logName) && !fm.fileExists(atPath: out + "/" + FixRun.incompleteMarker))
        #expect(fm.fileExists(atPath: out + "/_set_aside/cache/skin/notes.txt") && !fm.fileExists(atPath: out + "/cache/skin/notes.txt"))
        #expect(fm.fileExists(atPath: out + "/audio/shot05_neutral.wav") && !fm.fileExists(atPath: out + "/audio/Shot05_neutral.WAV"))
        // The hidden fault, fixed in the second pass: the renamed track trimmed to the reshaped cache's length.
        #expect(report.fixed.contains { $0.pass == 2 && $0.rules == ["AUDIO-LONG"] && $0.file == "audio/shot05_neutral.wav" })
        let five = try WavAudio.read(out + "/audio/shot05_neutral.wav")
        let fiveFrames = try VertexCacheIO.frames(out + "/cache/skin/shot05_neutral/shot05_neutral.npy").frameCount
        #expect(five.frameCount == Int((Double(fiveFrames) / 30 * 16_000).rounded()))
        // Unchanged files are hard links to the input's.
        let attributes = try fm.attributesOfItem(atPath: out + "/geom/skin/neutral_pose.npy")
        #expect((attributes[.referenceCount] as? Int ?? 1) >= 2)
    }

    @Test("the stabilised shot equals the motion-free original; its tongue moved with it")
    func stabilisedAgainstTruth() throws {
        let (_, out) = try Self.fix()
        for kind in ["skin", "tongue"] {
            let shot = Self.shots[2]
            let fixed = try VertexCacheIO.read("\(out)/cache/\(kind)/\(shot)/\(shot).xml")
            let truth = try VertexCacheIO.read("\(Self.datasets.truth)/cache/\(kind)/\(shot)/\(shot).xml")
            let moving = try VertexCacheIO.read("\(Self.datasets.faulty)/cache/\(kind)/\(shot)/\(shot).xml")
            let error = zip(fixed.positions, truth.positions).map { abs($0 - $1) }.max() ?? .infinity
            let motion = zip(moving.positions, truth.positions).map { abs($0 - $1) }.max() ?? 0
            #expect(motion > 0.1, "\(kind): the fixture's head does not move")
            #expect(error < 1e-4, "\(kind): \(error) from the motion-free original")
        }
    }

    @Test("the shifted audio is the original delayed by the known lag exactly, the augmented track too; the resampled tone matches its closed form")
    func audioAgainstTruth() throws {
        let (report, out) = try Self.fix { $0.applySync = true }
        let shot = Self.shots[5], shift = Self.delay * 16_000 / 30
        #expect(report.fixed.contains { $0.rules.contains("SYNC-OFFSET") && $0.file == "audio/\(shot).wav" })
        for track in ["audio/\(shot).wav", "audio/aug/voice1/\(shot).wav"] {
            let original = try WavAudio.read("\(Self.datasets.written)/\(track)").samples
            let fixed = try WavAudio.read("\(out)/\(track)").samples
            #expect(fixed.count == original.count)
            #expect(fixed.prefix(shift).allSatisfy { $0 == 0 })
            let moved = zip(fixed.dropFirst(shift), original.dropLast(shift)).filter { $0 != $1 }.count
            #expect(moved == 0, "\(track): \(moved) samples differ from the original shifted by \(shift)")
        }
        // 8 kHz 8-bit tone → 16 kHz 16-bit: the tone's values within 8-bit quantisation (1/127) and the filter's ripple.
        let resampled = try WavAudio.read("\(out)/audio/\(Self.shots[0]).wav")
        #expect(resampled.sampleRate == 16_000 && resampled.bitsPerSample == 16)
        let margin = 160
        var worst = 0.0
        for i in margin..<(resampled.samples.count - margin) { worst = max(worst, abs(Double(resampled.samples[i]) - Self.tone(Double(i) / 16_000))) }
        #expect(worst < 0.012, "worst \(worst)")
        // FLAC decoded to the same 16-bit samples; the stereo track averaged to its (identical) channels.
        for track in ["audio/\(Self.shots[2]).wav", "audio/aug/voice1/\(Self.shots[2]).wav", "audio/\(Self.shots[1]).wav"] {
            let decoded = try WavAudio.read("\(out)/\(track)"), original = try WavAudio.read("\(Self.datasets.written)/\(track)")
            // shot02's track was cut short by 3,200 samples before it became stereo; the rest is the padding.
            let count = min(decoded.samples.count, original.samples.count) - (track.contains(Self.shots[1]) ? 3_200 : 0)
            let differing = zip(decoded.samples.prefix(count), original.samples.prefix(count)).filter { $0 != $1 }.count
            #expect(decoded.channelCount == 1 && decoded.bitsPerSample == 16 && differing == 0, "\(track): \(differing) samples differ")
        }
        #expect(!FileManager.default.fileExists(atPath: "\(out)/audio/\(Self.shots[2]).flac"))
        // The short track padded to the animation's length with silence at the end.
        let padded = try WavAudio.read("\(out)/audio/\(Self.shots[1]).wav")
        let frames = try VertexCacheIO.frames("\(out)/cache/skin/\(Self.shots[1])/\(Self.shots[1]).xml").frameCount
        #expect(padded.frameCount == Int((Double(frames) / 30 * 16_000).rounded()))
        #expect(padded.samples.suffix(3_000).allSatisfy { $0 == 0 })
    }

    @Test("rewritten arrays keep their values; caches keep their positions; the jaw member loses only its trailing frames")
    func valuesKept() throws {
        let (_, out) = try Self.fix()
        let written = Self.datasets.written
        let eye = try NpyArray.read("\(out)/geom/skin/eye_close_pose_delta.npy")
        #expect(eye.dtype == .float32)
        let eyeValues = try eye.floats(), originalEye = try NpyArray.read("\(written)/geom/skin/eye_close_pose_delta.npy").floats()
        #expect(eyeValues == originalEye)
        for (shot, file) in [(Self.shots[1], "xml"), (Self.shots[3], "npy"), (Self.shots[4], "npy")] {
            let fixed = try VertexCacheIO.read("\(out)/cache/skin/\(shot)/\(shot).\(file)")
            #expect(fixed.source.storedType == "float32" && (file == "npy" || fixed.source.variant.contains("FOR4")), "\(fixed.source)")
            let original = try VertexCacheIO.read("\(written)/cache/skin/\(shot)/\(shot).xml")
            #expect(fixed.positions == original.positions)
        }
        let jaw = try NpzArchive.read("\(out)/\(DatasetFiles.jawCache)").array(Self.shots[2])
        let original = try NpzArchive.read("\(written)/\(DatasetFiles.jawCache)").array(Self.shots[2])
        let jawValues = try jaw.floats(), originalValues = try original.floats()
        #expect(jaw.dtype == .float32 && jaw.shape == original.shape && jawValues == originalValues)
        let bs = try NpzArchive.read("\(out)/\(DatasetFiles.bsSkin)")
        #expect(bs.arrays["poseNames"]?.dtype.kind == .bytes && bs.arrays["frontalMask"]?.dtype == .int32)
        let mask = try bs.array("frontalMask").integers(), originalMask = try NpzArchive.read("\(written)/\(DatasetFiles.bsSkin)").array("frontalMask").integers()
        #expect(mask == originalMask)
    }

    /// Maya XML of a cache with `channels` (name, type), `frames` frames at 30 fps.
    static func mayaXML(type: String, frames: Int, channels: [(String, String)]) -> [UInt8] {
        var text = "<?xml version=\"1.0\"?>\n<Autodesk_Cache_File>\n  <cacheType Type=\"\(type)\" Format=\"mcc\"/>\n"
        text += "  <time Range=\"0-\((frames - 1) * 200)\"/>\n  <cacheTimePerFrame TimePerFrame=\"200\"/>\n  <cacheVersion Version=\"2.0\"/>\n  <Channels>\n"
        for (i, c) in channels.enumerated() {
            text += "    <channel\(i) ChannelName=\"\(c.0)\" ChannelType=\"\(c.1)\" ChannelInterpretation=\"positions\" SamplingType=\"Regular\" SamplingRate=\"200\" StartTime=\"0\" EndTime=\"\((frames - 1) * 200)\"/>\n"
        }
        return ascii(text + "  </Channels>\n</Autodesk_Cache_File>\n")
    }
    static func chunk(_ tag: String, _ payload: [UInt8]) -> [UInt8] { ascii(tag) + be32(payload.count) + payload + [UInt8](repeating: 0, count: (4 - payload.count % 4) % 4) }
    static func group(_ type: String, _ children: [UInt8]) -> [UInt8] { chunk("FOR4", ascii(type) + children) }
    static func header(_ start: Int, _ end: Int) -> [UInt8] { chunk("VRSN", ascii("0.1") + [0]) + chunk("STIM", be32(start)) + chunk("ETIM", be32(end)) }

    @Test("Maya variants: OneFilePerFrame, two channels (with --channel) and a name in another case become OneFile FOR4 <shot>.xml with the same positions; without --channel the two-channel cache is listed")
    func mayaVariants() throws {
        let root = try makeTemporaryDirectory("faceprep-fix-maya") + "/ds"
        try FileManager.default.copyItem(atPath: Self.datasets.truth, toPath: root)
        let perFrame = Self.shots[0], twoChannels = Self.shots[1]
        let one = try VertexCacheIO.read("\(root)/cache/skin/\(perFrame)/\(perFrame).xml")
        let two = try VertexCacheIO.read("\(root)/cache/skin/\(twoChannels)/\(twoChannels).xml")
        for shot in [perFrame, twoChannels] { for ext in ["xml", "mc"] { try FileManager.default.removeItem(atPath: "\(root)/cache/skin/\(shot)/\(shot).\(ext)") } }
        let stride = 3 * one.vertexCount
        try Data(Self.mayaXML(type: "OneFilePerFrame", frames: one.frameCount, channels: [("skinShape", "FloatVectorArray")]))
            .write(to: URL(fileURLWithPath: "\(root)/cache/skin/\(perFrame)/\(perFrame).xml"))
        for f in 0..<one.frameCount {
            let values = Array(one.positions[(f * stride)..<((f + 1) * stride)])
            let bytes = Self.group("CACH", Self.header(f * 200, f * 200))
                + Self.group("MYCH", Self.chunk("CHNM", ascii("skinShape") + [0]) + Self.chunk("SIZE", be32(one.vertexCount)) + Self.chunk("FVCA", beFloats(values)))
            try Data(bytes).write(to: URL(fileURLWithPath: "\(root)/cache/skin/\(perFrame)/\(perFrame)Frame\(f).mc"))
        }
        var bytes = Self.group("CACH", Self.header(0, (two.frameCount - 1) * 200))
        for f in 0..<two.frameCount {
            let values = Array(two.positions[(f * stride)..<((f + 1) * stride)])
            bytes += Self.group("MYCH", Self.chunk("TIME", be32(f * 200)) + Self.chunk("CHNM", ascii("skinShape") + [0]) + Self.chunk("SIZE", be32(two.vertexCount))
                + Self.chunk("FVCA", beFloats(values)) + Self.chunk("CHNM", ascii("eyeShape") + [0]) + Self.chunk("SIZE", be32(1)) + Self.chunk("DVCA", beDoubles([1, 2, 3])))
        }
        try Data(Self.mayaXML(type: "OneFile", frames: two.frameCount, channels: [("skinShape", "FloatVectorArray"), ("eyeShape", "DoubleVectorArray")]))
            .write(to: URL(fileURLWithPath: "\(root)/cache/skin/\(twoChannels)/\(twoChannels).xml"))
        try Data(bytes).write(to: URL(fileURLWithPath: "\(root)/cache/skin/\(twoChannels)/\(twoChannels).mc"))
        // validate calls both variants the framework cannot read as they are (it would interleave the two channels as frames).
        // And a cache named after its shot in another case.
        let renamed = Self.shots[2]
        let three = try VertexCacheIO.read("\(root)/cache/skin/\(renamed)/\(renamed).xml")
        for ext in ["xml", "mc"] {
            try FileManager.default.moveItem(atPath: "\(root)/cache/skin/\(renamed)/\(renamed).\(ext)", toPath: "\(root)/cache/skin/\(renamed)/Shot03_Neutral.\(ext)")
        }
        let found = try DatasetValidator.validate(root).findings
        #expect(found.contains { $0.rule == "CACHE-MISSING" && $0.file.contains(renamed) })
        #expect(found.contains { $0.rule == "CACHE-MAYA-VARIANT" && $0.file.contains(perFrame) })
        #expect(found.contains { $0.rule == "CACHE-MAYA-VARIANT" && $0.file.contains(twoChannels) && $0.message.contains("2 channels") && $0.message.contains("interleaves") },
                "\(found.map(\.line))")

        let scratch = try makeTemporaryDirectory("faceprep-fix-maya-out")
        let unnamed = try FixRun.run(root, options: FixOptions(output: scratch + "/a"))
        #expect(unnamed.unfixed.contains { $0.rule == "CACHE-MAYA-VARIANT" && $0.file.contains(twoChannels) && $0.why.contains("--channel") })
        var named = FixOptions(output: scratch + "/b")
        named.channel = "skinShape"
        let report = try FixRun.run(root, options: named)
        #expect(report.fixed.allSatisfy { $0.error == nil } && !report.remaining.contains { $0.rule.hasPrefix("CACHE-") })
        for (shot, original) in [(perFrame, one), (twoChannels, two), (renamed, three)] {
            let fixed = try VertexCacheIO.read("\(scratch)/b/cache/skin/\(shot)/\(shot).xml")
            #expect(fixed.source.variant.contains("OneFile") && fixed.source.channels.count == 1 && fixed.positions == original.positions, "\(shot): \(fixed.source)")
            let left = try FileManager.default.contentsOfDirectory(atPath: "\(scratch)/b/cache/skin/\(shot)").sorted()
            #expect(left == ["\(shot).mc", "\(shot).xml"], "\(left)")
        }
    }

    @Test("--dry-run writes nothing; --skip leaves a rule's findings; the output must be new, outside the input, or an interrupted fix's")
    func contract() throws {
        let scratch = try makeTemporaryDirectory("faceprep-fix-contract")
        var dry = FixOptions(output: scratch + "/dry")
        dry.dryRun = true
        let plan = try FixRun.run(Self.datasets.faulty, options: dry)
        #expect(!FileManager.default.fileExists(atPath: scratch + "/dry") && !plan.fixed.isEmpty && plan.remaining.isEmpty)

        var skipping = FixOptions(output: scratch + "/skip")
        skipping.skip = [try RuleSelector("HEAD-MOTION")]
        let skipped = try FixRun.run(Self.datasets.faulty, options: skipping)
        #expect(skipped.remaining.contains { $0.rule == "HEAD-MOTION" } && skipped.unfixed.contains { $0.rule == "HEAD-MOTION" })

        #expect(throws: FixError.self) { try FixRun.run(Self.datasets.faulty, options: FixOptions(output: Self.datasets.faulty + "/fixed")) }
        try FileManager.default.createDirectory(atPath: scratch + "/full", withIntermediateDirectories: true)
        try Data("mine".utf8).write(to: URL(fileURLWithPath: scratch + "/full/keep.txt"))
        #expect(throws: FixError.self) { try FixRun.run(Self.datasets.faulty, options: FixOptions(output: scratch + "/full")) }
        #expect(FileManager.default.fileExists(atPath: scratch + "/full/keep.txt"))
        // An interrupted fix's folder (marked) is started again.
        try FileManager.default.createDirectory(atPath: scratch + "/again/cache", withIntermediateDirectories: true)
        try Data().write(to: URL(fileURLWithPath: scratch + "/again/" + FixRun.incompleteMarker))
        try Data("half".utf8).write(to: URL(fileURLWithPath: scratch + "/again/cache/partial.npy"))
        let again = try FixRun.run(Self.datasets.faulty, options: FixOptions(output: scratch + "/again"))
        #expect(again.fixed.allSatisfy { $0.error == nil })
        #expect(!FileManager.default.fileExists(atPath: scratch + "/again/cache/partial.npy"))
        #expect(!FileManager.default.fileExists(atPath: scratch + "/again/" + FixRun.incompleteMarker))
    }
}
