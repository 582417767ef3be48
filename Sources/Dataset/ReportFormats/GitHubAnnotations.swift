/// validate's findings as GitHub Actions workflow commands: `::error file=…,title=RULE::message — fix`.
public enum GitHubAnnotations {
    public static func render(_ report: ValidationReport) -> String {
        var root = report.root
        while root.count > 1, root.hasSuffix("/") { root.removeLast() }
        return report.findings.map { finding in
            let command = finding.severity == .error ? "error" : (finding.severity == .warning ? "warning" : "notice")
            let file = root + "/" + finding.file
            return "::\(command) file=\(property(file)),title=\(property(finding.rule))::\(data("\(finding.message) — fix: \(finding.fix)"))"
        }.joined(separator: "\n")
    }

    /// Escapes a command's message (`%`, CR, LF), as the Actions runner reads it.
    static func data(_ text: String) -> String {
        text.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D").replacingOccurrences(of: "\n", with: "%0A")
    }

    /// Escapes a property value (also `:` and `,`).
    static func property(_ text: String) -> String {
        data(text).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
    }
}
