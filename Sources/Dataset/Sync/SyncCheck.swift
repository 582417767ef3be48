import Analysis
import Foundation
import Formats

/// `faceprep sync`: reads each shot's audio and the mouth vertices of its skin cache, then aligns
/// them, and every augmented track with its original.
public enum SyncCheck {
    public struct Options: Sendable {
        public var shots: [String] = []
        public var maxLag = SyncAnalysis.defaultMaxLag
        /// Frame rate when the caches state none.
        public var framesPerSecond: Double?
        public var progress: @Sendable (String) -> Void = { _ in }
        public init() {}
    }

    /// What sync learns from one shot's skin cache (the per-shot work a shard does): its frames, rate
    /// and mouth opening per frame, or why it has none.
    public struct ShotAnimation: Sendable, Codable {
        public let frames: Int
        public let fps: Double?
        public let mouth: MouthSignal?
        /// Set when the shot has no cache or its cache could not be read.
        public let problem: String?
        public let failure: ShotFailure?
    }

    /// Reads the mouth of `shots`' skin caches, in parallel; `record` gets each as it is read.
    public static func readAnimation(_ root: String, shots: [String], progress: @escaping @Sendable (String) -> Void = { _ in },
                                     record: @escaping @Sendable (String, ShotAnimation) -> Void = { _, _ in }) throws -> [String: ShotAnimation] {
        let layout = try DatasetLayout.discover(root)
        try layout.requireShots(shots)
        let entries = layout.skin.filter { shots.contains($0.shot) }
        let reader = AnimationReader(layout)
        let done = Counter()
        let read = parallelMap(entries) { entry -> ShotAnimation in
            defer { progress("sync: read \(done.increment())/\(entries.count) shots") }
            let animation = reader.read(entry)
            record(entry.shot, animation)
            return animation
        }
        return Dictionary(zip(entries.map(\.shot), read), uniquingKeysWith: { a, _ in a })
    }

    /// What measuring a mouth needs, read once per run.
    struct AnimationReader: Sendable {
        let layout: DatasetLayout
        let neutral: [Float]?
        let lipList: UpperLowerVertexList?
        let jawArchive: NpzArchive?
        let jawNeutral: [Float]?

        init(_ layout: DatasetLayout) {
            self.layout = layout
            neutral = try? NumpyNeutral.read(layout.path(DatasetFiles.skinNeutral))
            lipList = try? JSONFile.read(UpperLowerVertexList.self, from: layout.path(DatasetFiles.lipList))
            (jawArchive, jawNeutral) = MouthSignal.jawData(layout)
        }

        func read(_ entry: DatasetLayout.ShotCaches) -> ShotAnimation {
            guard let file = entry.candidates.first else { return ShotAnimation(frames: 0, fps: nil, mouth: nil, problem: "no cache", failure: nil) }
            do {
                let frames = try VertexCacheIO.frames(layout.path(file))
                let lips = MouthSampling.lips(lipList, vertexCount: frames.vertexCount)
                let jaw = lips == nil ? MouthSignal.jaw(jawArchive, neutral: jawNeutral, shot: entry.shot, frames: frames.frameCount) : nil
                // The lower face is read only when neither the lips nor the jaw can be.
                let sampling = lips ?? (jaw == nil ? neutral.flatMap { $0.count == frames.valuesPerFrame ? MouthSampling.lowerFace(neutral: $0) : nil } : nil)
                let sampled = try sampling.map { $0.signal(sampled: try CacheSummary.sample(frames, vertices: $0.indices), frames: frames.frameCount) }
                return ShotAnimation(frames: frames.frameCount, fps: frames.framesPerSecond, mouth: MouthSignal.preferred(sampled: sampled, jaw: jaw),
                                     problem: nil, failure: nil)
            } catch {
                return ShotAnimation(frames: 0, fps: nil, mouth: nil, problem: "\(error)", failure: ShotFailure(shot: entry.shot, file: file, error: error))
            }
        }
    }

