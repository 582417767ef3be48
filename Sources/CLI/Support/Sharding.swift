import ArgumentParser
import Dataset
import Foundation
import Formats
import Scale
import Synchronization

/// `--shard I/N` and `--resume`, on every command that works shot by shot.
struct ShardOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Work on shard I of N (1 ≤ I ≤ N; shots split by frame count, the same on every machine) and write OUT/parts/<command>-I-of-N.json for faceprep merge OUT.", valueName: "I/N"))
    var shard: String?

    @Flag(name: .long, help: "Keep each shot's outcome under OUT/outcomes/ and reuse those whose inputs and outputs are unchanged.")
    var resume = false

    func validate() throws {
        if let shard {
            do { _ = try Shard(parsing: shard) } catch let error as ScaleError { throw ValidationError(error.message) }
        }
    }

    var parsedShard: Shard? { shard.flatMap { try? Shard(parsing: $0) } }
}

/// `--out` for the part files of commands that write nothing else.
struct PartsOutputOptions: ParsableArguments {
    @Option(name: .long, help: "With --shard or --resume: the folder for parts/ and outcomes/.", completion: .directory)
    var out: String?
}

/// A command whose work is per shot: it can run on one shard of the shots (`--shard I/N`), keep and
/// reuse per-shot outcomes (`--resume`), and be merged (`faceprep merge`) into the very result a
/// single run gives. The single run, the shard and the merge are one code path: `execute(known:)`
/// computes every shot it is not given, so the merge is that run with every shot given.
protocol ShardableCommand: EnvelopeCommand {
    /// One shot's result, as a part or an outcome file stores it.
    associatedtype ShotValue: Codable & Sendable
    var scale: ShardOptions { get }
    /// The dataset folder.
    var datasetPath: String { get }
    /// The folder holding parts/ and outcomes/ (nil when the command has no output folder and none was given).
    var scaleOutput: String? { get }
    /// Files named on the command line that every shot's result depends on (relative to the working directory).
    var extraInputs: [String] { get }
    /// The shots the command works on, with their frames (or 1 each unless `byFrames`): the partition's weights
    /// (default: every skin shot).
    func shotWeights(_ layout: DatasetLayout, byFrames: Bool) -> [String: Int]
    /// Computes the values of `shots`, calling `record` as each is done (from any thread).
    func computeShots(_ shots: [String], progress: Progress, record: @escaping @Sendable (String, ShotValue) -> Void) throws -> [String: ShotValue]
    /// The command's whole result, computing every shot not in `known`.
    func execute(known: [String: ShotValue], progress: Progress) throws -> CommandResult<Results>
    /// The files a shot's value says it wrote (absolute or relative to the working directory).
    static func outputs(of value: ShotValue) -> [String]
    /// Whether every run keeps per-shot outcomes (a command whose outputs are per-shot files: the
    /// report then lists the shots an earlier run left unchanged too), not only with --shard/--resume.
    static var keepsOutcomes: Bool { get }
    /// Whether a value is worth keeping as an outcome (not one from a file that could not be read: that is retried).
    static func isFinal(_ value: ShotValue) -> Bool
}

extension ShardableCommand {
    var extraInputs: [String] { [] }
    static func outputs(of value: ShotValue) -> [String] { [] }
    static var keepsOutcomes: Bool { false }
    static func isFinal(_ value: ShotValue) -> Bool { true }

    func shotWeights(_ layout: DatasetLayout, byFrames: Bool) -> [String: Int] {
        frameWeights(layout, layout.skin, byFrames: byFrames)
    }

