import Foundation

/// validate's findings as a SARIF 2.1.0 log.
public enum SARIFReport {
    /// The log as a JSON object (sorted keys when encoded), for `report` run with `settings`.
    public static func make(_ report: ValidationReport, settings: ValidationSettings, version: String) -> [String: Any] {
        let rules = Rules.all.filter { settings.checks($0) }
        let index = Dictionary(uniqueKeysWithValues: rules.enumerated().map { ($0.element.id, $0.offset) })
        let ruleObjects: [[String: Any]] = rules.map { rule in
            [
                "id": rule.id,
                "shortDescription": ["text": rule.explanation],
                "fullDescription": ["text": "\(rule.explanation) What happens: \(rule.effect)"],
                "help": ["text": "Fix: \(rule.fix)"],
                "defaultConfiguration": ["level": level(settings.severity(of: rule))],
                "properties": ["sources": rule.sources.map(\.rawValue), "model": rule.model.rawValue,
                               "thresholds": settings.thresholds.inForce(for: rule.id)],
            ]
        }
        let results: [[String: Any]] = report.findings.map { finding in
            var result: [String: Any] = [
                "ruleId": finding.rule,
                "level": level(finding.severity),
                "message": ["text": "\(finding.message) — fix: \(finding.fix)"],
                "locations": [["physicalLocation": ["artifactLocation": ["uri": uri(finding.file), "uriBaseId": "DATASET"]]]],
                "properties": ["severity": finding.severity.rawValue, "fix": finding.fix],
            ]
            if let i = index[finding.rule] { result["ruleIndex"] = i }
            return result
        }
        let root = URL(fileURLWithPath: report.root).standardized.path
        return [
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [[
                "tool": ["driver": ["name": "faceprep", "version": version, "semanticVersion": version, "rules": ruleObjects]],
                "originalUriBaseIds": ["DATASET": ["uri": URL(fileURLWithPath: root, isDirectory: true).absoluteString]],
                "results": results,
            ]],
        ]
    }

    /// SARIF's level for a severity: error, warning or note.
    static func level(_ severity: Severity) -> String {
        switch severity {
        case .error: return "error"
        case .warning: return "warning"
        case .info: return "note"
        }
    }

    /// A relative path as a URI reference (spaces and the like percent-encoded).
    static func uri(_ path: String) -> String {
        path.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? path
    }
}