    /// Aligns every shot (or those in `options.shots`); the animation of the shots in `known` (a
    /// shard's results) is taken as it is. The audio is always read here: it is a small part of the
    /// bytes, and the dataset-wide parts (the median lag, augmented voices against every original) need it all.
    public static func run(_ root: String, options: Options = Options(), known: [String: ShotAnimation] = [:]) throws -> SyncReport {
        let layout = try DatasetLayout.discover(root)
        try layout.requireShots(options.shots)
        let entries = layout.skin.filter { options.shots.isEmpty || options.shots.contains($0.shot) }
        let reader = AnimationReader(layout)

        // Pass 1, shots in parallel: frame counts and rates, audio, and the mouth vertices of every frame.
        struct Read: Sendable {
            let frames: Int
            let fps: Double?
            let mouth: MouthSignal?
            let audio: WavAudio?
            let problem: String?
            var failures: [ShotFailure] = []
        }
        let done = Counter()
        let readStart = Date()
        let reads = parallelMap(entries) { entry -> Read in
            defer { options.progress("sync: read \(done.increment())/\(entries.count) shots") }
            var audio: WavAudio?, problem: String?
            var failures: [ShotFailure] = []
            if let file = layout.audio[entry.shot] {
                do { audio = try WavAudio.read(layout.path(file)) } catch {
                    problem = "\(error)"
                    failures.append(ShotFailure(shot: entry.shot, file: file, error: error))
                }
            } else {
                problem = "no audio/\(entry.shot).wav"
            }
            let animation = known[entry.shot] ?? reader.read(entry)
            if entry.candidates.isEmpty { return Read(frames: 0, fps: nil, mouth: nil, audio: audio, problem: animation.problem) }
            if let failure = animation.failure {
                return Read(frames: 0, fps: nil, mouth: nil, audio: audio, problem: animation.problem, failures: failures + [failure])
            }
            return Read(frames: animation.frames, fps: animation.fps, mouth: animation.mouth, audio: audio,
                        problem: problem ?? (animation.mouth == nil ? "no lip list, jaw keypoints or neutral pose to measure the mouth with" : nil),
                        failures: failures)
        }
        let fps = reads.compactMap(\.fps).first ?? options.framesPerSecond ?? 30
        let alignStart = Date()

        // Pass 2: envelopes, then every alignment.
        let signals = zip(entries, reads).map { entry, read in
            ShotSignals(shot: entry.shot, frames: read.frames,
                        activity: read.audio.map { SpeechActivity.perFrame($0.mono(), sampleRate: $0.sampleRate, frames: read.frames, framesPerSecond: fps) },
                        mouth: read.mouth, problem: read.problem)
        }
        let (shots, median, outliers) = SyncAnalysis.alignShots(signals, framesPerSecond: fps, maxLag: options.maxLag)

        struct TrackJob: Sendable { let voice: String, shot: String, file: String }
        var jobs: [TrackJob] = []
        for (voice, tracks) in layout.augmentedVoices.sorted(by: { $0.key < $1.key }) {
            for entry in entries { if let file = tracks[entry.shot] { jobs.append(TrackJob(voice: voice, shot: entry.shot, file: file)) } }
        }
        var originals: [String: TrackEnvelope] = [:]
        for (entry, read) in zip(entries, reads) where !jobs.isEmpty {
            if let audio = read.audio { originals[entry.shot] = TrackEnvelope(file: layout.audio[entry.shot] ?? "", sampleRate: audio.sampleRate, samples: audio.mono()) }
        }
        let frozenOriginals = originals
        let augmented = parallelMap(jobs) { job -> AugmentedSync? in
            let (voice, shot, file) = (job.voice, job.shot, job.file)
            guard let original = frozenOriginals[shot], let audio = try? WavAudio.read(layout.path(file)) else { return nil }
            let track = TrackEnvelope(file: file, sampleRate: audio.sampleRate, samples: audio.mono())
            let unrelated = frozenOriginals.filter { $0.key != shot }.sorted { $0.key < $1.key }.map(\.value)
            return SyncAnalysis.alignAugmented(voice: voice, shot: shot, track: track, original: original, unrelated: unrelated,
                                               maxLagSeconds: Double(options.maxLag) / fps)
        }.compactMap { $0 }
        var report = SyncReport(root: root, framesPerSecond: fps, maxLagFrames: options.maxLag, shots: shots,
                                medianLagFrames: median, outliers: outliers, augmented: augmented, failures: reads.flatMap(\.failures),
                                readSeconds: alignStart.timeIntervalSince(readStart), alignSeconds: Date().timeIntervalSince(alignStart))
        report.signals = signals
        return report
    }
}
