/// Parses the Python dict literal of an .npy header, e.g.
/// `{'descr': '<f4', 'fortran_order': False, 'shape': (900, 24002, 3), }`.
///
/// Only the literal forms numpy writes are accepted: strings, True/False, integers, tuples and lists.
struct NpyHeaderParser {
    enum Value: Equatable {
        case string(String), bool(Bool), integer(Int), sequence([Value])
    }

    private let chars: [Character]
    private var index = 0

    init(_ text: String) { chars = Array(text) }

    /// The header's key/value pairs, or a description of where parsing failed.
    static func parse(_ text: String) throws -> [String: Value] {
        var parser = NpyHeaderParser(text)
        return try parser.parseDict()
    }

    private mutating func skipSpace() {
        while index < chars.count, chars[index].isWhitespace { index += 1 }
    }

    private mutating func expect(_ c: Character) throws {
        skipSpace()
        guard index < chars.count, chars[index] == c else {
            throw FormatReason("header dict: expected '\(c)' at character \(index)")
        }
        index += 1
    }

    private mutating func parseDict() throws -> [String: Value] {
        try expect("{")
        var result: [String: Value] = [:]
        while true {
            skipSpace()
            if index < chars.count, chars[index] == "}" { index += 1; break }
            guard case let .string(key) = try parseValue(depth: 0) else {
                throw FormatReason("header dict: keys must be strings (character \(index))")
            }
            try expect(":")
            result[key] = try parseValue(depth: 0)
            skipSpace()
            if index < chars.count, chars[index] == "," { index += 1; continue }
            try expect("}")
            break
        }
        return result
    }

    private mutating func parseValue(depth: Int) throws -> Value {
        guard depth < 8 else { throw FormatReason("header dict: nesting too deep") }
        skipSpace()
        guard index < chars.count else { throw FormatReason("header dict: ends early") }
        let c = chars[index]
        if c == "'" || c == "\"" {
            index += 1
            var text = ""
            while index < chars.count, chars[index] != c {
                text.append(chars[index])
                index += 1
            }
            guard index < chars.count else { throw FormatReason("header dict: unterminated string") }
            index += 1
            return .string(text)
        }
        if c == "(" || c == "[" {
            let close: Character = c == "(" ? ")" : "]"
            index += 1
            var items: [Value] = []
            while true {
                skipSpace()
                if index < chars.count, chars[index] == close { index += 1; break }
                items.append(try parseValue(depth: depth + 1))
                skipSpace()
                if index < chars.count, chars[index] == "," { index += 1; continue }
                try expect(close)
                break
            }
            return .sequence(items)
        }
        var word = ""
        while index < chars.count, chars[index].isLetter || chars[index].isNumber || chars[index] == "-" || chars[index] == "_" {
            word.append(chars[index])
            index += 1
        }
        switch word {
        case "True": return .bool(true)
        case "False": return .bool(false)
        default:
            // Python 2 era headers may write long integers as 3L.
            let digits = word.hasSuffix("L") ? String(word.dropLast()) : word
            guard let n = Int(digits) else { throw FormatReason("header dict: cannot read '\(word)' at character \(index)") }
            return .integer(n)
        }
    }
}
