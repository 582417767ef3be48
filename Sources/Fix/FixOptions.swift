import Dataset

/// What `faceprep fix` may do.
public struct FixOptions: Sendable {
    /// Where the fixed dataset goes: a new folder, outside the input.
    public var output: String
    /// Plan only: nothing is written.
    public var dryRun = false
    /// Only findings of these rules are fixed (empty: all).
    public var only: [RuleSelector] = []
    /// Findings of these rules are left as they are.
    public var skip: [RuleSelector] = []
    /// Shift each shot's audio by its confident sync lag (SYNC-OFFSET).
    public var applySync = false
    /// The most audio a length fix may pad or trim at the end, seconds.
    public var maxAudioChange = 0.5
    /// The Maya channel to keep from caches with several.
    public var channel: String?
    /// Where the per-shot transform archives the guide's export scripts wrote lie (besides `xform/`):
    /// the arrays the combine-script mistake lost are taken from them.
    public var perShotFolder: String?
    /// Validation settings (faceprep.toml), for the findings and for the check of the result.
    public var validation = ValidationOptions()
    public var progress: @Sendable (String) -> Void = { _ in }

    public init(output: String) {
        self.output = output
    }

    /// Whether findings of `rule` (at `severity`) may be fixed in this run.
    public func allows(_ rule: String, severity: Severity) -> Bool {
        if skip.contains(where: { $0.matches(rule, severity: severity) }) { return false }
        return only.isEmpty || only.contains(where: { $0.matches(rule, severity: severity) })
    }
}
