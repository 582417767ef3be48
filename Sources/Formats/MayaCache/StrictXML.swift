/// A small, strict XML reader for the flat Maya cache description: elements with attributes, text,
/// comments, processing instructions and CDATA; the five predefined entities and character
/// references. No DOCTYPE, no other entities, no external anything — untrusted files cannot make it
/// fetch, expand or recurse. Every malformation (invalid UTF-8, a name that is not a name, an
/// unclosed or mismatched tag, text after the root) is an error with its line.
enum StrictXML {
    struct Element {
        let name: String
        /// The enclosing element's name; nil for the root.
        let parent: String?
        let attributes: [String: String]
    }

    struct Failure: Error {
        let line: Int
        let message: String
    }

    /// Deepest nesting accepted (the Maya description has 3 levels).
    static let maxDepth = 64

    /// Every element of the document in order, after checking it is well formed.
    static func elements(_ bytes: [UInt8]) throws -> (root: String, elements: [Element]) {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            let bad = firstInvalidUTF8(bytes)
            throw Failure(line: bytes[..<bad].filter { $0 == 0x0A }.count + 1, message: "invalid UTF-8 at byte \(bad)")
        }
        var reader = Reader(chars: Array(text.unicodeScalars))
        return try reader.document()
    }

    private static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int {
        var low = 0, high = bytes.count
        // The longest valid prefix, by bisection (String(validating:) tells only yes or no).
        while low < high {
            let mid = (low + high + 1) / 2
            if String(validating: bytes[..<mid], as: UTF8.self) != nil || (mid < bytes.count && bytes[mid] & 0xC0 == 0x80 && String(validating: bytes[..<(mid - 1)], as: UTF8.self) != nil) {
                low = mid
            } else {
                high = mid - 1
            }
        }
        return low
    }

    private struct Reader {
        let chars: [Unicode.Scalar]
        var index = 0
        var line = 1

        init(chars: [Unicode.Scalar]) { self.chars = chars }

        func fail(_ message: String) -> Failure { Failure(line: line, message: message) }

        var atEnd: Bool { index >= chars.count }

        func peek(_ offset: Int = 0) -> Unicode.Scalar? { index + offset < chars.count ? chars[index + offset] : nil }

        func starts(with text: String) -> Bool {
            var i = index
            for s in text.unicodeScalars {
                guard i < chars.count, chars[i] == s else { return false }
                i += 1
            }
            return true
        }

        mutating func advance(_ n: Int = 1) {
            for _ in 0..<n where index < chars.count {
                if chars[index] == "\n" { line += 1 }
                index += 1
            }
        }

        mutating func skipSpace() {
            while let c = peek(), c == " " || c == "\t" || c == "\n" || c == "\r" { advance() }
        }

        /// Skips past `terminator`, failing with `what` when the text ends first.
        mutating func skip(past terminator: String, what: String) throws {
            while !atEnd {
                if starts(with: terminator) { advance(terminator.unicodeScalars.count); return }
                advance()
            }
            throw fail("unterminated \(what)")
        }

        static func isNameStart(_ c: Unicode.Scalar) -> Bool {
            c == "_" || c == ":" || (c >= "A" && c <= "Z") || (c >= "a" && c <= "z") || c.value >= 0xC0
        }

        static func isNameChar(_ c: Unicode.Scalar) -> Bool {
            isNameStart(c) || c == "-" || c == "." || (c >= "0" && c <= "9")
        }

        mutating func name() throws -> String {
            guard let first = peek(), Self.isNameStart(first) else { throw fail("expected a name") }
            var out = String.UnicodeScalarView()
            while let c = peek(), Self.isNameChar(c) { out.append(c); advance() }
            return String(out)
        }

        /// Text with its entity and character references resolved, up to `stop`.
        mutating func text(until stop: Unicode.Scalar) throws -> String {
            var out = String.UnicodeScalarView()
            while let c = peek(), c != stop {
                if c == "<" { throw fail("'<' inside an attribute value") }
                if c == "&" {
                    out.append(try reference())
                } else {
                    guard c.value >= 0x20 || c == "\t" || c == "\n" || c == "\r" else { throw fail("control character U+\(String(c.value, radix: 16)) in the text") }
                    out.append(c)
                    advance()
                }
            }
            return String(out)
        }

        mutating func reference() throws -> Unicode.Scalar {
            advance()  // &
            var body = ""
            while let c = peek(), c != ";" {
                guard body.count < 12 else { throw fail("unterminated reference") }
                body.unicodeScalars.append(c)
                advance()
            }
            guard peek() == ";" else { throw fail("unterminated reference") }
            advance()
            switch body {
            case "lt": return "<"
            case "gt": return ">"
            case "amp": return "&"
            case "quot": return "\""
            case "apos": return "'"
            default:
                let value: UInt32?
                if body.hasPrefix("#x") { value = UInt32(body.dropFirst(2), radix: 16) }
                else if body.hasPrefix("#") { value = UInt32(body.dropFirst(1)) }
                else { throw fail("entity '&\(body);' is not allowed (only the five predefined ones)") }
                guard let v = value, let scalar = Unicode.Scalar(v), v >= 0x20 || v == 9 || v == 10 || v == 13 else {
                    throw fail("'&\(body);' is not a valid character")
                }
                return scalar
            }
        }

        /// Comments, processing instructions and white space between markup.
        mutating func misc() throws {
            while true {
                skipSpace()
                if starts(with: "<!--") { advance(4); try skip(past: "-->", what: "comment") }
                else if starts(with: "<?") {
                    advance(2)
                    let target = try name()
                    if target.lowercased() == "xml", index > 5 { throw fail("an XML declaration may only open the file") }
                    try skip(past: "?>", what: "processing instruction")
                }
                else if starts(with: "<!DOCTYPE") || starts(with: "<!doctype") { throw fail("DOCTYPE is not allowed in a cache description") }
                else { return }
            }
        }

        mutating func document() throws -> (root: String, elements: [Element]) {
            if chars.first == "\u{FEFF}" { advance() }
            try misc()
            guard peek() == "<" else { throw fail(atEnd ? "no root element" : "text before the root element") }
            var elements: [Element] = []
            let root = try element(parent: nil, depth: 0, into: &elements)
            try misc()
            guard atEnd else { throw fail("content after the root element") }
            return (root, elements)
        }

        mutating func element(parent: String?, depth: Int, into elements: inout [Element]) throws -> String {
            guard depth < StrictXML.maxDepth else { throw fail("nested deeper than \(StrictXML.maxDepth) levels") }
            advance()  // <
            let tag = try name()
            var attributes: [String: String] = [:]
            while true {
                let hadSpace = peek().map { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" } ?? false
                skipSpace()
                guard let c = peek() else { throw fail("unclosed tag <\(tag)>") }
                if c == "/" {
                    advance()
                    guard peek() == ">" else { throw fail("expected '>' after '/' in <\(tag)>") }
                    advance()
                    elements.append(Element(name: tag, parent: parent, attributes: attributes))
                    return tag
                }
                if c == ">" { advance(); break }
                guard hadSpace else { throw fail("expected a space before the attribute in <\(tag)>") }
                let key = try name()
                skipSpace()
                guard peek() == "=" else { throw fail("attribute \(key) of <\(tag)> has no value") }
                advance()
                skipSpace()
                guard let quote = peek(), quote == "\"" || quote == "'" else { throw fail("attribute \(key) of <\(tag)> is not quoted") }
                advance()
                let value = try text(until: quote)
                guard peek() == quote else { throw fail("unterminated value of attribute \(key) in <\(tag)>") }
                advance()
                guard attributes[key] == nil else { throw fail("attribute \(key) repeats in <\(tag)>") }
                attributes[key] = value
            }
            elements.append(Element(name: tag, parent: parent, attributes: attributes))
            // Content: text, children, comments, PIs, CDATA, until the end tag.
            while true {
                guard let c = peek() else { throw fail("<\(tag)> is never closed") }
                if c == "<" {
                    if starts(with: "</") {
                        advance(2)
                        let closing = try name()
                        guard closing == tag else { throw fail("</\(closing)> closes <\(tag)>") }
                        skipSpace()
                        guard peek() == ">" else { throw fail("expected '>' in </\(closing)>") }
                        advance()
                        return tag
                    } else if starts(with: "<!--") {
                        advance(4); try skip(past: "-->", what: "comment")
                    } else if starts(with: "<![CDATA[") {
                        advance(9); try skip(past: "]]>", what: "CDATA section")
                    } else if starts(with: "<?") {
                        advance(2); _ = try name(); try skip(past: "?>", what: "processing instruction")
                    } else if starts(with: "<!") {
                        throw fail("markup declarations are not allowed")
                    } else {
                        _ = try element(parent: tag, depth: depth + 1, into: &elements)
                    }
                } else if c == "&" {
                    _ = try reference()
                } else {
                    guard c.value >= 0x20 || c == "\t" || c == "\n" || c == "\r" else { throw fail("control character U+\(String(c.value, radix: 16)) in the text") }
                    advance()
                }
            }
        }
    }
}
