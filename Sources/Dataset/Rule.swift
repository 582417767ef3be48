/// A check of the dataset guide, with the severity of a breach and the usual fix.
public struct Rule: Sendable, Codable, Equatable {
    /// `E-…`, `W-…` or `I-…`.
    public let id: String
    public let severity: Severity
    /// What the rule requires and why.
    public let explanation: String
    /// The usual fix, unless a finding says something more specific.
    public let fix: String

    init(_ severity: Severity, _ name: String, _ explanation: String, fix: String) {
        self.id = "\(severity.letter)-\(name)"
        self.severity = severity
        self.explanation = explanation
        self.fix = fix
    }
}
