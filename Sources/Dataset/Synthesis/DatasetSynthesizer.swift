import Analysis
import Foundation
import Formats
import Linalg

/// Settings of `faceprep synth`.
public struct SynthesisOptions: Sendable {
    /// Cache file format of the shots.
    public enum CacheKind: String, Sendable, CaseIterable {
        case mc, mcx, pc2, npy
    }

    public var shots = 6
    public var vertices = 1500
    public var poses = 52
    /// Frames per shot are drawn from this range.
    public var frames: ClosedRange<Int> = 100...160
    public var format = CacheKind.mc
    public var seed: UInt64 = 1
    public var framesPerSecond = 30.0
    public var sampleRate = 16000
    /// Augmented voices to write under audio/aug/.
    public var voices = 0
    /// WAV files to use as the shots' audio (one shot per file, named after it); the animation then
    /// follows each recording's loudness and the shot lasts as long as the recording.
    public var audioFiles: [String] = []
    /// Frames by which each shot's animation trails its audio (negative: leads), cycled over the
    /// shots: deliberately misaligned data for testing the sync checks. Empty: all in sync.
    public var animationDelays: [Int] = []
    /// A rig file to animate instead of the procedural head (`FaceRig.read`); `vertices` and
    /// `poses` are then the rig's.
    public var rigFile: String?
    /// Largest rigid head rotation per shot, degrees, cycled over the shots (0: a static head):
    /// deliberately moving heads for testing `head` and `stabilize`. The tongue moves with the head.
    public var headMotionDegrees: [Double] = []

    public init() {}
}

