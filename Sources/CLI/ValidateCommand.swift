import ArgumentParser
import Dataset
import Foundation
import Formats

extension Rule.Model: ExpressibleByArgument {}

/// validate's output formats.
enum ValidateOutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json, sarif, github, junit
}

/// `faceprep validate DATASET`: every rule, each finding explained.
struct ValidateCommand: EnvelopeCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a dataset against every rule of the guide, graded by what the training framework and SDK do.",
        discussion: """
            Severities: error = the training framework or the SDK crashes, or trains or runs on wrong data without \
            saying so; warning = the guide asks for it, or it costs something, but the numbers that reach training \
            are the same; info = worth knowing. Exit code 0 without errors, 1 with errors (with --strict: or \
            warnings; rules that are ignored never count), 2 when the dataset cannot be read.

            Settings come from faceprep.toml at the dataset's root (or --config FILE; --no-config skips it), then \
            the command line: --select and --ignore take rule ids, prefixes (AUDIO), severities (W-) or both \
            (W-AUDIO); --severity RULE=level re-grades a rule. --show-config prints the settings in force and \
            where each came from. --rules lists every rule; --explain RULE shows one with its thresholds.
            """,
        version: FacePrepVersion.current
    )
    static let envelopeName = "validate"
    typealias Results = ValidateResults

    @Argument(help: "The dataset folder (holding audio/, cache/, geom/, xform/, bs_data/).", completion: .directory)
    var dataset: String?

    @OptionGroup var frameRate: FrameRateOptions

    @Option(name: .long, parsing: .singleValue, help: "Emotion names to look for in shot names (repeat, or separate with commas; default: the guide's eleven).")
    var emotions: [String] = []

    @Option(name: .long, help: "The model you train: \(Rule.Model.allCases.map(\.rawValue).joined(separator: ", ")); the other model's rules are not checked.")
    var model: Rule.Model?

    @Option(name: .long, parsing: .singleValue, help: "Check only these rules: ids, prefixes (AUDIO), severities (W-) or both (W-AUDIO); repeat or comma-separate.")
    var select: [String] = []

    @Option(name: .long, parsing: .singleValue, help: "Do not check these rules (same forms as --select).")
    var ignore: [String] = []

    @Option(name: .long, parsing: .singleValue, help: "Re-grade a rule: RULE=error|warning|info (repeat).")
    var severity: [String] = []

    @Option(name: .long, help: "The project config (default: faceprep.toml at the dataset's root).", completion: .file(extensions: ["toml"]))
    var config: String?

    @Flag(name: .long, help: "Ignore faceprep.toml.")
    var noConfig = false

    @Flag(name: .long, help: "Print the settings in force and where each came from, then exit.")
    var showConfig = false

    @Option(name: .long, help: "Output: \(ValidateOutputFormat.allCases.map(\.rawValue).joined(separator: ", ")) (--json is --output-format json).")
    var outputFormat: ValidateOutputFormat = .text

    @Flag(name: .long, help: "Count findings per rule.")
    var statistics = false

    @Flag(name: .long, help: "List every finding of a rule that fires on many files (text output groups them).")
    var verbose = false

    @Flag(name: .long, help: "Exit 1 on warnings too.")
    var strict = false

    @Flag(name: .long, help: "List every rule with its severity, source and effect.")
    var rules = false

    @Option(name: .long, help: "Explain one rule (its id, with or without the E-/W-/I- prefix): source, why, thresholds in force, fix.")
    var explain: String?

    @OptionGroup var scale: ShardOptions
    @OptionGroup var partsOutput: PartsOutputOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if !rules, explain == nil, dataset == nil, !showConfig { throw ValidationError("give the dataset folder (or --rules, --explain RULE or --show-config)") }
        if scale.shard != nil || scale.resume, rules || explain != nil || showConfig || dataset == nil {
            throw ValidationError("--shard and --resume work on a dataset, not with --rules, --explain or --show-config")
        }
        if noConfig, config != nil { throw ValidationError("--config and --no-config contradict each other") }
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
        let thresholds: [String]

        init(_ r: Rule, settings: ValidationSettings) {
            rule = r.id; severity = settings.severity(of: r); sources = r.sources; model = r.model
            explanation = r.explanation; effect = r.effect; fix = r.fix
            thresholds = settings.thresholds.inForce(for: r.id)
        }

        var text: String {
            let scope = model == .both ? "" : " (\(model.rawValue) model only)"
            return "\(rule)  \(severity.rawValue), from the \(sources.map(\.rawValue).joined(separator: " + "))\(scope)\n"
                + "    \(explanation)\n    what happens: \(effect)\n"
                + (thresholds.isEmpty ? "" : "    thresholds: \(thresholds.joined(separator: "; "))\n")
                + "    fix: \(fix)"
        }
    }

    /// One setting as `--show-config` prints it.
    struct SettingInfo: Encodable {
        let setting: String
        let value: String
        let origin: String
    }

    enum ValidateResults: Encodable {
        case report(ValidationReport, statistics: [RuleCount]?)
        case rules([RuleInfo])
        case settings([SettingInfo])

        func encode(to encoder: Encoder) throws {
            switch self {
            case let .report(report, statistics):
                try report.encode(to: encoder)
                if let statistics {
                    var c = encoder.container(keyedBy: CodingKeys.self)
                    try c.encode(statistics, forKey: .statistics)
                }
            case let .rules(rules):
                var c = encoder.container(keyedBy: CodingKeys.self)
                try c.encode(rules, forKey: .rules)
            case let .settings(settings):
                var c = encoder.container(keyedBy: CodingKeys.self)
                try c.encode(settings, forKey: .settings)
            }
        }

        private enum CodingKeys: String, CodingKey { case rules, settings, statistics }
    }

    struct RuleCount: Encodable {
        let rule: String
        let severity: Severity
        let count: Int
    }

    /// The settings: defaults, then faceprep.toml, then the command line.
    func settings() throws -> ValidationSettings {
        var settings = ValidationSettings()
        let file = config ?? dataset.map { $0 + "/" + ProjectConfig.fileName }
        if !noConfig, let file {
            if FileManager.default.fileExists(atPath: file) {
                try ProjectConfig.apply(file, to: &settings)
            } else if config != nil {
                throw FormatError.unreadable(file, "no such file")
            }
        }
        if !select.isEmpty { settings.select = try commaSeparated(select).map(RuleSelector.init); settings.origins["select"] = "--select" }
        if !ignore.isEmpty { settings.ignore += try commaSeparated(ignore).map(RuleSelector.init); settings.origins["ignore"] = (settings.origins["ignore"].map { $0 + " and " } ?? "") + "--ignore" }
        for assignment in severity {
            let (rule, level) = try ValidationSettings.severityAssignment(assignment)
            settings.severities[rule] = level
            settings.origins["severity.\(rule)"] = "--severity"
        }
        let names = commaSeparated(emotions)
        if !names.isEmpty { settings.emotions = names; settings.origins["emotions"] = "--emotions" }
        if let model { settings.model = model; settings.origins["model"] = "--model" }
        return settings
    }

    private var format: ValidateOutputFormat { output.json ? .json : outputFormat }

    func execute(known: [String: ShotCacheReadings], progress: Progress) throws -> CommandResult<ValidateResults> {
        let settings = try settings()
        if showConfig { return showSettings(settings) }
        if let explain {
            let wanted = explain.uppercased()
            let found = Rules.all.filter { $0.id == wanted || "\($0.severity.letter)-\($0.id)" == wanted }
            guard !found.isEmpty else {
                throw CommandFailure(file: nil, message: "no rule \(explain)",
                                     hint: NameSuggestion.hint(for: wanted, in: Rules.all.map(\.id)) ?? "faceprep validate --rules lists them", exitCode: 2)
            }
            let infos = found.map { RuleInfo($0, settings: settings) }
            return CommandResult(results: .rules(infos), status: .ok, text: infos.map(\.text).joined(separator: "\n"))
        }
        if rules {
            let infos = Rules.all.filter { $0.applies(to: settings.model ?? .both) && settings.checks($0) }.map { RuleInfo($0, settings: settings) }
            return CommandResult(results: .rules(infos), status: .ok, text: infos.map(\.text).joined(separator: "\n"))
        }
        guard let dataset else { throw ExitCode(2) }
        var options = validationOptions(settings, framesPerSecond: frameRate.fps)
        options.progress = { progress.update($0) }
        options.knownCaches = known
        let report = try DatasetValidator.validate(dataset, options: options)
        let status: CommandStatus = report.exitCode(strict: strict) == 0 ? .ok : .findings
        let counts = FindingGroups.statistics(report.findings).map { RuleCount(rule: $0.rule, severity: $0.severity, count: $0.count) }
        let text: String
        switch format {
        case .text, .json:
            var body = ValidationReportText.render(report, verbose: verbose)
            if statistics {
                body += "\n\n" + (counts.isEmpty ? "no findings" : Table.render([["count", "rule", "severity"]] + counts.map { ["\($0.count)", $0.rule, $0.severity.rawValue] }))
            }
            text = body
        case .sarif:
            let log = SARIFReport.make(report, settings: settings, version: FacePrepVersion.current)
            text = String(decoding: try JSONSerialization.data(withJSONObject: log, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]), as: UTF8.self)
        case .github:
            text = GitHubAnnotations.render(report)
        case .junit:
            text = JUnitReport.render(report, settings: settings)
        }
        return CommandResult(results: .report(report, statistics: statistics ? counts : nil), status: status, text: text)
    }

    private func showSettings(_ settings: ValidationSettings) -> CommandResult<ValidateResults> {
        var rows: [SettingInfo] = []
        func origin(_ key: String) -> String { settings.origins[key] ?? "default" }
        rows.append(SettingInfo(setting: "model", value: (settings.model ?? .both).rawValue, origin: origin("model")))
        rows.append(SettingInfo(setting: "emotions", value: (settings.emotions ?? ValidationOptions.guideEmotions).joined(separator: ", "), origin: origin("emotions")))
        rows.append(SettingInfo(setting: "select", value: settings.select.isEmpty ? "ALL" : settings.select.map(\.text).joined(separator: ", "), origin: origin("select")))
        rows.append(SettingInfo(setting: "ignore", value: settings.ignore.map(\.text).joined(separator: ", "), origin: origin("ignore")))
        for (rule, level) in settings.severities.sorted(by: { $0.key < $1.key }) {
            rows.append(SettingInfo(setting: "severity.\(rule)", value: level.rawValue, origin: origin("severity.\(rule)")))
        }
        for entry in settings.pathIgnores {
            rows.append(SettingInfo(setting: "per-path-ignores.\"\(entry.pattern)\"", value: entry.rules.map(\.text).joined(separator: ", "), origin: origin("per-path-ignores.\(entry.pattern)")))
        }
        for d in ValidationThresholds.descriptors {
            let value = settings.thresholds[keyPath: d.path]
            rows.append(SettingInfo(setting: "thresholds.\(d.key)", value: "\(value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)) \(d.unit)",
                                    origin: origin("thresholds.\(d.key)")))
        }
        let text = Table.render([["setting", "value", "from"]] + rows.map { [$0.setting, $0.value, $0.origin] })
        return CommandResult(results: .settings(rows), status: .ok, text: text)
    }
}

extension ValidateCommand: ShardableCommand {
    typealias ShotValue = ShotCacheReadings
    var datasetPath: String { dataset ?? "" }
    var scaleOutput: String? { partsOutput.out }
    var extraInputs: [String] { [config].compactMap { $0 } }

    /// Skin and tongue shots: a shot's caches are read by one shard.
    func shotWeights(_ layout: DatasetLayout, byFrames: Bool) -> [String: Int] {
        frameWeights(layout, layout.skin, byFrames: byFrames).merging(frameWeights(layout, layout.tongue, byFrames: byFrames)) { $0 + $1 }
    }

    func computeShots(_ list: [String], progress: Progress, record: @escaping @Sendable (String, ShotCacheReadings) -> Void) throws -> [String: ShotCacheReadings] {
        var options = validationOptions(try settings(), framesPerSecond: frameRate.fps)
        options.progress = { progress.update($0) }
        return try DatasetValidator.readCaches(datasetPath, shots: list, options: options, record: record)
    }

    static func isFinal(_ value: ShotCacheReadings) -> Bool {
        ![value.skin, value.tongue].contains { reading in
            if case .failed(let error)? = reading { return error.isIOFailure }
            return false
        }
    }
}
