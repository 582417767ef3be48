import Foundation
import Formats
import TestSupport
import Testing
@testable import Dataset

/// A synthetic dataset whose shots' animations trail their audio by `delays` frames.
private func delayedDataset(_ delays: [Int], audioFiles: [String] = [], voices: Int = 0, seed: UInt64 = 11) throws -> String {
    let root = try makeTemporaryDirectory("faceprep-sync") + "/ds"
    var options = SynthesisOptions()
    options.shots = delays.count
    options.vertices = 400
    options.poses = 24            // up to mouthSmile: jawOpen and the mouth poses move the lips
    options.frames = 150...220
    options.voices = voices
    options.seed = seed
    options.animationDelays = delays
    options.audioFiles = audioFiles
    try DatasetSynthesizer.write(to: root, options: options)
    return root
}

private func removeDataset(_ root: String) {
    try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: root).deletingLastPathComponent().path)
}

/// The bundled sample's espeak-ng recordings (see Samples/make_sample.sh).
private let espeakRecordings: [String] = {
    let audio = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Samples/sample-dataset/audio").path
    return ["pangram1_neutral", "pangram2_joy", "pangram3_neutral"].map { "\(audio)/\($0).wav" }
}()

/// Rewrites a WAV's samples through `change`, keeping its format.
private func rewriteAudio(_ path: String, _ change: ([Float]) -> [Float]) throws {
    let audio = try WavAudio.read(path)
    try WavAudio(sampleRate: audio.sampleRate, channelCount: 1, bitsPerSample: 16, encoding: .pcm, samples: change(audio.mono()))
        .write(to: path, as: .pcm16)
}

@Suite("sync: audio/animation alignment and augmented voices")
struct SyncTests {
    @Test("every injected offset from −10 to +10 frames comes back exactly when the verdict is confident")
    func injectedOffsets() throws {
        let delays = Array(-10...10)
        let root = try delayedDataset(delays)
        defer { removeDataset(root) }
        let report = try SyncCheck.run(root)
        #expect(report.shots.count == delays.count)
        for (shot, delay) in zip(report.shots, delays) {
            #expect(shot.signal?.hasPrefix("lip distance") == true)
            if shot.verdict != .inconclusive {
                #expect(shot.confidentLag == delay, "\(shot.shot): lag \(shot.lagFrames ?? .nan), injected \(delay)")
                #expect((shot.verdict == .offset) == (abs(delay) >= 2), "\(shot.shot)")
            }
        }
        #expect(report.shots.filter { $0.verdict != .inconclusive }.count >= 19)
        #expect(abs((report.medianLagFrames ?? 99) - 0) <= 1)
        #expect(report.hasFindings)

        // validate turns the confident offsets into SYNC-OFFSET warnings on those shots' audio, and only those.
        let validation = try DatasetValidator.validate(root)
        let flagged = Set(validation.findings.filter { $0.code == "W-SYNC-OFFSET" }.map(\.file))
        let expected = Set(zip(report.shots, delays).filter { $0.0.verdict == .offset }.map { "audio/\($0.0.shot).wav" })
        #expect(flagged == expected)
        #expect(flagged.count >= 15)
    }