/// Writes a complete, valid synthetic dataset in the guide's layout: a procedural head with
/// localised ARKit-named blendshapes (left/right pairs) or a real rig (`--rig`), weights driven by a
/// speech-like envelope, a tongue riding the jaw, jaw keypoints, eye rotations and blinks,
/// blendshape data and configs.
public enum DatasetSynthesizer {
    public static func write(to root: String, options: SynthesisOptions, progress: @Sendable (String) -> Void = { _ in }) throws {
        let fm = FileManager.default
        for folder in ["audio", "cache/skin", "cache/tongue", "geom/skin", "geom/tongue", "xform", "bs_data"] {
            try fm.createDirectory(atPath: root + "/" + folder, withIntermediateDirectories: true)
        }
        var rng = SeededRandomGenerator(seed: options.seed)
        let rig = try options.rigFile.map(FaceRig.read) ?? FaceRig.procedural(vertexCount: options.vertices, poseCount: options.poses, seed: options.seed)
        let poses = rig.poses
        let vertexCount = rig.vertexCount
        let tongue = rig.tongue
        let fps = options.framesPerSecond

        // Shots: names carry an emotion so that each appears in several shots.
        let emotions = ValidationOptions.guideEmotions
        let shotCount = options.audioFiles.isEmpty ? options.shots : options.audioFiles.count
        let names: [String] = options.audioFiles.isEmpty
            ? (0..<shotCount).map { String(format: "shot%02d_%@", $0 + 1, emotions[$0 % min(emotions.count, max(1, shotCount / 3))]) }
            : options.audioFiles.map { URL(fileURLWithPath: $0).deletingPathExtension().lastPathComponent }

        var jawCache: [(String, [UInt8])] = []
        var eyeRotations: [(String, [UInt8])] = []
        let keypointsNeutral = rig.jawKeypointsNeutral
        let keypointCount = keypointsNeutral.count / 3

        for (index, name) in names.enumerated() {
            progress("shot \(index + 1)/\(names.count): \(name)")
            // Audio and the envelope that drives the face.
            let envelope: [Double]
            let audio: WavAudio
            if options.audioFiles.isEmpty {
                let frames = Int.random(in: options.frames, using: &rng)
                envelope = SpeechEnvelope.synthetic(frames: frames, fps: fps, rng: &rng)
                let samples = SpeechEnvelope.audio(envelope: envelope, fps: fps, sampleRate: options.sampleRate, pitch: Double.random(in: 110...220, using: &rng), rng: &rng)
                audio = WavAudio(sampleRate: options.sampleRate, channelCount: 1, bitsPerSample: 16, encoding: .pcm, samples: samples)
            } else {
                let source = try WavAudio.read(options.audioFiles[index])
                let mono = source.mono()
                let frames = max(1, Int((source.duration * fps).rounded()))
                envelope = SpeechEnvelope.fromAudio(mono, sampleRate: source.sampleRate, frames: frames, fps: fps)
                audio = WavAudio(sampleRate: source.sampleRate, channelCount: 1, bitsPerSample: 16, encoding: .pcm, samples: mono)
            }
            try audio.write(to: "\(root)/audio/\(name).wav", as: .pcm16)
            for voice in 0..<options.voices {
                try fm.createDirectory(atPath: "\(root)/audio/aug/voice\(voice + 1)", withIntermediateDirectories: true)
                let samples = SpeechEnvelope.audio(envelope: envelope, fps: fps, sampleRate: audio.sampleRate, pitch: 90 + 60 * Double(voice + 1), rng: &rng)
                try WavAudio(sampleRate: audio.sampleRate, channelCount: 1, bitsPerSample: 16, encoding: .pcm, samples: Array(samples.prefix(audio.frameCount)) + [Float](repeating: 0, count: max(0, audio.frameCount - samples.count)))
                    .write(to: "\(root)/audio/aug/voice\(voice + 1)/\(name).wav", as: .pcm16)
            }

            // Weights [F, K] and positions = neutral + weights · deltas (one GEMM).
            let frames = envelope.count
            let delay = options.animationDelays.isEmpty ? 0 : options.animationDelays[index % options.animationDelays.count]
            let animated = (0..<frames).map { f in envelope.indices.contains(f - delay) ? envelope[f - delay] : 0 }
            let weights = SyntheticWeights.make(names: poses.map(\.name), envelope: animated, fps: fps, rng: &rng)
            let deltas = try Matrix(rows: poses.count, columns: vertexCount * 3, elements: poses.flatMap(\.delta))
            var positions = try weights.multiplied(by: deltas).elements
            for f in 0..<frames {
                for c in 0..<(vertexCount * 3) { positions[f * vertexCount * 3 + c] += rig.neutral[c] }
            }
            let motion = InjectedHeadMotion(maxDegrees: options.headMotionDegrees.isEmpty ? 0 : options.headMotionDegrees[index % options.headMotionDegrees.count])
            motion.apply(to: &positions, frames: frames, neutral: rig.neutral)
            let skin = try VertexCache(frameCount: frames, vertexCount: vertexCount, positions: positions, framesPerSecond: fps,
                                       source: CacheSource(path: name, format: .numpy, variant: "synthetic", storedType: "float32", channel: "\(name)_skinShape"))
            try writeCache(skin, root: root, kind: "skin", shot: name, format: options.format)

            // Tongue, jaw and eyes follow the jaw weight.
            let jawColumn = poses.firstIndex { $0.name == "jawOpen" }
            let jaw = (0..<frames).map { f in jawColumn.map { Double(weights[f, $0]) } ?? animated[f] * 0.8 }
            var tonguePositions = tongue.animate(jaw, &rng)
            motion.apply(to: &tonguePositions, frames: frames, neutral: rig.neutral)
            let tongueCache = try VertexCache(frameCount: frames, vertexCount: tongue.vertexCount, positions: tonguePositions,
                                              framesPerSecond: fps, source: CacheSource(path: name, format: .numpy, variant: "synthetic", storedType: "float32", channel: "\(name)_tongueShape"))
            try writeCache(tongueCache, root: root, kind: "tongue", shot: name, format: options.format)
            jawCache.append((name, NpyWriter.encode(floats: rig.jawKeypointDeltas(jaw), shape: [frames, keypointCount, 3])))
            eyeRotations.append((name, NpyWriter.encode(floats: (0..<(frames * 4)).map { _ in Float.random(in: -4...4, using: &rng) }, shape: [frames, 2, 2])))
        }

        progress("geometry, transforms and blendshapes")
        try writeGeometry(root: root, rig: rig)
        try AtomicFile.write(NpyWriter.encode(floats: keypointsNeutral, shape: [keypointCount, 3]), to: root + "/" + DatasetFiles.jawNeutral)
        try NpzArchive.write(jawCache.map { (key: $0.0, npy: $0.1) }, to: root + "/" + DatasetFiles.jawCache)
        try NpzArchive.write(eyeRotations.map { (key: $0.0, npy: $0.1) }, to: root + "/" + DatasetFiles.eyeRotations)
        try AtomicFile.write(NpyWriter.encode(floats: (0..<240).map { _ in Float.random(in: -2...2, using: &rng) }, shape: [120, 2]), to: root + "/" + DatasetFiles.saccade)
        let blink: [Float] = [0, 0.2, 0.6, 1, 1, 0.7, 0.35, 0.1, 0]
        try AtomicFile.write(NpyWriter.encode(floats: blink, shape: [blink.count]), to: root + "/" + DatasetFiles.blinks)
        try writeBlendshapes(root: root, prefix: "skin", neutral: rig.neutral, poses: poses, mask: rig.mask)
        try writeBlendshapes(root: root, prefix: "tongue", neutral: tongue.neutral, poses: tongue.blendshapes, mask: nil)
    }

