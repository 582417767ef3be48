/// Finds the first syntax error in JSON text, with its line and column, where Foundation's decoder
/// says only "The data is not in the correct format".
public enum JSONSyntax {
    public struct Problem: Equatable, Sendable, CustomStringConvertible {
        /// 1-based.
        public let line: Int
        /// 1-based, in characters of the line.
        public let column: Int
        public let message: String
        public var description: String { "line \(line), column \(column): \(message)" }
    }

    /// The first error in `bytes` (UTF-8), or nil when they are one valid JSON value.
    public static func firstError(in bytes: [UInt8]) -> Problem? {
        var parser = Parser(bytes: bytes)
        do {
            parser.skipSpace()
            try parser.value(depth: 0)
            parser.skipSpace()
            if parser.index < bytes.count { throw parser.fail("unexpected text after the JSON value") }
            return nil
        } catch let error as Parser.Failure {
            return locate(error.offset, in: bytes, message: error.message)
        } catch {
            return nil
        }
    }

    private static func locate(_ offset: Int, in bytes: [UInt8], message: String) -> Problem {
        var line = 1, lineStart = 0
        for i in 0..<min(offset, bytes.count) where bytes[i] == UInt8(ascii: "\n") {
            line += 1
            lineStart = i + 1
        }
        let column = String(decoding: bytes[lineStart..<min(offset, bytes.count)], as: UTF8.self).count + 1
        return Problem(line: line, column: column, message: message)
    }

    private struct Parser {
        struct Failure: Error {
            let offset: Int
            let message: String
        }

        let bytes: [UInt8]
        var index = 0

        func fail(_ message: String) -> Failure { Failure(offset: index, message: message) }

        var current: UInt8? { index < bytes.count ? bytes[index] : nil }

        mutating func skipSpace() {
            while let c = current, c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D { index += 1 }
        }

        mutating func expect(_ literal: String) throws {
            for byte in literal.utf8 {
                guard current == byte else { throw fail("expected '\(literal)'") }
                index += 1
            }
        }

        mutating func value(depth: Int) throws {
            guard depth < 512 else { throw fail("nested too deeply") }
            guard let c = current else { throw fail("unexpected end of the text, expected a value") }
            switch c {
            case UInt8(ascii: "{"): try object(depth: depth)
            case UInt8(ascii: "["): try array(depth: depth)
            case UInt8(ascii: "\""): try string()
            case UInt8(ascii: "t"): try expect("true")
            case UInt8(ascii: "f"): try expect("false")
            case UInt8(ascii: "n"): try expect("null")
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try number()
            default: throw fail("unexpected character '\(Character(UnicodeScalar(c)))', expected a value")
            }
        }

        mutating func object(depth: Int) throws {
            index += 1
            skipSpace()
            if current == UInt8(ascii: "}") { index += 1; return }
            while true {
                skipSpace()
                guard current == UInt8(ascii: "\"") else {
                    throw fail(current == UInt8(ascii: "}") ? "a comma before '}' (trailing commas are not JSON)" : "expected a key in double quotes")
                }
                try string()
                skipSpace()
                guard current == UInt8(ascii: ":") else { throw fail("expected ':' after the key") }
                index += 1
                skipSpace()
                try value(depth: depth + 1)
                skipSpace()
                if current == UInt8(ascii: ",") { index += 1; continue }
                if current == UInt8(ascii: "}") { index += 1; return }
                throw fail("expected ',' or '}'")
            }
        }

        mutating func array(depth: Int) throws {
            index += 1
            skipSpace()
            if current == UInt8(ascii: "]") { index += 1; return }
            while true {
                skipSpace()
                if current == UInt8(ascii: "]") { throw fail("a comma before ']' (trailing commas are not JSON)") }
                try value(depth: depth + 1)
                skipSpace()
                if current == UInt8(ascii: ",") { index += 1; continue }
                if current == UInt8(ascii: "]") { index += 1; return }
                throw fail("expected ',' or ']'")
            }
        }

        mutating func string() throws {
            index += 1
            while let c = current {
                if c == UInt8(ascii: "\"") { index += 1; return }
                if c < 0x20 { throw fail("a control character inside a string") }
                index += c == UInt8(ascii: "\\") ? 2 : 1
            }
            throw fail("unterminated string")
        }

        mutating func number() throws {
            let start = index
            if current == UInt8(ascii: "-") { index += 1 }
            guard let first = current, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) else { throw fail("expected a digit") }
            while let c = current, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(c) || c == UInt8(ascii: ".") || c == UInt8(ascii: "e")
                || c == UInt8(ascii: "E") || c == UInt8(ascii: "+") || c == UInt8(ascii: "-") { index += 1 }
            let text = String(decoding: bytes[start..<index], as: UTF8.self)
            guard Double(text) != nil else { index = start; throw fail("'\(text)' is not a number") }
        }
    }
}