    /// A shard prints what it did (its part; the verdict comes from the merge); a whole run its result.
    func run() throws {
        guard scale.shard != nil else {
            try runEnvelope(name: Self.envelopeName, output: output, Results.self) { try execute(progress: $0) }
            return
        }
        try runEnvelope(name: Self.envelopeName, output: output, ShardSummary.self) { progress in
            let work = try computeScaled(progress: progress)
            let part = Part(command: Self.envelopeName, arguments: work.arguments, workingDirectory: FileManager.default.currentDirectoryPath,
                            shard: work.shard, inputs: work.datasetInputs, shots: work.shots, results: work.known,
                            seconds: Date().timeIntervalSince(work.start), host: ProcessInfo.processInfo.hostName)
            let parts = PartFolder(output: absolute(work.folder))
            try parts.write(part)
            let summary = ShardSummary(shard: work.shard, shots: work.shots, reused: work.reused, part: parts.file(command: Self.envelopeName, shard: work.shard),
                                       output: work.folder, seconds: part.seconds)
            let text = "shard \(summary.shard): \(Number.count(summary.shots.count, "shot"))\(summary.reused > 0 ? " (\(summary.reused) reused)" : ""), "
                + String(format: "%.2f s; wrote %@\nwhen every shard is done: faceprep merge %@", summary.seconds, summary.part, shellQuoted(summary.output))
            return CommandResult(results: summary, status: .ok, text: text)
        }
    }

    func execute(progress: Progress) throws -> CommandResult<Results> {
        guard scale.resume || Self.keepsOutcomes else { return try execute(known: [:], progress: progress) }
        return try execute(known: try computeScaled(progress: progress).known, progress: progress)
    }

    /// The shard's shots (all of them without --shard): those with a reusable outcome read back (with
    /// --resume), the others computed, each leaving an outcome as it ends.
    private func computeScaled(progress: Progress) throws -> ScaledWork<ShotValue> {
        guard let folder = scaleOutput else {
            throw UsageProblem(subject: nil, problem: "--shard and --resume need --out DIR: the folder for parts/ and outcomes/", hint: nil)
        }
        let start = Date()
        let layout = try DatasetLayout.discover(datasetPath)
        let inputs = DatasetInputs(layout)
        let arguments = CommandArguments.forParts
        let outcomeArguments = CommandArguments.forOutcomes
        let extra = extraInputs.map(absolute)
        let shard = try scale.parsedShard ?? Shard(index: 1, count: 1)
        let shots = ShotPartition(shotWeights(layout, byFrames: shard.count > 1), count: shard.count).shots(of: shard)

        let outcomes = OutcomeFolder(output: absolute(folder), command: Self.envelopeName)
        var known: [String: ShotValue] = [:]
        if scale.resume {
            known = reusableOutcomes(shots, layout: layout)
            if !known.isEmpty { progress.update("\(Self.envelopeName): \(Number.count(known.count, "shot")) unchanged since the last run, reused") }
        }
        let reused = known.count
        let todo = shots.filter { known[$0] == nil }
        let failures = Failures()
        let computed = todo.isEmpty ? [:] : try computeShots(todo, progress: progress) { shot, value in
            guard Self.isFinal(value) else { return }
            let outcome = ShotOutcome(command: Self.envelopeName, arguments: outcomeArguments, shot: shot, inputs: inputs.identity(of: shot, extra: extra),
                                      outputs: .of(Self.outputs(of: value).map(absolute), root: "/"), value: value)
            do { try outcomes.write(outcome) } catch { failures.add(error) }
        }
        if let error = failures.first { throw error }
        known.merge(computed) { a, _ in a }
        return ScaledWork(start: start, folder: folder, arguments: arguments, shard: shard, shots: shots, reused: reused,
                          known: known, datasetInputs: inputs.identity(extra: extra))
    }

    /// The values an earlier run left for `shots` that still hold: outcome files written by this
    /// command line (but for --shot) from today's inputs, whose outputs are unchanged.
    func reusableOutcomes(_ shots: [String], layout: DatasetLayout) -> [String: ShotValue] {
        guard let folder = scaleOutput else { return [:] }
        let inputs = DatasetInputs(layout)
        let extra = extraInputs.map(absolute)
        let outcomes = OutcomeFolder(output: absolute(folder), command: Self.envelopeName)
        var known: [String: ShotValue] = [:]
        for shot in shots {
            if let value = outcomes.reusable(ShotValue.self, shot: shot, arguments: CommandArguments.forOutcomes, inputs: inputs.identity(of: shot, extra: extra)) {
                known[shot] = value
            }
        }
        return known
    }

