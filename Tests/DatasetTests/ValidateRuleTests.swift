import Foundation
import Formats
import Testing
import TestSupport
@testable import Dataset

@Suite("validate: each fault fires its rule on its file", .serialized)
struct ValidateRuleTests {
    @Test("a synthetic dataset of 50 shots of 3 s has no findings at all")
    func cleanDataset() throws {
        let root = try makeTemporaryDirectory("faceprep-clean") + "/ds"
        defer { try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: root).deletingLastPathComponent().path) }
        var options = SynthesisOptions()
        options.shots = 50
        options.vertices = 300
        options.poses = 8
        options.frames = 91...95
        options.format = .npy
        try DatasetSynthesizer.write(to: root, options: options)
        let report = try DatasetValidator.validate(root)
        #expect(report.findings.map(\.line) == [])
        #expect(report.summary.shots == 50)
        #expect(report.summary.emotions.count == 11)
        #expect(report.exitCode(strict: true) == 0)
    }

    @Test("the template dataset has only the small-dataset warning")
    func template() throws {
        let report = try DatasetValidator.validate(templateDataset)
        #expect(findingKeys(report) == ["W-DATASET-SHOTS cache/skin/"])
        #expect(report.summary.framesPerSecond == 30)
        #expect(report.summary.augmentedVoices == ["voice1"])
    }

    @Test("audio: rate, depth, duration, channels, silence")
    func audioFormat() throws {
        let wav = "audio/\(firstShot).wav"
        #expect(try findingsAdded { root in
            try rewriteAudio("\(root)/\(wav)") { a in
                let step = a.sampleRate / 8000
                return WavAudio(sampleRate: 8000, channelCount: 1, bitsPerSample: 16, encoding: .pcm, samples: stride(from: 0, to: a.samples.count, by: step).map { a.samples[$0] })
            }
        } == ["W-AUDIO-RATE \(wav)"])
        #expect(try findingsAdded { root in
            let audio = try WavAudio.read("\(root)/\(wav)")
            // 8-bit unsigned PCM, assembled by hand (FacePrep writes no 8-bit files).
            var bytes = Array("RIFF".utf8) + le32(36 + audio.samples.count) + Array("WAVEfmt ".utf8) + le32(16) + le16(1) + le16(1)
            bytes += le32(audio.sampleRate) + le32(audio.sampleRate) + le16(1) + le16(8) + Array("data".utf8) + le32(audio.samples.count)
            bytes += audio.samples.map { UInt8(max(0, min(255, Int(($0 * 128 + 128).rounded())))) }
            if audio.samples.count % 2 == 1 { bytes.append(0) }
            try Data(bytes).write(to: URL(fileURLWithPath: "\(root)/\(wav)"))
        } == ["W-AUDIO-DEPTH \(wav)"])
        #expect(try findingsAdded { root in
            try rewriteAudio("\(root)/\(wav)") { a in
                WavAudio(sampleRate: a.sampleRate, channelCount: 1, bitsPerSample: 16, encoding: .pcm, samples: a.samples + [Float](repeating: 0, count: a.sampleRate / 10))
            }
        } == ["W-AUDIO-LONG \(wav)"])
        // Shorter audio: the last frames would train on silence.
        #expect(try findingsAdded { root in
            try rewriteAudio("\(root)/\(wav)") { a in
                WavAudio(sampleRate: a.sampleRate, channelCount: 1, bitsPerSample: 16, encoding: .pcm, samples: Array(a.samples.dropLast(a.sampleRate / 10)))
            }
        } == ["E-AUDIO-SHORT \(wav)"])
        #expect(try findingsAdded { root in
            try rewriteAudio("\(root)/\(wav)") { a in
                WavAudio(sampleRate: a.sampleRate, channelCount: 2, bitsPerSample: 16, encoding: .pcm, samples: a.samples.flatMap { [$0, $0] })
            }
        } == ["W-AUDIO-CHANNELS \(wav)"])
        #expect(try findingsAdded { root in
            try rewriteAudio("\(root)/\(wav)") { a in WavAudio(sampleRate: a.sampleRate, channelCount: 1, bitsPerSample: 16, encoding: .pcm, samples: a.samples.map { _ in 0 }) }
        }.contains("W-AUDIO-SILENT \(wav)"))
    }

    @Test("audio: missing, orphaned, not WAV, unreadable")
    func audioFiles() throws {
        let wav = "audio/\(firstShot).wav"
        let missing = try findingsAdded { root in try FileManager.default.removeItem(atPath: "\(root)/\(wav)") }
        #expect(missing == ["E-AUDIO-MISSING \(wav)"])
        #expect(try findingsAdded { root in
            try FileManager.default.copyItem(atPath: "\(root)/\(wav)", toPath: "\(root)/audio/extra_take.wav")
            try Data([1, 2, 3]).write(to: URL(fileURLWithPath: "\(root)/audio/notes.mp3"))
        } == ["W-AUDIO-ORPHAN audio/extra_take.wav", "W-AUDIO-FORMAT audio/notes.mp3"])
        #expect(try findingsAdded { root in try Data([0, 1, 2, 3]).write(to: URL(fileURLWithPath: "\(root)/\(wav)")) }
                == ["E-AUDIO-UNREADABLE \(wav)"])
    }

    @Test("augmented voices: missing shot, wrong duration, substring names")
    func augmentedVoices() throws {
        let track = "audio/aug/voice1/\(firstShot).wav"
        #expect(try findingsAdded { root in try FileManager.default.removeItem(atPath: "\(root)/\(track)") }
                == ["W-AUG-MISSING \(track)"])
        #expect(try findingsAdded { root in
            try rewriteAudio("\(root)/\(track)") { a in WavAudio(sampleRate: a.sampleRate, channelCount: 1, bitsPerSample: 16, encoding: .pcm, samples: Array(a.samples.dropLast(a.sampleRate / 5))) }
        } == ["E-AUG-SHORT \(track)"])
        let added = try findingsAdded { root in
            // A shot whose name contains another's: "shot01_neutral" inside "shot01_neutral_b".
            for folder in ["cache/skin", "cache/tongue"] {
                try FileManager.default.copyItem(atPath: "\(root)/\(folder)/\(firstShot)", toPath: "\(root)/\(folder)/\(firstShot)_b")
                for ext in ["xml", "mc"] {
                    try FileManager.default.moveItem(atPath: "\(root)/\(folder)/\(firstShot)_b/\(firstShot).\(ext)", toPath: "\(root)/\(folder)/\(firstShot)_b/\(firstShot)_b.\(ext)")
                }
            }
            try FileManager.default.copyItem(atPath: "\(root)/audio/\(firstShot).wav", toPath: "\(root)/audio/\(firstShot)_b.wav")
            try FileManager.default.copyItem(atPath: "\(root)/\(track)", toPath: "\(root)/audio/aug/voice1/\(firstShot)_b.wav")
        }
        #expect(added.contains("E-AUG-SUBSTRING audio/aug/voice1/\(firstShot)_b.wav"))
        #expect(!added.contains { $0.hasPrefix("E-AUG-SUBSTRING audio/aug/voice1/\(firstShot).wav") })
        #expect(added.contains("E-XFORM-KEYS xform/jaw_keypoints_cache_all.npz"))
    }

    @Test("caches: vertex count, scale, offset, order, dtype, Maya variant, NaN")
    func cacheContents() throws {
        let xml = "cache/skin/\(firstShot)/\(firstShot).xml"
        #expect(try findingsAdded { root in
            try rewriteSkin(root) { c in try withPositions(c, vertexCount: c.vertexCount - 1, (0..<c.frameCount).flatMap { Array(c.frame($0).dropLast(3)) }) }
        } == ["E-CACHE-VERTICES \(xml)"])
        #expect(try findingsAdded { root in try rewriteSkin(root) { c in try withPositions(c, c.positions.map { $0 * 100 }) } }
                == ["E-CACHE-SCALE \(xml)"])
        #expect(try findingsAdded { root in try rewriteSkin(root) { c in try withPositions(c, c.positions.enumerated().map { $0.offset % 3 == 1 ? $0.element + 10 : $0.element }) } }
                == ["E-CACHE-OFFSET \(xml)"])
        let reordered = try findingsAdded { root in try rewriteSkin(root) { c in try withPositions(c, reversedVertices(c)) } }
        #expect(reordered == ["E-CACHE-ORDER \(xml)"])
        let npy = "cache/skin/\(firstShot)/\(firstShot).npy"
        #expect(try findingsAdded { root in try rewriteSkin(root, to: "\(firstShot).npy") { $0 }
            let cache = try VertexCacheIO.read("\(root)/\(npy)")
            try NumpyCache.write(cache, to: "\(root)/\(npy)", double: true)
        } == ["W-CACHE-DTYPE \(npy)"])
        let mcx = "cache/skin/\(firstShot)/\(firstShot).mcx"
        let variant = try findingsAdded { root in try rewriteSkin(root, to: "\(firstShot).mcx") { $0 } }
        #expect(variant == ["E-CACHE-MAYA-VARIANT \(xml)"] || variant == ["E-CACHE-MAYA-VARIANT \(mcx)"])
        #expect(try findingsAdded { root in
            try rewriteSkin(root) { c in var p = c.positions; p[7] = .nan; return try withPositions(c, p) }
        } == ["E-CACHE-NONFINITE cache/skin/\(firstShot)/\(firstShot).mc"])
        // The finding names the value's frame, vertex and axis, and its byte in the file.
        let root = try datasetCopy()
        defer { try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: root).deletingLastPathComponent().path) }
        let width = try VertexCacheIO.read("\(root)/cache/skin/\(firstShot)/\(firstShot).xml").vertexCount * 3
        try rewriteSkin(root) { c in var p = c.positions; p[width + 3 * 5 + 1] = .infinity; return try withPositions(c, p) }
        let finding = try #require(try DatasetValidator.validate(root).findings.first { $0.rule == Rules.cacheNonFinite.id })
        #expect(finding.message.contains("frame 1, vertex 5, y is inf; vertex positions must be finite numbers"), "\(finding.message)")
        #expect(finding.message.hasPrefix("byte "), "\(finding.message)")
    }

    @Test("layout: stray entries, flat caches, several caches, misnamed caches, tongue mismatches")
    func layout() throws {
        #expect(try findingsAdded { root in try Data("notes".utf8).write(to: URL(fileURLWithPath: "\(root)/cache/skin/README.md")) }
                == ["E-LAYOUT-STRAY cache/skin/README.md"])
        #expect(try findingsAdded { root in
            let cache = try VertexCacheIO.read("\(root)/cache/skin/\(firstShot)/\(firstShot).xml")
            try VertexCacheIO.write(cache, to: "\(root)/cache/skin/\(firstShot)/\(firstShot).npy")
        } == ["W-CACHE-MULTIPLE cache/skin/\(firstShot)/"])
        #expect(try findingsAdded { root in
            for ext in ["xml", "mc"] {
                try FileManager.default.moveItem(atPath: "\(root)/cache/skin/\(firstShot)/\(firstShot).\(ext)", toPath: "\(root)/cache/skin/\(firstShot)/take3.\(ext)")
            }
        }.contains("E-CACHE-MISSING cache/skin/\(firstShot)/"))
        #expect(try findingsAdded { root in
            try FileManager.default.copyItem(atPath: "\(root)/cache/skin/\(firstShot)/\(firstShot).xml", toPath: "\(root)/cache/skin/\(firstShot)/take3.xml")
        } == ["W-CACHE-NAME cache/skin/\(firstShot)/take3.xml"])
        #expect(try findingsAdded { root in
            let cache = try VertexCacheIO.read("\(root)/cache/skin/\(firstShot)/\(firstShot).xml")
            try FileManager.default.removeItem(atPath: "\(root)/cache/skin/\(firstShot)")
            try VertexCacheIO.write(cache, to: "\(root)/cache/skin/\(firstShot).npy")
        } == ["E-LAYOUT-FLAT cache/skin/\(firstShot).npy"])
        #expect(try findingsAdded { root in try FileManager.default.removeItem(atPath: "\(root)/cache/tongue/\(secondShot)") }
                == ["W-TONGUE-MISSING cache/tongue/\(secondShot)/"])
        #expect(try findingsAdded { root in
            let path = "\(root)/cache/tongue/\(firstShot)/\(firstShot).xml"
            let cache = try VertexCacheIO.read(path)
            try VertexCacheIO.write(try VertexCache(frameCount: cache.frameCount - 2, vertexCount: cache.vertexCount, positions: Array(cache.positions.dropLast(6 * cache.vertexCount)),
                                                    framesPerSecond: 30, source: cache.source), to: path)
        } == ["W-TONGUE-FRAMES cache/tongue/\(firstShot)/\(firstShot).xml"])
    }

    @Test("a shot at another frame rate")
    func frameRate() throws {
        let added = try findingsAdded { root in try rewriteSkin(root) { c in var d = c; d.framesPerSecond = 24; return d } }
        #expect(added.contains("W-CACHE-FPS cache/skin/\(firstShot)/\(firstShot).xml"))
    }
}

/// The cache's positions with the vertex order reversed in every frame.
private func reversedVertices(_ cache: VertexCache) -> [Float] {
    var result: [Float] = []
    result.reserveCapacity(cache.positions.count)
    for f in 0..<cache.frameCount {
        let frame = Array(cache.frame(f))
        for v in stride(from: cache.vertexCount - 1, through: 0, by: -1) { result += frame[(3 * v)..<(3 * v + 3)] }
    }
    return result
}
