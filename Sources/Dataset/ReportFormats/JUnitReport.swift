/// validate's findings as JUnit XML: a `<testsuite>` per rule checked, a failing `<testcase>` per
/// finding (errors and warnings; info findings pass with the message as output), one passing case
/// for a rule without findings.
public enum JUnitReport {
    public static func render(_ report: ValidationReport, settings: ValidationSettings) -> String {
        let rules = Rules.all.filter { settings.checks($0) }
        let byRule = Dictionary(grouping: report.findings, by: \.rule)
        var suites: [String] = []
        var totalTests = 0, totalFailures = 0
        for rule in rules {
            let findings = byRule[rule.id] ?? []
            var cases: [String] = []
            var failures = 0
            if findings.isEmpty {
                cases.append("    <testcase classname=\"\(escape(rule.id))\" name=\"dataset\"/>")
            }
            for finding in findings {
                if finding.severity == .info {
                    cases.append("    <testcase classname=\"\(escape(rule.id))\" name=\"\(escape(finding.file))\"><system-out>\(escape(finding.message))</system-out></testcase>")
                } else {
                    failures += 1
                    cases.append("    <testcase classname=\"\(escape(rule.id))\" name=\"\(escape(finding.file))\">"
                        + "<failure type=\"\(finding.severity.rawValue)\" message=\"\(escape(finding.message))\">\(escape("fix: \(finding.fix)"))</failure></testcase>")
                }
            }
            totalTests += cases.count
            totalFailures += failures
            suites.append("  <testsuite name=\"\(escape(rule.id))\" tests=\"\(cases.count)\" failures=\"\(failures)\" errors=\"0\" skipped=\"0\">\n"
                + cases.joined(separator: "\n") + "\n  </testsuite>")
        }
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<testsuites name=\"faceprep validate \(escape(report.root))\" tests=\"\(totalTests)\" failures=\"\(totalFailures)\" errors=\"0\">\n"
            + suites.joined(separator: "\n") + "\n</testsuites>"
    }

    /// XML text and attribute escaping; characters XML 1.0 cannot hold become U+FFFD.
    static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                out.unicodeScalars.append(scalar.value < 0x20 || (0xFFFE...0xFFFF).contains(scalar.value) ? "\u{FFFD}" : scalar)
            }
        }
        return out
    }
}
