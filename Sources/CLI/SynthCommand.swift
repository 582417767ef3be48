import ArgumentParser
import Dataset
import Foundation

/// `faceprep synth OUT`: a complete, valid synthetic dataset.
struct SynthCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synth",
        abstract: "Write a complete synthetic dataset: procedural head, ARKit-named blendshapes, speech-driven weights, tongue, jaw, eyes, blendshape data.",
        discussion: "With --audio, each WAV becomes a shot named after it, animated by the recording's loudness."
    )

    @Argument(help: "Output folder (created; must be empty or absent).")
    var output: String

    @Option(name: .long, help: "Number of shots.")
    var shots = 6

    @Option(name: .long, help: "Skin vertices.")
    var vertices = 1500

    @Option(name: .long, help: "Blendshapes (ARKit's 52 names first).")
    var poses = 52

    @Option(name: .long, help: "Frames per shot, as A-B (drawn at random in the range).")
    var frames = "100-160"

    @Option(name: .long, help: "Cache format: mc, mcx, pc2 or npy.")
    var format = "mc"

    @Option(name: .long, help: "Random seed.")
    var seed: UInt64 = 1

    @Option(name: .long, help: "Augmented voices to write under audio/aug/.")
    var voices = 0

    @Option(name: .long, parsing: .upToNextOption, help: "WAV files to use as the shots' audio.")
    var audio: [String] = []

    @Option(name: .long, parsing: .unconditional,
            help: "Comma-separated frames by which each shot's animation trails its audio (negative: leads), cycled over the shots, e.g. -3,0,2: misaligned data to try `faceprep sync` on.")
    var animationDelay: String?

    @Option(name: .long, help: "A rig file to animate instead of the procedural head (an .npz in the bs_skin.npz layout plus rig_* members; Tests/DatasetTests/Fixtures/ICTRig/make_rig.py writes one from the ICT-FaceKit head). --vertices and --poses are then the rig's.", completion: .file(extensions: ["npz"]))
    var rig: String?

    @Option(name: .long, parsing: .unconditional,
            help: "Comma-separated largest head rotations in degrees, cycled over the shots (0: static), e.g. 0,3: moving heads to try `faceprep head` and `stabilize` on.")
    var headMotion: String?

    private var headMotions: [Double]? {
        guard let headMotion else { return [] }
        let values = headMotion.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        return values.isEmpty || values.contains(nil) || values.contains(where: { !($0 ?? 0).isFinite }) ? nil : values.compactMap { $0 }
    }

    func validate() throws {
        guard headMotions != nil else { throw ValidationError("--head-motion must be degrees separated by commas, e.g. 0,3") }
        guard shots >= 1, vertices >= 200, poses >= 1 else { throw ValidationError("--shots ≥ 1, --vertices ≥ 200 and --poses ≥ 1") }
        guard frameRange != nil else { throw ValidationError("--frames must be A-B with 1 ≤ A ≤ B") }
        guard animationDelays != nil else { throw ValidationError("--animation-delay must be whole frames separated by commas, e.g. -3,0,2") }
        guard SynthesisOptions.CacheKind(rawValue: format) != nil else { throw ValidationError("--format must be mc, mcx, pc2 or npy") }
        if let existing = try? FileManager.default.contentsOfDirectory(atPath: output), !existing.isEmpty {
            throw ValidationError("\(output) is not empty")
        }
    }

    private var animationDelays: [Int]? {
        guard let animationDelay else { return [] }
        let values = animationDelay.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        return values.isEmpty || values.contains(nil) ? nil : values.compactMap { $0 }
    }

    private var frameRange: ClosedRange<Int>? {
        let parts = frames.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 2, parts[0] >= 1, parts[0] <= parts[1] else {
            if parts.count == 1, parts[0] >= 1 { return parts[0]...parts[0] }
            return nil
        }
        return parts[0]...parts[1]
    }

    func run() throws {
        var options = SynthesisOptions()
        options.shots = shots
        options.vertices = vertices
        options.poses = poses
        options.frames = frameRange ?? options.frames
        options.format = SynthesisOptions.CacheKind(rawValue: format) ?? .mc
        options.seed = seed
        options.voices = voices
        options.audioFiles = audio
        options.animationDelays = animationDelays ?? []
        options.rigFile = rig
        options.headMotionDegrees = headMotions ?? []
        let progress = ProgressLine(enabled: true)
        try DatasetSynthesizer.write(to: output, options: options) { progress.update($0) }
        progress.finish()
        print("wrote \(output): \(audio.isEmpty ? shots : audio.count) shots, \(rig.map { "the rig \($0)" } ?? "\(vertices) vertices, \(poses) blendshapes"), \(format) caches")
    }
}
