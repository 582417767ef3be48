import Dataset
import Foundation

/// The human form of a validation report: findings by severity then file, then a summary table.
enum ValidationReportText {
    static func render(_ report: ValidationReport, verbose: Bool = false) -> String {
        var lines: [String] = []
        let titles: [Severity: (String, String)] = [.error: ("error", "errors"), .warning: ("warning", "warnings"), .info: ("info", "info")]
        for severity in Severity.allCases {
            let group = report.findings.filter { $0.severity == severity }
            guard !group.isEmpty, let title = titles[severity] else { continue }
            lines.append("\(title.1.capitalized) (\(group.count))")
            lines += FindingGroups.lines(group, verbose: verbose).map { "  " + $0 }
            lines.append("")
        }
        let s = report.summary
        var rows: [(String, String)] = [
            ("dataset", report.root),
            ("shots", "\(s.shots)" + (s.tongueShots > 0 ? " (\(s.tongueShots) with tongue)" : "")),
            ("duration", String(format: "%.1f s in %@", s.totalSeconds, Number.count(s.totalFrames, "frame"))),
            ("frame rate", (s.framesPerSecond.map { String(format: "%g fps", $0) } ?? "-") + " (\(s.frameRateSource))"),
            ("skin vertices", s.skinVertices.map(String.init) ?? "-"),
        ]
        if let tongue = s.tongueVertices { rows.append(("tongue vertices", "\(tongue)")) }
        if let rigid = s.headRigidSet { rows.append(("head measured on", rigid)) }
        rows.append(("sample rates", s.sampleRates.isEmpty ? "-" : s.sampleRates.map { "\($0) Hz" }.joined(separator: ", ")))
        if !s.augmentedVoices.isEmpty { rows.append(("augmented voices", s.augmentedVoices.joined(separator: ", "))) }
        for emotion in s.emotions {
            rows.append(("emotion " + emotion.emotion, String(format: "%@, %.1f s", Number.count(emotion.shots, "shot"), emotion.seconds)))
        }
        if s.untaggedShots > 0 { rows.append(("no emotion", Number.count(s.untaggedShots, "shot"))) }
        let width = rows.map(\.0.count).max() ?? 0
        lines += rows.map { $0.0.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + $0.1 }
        lines.append("")
        lines.append("\(Number.count(report.count(.error), "error")), \(Number.count(report.count(.warning), "warning")), \(report.count(.info)) info")
        return lines.joined(separator: "\n")
    }
}
