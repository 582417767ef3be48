import Dataset

/// What one repair did to one file of the input.
public struct FixedFile: Sendable, Codable {
    /// The rules whose findings it answers.
    public let rules: [String]
    /// The input file, relative to the dataset.
    public let file: String
    /// What was (or, in a dry run, would be) done.
    public let action: String
    /// Files written in FIXED, relative to it.
    public var outputs: [String]
    /// Measured before and after, where there is something to measure ("rotation 2.00°" → "0.00°").
    public var before: String?
    public var after: String?
    /// Why the repair failed, when it did (the file is then left out of FIXED's fixes).
    public var error: String?
    /// 1 for the findings on the input; 2 or 3 for those that only showed on FIXED once others were fixed.
    public var pass = 1
}

/// A finding left as it is, and why.
public struct Unfixed: Sendable, Codable {
    public let rule: String
    public let severity: Severity
    public let file: String
    public let message: String
    public let why: String
}

/// The fix log: written to `FIXED/faceprep-fix.json`, printed as text.
public struct FixReport: Sendable, Codable {
    public let input: String
    public let output: String
    public let dryRun: Bool
    public let fixed: [FixedFile]
    public let unfixed: [Unfixed]
    /// Files hard-linked (or copied) unchanged.
    public let unchanged: Int
    /// validate's findings on FIXED (none in a dry run).
    public let remaining: [Finding]
    public let resampler: String

    /// 0 when FIXED has no error left, 1 otherwise (a dry run: when an error would remain).
    public var exitCode: Int32 {
        let errors = dryRun ? unfixed.contains { $0.severity == .error } : remaining.contains { $0.severity == .error }
        return errors || fixed.contains { $0.error != nil } ? 1 : 0
    }
}
