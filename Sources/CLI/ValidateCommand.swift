import ArgumentParser
import Dataset
import Foundation

extension Rule.Model: ExpressibleByArgument {}

/// `faceprep validate DATASET`: every rule, each finding explained.
struct ValidateCommand: EnvelopeCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a dataset against every rule of the guide, graded by what the training framework and SDK do.",
        discussion: """
            Severities: error = the training framework or the SDK crashes, or trains or runs on wrong data without \
            saying so; warning = the guide asks for it, or it costs something, but the numbers that reach training \
            are the same; info = worth knowing. Exit code 0 without errors, 1 with errors (or warnings with \
            --strict), 2 when the dataset cannot be read. --rules lists every rule with its source and effect; \
            --explain RULE shows one.
            """,
        version: FacePrepVersion.current
    )
    static let envelopeName = "validate"

    @Argument(help: "The dataset folder (holding audio/, cache/, geom/, xform/, bs_data/).", completion: .directory)
    var dataset: String?

    @OptionGroup var frameRate: FrameRateOptions

    @Option(name: .long, parsing: .singleValue, help: "Emotion names to look for in shot names (repeat, or separate with commas; default: the guide's eleven).")
    var emotions: [String] = []

    @Option(name: .long, help: "The model you train: \(Rule.Model.allCases.map(\.rawValue).joined(separator: ", ")); the other model's rules are not checked.")
    var model: Rule.Model = .both

    @Flag(name: .long, help: "Exit 1 on warnings too.")
    var strict = false

    @Flag(name: .long, help: "List every rule with its severity, source and effect.")
    var rules = false

    @Option(name: .long, help: "Explain one rule (its id, with or without the E-/W-/I- prefix).")
    var explain: String?

    @OptionGroup var output: OutputOptions

    func validate() throws {
        if !rules, explain == nil, dataset == nil { throw ValidationError("give the dataset folder (or --rules, or --explain RULE)") }
    }

    /// A rule as `--rules` and `--explain` print it.
    struct RuleInfo: Encodable {
        let rule: String
        let severity: Severity
        let sources: [Rule.Source]
        let model: Rule.Model
        let explanation: String
        let effect: String
        let fix: String

        init(_ r: Rule) {
            rule = r.id; severity = r.severity; sources = r.sources; model = r.model
            explanation = r.explanation; effect = r.effect; fix = r.fix
        }

        var text: String {
            let scope = model == .both ? "" : " (\(model.rawValue) model only)"
            return "\(rule)  \(severity.rawValue), from the \(sources.map(\.rawValue).joined(separator: " + "))\(scope)\n"
                + "    \(explanation)\n    what happens: \(effect)\n    fix: \(fix)"
        }
    }

    enum Results: Encodable {
        case report(ValidationReport)
        case rules([RuleInfo])

        func encode(to encoder: Encoder) throws {
            switch self {
            case let .report(report): try report.encode(to: encoder)
            case let .rules(rules):
                var c = encoder.container(keyedBy: CodingKeys.self)
                try c.encode(rules, forKey: .rules)
            }
        }

        private enum CodingKeys: String, CodingKey { case rules }
    }

    func execute(progress: Progress) throws -> CommandResult<Results> {
        if let explain {
            let wanted = explain.uppercased()
            let found = Rules.all.filter { $0.id == wanted || $0.id.dropFirst(2) == wanted }
            guard !found.isEmpty else {
                throw CommandFailure(file: nil, message: "no rule \(explain)",
                                     hint: NameSuggestion.hint(for: wanted, in: Rules.all.map(\.id)) ?? "faceprep validate --rules lists them", exitCode: 2)
            }
            let infos = found.map(RuleInfo.init)
            return CommandResult(results: .rules(infos), status: .ok, text: infos.map(\.text).joined(separator: "\n"))
        }
        if rules {
            let infos = Rules.all.filter { $0.applies(to: model) }.map(RuleInfo.init)
            return CommandResult(results: .rules(infos), status: .ok, text: infos.map(\.text).joined(separator: "\n"))
        }
        guard let dataset else { throw ExitCode(2) }
        var options = ValidationOptions(framesPerSecond: frameRate.fps, progress: { progress.update($0) })
        let names = emotions.flatMap { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } }.filter { !$0.isEmpty }
        if !names.isEmpty { options.emotions = names }
        options.model = model
        let report = try DatasetValidator.validate(dataset, options: options)
        return CommandResult(results: .report(report), status: report.exitCode(strict: strict) == 0 ? .ok : .findings,
                             text: ValidationReportText.render(report))
    }
}