    @Test("offsets come back through the jaw keypoints, and through lower-face motion, when there is no lip list")
    func fallbackSignals() throws {
        let delays = [-6, -3, 0, 4, 8]
        let root = try delayedDataset(delays, seed: 12)
        defer { removeDataset(root) }
        try FileManager.default.removeItem(atPath: "\(root)/\(DatasetFiles.lipList)")
        let jaw = try SyncCheck.run(root)
        try FileManager.default.removeItem(atPath: "\(root)/\(DatasetFiles.jawCache)")
        let lowerFace = try SyncCheck.run(root)
        for (report, source) in [(jaw, "jaw keypoints"), (lowerFace, "lower-face motion")] {
            for (shot, delay) in zip(report.shots, delays) {
                #expect(shot.signal?.hasPrefix(source) == true, "\(shot.signal ?? "none")")
                if shot.verdict != .inconclusive { #expect(shot.confidentLag == delay, "\(source) \(shot.shot): \(shot.lagFrames ?? .nan)") }
            }
            #expect(report.shots.filter { $0.verdict != .inconclusive }.count >= 4, "\(source)")
        }
    }

    @Test("real espeak-ng speech driving the mouth with a known delay")
    func espeakSpeech() throws {
        let delays = [-4, 3, 7]
        let root = try delayedDataset(delays, audioFiles: espeakRecordings)
        defer { removeDataset(root) }
        let report = try SyncCheck.run(root)
        for (shot, delay) in zip(report.shots, delays) {
            #expect(shot.verdict != .inconclusive, "\(shot.shot): \(shot.doubt ?? "")")
            #expect(shot.confidentLag == delay, "\(shot.shot): lag \(shot.lagFrames ?? .nan), injected \(delay)")
            #expect(abs((shot.lagMilliseconds ?? 0) - Double(delay) * 1000 / 30) < 10)
        }
    }

    @Test("silence, noise and a still mouth are inconclusive, never a confident wrong lag")
    func inconclusive() throws {
        let root = try delayedDataset([0, 5, -5, 2], seed: 13)
        defer { removeDataset(root) }
        let shots = try DatasetLayout.discover(root).skin.map(\.shot)
        try rewriteAudio("\(root)/audio/\(shots[0]).wav") { [Float](repeating: 0, count: $0.count) }
        var rng = SeededGenerator(seed: 3)
        try rewriteAudio("\(root)/audio/\(shots[1]).wav") { $0.map { _ in Float.random(in: -0.3...0.3, using: &rng) } }
        let cachePath = "\(root)/cache/skin/\(shots[2])/\(shots[2]).xml"
        let cache = try VertexCacheIO.read(cachePath)
        let still = try VertexCache(frameCount: cache.frameCount, vertexCount: cache.vertexCount,
                                    positions: (0..<cache.frameCount).flatMap { _ in cache.frame(0) },
                                    framesPerSecond: cache.framesPerSecond, source: cache.source)
        try VertexCacheIO.write(still, to: cachePath)
        let report = try SyncCheck.run(root)
        #expect(report.shots[0].verdict == .inconclusive)
        #expect(report.shots[0].doubt?.contains("no speech") == true)
        #expect(report.shots[1].verdict == .inconclusive, "noise: \(report.shots[1].lagFrames ?? .nan) \(report.shots[1].confidence ?? .nan)")
        #expect(report.shots[2].verdict == .inconclusive)
        #expect(report.shots[2].doubt?.contains("does not move") == true)
        #expect(report.shots[3].confidentLag == 2)
        let validation = try DatasetValidator.validate(root)
        #expect(Set(validation.findings.filter { $0.code == "W-SYNC-OFFSET" }.map(\.file)) == ["audio/\(shots[3]).wav"])
    }

    @Test("augmented tracks shifted by k samples are reported with their shift; unshifted ones are in sync")
    func augmentedShifts() throws {
        let root = try delayedDataset([0, 0, 0, 0, 0], voices: 1, seed: 14)
        defer { removeDataset(root) }
        let shots = try DatasetLayout.discover(root).skin.map(\.shot)
        let shifts = [0, 480, -800, 1600, 160]
        for (shot, k) in zip(shots, shifts) where k != 0 {
            try rewriteAudio("\(root)/audio/aug/voice1/\(shot).wav") { samples in
                k > 0 ? [Float](repeating: 0, count: k) + samples.dropLast(k) : Array(samples.dropFirst(-k)) + [Float](repeating: 0, count: -k)
            }
        }
        let report = try SyncCheck.run(root)
        #expect(report.augmented.count == shots.count)
        for (track, k) in zip(report.augmented, shifts) {
            #expect(track.lengthDifferenceSamples == 0)
            #expect(track.verdict != .inconclusive, "\(track.shot): \(track.doubt ?? "")")
            #expect(abs((track.lagSamples ?? .nan) - Double(k)) <= 32, "\(track.shot): \(track.lagSamples ?? .nan) for \(k)")
            #expect((track.verdict == .offset) == (abs(k) > 80), "\(track.shot)")
        }
        let validation = try DatasetValidator.validate(root)
        let drifting = Set(validation.findings.filter { $0.code == "W-AUG-DRIFT" }.map(\.file))
        #expect(drifting == Set(zip(shots, shifts).filter { abs($0.1) > 80 }.map { "audio/aug/voice1/\($0.0).wav" }))
    }
}
