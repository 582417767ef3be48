/// A rule `faceprep validate` checks, with the severity of a breach, where the rule comes from and
/// what exactly happens there, and the usual fix.
///
/// Severities follow one principle: **error** — the training framework or the SDK crashes, or
/// trains or runs on wrong data without saying so; **warning** — the guide asks for it, or it costs
/// something (disk, time, quality), but the numbers that reach training are the same; **info** —
/// worth knowing.
public struct Rule: Sendable, Codable, Equatable {
    /// Where a rule comes from.
    public enum Source: String, Sendable, Codable, CaseIterable {
        /// NVIDIA's data-preparation guide asks for it.
        case guide
        /// The Audio2Face-3D Training Framework (preprocessing or training) depends on it.
        case framework
        /// The Audio2Face-3D SDK (the blendshape solver and the deployed model's files) depends on it.
        case sdk
    }

    /// Which model's training the rule concerns.
    public enum Model: String, Sendable, Codable, CaseIterable {
        case regression, diffusion, both
    }

    /// The stable id, written out whole where the rule is declared (grep finds it), e.g.
    /// `HEAD-MOTION`. It does not carry the severity, which a project config may change.
    public let id: String
    /// The default severity.
    public let severity: Severity
    /// What the rule requires and why.
    public let explanation: String
    /// Where the rule comes from.
    public let sources: [Source]
    /// What exactly happens in the framework or SDK (stage and effect), or what the guide says.
    public let effect: String
    /// The model whose training the rule concerns (`both` for any).
    public let model: Model
    /// The usual fix, unless a finding says something more specific.
    public let fix: String

    init(_ id: String, _ severity: Severity, _ explanation: String, sources: [Source], effect: String,
         model: Model = .both, fix: String) {
        self.id = id
        self.severity = severity
        self.explanation = explanation
        self.sources = sources
        self.effect = effect
        self.model = model
        self.fix = fix
    }

    /// Whether the rule applies when training `trained` (`both`: every rule).
    public func applies(to trained: Model) -> Bool {
        trained == .both || model == .both || model == trained
    }
}
