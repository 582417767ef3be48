import ArgumentParser
import Dataset
import Foundation
import Scale

/// `faceprep merge OUT`: the shards' parts combined into the result one run would have printed.
struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Combine the parts that `COMMAND … --shard I/N --out OUT` wrote into the result of one run.",
        discussion: """
            Reads OUT/parts/<command>-I-of-N.json, checks that every shard 1…N is there once, that all ran the same \
            command line and read the same inputs (paths, sizes, modification times) and that the dataset is \
            still as they read it, then runs the dataset-wide part of the command (topology across shots, the \
            sync median, the solve report, …) on the shards' per-shot results. It prints exactly what the single \
            run prints (text, or --json the same envelope) and exits with its code: 0 clean, 1 findings, 2 when a \
            part is missing, doubled, stale or unreadable.
            """,
        version: FacePrepVersion.current
    )

    @Argument(help: "The --out folder the shards wrote (holding parts/).", completion: .directory)
    var out: String

    @Option(name: .long, help: "The command to merge when parts/ holds several (head, validate, sync, tongue, jaw, solve).")
    var command: String?

    @OptionGroup var output: OutputOptions

    func run() throws {
        let start = Date()
        let merged: any ShardableCommand
        let parts: [(file: String, header: PartHeader)]
        do {
            let all = try PartFolder(output: out).headers()
            let commands = Set(all.map(\.header.command))
            guard let name = command ?? (commands.count == 1 ? commands.first : nil) else {
                throw ScaleError(file: out + "/parts", commands.isEmpty ? "holds no parts" : "holds parts of \(commands.sorted().joined(separator: ", "))",
                                 hint: commands.isEmpty ? "run the command with --shard I/N --out \(out) first" : "choose one with --command")
            }
            parts = all.filter { $0.header.command == name }
            guard let first = parts.first else { throw ScaleError(file: out + "/parts", "holds no parts of \(name)") }
            // The shards' relative paths are relative to where they ran.
            guard FileManager.default.changeCurrentDirectoryPath(first.header.workingDirectory) else {
                throw ScaleError(file: first.file, "ran in \(first.header.workingDirectory), which this machine does not have",
                                 hint: "merge where the shards' folder is mounted at the same path")
            }
            let arguments = [name] + first.header.arguments + (output.json ? ["--json"] : []) + (output.quiet ? ["--quiet"] : [])
            let parsed: ParsableCommand
            do { parsed = try FacePrep.parseAsRoot(arguments) } catch {
                throw ScaleError(file: first.file, "records a command line this FacePrep does not accept: \(FacePrep.message(for: error))")
            }
            guard let shardable = parsed as? any ShardableCommand else { throw ScaleError(file: first.file, "'\(name)' cannot be sharded") }
            merged = shardable
            CommandArguments.merging(first.header.arguments)
        } catch {
            let failure = CommandFailure(error)
            FileHandle.standardError.write(Data((failure.text + "\n").utf8))
            if output.json {
                print(try JSONOutput.encode(Envelope<String>(command: "merge", status: .failed, results: nil, error: failure,
                                                              timings: ["total": Date().timeIntervalSince(start)])))
            }
            throw ExitCode(failure.exitCode)
        }
        try merged.runMerged(partFiles: parts)
    }
}
