import ArgumentParser
import Dataset
import Foundation
import Formats

extension Stabilizer.Reference: ExpressibleByArgument {}

/// `faceprep stabilize`: remove rigid head motion from a cache, or from every shot of a dataset.
struct StabilizeCommand: EnvelopeCommand {
    static let configuration = CommandConfiguration(
        commandName: "stabilize",
        abstract: "Remove the rigid head motion that `faceprep head` measures, from one cache or a whole dataset.",
        discussion: """
            faceprep stabilize DATASET --out DIR writes a copy of the dataset to DIR: every skin shot stabilised \
            against geom/skin/neutral_pose.npy, every tongue cache moved with its skin shot (the tongue rides \
            on the head), each in its input's format; all other files hard-linked. faceprep head DIR then \
            reports every shot static.

            faceprep stabilize IN OUT stabilises one cache into OUT (format by extension): against the neutral \
            of the dataset IN lies in (ROOT/cache/skin/<shot>/), else --neutral FILE; --reference first-frame \
            uses the cache's own first frame instead, which keeps a tilt the whole shot shares.
            """,
        version: FacePrepVersion.current
    )
    static let envelopeName = "stabilize"

    @Argument(help: "A dataset folder, or one input cache (.xml, .mc, .mcx, .pc2, .npy).", completion: .file())
    var input: String

    @Argument(help: "With a cache: the output cache; its extension picks the format.", completion: .file())
    var destination: String?

    @Option(name: .long, help: "With a dataset: the folder to write the stabilised copy to (new or empty).", completion: .directory)
    var out: String?

    @Option(name: .long, help: "Neutral pose .npy to stabilise a single cache against (default: its dataset's neutral).", completion: .file(extensions: ["npy"]))
    var neutral: String?

    @Option(name: .long, help: "What to stabilise against: \(Stabilizer.Reference.allCases.map(\.rawValue).joined(separator: ", ")).")
    var reference: Stabilizer.Reference = .neutral

    @Flag(name: .long, help: "Replace output files that already exist (single cache).")
    var force = false

    @OptionGroup var output: OutputOptions

    private var isDataset: Bool {
        var directory: ObjCBool = false
        return FileManager.default.fileExists(atPath: input, isDirectory: &directory) && directory.boolValue
    }

    func validate() throws {
        if isDataset {
            guard out != nil else { throw ValidationError("a dataset needs --out DIR: the folder for the stabilised copy") }
            guard destination == nil else { throw ValidationError("with a dataset, name the output folder with --out, not as a second argument") }
            guard reference == .neutral, neutral == nil else {
                throw ValidationError("a dataset is always stabilised against its own geom/skin/neutral_pose.npy")
            }
            return
        }
        guard let destination else { throw ValidationError("give the output cache: faceprep stabilize IN OUT (or a dataset folder with --out DIR)") }
        if out != nil { throw ValidationError("--out is for a dataset; for one cache give OUT as the second argument") }
        if reference == .firstFrame, neutral != nil { throw ValidationError("--neutral and --reference first-frame contradict each other") }
        if CacheFormat(path: destination) == nil { throw ValidationError("cannot tell the output format of '\(destination)': use .xml, .mc, .mcx, .pc2 or .npy") }
        let existing = VertexCacheIO.outputFiles(for: destination).filter { FileManager.default.fileExists(atPath: $0) }
        if !force, !existing.isEmpty { throw ValidationError("\(existing.joined(separator: ", ")) already exists; use --force to replace") }
        let inputs = Set(VertexCacheIO.outputFiles(for: input) + [input]).map { URL(fileURLWithPath: $0).standardized.path }
        if VertexCacheIO.outputFiles(for: destination).contains(where: { inputs.contains(URL(fileURLWithPath: $0).standardized.path) }) {
            throw ValidationError("the output would overwrite the input; inputs are never modified")
        }
    }

    struct Results: Encodable {
        let output: String
        /// Against what: the neutral file, or "first frame".
        let reference: String
        let caches: [Stabilizer.CacheResult]
    }

    func execute(progress: Progress) throws -> CommandResult<Results> {
        if isDataset, let out {
            try OutputLocation.prepareFolder(out)
            let results = try Stabilizer.stabilizeDataset(input, output: out) { progress.update($0) }
            var rows = [["shot", "removed max rot (°)", "removed max shift (% height)", "tongue"]]
            for r in results {
                rows.append([r.shot, Number.format(r.removed.maxRotationDegrees, "%.3f"), Number.format(r.removed.maxTranslationPercent, "%.3f"),
                             r.tongue == nil ? "-" : "moved with the head"])
            }
            let text = Table.render(rows) + "\nwrote \(out): \(Number.count(results.count, "skin shot")) stabilised against \(DatasetFiles.skinNeutral); other files linked"
            return CommandResult(results: Results(output: out, reference: DatasetFiles.skinNeutral, caches: results), status: .ok, text: text)
        }
        guard let destination else { throw ExitCode(2) }
        try OutputLocation.prepareFile(destination)
        let (summary, against) = try Stabilizer.stabilize(input: input, output: destination, neutral: neutral, reference: reference)
        let text = String(format: "%@ → %@: removed up to %@° of rotation and %@ mesh units (%@%% of the head height) of translation, against %@",
                          input, destination, Number.format(summary.maxRotationDegrees, "%.3f"), Number.format(summary.maxTranslation, "%.4g"),
                          Number.format(summary.maxTranslationPercent, "%.3f"), against)
        let result = Stabilizer.CacheResult(shot: URL(fileURLWithPath: input).deletingPathExtension().lastPathComponent, input: input,
                                            output: destination, removed: summary, tongue: nil)
        return CommandResult(results: Results(output: destination, reference: against, caches: [result]), status: .ok, text: text)
    }
}
