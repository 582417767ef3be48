import ArgumentParser
import Dataset
import Foundation

extension Rule.Model: ExpressibleByArgument {}

/// `faceprep validate DATASET`: every rule of the guide, each finding explained.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a dataset against every rule of the data-preparation guide.",
        discussion: """
            Severities: error = the training framework or the SDK crashes, or trains or runs on wrong data without \
            saying so; warning = the guide asks for it, or it costs something, but the numbers that reach training \
            are the same; info = worth knowing. Exit code 0 without errors, 1 with errors (or warnings with \
            --strict), 2 when the dataset cannot be read. `--rules` lists every rule with its source and effect.
            """
    )

    @Argument(help: "The dataset folder (holding audio/, cache/, geom/, xform/, bs_data/).")
    var dataset: String?

    @Option(name: .long, help: "Frame rate of caches that do not state one (.npy, .pc2); default 30.")
    var fps: Double?

    @Option(name: .long, parsing: .upToNextOption, help: "Emotion names to look for in shot names (default: the guide's eleven).")
    var emotions: [String] = []

    @Option(name: .long, help: "The model you train: \(Rule.Model.allCases.map(\.rawValue).joined(separator: ", ")) (default both); the other model's rules are not checked.")
    var model: Rule.Model = .both

    @Flag(name: .long, help: "Exit 1 on warnings too.")
    var strict = false

    @Flag(name: .long, help: "Print JSON instead of text.")
    var json = false

    @Flag(name: .long, help: "List every rule with its explanation and exit.")
    var rules = false

    @Flag(name: .long, help: "No progress on stderr.")
    var quiet = false

    func validate() throws {
        if !rules && dataset == nil { throw ValidationError("give the dataset folder (or --rules)") }
        if let fps, !(fps > 0 && fps.isFinite) { throw ValidationError("--fps must be a positive number") }
    }

    func run() throws {
        if rules {
            let shown = Rules.all.filter { $0.applies(to: model) }
            if json {
                try printJSON(shown)
            } else {
                print(shown.map { rule in
                    let model = rule.model == .both ? "" : " (\(rule.model.rawValue) model only)"
                    return "\(rule.id)  \(rule.severity.rawValue), from the \(rule.sources.map(\.rawValue).joined(separator: " + "))\(model)\n"
                        + "    \(rule.explanation)\n    what happens: \(rule.effect)\n    fix: \(rule.fix)"
                }.joined(separator: "\n"))
            }
            return
        }
        guard let dataset else { return }
        let progress = ProgressLine(enabled: !quiet && !json)
        var options = ValidationOptions(framesPerSecond: fps, progress: { progress.update($0) })
        if !emotions.isEmpty { options.emotions = emotions }
        options.model = model
        let report = try DatasetValidator.validate(dataset, options: options)
        progress.finish()
        if json { try printJSON(report) } else { print(ValidationReportText.render(report)) }
        let code = report.exitCode(strict: strict)
        if code != 0 { throw ExitCode(code) }
    }
}

/// One line of progress on stderr, rewritten in place.
final class ProgressLine: Sendable {
    private let enabled: Bool
    init(enabled: Bool) { self.enabled = enabled && isatty(2) != 0 }

    func update(_ text: String) {
        guard enabled else { return }
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + text.prefix(100)).utf8))
    }

    func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
