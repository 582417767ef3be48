/// Findings of one rule and severity that fire on many files, as one line; and counts per rule.
public enum FindingGroups {
    /// A rule firing on at least `threshold` files is grouped.
    public static let threshold = 5

    /// Text lines for `findings` (of one severity): single findings as they are; a rule on many files
    /// as `RULE ×N: message of the first — fix (files: a, b, c, … and N more; --verbose lists all)`.
    public static func lines(_ findings: [Finding], verbose: Bool) -> [String] {
        guard !verbose else { return findings.map(\.line) }
        var lines: [String] = []
        var done = Set<String>()
        let byRule = Dictionary(grouping: findings, by: \.rule)
        for finding in findings where !done.contains(finding.rule) {
            let group = byRule[finding.rule] ?? [finding]
            if group.count >= threshold {
                done.insert(finding.rule)
                let others = group.dropFirst().prefix(3).map(\.file).joined(separator: ", ")
                let more = group.count - 4
                lines.append("\(finding.rule) ×\(group.count) \(group[0].file): \(group[0].message) — \(group[0].fix); also \(others)\(more > 0 ? " and \(more) more" : "") (--verbose lists each)")
            } else {
                lines.append(finding.line)
            }
        }
        return lines
    }

    /// Findings per rule, most first: `(rule, severity, count)`.
    public static func statistics(_ findings: [Finding]) -> [(rule: String, severity: Severity, count: Int)] {
        Dictionary(grouping: findings, by: \.rule).map { (rule: $0.key, severity: $0.value[0].severity, count: $0.value.count) }
            .sorted { ($0.count, $1.rule) > ($1.count, $0.rule) }
    }
}
