import ArgumentParser
import Dataset
import Foundation

extension SynthesisOptions.CacheKind: ExpressibleByArgument {}

/// `faceprep synth OUT`: a complete, valid synthetic dataset.
struct SynthCommand: EnvelopeCommand {
    static let configuration = CommandConfiguration(
        commandName: "synth",
        abstract: "Write a complete synthetic dataset: procedural head (or a real rig), ARKit-named blendshapes, speech-driven weights, tongue, jaw, eyes, blendshape data.",
        discussion: "With --audio, each WAV becomes a shot named after it, animated by the recording's loudness. With --rig, a rig file (bs_skin.npz layout plus rig_* members; Tests/DatasetTests/Fixtures/ICTRig/make_rig.py writes one from the ICT-FaceKit head) is animated instead of the procedural head.",
        version: FacePrepVersion.current
    )
    static let envelopeName = "synth"

    @Argument(help: "Output folder (created; must be empty or absent).", completion: .directory)
    var destination: String

    @Option(name: .long, help: "Number of shots.")
    var shots = 6

    @Option(name: .long, help: "Skin vertices of the procedural head.")
    var vertices = 1500

    @Option(name: .long, help: "Blendshapes of the procedural head (ARKit's 52 names first).")
    var poses = 52

    @Option(name: .long, help: "Frames per shot, as A-B (drawn at random in the range) or one number.")
    var shotFrames = "100-160"

    @Option(name: .long, help: "Cache format: \(SynthesisOptions.CacheKind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var format: SynthesisOptions.CacheKind = .mc

    @Option(name: .long, help: "Random seed.")
    var seed: UInt64 = 1

    @Option(name: .long, help: "Augmented voices to write under audio/aug/.")
    var voices = 0

    @Option(name: .long, parsing: .singleValue, help: "A WAV file to use as a shot's audio (repeat, or separate with commas).", completion: .file(extensions: ["wav"]))
    var audio: [String] = []

    @Option(name: .long, parsing: .unconditional,
            help: "Comma-separated frames by which each shot's animation trails its audio (negative: leads), cycled over the shots, e.g. -3,0,2: misaligned data to try `faceprep sync` on.")
    var animationDelay: String?

    @Option(name: .long, help: "A rig file to animate instead of the procedural head; --vertices and --poses are then the rig's.", completion: .file(extensions: ["npz"]))
    var rig: String?

    @Option(name: .long, parsing: .unconditional,
            help: "Comma-separated largest head rotations in degrees, cycled over the shots (0: static), e.g. 0,3: moving heads to try `faceprep head` and `stabilize` on.")
    var headMotion: String?

    @OptionGroup var output: OutputOptions

    private var audioFiles: [String] { audio.flatMap { $0.split(separator: ",").map(String.init) }.filter { !$0.isEmpty } }

    private var headMotions: [Double]? {
        guard let headMotion else { return [] }
        let values = headMotion.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        return values.isEmpty || values.contains(nil) || values.contains(where: { !($0 ?? 0).isFinite }) ? nil : values.compactMap { $0 }
    }

    private var animationDelays: [Int]? {
        guard let animationDelay else { return [] }
        let values = animationDelay.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        return values.isEmpty || values.contains(nil) ? nil : values.compactMap { $0 }
    }

    private var frameRange: ClosedRange<Int>? { frameCountRange(shotFrames) }

    func validate() throws {
        guard headMotions != nil else { throw ValidationError("--head-motion must be degrees separated by commas, e.g. 0,3") }
        guard shots >= 1, vertices >= 200, poses >= 1, voices >= 0 else { throw ValidationError("--shots ≥ 1, --vertices ≥ 200, --poses ≥ 1 and --voices ≥ 0") }
        guard frameRange != nil else { throw ValidationError("--shot-frames must be A-B with 1 ≤ A ≤ B, or one number") }
        guard animationDelays != nil else { throw ValidationError("--animation-delay must be whole frames separated by commas, e.g. -3,0,2") }
        if let existing = try? FileManager.default.contentsOfDirectory(atPath: destination), !existing.isEmpty {
            throw ValidationError("\(destination) is not empty; synth writes into a new or empty folder")
        }
    }

    struct Results: Encodable {
        let output: String
        let shots: Int
        let rig: String
        let format: String
    }

    func execute(progress: Progress) throws -> CommandResult<Results> {
        var options = SynthesisOptions()
        options.shots = shots
        options.vertices = vertices
        options.poses = poses
        options.frames = frameRange ?? options.frames
        options.format = format
        options.seed = seed
        options.voices = voices
        options.audioFiles = audioFiles
        options.animationDelays = animationDelays ?? []
        options.rigFile = rig
        options.headMotionDegrees = headMotions ?? []
        try OutputLocation.prepareFolder(destination)
        try DatasetSynthesizer.write(to: destination, options: options) { progress.update($0) }
        let count = audioFiles.isEmpty ? shots : audioFiles.count
        let what = rig.map { "the rig \($0)" } ?? "\(vertices) vertices, \(poses) blendshapes"
        return CommandResult(results: Results(output: destination, shots: count, rig: rig ?? "procedural", format: format.rawValue), status: .ok,
                             text: "wrote \(destination): \(Number.count(count, "shot")), \(what), \(format.rawValue) caches")
    }
}