    private static func writeCache(_ cache: VertexCache, root: String, kind: String, shot: String, format: SynthesisOptions.CacheKind) throws {
        let folder = "\(root)/cache/\(kind)/\(shot)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let file: String
        switch format {
        case .mc: file = "\(folder)/\(shot).xml"
        case .mcx: file = "\(folder)/\(shot).mcx"
        case .pc2: file = "\(folder)/\(shot).pc2"
        case .npy: file = "\(folder)/\(shot).npy"
        }
        try VertexCacheIO.write(cache, to: file)
    }

    private static func writeGeometry(root: String, rig: FaceRig) throws {
        let v = rig.vertexCount
        try AtomicFile.write(NpyWriter.encode(floats: rig.neutral, shape: [v, 3]), to: root + "/" + DatasetFiles.skinNeutral)
        func sum(_ names: [String]) -> [Float] {
            var total = [Float](repeating: 0, count: v * 3)
            for pose in rig.poses where names.contains(pose.name) { for i in total.indices { total[i] += pose.delta[i] } }
            return total
        }
        try AtomicFile.write(NpyWriter.encode(floats: sum(["eyeBlinkLeft", "eyeBlinkRight"]), shape: [v, 3]), to: root + "/" + DatasetFiles.eyeClose)
        try AtomicFile.write(NpyWriter.encode(floats: sum(["jawOpen"]), shape: [v, 3]), to: root + "/" + DatasetFiles.lipOpen)
        try JSONFile.write(rig.eyes, to: root + "/" + DatasetFiles.eyeList)
        try JSONFile.write(rig.lips, to: root + "/" + DatasetFiles.lipList)
        try JSONFile.write(rig.lipSize, to: root + "/" + DatasetFiles.lipSizeList)
        try AtomicFile.write(NpyWriter.encode(floats: rig.tongue.neutral, shape: [rig.tongue.vertexCount, 3]), to: root + "/" + DatasetFiles.tongueNeutral)
        try JSONFile.write(rig.tongue.rigidVertices, to: root + "/" + DatasetFiles.tongueRigid)
    }

    private static func writeBlendshapes(root: String, prefix: String, neutral: [Float], poses: [(name: String, delta: [Float])], mask: [Int32]?) throws {
        let v = neutral.count / 3
        var members: [(key: String, npy: [UInt8])] = [
            ("poseNames", NpyWriter.encode(byteStrings: ["neutral"] + poses.map(\.name))),
            ("neutral", NpyWriter.encode(floats: neutral, shape: [v, 3])),
        ]
        for pose in poses { members.append((pose.name, NpyWriter.encode(floats: pose.delta, shape: [v, 3]))) }
        if let mask { members.append(("frontalMask", NpyWriter.encode(int32: mask, shape: [mask.count]))) }
        members.append(("rig_version", NpyWriter.encode(byteStrings: ["1.0"])))
        try NpzArchive.write(members, to: "\(root)/bs_data/bs_\(prefix).npz")

        var config = BlendshapeConfig(numPoses: poses.count, strengthL1: 0.5, strengthL2: 0.7, strengthTemporal: 0.1, strengthSymmetry: 0.1)
        config.templateBBSize = ((BoundingBox(points: neutral)?.diagonal ?? 1) * 1000).rounded() / 1000
        // Left/right pairs are symmetric; smile and frown on one side cancel.
        var pairID = 0
        for (i, pose) in poses.enumerated() where pose.name.hasSuffix("Left") {
            if let j = poses.firstIndex(where: { $0.name == pose.name.dropLast(4) + "Right" }) {
                config.bsSolveSymmetryPoses[i] = pairID
                config.bsSolveSymmetryPoses[j] = pairID
                pairID += 1
            }
        }
        // The SDK pairs the poses left at -1 when they are exactly two: then leave one more pair open.
        if config.bsSolveSymmetryPoses.filter({ $0 == -1 }).count == 2, pairID > 0 {
            pairID -= 1
            config.bsSolveSymmetryPoses = config.bsSolveSymmetryPoses.map { $0 == pairID ? -1 : $0 }
        }
        var cancelID = 0
        for side in ["Left", "Right"] {
            if let i = poses.firstIndex(where: { $0.name == "mouthSmile" + side }), let j = poses.firstIndex(where: { $0.name == "mouthFrown" + side }) {
                config.bsSolveCancelPoses[i] = cancelID
                config.bsSolveCancelPoses[j] = cancelID
                cancelID += 1
            }
        }
        if config.bsSolveCancelPoses.filter({ $0 == -1 }).count == 2, cancelID > 0 {
            cancelID -= 1
            config.bsSolveCancelPoses = config.bsSolveCancelPoses.map { $0 == cancelID ? -1 : $0 }
        }
        try JSONFile.write(BlendshapeConfigFile(config), to: "\(root)/bs_data/bs_\(prefix)_config.json")
    }
}
