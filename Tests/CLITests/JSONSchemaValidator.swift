import Foundation

/// The part of JSON Schema (draft 2020-12) that `Schemas/faceprep-output.schema.json` uses: type,
/// enum, const, required, properties, additionalProperties, items, pattern, minimum,
/// exclusiveMinimum, allOf, anyOf, oneOf, not, if/then/else and local `$ref`s. Unknown keywords
/// (title, description, $id) are annotations and ignored.
struct JSONSchemaValidator {
    let root: [String: Any]

    init(schemaAt path: String) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw ValidationProblem(path: "", message: "the schema is not an object")
        }
        root = object
    }

    struct ValidationProblem: Error, CustomStringConvertible {
        let path: String
        let message: String
        var description: String { "\(path.isEmpty ? "/" : path): \(message)" }
    }

    /// Every place where `instance` breaks the schema (empty when it is valid).
    func problems(_ instance: Any) -> [ValidationProblem] {
        var out: [ValidationProblem] = []
        check(instance, against: root, at: "", into: &out)
        return out
    }

    private func resolve(_ reference: String) -> [String: Any]? {
        guard reference.hasPrefix("#/") else { return nil }
        var node: Any = root
        for part in reference.dropFirst(2).split(separator: "/") {
            guard let dict = node as? [String: Any], let next = dict[String(part)] else { return nil }
            node = next
        }
        return node as? [String: Any]
    }

    private func isValid(_ instance: Any, _ schema: Any) -> Bool {
        var scratch: [ValidationProblem] = []
        check(instance, against: schema, at: "", into: &scratch)
        return scratch.isEmpty
    }

    private static func typeName(_ value: Any) -> String {
        switch value {
        case is NSNull: return "null"
        case let n as NSNumber:
            let code = String(cString: n.objCType)
            if code == "c" || code == "B" { return "boolean" }
            if code == "d" || code == "f" { return n.doubleValue == n.doubleValue.rounded() && abs(n.doubleValue) < 9e15 ? "integer" : "number" }
            return "integer"
        case is String: return "string"
        case is [Any]: return "array"
        case is [String: Any]: return "object"
        default: return "unknown"
        }
    }

    private static func equal(_ a: Any, _ b: Any) -> Bool {
        switch (a, b) {
        case let (x as String, y as String): return x == y
        case let (x as NSNumber, y as NSNumber): return x == y
        case (is NSNull, is NSNull): return true
        default: return false
        }
    }

    private func check(_ instance: Any, against schemaAny: Any, at path: String, into out: inout [ValidationProblem]) {
        if let flag = schemaAny as? Bool {
            if !flag { out.append(ValidationProblem(path: path, message: "not allowed")) }
            return
        }
        guard let schema = schemaAny as? [String: Any] else { return }
        if let reference = schema["$ref"] as? String {
            guard let target = resolve(reference) else { out.append(ValidationProblem(path: path, message: "unresolved $ref \(reference)")); return }
            check(instance, against: target, at: path, into: &out)
        }
        let type = Self.typeName(instance)
        if let expected = schema["type"] {
            let allowed = (expected as? [String]) ?? [(expected as? String) ?? ""]
            let ok = allowed.contains(type) || (type == "integer" && allowed.contains("number"))
            if !ok { out.append(ValidationProblem(path: path, message: "is \(type), expected \(allowed.joined(separator: " or "))")) }
        }
        if let options = schema["enum"] as? [Any], !options.contains(where: { Self.equal($0, instance) }) {
            out.append(ValidationProblem(path: path, message: "\(instance) is not one of \(options)"))
        }
        if let constant = schema["const"], !Self.equal(constant, instance) {
            out.append(ValidationProblem(path: path, message: "\(instance) is not \(constant)"))
        }
        if let n = instance as? NSNumber, type != "boolean" {
            if let minimum = (schema["minimum"] as? NSNumber)?.doubleValue, n.doubleValue < minimum {
                out.append(ValidationProblem(path: path, message: "\(n) < minimum \(minimum)"))
            }
            if let minimum = (schema["exclusiveMinimum"] as? NSNumber)?.doubleValue, n.doubleValue <= minimum {
                out.append(ValidationProblem(path: path, message: "\(n) ≤ exclusive minimum \(minimum)"))
            }
        }
        if let text = instance as? String, let pattern = schema["pattern"] as? String,
           text.range(of: pattern, options: .regularExpression) == nil {
            out.append(ValidationProblem(path: path, message: "'\(text)' does not match \(pattern)"))
        }
        if let object = instance as? [String: Any] {
            for key in (schema["required"] as? [String]) ?? [] where object[key] == nil {
                out.append(ValidationProblem(path: path, message: "missing '\(key)'"))
            }
            let properties = (schema["properties"] as? [String: Any]) ?? [:]
            for (key, value) in object {
                if let sub = properties[key] {
                    check(value, against: sub, at: path + "/" + key, into: &out)
                } else if let additional = schema["additionalProperties"] {
                    check(value, against: additional, at: path + "/" + key, into: &out)
                }
            }
        }
        if let array = instance as? [Any], let items = schema["items"] {
            for (i, item) in array.enumerated() { check(item, against: items, at: "\(path)/\(i)", into: &out) }
        }
        for sub in (schema["allOf"] as? [Any]) ?? [] { check(instance, against: sub, at: path, into: &out) }
        if let anyOf = schema["anyOf"] as? [Any], !anyOf.contains(where: { isValid(instance, $0) }) {
            out.append(ValidationProblem(path: path, message: "matches none of anyOf"))
        }
        if let oneOf = schema["oneOf"] as? [Any], oneOf.filter({ isValid(instance, $0) }).count != 1 {
            out.append(ValidationProblem(path: path, message: "matches \(oneOf.filter { isValid(instance, $0) }.count) of oneOf, not exactly 1"))
        }
        if let not = schema["not"], isValid(instance, not) {
            out.append(ValidationProblem(path: path, message: "matches a schema it must not"))
        }
        if let condition = schema["if"] {
            if isValid(instance, condition) {
                if let then = schema["then"] { check(instance, against: then, at: path, into: &out) }
            } else if let otherwise = schema["else"] {
                check(instance, against: otherwise, at: path, into: &out)
            }
        }
    }
}
