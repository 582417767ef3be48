/// How much a finding matters.
public enum Severity: String, Sendable, Codable, Comparable, CaseIterable {
    /// Training fails, or silently learns from wrong data.
    case error
    /// Training runs but quality or robustness suffers; or the guide recommends otherwise.
    case warning
    /// Worth knowing; nothing to fix.
    case info

    /// `E`, `W` or `I`, the prefix of rule ids.
    public var letter: String { String(rawValue.prefix(1)).uppercased() }

    private var order: Int { self == .error ? 0 : (self == .warning ? 1 : 2) }
    public static func < (a: Severity, b: Severity) -> Bool { a.order < b.order }
}

/// One problem found in a dataset: which rule, which file, what was found against what was
/// expected, and how to fix it.
public struct Finding: Sendable, Codable, Equatable {
    /// Rule id, e.g. `AUDIO-RATE`.
    public let rule: String
    /// The rule's severity in this run (its default, or a project config's).
    public internal(set) var severity: Severity
    /// Path relative to the dataset root.
    public let file: String
    /// What was found and what was expected.
    public let message: String
    /// What to do about it.
    public let fix: String

    public init(_ rule: Rule, file: String, _ message: String, fix: String? = nil) {
        self.rule = rule.id
        self.severity = rule.severity
        self.file = file
        self.message = message
        self.fix = fix ?? rule.fix
    }

    /// One line: `AUDIO-RATE audio/cp3.wav: 8000 Hz, needs ≥ 16000 Hz — resample …`.
    public var line: String { "\(rule) \(file): \(message) — \(fix)" }

    /// The severity's letter and the id, `W-AUDIO-RATE`: how a finding is quoted with its severity.
    public var code: String { "\(severity.letter)-\(rule)" }
}
