import Foundation
import Formats
import Linalg
import TOMLKit

/// A project's validate settings from `faceprep.toml` (at the dataset root, or `--config FILE`):
///
/// ```toml
/// [validate]
/// select = ["ALL"]                          # ids, prefixes (AUDIO), severities (W-)
/// ignore = ["DATASET-SHOTS"]
/// model = "regression"                      # regression | diffusion | both
/// emotions = ["neutral", "joy"]
///
/// [validate.severity]
/// CACHE-DTYPE = "error"
///
/// [validate.per-path-ignores]
/// "audio/aug/*" = ["AUG-DRIFT"]             # a glob over paths, or a shot name
///
/// [validate.thresholds]
/// head-rotation-degrees = 0.3               # every key of ValidationThresholds.descriptors
/// ```
/// Unknown keys and wrong types are errors naming the key and its line.
public enum ProjectConfig {
    public static let fileName = "faceprep.toml"

    /// Reads the config at `path` into `settings`, recording where each value came from.
    public static func apply(_ path: String, to settings: inout ValidationSettings) throws {
        let buffer: ByteBuffer
        do { buffer = try ByteBuffer.map(path: path) } catch let error as ByteBufferError { throw FormatError.unreadable(path, "cannot read: \(error.reason)") }
        guard buffer.count <= 1 << 20 else { throw UsageProblem(subject: path, problem: "\(buffer.count) bytes: too large for a faceprep.toml", hint: nil) }
        let data = Data(buffer.bytes(at: 0, count: buffer.count) ?? [])
        let text = String(decoding: data, as: UTF8.self)
        let table: TOMLTable
        do { table = try TOMLTable(string: text) } catch let error as TOMLParseError {
            throw UsageProblem(subject: "\(path): line \(error.source.begin.line), column \(error.source.begin.column)", problem: "not valid TOML: \(error.description)", hint: nil)
        }
        guard let object = try JSONSerialization.jsonObject(with: Data(table.convert(to: .json).utf8)) as? [String: Any] else {
            throw UsageProblem(subject: path, problem: "not a TOML table", hint: nil)
        }
        let lines = text.components(separatedBy: "\n")
        func line(of key: String) -> String {
            let quoted = "\"\(key)\""
            let index = lines.firstIndex { raw in
                let l = raw.trimmingCharacters(in: .whitespaces)
                return l.hasPrefix(key + " ") || l.hasPrefix(key + "=") || l.hasPrefix(quoted) || (l.hasPrefix("[") && l.contains(key))
            }
            return index.map { "line \($0 + 1)" } ?? "?"
        }
        func fail(_ key: String, _ problem: String) -> UsageProblem {
            UsageProblem(subject: "\(path): \(key) (\(line(of: key.split(separator: ".").last.map(String.init) ?? key)))", problem: problem,
                         hint: "faceprep validate --help describes faceprep.toml; --show-config prints the settings in force")
        }
        let origin = { (key: String) in "\(URL(fileURLWithPath: path).lastPathComponent) \(line(of: key))" }

        for key in object.keys where key != "validate" { throw fail(key, "unknown section; faceprep.toml holds [validate]") }
        guard let validate = object["validate"] as? [String: Any] else { return }
        let known = ["select", "ignore", "model", "emotions", "severity", "per-path-ignores", "thresholds"]
        for key in validate.keys where !known.contains(key) {
            throw fail("validate.\(key)", "unknown key" + (NameSuggestion.hint(for: key, in: known).map { "; \($0)" } ?? "; known: \(known.joined(separator: ", "))"))
        }
        func strings(_ key: String) throws -> [String]? {
            guard let value = validate[key] else { return nil }
            guard let list = value as? [String] else { throw fail("validate.\(key)", "expected a list of strings") }
            return list
        }
        func selectors(_ list: [String], key: String) throws -> [RuleSelector] {
            try list.map { text in
                do { return try RuleSelector(text) } catch let problem as UsageProblem {
                    throw fail(key, "'\(text)' names no rule" + (problem.hint.map { "; \($0)" } ?? ""))
                }
            }
        }
        if let list = try strings("select") { settings.select = try selectors(list, key: "validate.select"); settings.origins["select"] = origin("select") }
        if let list = try strings("ignore") { settings.ignore = try selectors(list, key: "validate.ignore"); settings.origins["ignore"] = origin("ignore") }
        if let list = try strings("emotions") { settings.emotions = list; settings.origins["emotions"] = origin("emotions") }
        if let value = validate["model"] {
            guard let text = value as? String, let model = Rule.Model(rawValue: text) else { throw fail("validate.model", "expected \"regression\", \"diffusion\" or \"both\"") }
            settings.model = model
            settings.origins["model"] = origin("model")
        }
        if let value = validate["severity"] {
            guard let table = value as? [String: Any] else { throw fail("validate.severity", "expected a table of RULE = \"level\"") }
            for (rule, level) in table {
                guard let text = level as? String else { throw fail(rule, "expected \"error\", \"warning\" or \"info\"") }
                do {
                    let (id, severity) = try ValidationSettings.severityAssignment("\(rule)=\(text)")
                    settings.severities[id] = severity
                    settings.origins["severity.\(id)"] = origin(rule)
                } catch let problem as UsageProblem {
                    throw fail(rule, problem.problem + (problem.hint.map { "; \($0)" } ?? ""))
                }
            }
        }
        if let value = validate["per-path-ignores"] {
            guard let table = value as? [String: Any] else { throw fail("validate.per-path-ignores", "expected a table of \"path or glob\" = [rules]") }
            for (pattern, rules) in table.sorted(by: { $0.key < $1.key }) {
                guard let list = rules as? [String] else { throw fail(pattern, "expected a list of rule ids") }
                settings.pathIgnores.append(ValidationSettings.PathIgnore(pattern: pattern, rules: try selectors(list, key: pattern)))
                settings.origins["per-path-ignores.\(pattern)"] = origin(pattern)
            }
        }
        if let value = validate["thresholds"] {
            guard let table = value as? [String: Any] else { throw fail("validate.thresholds", "expected a table of name = number") }
            for (key, raw) in table {
                guard let descriptor = ValidationThresholds.descriptors.first(where: { $0.key == key }) else {
                    throw fail(key, "unknown threshold" + (NameSuggestion.hint(for: key, in: ValidationThresholds.descriptors.map(\.key)).map { "; \($0)" } ?? ""))
                }
                guard let number = raw as? NSNumber, !(String(cString: number.objCType) == "c"), number.doubleValue.isFinite else {
                    throw fail(key, "expected a number (\(descriptor.unit))")
                }
                settings.thresholds[keyPath: descriptor.path] = number.doubleValue
                settings.origins["thresholds.\(key)"] = origin(key)
            }
        }
    }
}
