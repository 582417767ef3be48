import Foundation
import Formats
import Testing
import TestSupport
import Analysis
@testable import Dataset

/// validate's verdicts against what the training framework and the SDK really do: each fault
/// mechanism gives its rule, severity and file; faults the framework reads as the same numbers give
/// no error.
@Suite("validate: verdicts follow the framework", .serialized)
struct ValidateFrameworkTests {
    private func writeText(_ text: String, _ path: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    /// Findings added by `fault`, validated with `options`.
    private func added(options: ValidationOptions = ValidationOptions(), _ fault: (String) throws -> Void) throws -> Set<String> {
        let root = try datasetCopy()
        defer { try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: root).deletingLastPathComponent().path) }
        let before = findingKeys(try DatasetValidator.validate(root, options: options))
        try fault(root)
        return findingKeys(try DatasetValidator.validate(root, options: options)).subtracting(before)
    }

    private func errors(_ keys: Set<String>) -> Set<String> { keys.filter { $0.hasPrefix("E-") } }

    /// Adds a shot named `name`, a copy of the first shot in every file that is per shot.
    private func addShot(_ root: String, _ name: String, frames: Int? = nil) throws {
        let fm = FileManager.default
        for kind in ["skin", "tongue"] {
            let folder = "\(root)/cache/\(kind)/\(name)"
            try fm.createDirectory(atPath: folder, withIntermediateDirectories: true)
            var cache = try VertexCacheIO.read("\(root)/cache/\(kind)/\(firstShot)/\(firstShot).xml")
            if let frames {
                cache = try VertexCache(frameCount: frames, vertexCount: cache.vertexCount, positions: Array(cache.positions.prefix(frames * cache.vertexCount * 3)),
                                        framesPerSecond: cache.framesPerSecond, source: cache.source)
            }
            try VertexCacheIO.write(cache, to: "\(folder)/\(name).xml")
        }
        let audio = try WavAudio.read("\(root)/audio/\(firstShot).wav")
        let samples = frames.map { Array(audio.samples.prefix($0 * audio.sampleRate / 30)) } ?? audio.samples
        let wav = WavAudio(sampleRate: audio.sampleRate, channelCount: 1, bitsPerSample: 16, encoding: .pcm, samples: samples)
        try wav.write(to: "\(root)/audio/\(name).wav", as: .pcm16)
        try wav.write(to: "\(root)/audio/aug/voice1/\(name).wav", as: .pcm16)
        for file in [DatasetFiles.jawCache, DatasetFiles.eyeRotations] {
            let archive = try NpzArchive.read("\(root)/\(file)")
            var members = try archive.keys.map { key in (key: key, npy: NpyWriter.encode(floats: try archive.array(key).floats(), shape: try archive.array(key).shape)) }
            let first = try archive.array(firstShot)
            let count = frames ?? first.shape[0]
            let width = first.shape.dropFirst().reduce(1, *)
            members.append((name, NpyWriter.encode(floats: Array(try first.floats().prefix(count * width)), shape: [count] + first.shape.dropFirst())))
            try NpzArchive.write(members, to: "\(root)/\(file)")
        }
    }

    @Test("a stray file at a cache root is an error; dot-files and files inside shot folders or audio/ are not")
    func strayFiles() throws {
        #expect(try added { root in try writeText("notes", "\(root)/cache/tongue/README.txt") } == ["E-LAYOUT-STRAY cache/tongue/README.txt"])
        #expect(try added { root in
            try writeText("x", "\(root)/cache/skin/.DS_Store")
            try writeText("x", "\(root)/audio/notes.txt")
            try writeText("x", "\(root)/cache/skin/\(firstShot)/notes.txt")
        }.isEmpty)
    }

    @Test("shot names the framework's glob lookup or generated files cannot carry", arguments: [
        ("take[1]", "E-SHOT-NAME-GLOB"), ("shot0?_neutral", "E-SHOT-NAME-GLOB"), ("shot*", "E-SHOT-NAME-GLOB"),
        ("say \"hi\"", "E-SHOT-NAME-QUOTE"), ("back\\slash", "E-SHOT-NAME-QUOTE"),
    ])
    func badShotNames(name: String, rule: String) throws {
        let keys = try added { root in try addShot(root, name) }
        #expect(keys.contains("\(rule) cache/skin/\(name)/"), "\(keys)")
        #expect(keys.filter { $0.contains("SHOT-NAME") && !$0.hasPrefix("\(rule) cache/skin/\(name)/") && !$0.contains("cache/tongue") }.isEmpty, "\(keys)")
    }

    @Test("names with a lone ], an unclosed [, or a wildcard that matches only themselves are harmless", arguments: ["odd]", "odd[take", "only?one"])
    func harmlessShotNames(name: String) throws {
        let keys = try added { root in try addShot(root, name) }
        #expect(!keys.contains { $0.contains("SHOT-NAME") }, "\(keys)")
        #expect(errors(keys).isEmpty, "\(keys)")
    }

    @Test("glob patterns follow Python's fnmatch")
    func globPattern() {
        #expect(GlobPattern("cp?_neutral")!.matches("cp1_neutral"))
        #expect(GlobPattern("take[1]")!.matches("take1") && !GlobPattern("take[1]")!.matches("take[1]"))
        #expect(GlobPattern("a[!b]c")!.matches("axc") && !GlobPattern("a[!b]c")!.matches("abc"))
        #expect(GlobPattern("odd[take")!.matches("odd[take"))
        #expect(GlobPattern("x]")!.matches("x]"))
        #expect(GlobPattern("a[]]b")!.matches("a]b"))
        #expect(GlobPattern("s*")!.matches("shot01") && GlobPattern("s*")!.matches("s"))
        #expect(GlobPattern("[a-c]x")!.matches("bx") && !GlobPattern("[a-c]x")!.matches("dx"))
    }

    @Test("a 1-frame shot stops training; 6 frames at 30 fps stop the diffusion model only")
    func shortShots() throws {
        let one = try added { root in try addShot(root, "blip_neutral", frames: 1) }
        #expect(one.contains("E-CACHE-TOO-SHORT cache/skin/blip_neutral/blip_neutral.xml"), "\(one)")
        let six = try added { root in try addShot(root, "brief_neutral", frames: 6) }
        #expect(six.contains("E-CACHE-TOO-SHORT-DIFFUSION cache/skin/brief_neutral/brief_neutral.xml"), "\(six)")
        #expect(!six.contains("E-CACHE-TOO-SHORT cache/skin/brief_neutral/brief_neutral.xml"))
        var regression = ValidationOptions()
        regression.model = .regression
        let sixRegression = try added(options: regression) { root in try addShot(root, "brief_neutral", frames: 6) }
        #expect(!sixRegression.contains { $0.contains("TOO-SHORT") }, "\(sixRegression)")
        let seven = try added { root in try addShot(root, "short_neutral", frames: 7) }
        #expect(!seven.contains { $0.contains("TOO-SHORT") }, "\(seven)")
    }

    /// Scales every geometric file of the dataset by `factor` (a unit change).
    private func rescale(_ root: String, by factor: Float) throws {
        for kind in ["skin", "tongue"] {
            for shot in try FileManager.default.contentsOfDirectory(atPath: "\(root)/cache/\(kind)") {
                let path = "\(root)/cache/\(kind)/\(shot)/\(shot).xml"
                let cache = try VertexCacheIO.read(path)
                try VertexCacheIO.write(try withPositions(cache, cache.positions.map { $0 * factor }), to: path)
            }
        }
        for file in [DatasetFiles.skinNeutral, DatasetFiles.tongueNeutral, DatasetFiles.eyeClose, DatasetFiles.lipOpen] {
            let array = try NpyArray.read("\(root)/\(file)")
            try AtomicFile.write(NpyWriter.encode(floats: try array.floats().map { $0 * factor }, shape: array.shape), to: "\(root)/\(file)")
        }
    }

    @Test("a dataset in metres or millimetres fails the framework's centimetre thresholds, with the factor", arguments: [(Float(0.01), "×100"), (Float(10), "×0.1")])
    func units(factor: Float, fix: String) throws {
        let root = try datasetCopy()
        try rescale(root, by: factor)
        let report = try DatasetValidator.validate(root)
        let units = report.findings.filter { $0.code == "E-SCALE-UNITS" }
        #expect(units.map(\.file) == [DatasetFiles.skinNeutral])
        #expect(units.first?.message.contains(fix) == true, "\(units)")
        #expect(!report.findings.contains { $0.code == "E-EYE-GAP" }, "the units finding says it all")
    }

    @Test("augmented tracks pair by substring: a name containing another shot's is an error, a suffix is fine")
    func augmentedPairing() throws {
        let keys = try added { root in
            try addShot(root, "neutral_1")
            try addShot(root, "neutral_10")
        }
        #expect(keys.contains("E-AUG-SUBSTRING audio/aug/voice1/neutral_10.wav"), "\(keys)")
        #expect(!keys.contains("E-AUG-SUBSTRING audio/aug/voice1/neutral_1.wav"))
        let suffix = try added { root in
            try FileManager.default.moveItem(atPath: "\(root)/audio/aug/voice1/\(secondShot).wav", toPath: "\(root)/audio/aug/voice1/\(secondShot)_pitched.wav")
        }
        #expect(suffix == ["I-AUG-SUFFIX audio/aug/voice1/\(secondShot)_pitched.wav"])
    }

    @Test("the diffusion model's round(60 / fps) resampling: an error with the time error in %, harmless at 29.97",
          arguments: [(25.0, "16.7%"), (24.0, "20.0%"), (48.0, "20.0%"), (50.0, "16.7%"), (29.97, nil), (30.0, nil), (60.0, nil)] as [(Double, String?)])
    func diffusionFrameRate(fps: Double, error: String?) throws {
        // .npy caches state no rate: the dataset's is --fps, as the framework's is CACHE_FPS.
        let root = try makeTemporaryDirectory("faceprep-fps") + "/ds"
        var synthesis = SynthesisOptions()
        synthesis.shots = 3
        synthesis.vertices = 300
        synthesis.poses = 8
        synthesis.frames = 200...240
        synthesis.format = .npy
        try DatasetSynthesizer.write(to: root, options: synthesis)
        var options = ValidationOptions(framesPerSecond: fps)
        let findings = try DatasetValidator.validate(root, options: options).findings.filter { $0.code == "E-FPS-DIFFUSION" }
        if let error {
            #expect(findings.count == 1 && findings[0].message.contains(error), "\(findings)")
        } else {
            #expect(findings.isEmpty, "\(findings)")
        }
        options.model = .regression
        #expect(!(try DatasetValidator.validate(root, options: options).findings.contains { $0.code == "E-FPS-DIFFUSION" }))
    }

    @Test("float indices: an error in the eye list for the diffusion model, a warning elsewhere")
    func floatIndices() throws {
        func floatify(_ path: String) throws {
            let text = try String(contentsOfFile: path, encoding: .utf8)
            let rewritten = text.replacingOccurrences(of: #"(\d+)"#, with: "$1.0", options: .regularExpression)
            try writeText(rewritten, path)
        }
        #expect(try added { root in try floatify("\(root)/\(DatasetFiles.eyeList)") } == ["E-GEOM-LIST-FLOAT \(DatasetFiles.eyeList)"])
        var regression = ValidationOptions()
        regression.model = .regression
        #expect(try added(options: regression) { root in try floatify("\(root)/\(DatasetFiles.eyeList)") } == ["W-GEOM-LIST-FLOAT-INDEX \(DatasetFiles.eyeList)"])
        #expect(try added { root in try floatify("\(root)/\(DatasetFiles.lipList)") } == ["W-GEOM-LIST-FLOAT-INDEX \(DatasetFiles.lipList)"])
        #expect(try added { root in try floatify("\(root)/\(DatasetFiles.tongueRigid)") } == ["E-TONGUE-RIGID \(DatasetFiles.tongueRigid)"])
    }

    @Test("the SDK pairs exactly two active -1 poses; one, three or an inactive one are fine")
    func minusOnePairing() throws {
        let file = DatasetFiles.bsSkinConfig
        // The template pairs its first poses; give all but the last two ids, so exactly two stay at -1.
        func pairAllBut(_ unpaired: Int) -> (inout BlendshapeConfig) -> Void {
            { config in
                let n = config.numPoses
                config.bsSolveSymmetryPoses = (0..<n).map { $0 < n - unpaired ? $0 / 2 : -1 }
            }
        }
        #expect(try added { root in try editSkinConfig(root, pairAllBut(2)) } == ["E-BS-MINUS-ONE-PAIR \(file)"])
        #expect(try added { root in try editSkinConfig(root) { pairAllBut(2)(&$0); $0.bsSolveActivePoses[$0.numPoses - 1] = 0 } }.isEmpty)
        #expect(try added { root in try editSkinConfig(root, pairAllBut(4)) }.isEmpty)
    }

    @Test("templateBBSize: the diagonal is quiet, the guide's height an info with the factor, anything else a warning")
    func templateSize() throws {
        let file = DatasetFiles.bsSkinConfig
        let neutral = try NpyArray.read("\(templateDataset)/\(DatasetFiles.skinNeutral)").floats()
        let box = try #require(BoundingBox(points: neutral))
        func set(_ value: Double) throws -> Set<String> {
            try added { root in try editSkinConfig(root) { $0.templateBBSize = value } }
        }
        #expect(try set(box.diagonal).isEmpty)
        #expect(try set(box.size.y) == ["I-BS-BBSIZE-HEIGHT \(file)"])
        #expect(try set(box.diagonal * 2) == ["W-BS-BBSIZE \(file)"])
    }

    @Test("non-finite values: a NaN in a float WAV, in a blendshape array and in a jaw member are errors")
    func nonFinite() throws {
        let wav = "audio/\(secondShot).wav"
        #expect(try added { root in
            try rewriteAudio("\(root)/\(wav)", { a in
                var samples = a.samples
                samples[100] = .nan
                return WavAudio(sampleRate: a.sampleRate, channelCount: 1, bitsPerSample: 32, encoding: .float, samples: samples)
            }, as: .float32)
        }.contains("E-AUDIO-NONFINITE \(wav)"))
        #expect(try added { root in
            let archive = try NpzArchive.read("\(root)/\(DatasetFiles.bsSkin)")
            try NpzArchive.write(try archive.keys.map { key in
                let a = try archive.array(key)
                switch a.dtype.kind {
                case .bytes: return (key: key, npy: NpyWriter.encode(byteStrings: try a.strings()))
                case .signedInteger: return (key: key, npy: NpyWriter.encode(int32: try a.integers().map { Int32($0) }, shape: a.shape))
                default:
                    var values = try a.floats()
                    if key == "neutral" { values[4] = .infinity }
                    return (key: key, npy: NpyWriter.encode(floats: values, shape: a.shape))
                }
            }, to: "\(root)/\(DatasetFiles.bsSkin)")
        }.contains("E-BS-ARRAY \(DatasetFiles.bsSkin)"))
        #expect(try added { root in
            let archive = try NpzArchive.read("\(root)/\(DatasetFiles.jawCache)")
            try NpzArchive.write(try archive.keys.map { key in
                var values = try archive.array(key).floats()
                if key == firstShot { values[7] = .nan }
                return (key: key, npy: NpyWriter.encode(floats: values, shape: try archive.array(key).shape))
            }, to: "\(root)/\(DatasetFiles.jawCache)")
        } == ["E-XFORM-SHAPE \(DatasetFiles.jawCache)"])
    }

    @Test("a FIFO in a WAV's place is reported unreadable, not waited on", .timeLimit(.minutes(1)))
    func fifoInsteadOfWav() throws {
        let wav = "audio/\(secondShot).wav"
        let keys = try added { root in
            try FileManager.default.removeItem(atPath: "\(root)/\(wav)")
            guard mkfifo("\(root)/\(wav)", 0o644) == 0 else { throw CocoaError(.fileWriteUnknown) }
        }
        #expect(keys.contains("E-AUDIO-UNREADABLE \(wav)"), "\(keys)")
    }

    @Test("a WAV named in another case is one finding that names it, not a missing and an orphan one")
    func caseMismatchedAudio() throws {
        let root = try datasetCopy()
        try FileManager.default.moveItem(atPath: "\(root)/audio/\(firstShot).wav", toPath: "\(root)/audio/\(firstShot.uppercased()).wav")
        let findings = try DatasetValidator.validate(root).findings.filter { $0.file.hasPrefix("audio/") && !$0.file.hasPrefix("audio/aug") }
        #expect(findings.map(\.code) == ["E-AUDIO-MISSING"], "\(findings)")
        #expect(findings.first?.message.contains("differs only in case") == true)
        #expect(findings.first?.fix.hasPrefix("mv ") == true)
    }

    @Test("lips that touch at one pair of a closed neutral are fine; the framework judges the mean")
    func touchingLips() throws {
        let keys = try added { root in
            let list = try JSONFile.read(UpperLowerVertexList.self, from: "\(root)/\(DatasetFiles.lipList)")
            var neutral = try NpyArray.read("\(root)/\(DatasetFiles.skinNeutral)").floats()
            // The corner pair: upper 0.02 below lower, as on the ICT rig's closed mouth.
            neutral[3 * list.upper[0] + 1] = neutral[3 * list.lower[0] + 1] - 0.02
            try AtomicFile.write(NpyWriter.encode(floats: neutral, shape: [neutral.count / 3, 3]), to: "\(root)/\(DatasetFiles.skinNeutral)")
        }
        #expect(!keys.contains { $0.contains("GEOM-LIST-ORDER") }, "\(keys)")
    }

    @Test("what the framework reads as the same numbers gives no error")
    func equalNumbers() throws {
        // float64 and big-endian .npy caches.
        let npy = "cache/skin/\(firstShot)/\(firstShot).npy"
        #expect(errors(try added { root in
            try rewriteSkin(root, to: "\(firstShot).npy") { $0 }
            try NumpyCache.write(try VertexCacheIO.read("\(root)/\(npy)"), to: "\(root)/\(npy)", double: true)
        }).isEmpty)
        #expect(try added { root in
            try rewriteSkin(root, to: "\(firstShot).npy") { $0 }
            let cache = try VertexCacheIO.read("\(root)/\(npy)")
            var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0]
            var header = "{'descr': '>f4', 'fortran_order': False, 'shape': (\(cache.frameCount), \(cache.vertexCount), 3), }"
            while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
            header += "\n"
            bytes += [UInt8(header.utf8.count & 0xFF), UInt8(header.utf8.count >> 8)] + Array(header.utf8)
            for value in cache.positions { withUnsafeBytes(of: value.bitPattern.bigEndian) { bytes += $0 } }
            try Data(bytes).write(to: URL(fileURLWithPath: "\(root)/\(npy)"))
        } == ["W-CACHE-DTYPE \(npy)"])
        // A float64 skin neutral, a flat [3V] one; a flat tongue neutral does crash.
        let neutral = try NpyArray.read("\(templateDataset)/\(DatasetFiles.skinNeutral)").floats()
        #expect(try added { root in
            try AtomicFile.write(NpyWriter.encode(floats: neutral, shape: [neutral.count / 3, 3], double: true), to: "\(root)/\(DatasetFiles.skinNeutral)")
        } == ["W-GEOM-DTYPE \(DatasetFiles.skinNeutral)"])
        #expect(try added { root in
            try AtomicFile.write(NpyWriter.encode(floats: neutral, shape: [neutral.count]), to: "\(root)/\(DatasetFiles.skinNeutral)")
        } == ["W-GEOM-DTYPE \(DatasetFiles.skinNeutral)"])
        #expect(errors(try added { root in
            let tongue = try NpyArray.read("\(root)/\(DatasetFiles.tongueNeutral)").floats()
            try AtomicFile.write(NpyWriter.encode(floats: tongue, shape: [tongue.count]), to: "\(root)/\(DatasetFiles.tongueNeutral)")
        }).contains("E-GEOM-SHAPE \(DatasetFiles.tongueNeutral)"))
        // float64 jaw members, eye rotations as [F, 4], an extra member.
        #expect(try added { root in
            let archive = try NpzArchive.read("\(root)/\(DatasetFiles.jawCache)")
            var members = try archive.keys.map { key in (key: key, npy: NpyWriter.encode(floats: try archive.array(key).floats(), shape: try archive.array(key).shape, double: true)) }
            members.append(("unused_take", NpyWriter.encode(floats: [0, 0, 0], shape: [1, 1, 3])))
            try NpzArchive.write(members, to: "\(root)/\(DatasetFiles.jawCache)")
            let eyes = try NpzArchive.read("\(root)/\(DatasetFiles.eyeRotations)")
            try NpzArchive.write(try eyes.keys.map { key in
                let a = try eyes.array(key)
                return (key: key, npy: NpyWriter.encode(floats: try a.floats(), shape: [a.shape[0], 4]))
            }, to: "\(root)/\(DatasetFiles.eyeRotations)")
        } == ["W-XFORM-DTYPE \(DatasetFiles.jawCache)", "W-XFORM-EXTRA-KEY \(DatasetFiles.jawCache)", "W-XFORM-DTYPE \(DatasetFiles.eyeRotations)"])
        // FLAC data named .wav: libsndfile reads it by content.
        #expect(try added { root in
            try Data(Array("fLaC".utf8) + [0, 0, 0, 34] + [UInt8](repeating: 0, count: 60)).write(to: URL(fileURLWithPath: "\(root)/audio/\(secondShot).wav"))
        } == ["W-AUDIO-NOT-WAV audio/\(secondShot).wav"])
        // Arrays copied unchanged into files the SDK reads stay errors in float64.
        #expect(try added { root in
            let jaw = try NpyArray.read("\(root)/\(DatasetFiles.jawNeutral)")
            try AtomicFile.write(NpyWriter.encode(floats: try jaw.floats(), shape: jaw.shape, double: true), to: "\(root)/\(DatasetFiles.jawNeutral)")
        } == ["E-XFORM-JAW-NEUTRAL \(DatasetFiles.jawNeutral)"])
    }
}

/// Rewrites a shot's skin or tongue cache (a Maya .xml) through `change`.
func rewriteSkinOrTongue(_ root: String, kind: String, shot: String, _ change: (VertexCache) throws -> VertexCache) throws {
    let path = "\(root)/cache/\(kind)/\(shot)/\(shot).xml"
    try VertexCacheIO.write(try change(try VertexCacheIO.read(path)), to: path)
}
