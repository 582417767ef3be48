import ArgumentParser
import Dataset
import Foundation
import Formats

/// `faceprep stabilize IN OUT`: remove rigid head motion from a cache.
struct StabilizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stabilize",
        abstract: "Remove the estimated rigid head motion from a cache and write it in any cache format."
    )

    @Argument(help: "Input cache (.xml, .mc, .mcx, .pc2, .npy).")
    var input: String

    @Argument(help: "Output cache; its extension picks the format.")
    var output: String

    @Option(name: .long, help: "Neutral pose .npy to stabilise against (default: the cache's first frame).")
    var neutral: String?

    @Flag(name: .long, help: "Replace output files that already exist.")
    var force = false

    func validate() throws {
        if CacheFormat(path: output) == nil { throw ValidationError("cannot tell the output format of '\(output)'") }
        let existing = VertexCacheIO.outputFiles(for: output).filter { FileManager.default.fileExists(atPath: $0) }
        if !force, !existing.isEmpty { throw ValidationError("\(existing.joined(separator: ", ")) already exists; use --force to replace") }
        let inputs = Set(VertexCacheIO.outputFiles(for: input) + [input]).map { URL(fileURLWithPath: $0).standardized.path }
        if VertexCacheIO.outputFiles(for: output).contains(where: { inputs.contains(URL(fileURLWithPath: $0).standardized.path) }) {
            throw ValidationError("the output would overwrite the input; inputs are never modified")
        }
    }

    func run() throws {
        let summary = try HeadCheck.stabilize(input: input, output: output, neutral: neutral)
        print(String(format: "%@ → %@: removed up to %.3f° of rotation and %.4g units (%.3f%% of the head height) of translation",
                     input, output, summary.maxRotationDegrees, summary.maxTranslation, summary.maxTranslationPercent))
    }
}
