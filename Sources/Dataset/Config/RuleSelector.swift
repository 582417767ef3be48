/// Which rules a `--select`, `--ignore` or per-path entry names: an id (`HEAD-MOTION`), a prefix of
/// whole words (`AUDIO` for every AUDIO-… rule), a severity (`W-`, `E`), both (`W-AUDIO`,
/// `E-HEAD-MOTION`), or `ALL`.
public struct RuleSelector: Sendable, Equatable, CustomStringConvertible {
    public let severity: Severity?
    /// An id or a prefix ending at a hyphen; empty for any rule.
    public let prefix: String
    public let text: String

    public var description: String { text }

    /// Parses `text`; throws when it names no rule, with the closest ids.
    public init(_ text: String) throws {
        self.text = text
        var rest = text.uppercased().trimmingCharacters(in: .whitespaces)
        var severity: Severity?
        if rest == "ALL" { rest = "" }
        for candidate in Severity.allCases {
            let letter = candidate.letter
            if rest == letter || rest == letter + "-" { severity = candidate; rest = ""; break }
            // `W-AUDIO`: a severity letter in front of a rule prefix (no rule id starts with a single letter and a hyphen).
            if rest.hasPrefix(letter + "-"), !Rules.all.contains(where: { $0.id == rest || $0.id.hasPrefix(rest + "-") }) {
                severity = candidate
                rest = String(rest.dropFirst(2))
                break
            }
        }
        self.severity = severity
        prefix = rest
        let prefix = rest
        guard prefix.isEmpty || Rules.all.contains(where: { $0.id == prefix || $0.id.hasPrefix(prefix + "-") }) else {
            throw UsageProblem(subject: text, problem: "names no rule", hint: NameSuggestion.hint(for: prefix, in: Rules.all.map(\.id)) ?? "faceprep validate --rules lists them")
        }
    }

    /// Whether the selector names `rule` at `severity` (the severity in force).
    public func matches(_ rule: String, severity: Severity) -> Bool {
        if let wanted = self.severity, wanted != severity { return false }
        return prefix.isEmpty || rule == prefix || rule.hasPrefix(prefix + "-")
    }
}

import Foundation