    /// `faceprep merge`: checks the parts and prints the result of the single run.
    func runMerged(partFiles: [(file: String, header: PartHeader)]) throws {
        try runEnvelope(name: Self.envelopeName, output: output, Results.self) { progress in
            let layout = try DatasetLayout.discover(datasetPath)
            let inputs = DatasetInputs(layout)
            let weights = shotWeights(layout, byFrames: true)
            let command = "faceprep \(Self.envelopeName) \(partFiles.first?.header.arguments.map { shellQuoted($0) }.joined(separator: " ") ?? "")"
            let files = try PartMerge.check(partFiles, rerun: command, partition: { ShotPartition(weights, count: $0) },
                                            inputs: inputs.identity(extra: extraInputs.map(absolute)))
            var known: [String: ShotValue] = [:]
            for file in files {
                progress.update("merge: reading \(file)")
                known.merge(try ScaleJSON.decode(Part<ShotValue>.self, from: file).results) { a, _ in a }
            }
            return try execute(known: known, progress: progress)
        }
    }

}

/// The arguments of the command being run as parts and outcomes record them: after the command's name,
/// without those that differ between shards of one run or do not change a result (`--shard`, `--jobs`,
/// `--resume`, `--json`, `--quiet`). `faceprep merge` sets them to the parts'.
enum CommandArguments {
    private static let merged = Mutex<[String]?>(nil)

    /// Makes `arguments` (a part's) the command line being run.
    static func merging(_ arguments: [String]) { merged.withLock { $0 = arguments } }

    static var forParts: [String] {
        if let arguments = merged.withLock({ $0 }) { return arguments }
        return strip(Array(CommandLine.arguments.dropFirst(2)), options: ["--shard", "--jobs"], flags: ["--resume", "--json", "--quiet"])
    }

    /// Also without `--shot`: a shot's result does not depend on which others were chosen with it.
    static var forOutcomes: [String] { strip(forParts, options: ["--shot"], flags: []) }

    static func strip(_ arguments: [String], options: Set<String>, flags: Set<String>) -> [String] {
        var result: [String] = []
        var iterator = arguments.makeIterator()
        while let argument = iterator.next() {
            if options.contains(argument) { _ = iterator.next(); continue }
            if flags.contains(argument) || options.contains(where: { argument.hasPrefix($0 + "=") }) { continue }
            result.append(argument)
        }
        return result
    }
}

/// Frames of each shot's first cache (1 when unreadable): the weights shards are balanced by.
/// Without `byFrames` every shot weighs 1: one shard takes them all, and opening every cache only to
/// count its frames cost a Claire-size solve 0.16 s before its first frame.
func frameWeights(_ layout: DatasetLayout, _ entries: [DatasetLayout.ShotCaches], byFrames: Bool) -> [String: Int] {
    var weights: [String: Int] = [:]
    for entry in entries {
        guard byFrames else { weights[entry.shot] = 1; continue }
        let frames = entry.candidates.first.flatMap { try? VertexCacheIO.frames(layout.path($0)).frameCount } ?? 1
        weights[entry.shot] = max(1, frames)
    }
    return weights
}

/// `path` made absolute against the working directory.
func absolute(_ path: String) -> String {
    path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
}

/// A shard's (or a resumed run's) shots and their values.
private struct ScaledWork<Value> {
    let start: Date
    let folder: String
    let arguments: [String]
    let shard: Shard
    let shots: [String]
    let reused: Int
    let known: [String: Value]
    let datasetInputs: InputIdentity
}

/// What one shard did, printed by the shard's run (the verdict comes from the merge).
struct ShardSummary: Encodable {
    let shard: Shard
    let shots: [String]
    let reused: Int
    /// The part file written.
    let part: String
    /// The `--out` folder, for `faceprep merge`.
    let output: String
    let seconds: Double
}

/// Errors from the shots' threads, the first kept.
final class Failures: Sendable {
    private let errors = Mutex<[any Error]>([])
    func add(_ error: any Error) { errors.withLock { $0.append(error) } }
    var first: (any Error)? { errors.withLock { $0.first } }
}
