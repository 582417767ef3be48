import Foundation

/// What a team sets for validate — rule selection, severities, per-path ignores, thresholds, the
/// emotion list and the model — from faceprep.toml and the command line, and where each came from.
public struct ValidationSettings: Sendable {
    /// Rules to check (`--select`); empty: all.
    public var select: [RuleSelector] = []
    /// Rules not to check (`--ignore`), applied after `select`.
    public var ignore: [RuleSelector] = []
    /// Severity by rule id (`--severity RULE=level`).
    public var severities: [String: Severity] = [:]
    public var pathIgnores: [PathIgnore] = []
    public var thresholds = ValidationThresholds()
    public var emotions: [String]?
    public var model: Rule.Model?
    /// Setting → where its value came from (`faceprep.toml line 4`, `--ignore`); absent: the default.
    public var origins: [String: String] = [:]

    public init() {}

    /// Findings of some rules on some paths left out: `"cache/skin/shot07*" = ["HEAD-MOTION"]`.
    public struct PathIgnore: Sendable {
        /// A glob over the finding's path relative to the dataset (`*` also crosses `/`), or a shot
        /// name (any path with that folder or file stem).
        public let pattern: String
        public let rules: [RuleSelector]

        public init(pattern: String, rules: [RuleSelector]) {
            self.pattern = pattern
            self.rules = rules
        }

        func covers(_ file: String) -> Bool {
            let trimmed = file.hasSuffix("/") ? String(file.dropLast()) : file
            if let glob = GlobPattern(pattern.replacingOccurrences(of: "**", with: "*")), glob.matches(trimmed) || glob.matches(file) { return true }
            guard !pattern.contains("/") else { return false }
            let parts = trimmed.split(separator: "/").map(String.init)
            let stems = parts.map { URL(fileURLWithPath: $0).deletingPathExtension().lastPathComponent }
            let glob = GlobPattern(pattern)
            return (parts + stems).contains { glob?.matches($0) ?? ($0 == pattern) }
        }
    }

    /// The severity `rule` has in this run.
    public func severity(of rule: Rule) -> Severity { severities[rule.id] ?? rule.severity }

    /// Whether a finding of `rule` on `file` is reported.
    public func reports(_ rule: Rule, file: String) -> Bool {
        let severity = severity(of: rule)
        if !select.isEmpty, !select.contains(where: { $0.matches(rule.id, severity: severity) }) { return false }
        if ignore.contains(where: { $0.matches(rule.id, severity: severity) }) { return false }
        return !pathIgnores.contains { entry in entry.covers(file) && entry.rules.contains { $0.matches(rule.id, severity: severity) } }
    }

    /// Whether `rule` is checked at all (selection and ignores, not per-path ignores).
    public func checks(_ rule: Rule) -> Bool {
        let severity = severity(of: rule)
        if !select.isEmpty, !select.contains(where: { $0.matches(rule.id, severity: severity) }) { return false }
        return !ignore.contains { $0.matches(rule.id, severity: severity) }
    }

    /// Parses `RULE=level` (`--severity`).
    public static func severityAssignment(_ text: String) throws -> (rule: String, severity: Severity) {
        let parts = text.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2 else { throw UsageProblem(subject: text, problem: "expected RULE=error|warning|info", hint: nil) }
        guard let severity = Severity(rawValue: parts[1].lowercased()) else {
            throw UsageProblem(subject: text, problem: "'\(parts[1])' is not a severity", hint: "use error, warning or info")
        }
        let id = parts[0].uppercased()
        guard Rules.all.contains(where: { $0.id == id }) else {
            throw UsageProblem(subject: text, problem: "no rule \(parts[0])", hint: NameSuggestion.hint(for: id, in: Rules.all.map(\.id)))
        }
        return (id, severity)
    }
}
