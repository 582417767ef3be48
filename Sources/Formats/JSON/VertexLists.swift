import Linalg
import Foundation

/// `geom/skin/eye_dist_vertex_list.json` and `lip_dist_vertex_list.json`:
/// `{"upper": [...], "lower": [...]}` vertex indices (eyes: `[left, right]`).
public struct UpperLowerVertexList: Codable, Sendable, Equatable {
    public var upper: [Int]
    public var lower: [Int]
    public init(upper: [Int], lower: [Int]) { self.upper = upper; self.lower = lower }
}

/// `geom/skin/lip_size_vertex_list.json`:
/// `{"upper_lip": {"top": [...], "bottom": [...]}, "lower_lip": {"top": [...], "bottom": [...]}}`.
public struct LipSizeVertexList: Codable, Sendable, Equatable {
    public struct TopBottom: Codable, Sendable, Equatable {
        public var top: [Int]
        public var bottom: [Int]
        public init(top: [Int], bottom: [Int]) { self.top = top; self.bottom = bottom }
    }

    public var upperLip: TopBottom
    public var lowerLip: TopBottom

    public init(upperLip: TopBottom, lowerLip: TopBottom) { self.upperLip = upperLip; self.lowerLip = lowerLip }

    enum CodingKeys: String, CodingKey {
        case upperLip = "upper_lip"
        case lowerLip = "lower_lip"
    }
}

/// Decodes the guide's JSON files into typed values, with errors that name the file and the key.
public enum JSONFile {
    /// Reads `path` as `T`; `geom/tongue/rigid_vertex_list.json` is `[Int]`.
    public static func read<T: Decodable>(_ type: T.Type, from path: String) throws -> T {
        try decode(T.self, from: try contents(path), path: path)
    }

    /// JSON files larger than this are refused unread.
    static let maxBytes = 64 << 20

    static func contents(_ path: String) throws -> Data {
        let buffer = try ByteBuffer.mapFile(path)
        guard buffer.count <= maxBytes else { throw FormatError(file: path, .wholeFile, "\(buffer.count.formatted) bytes; JSON files of a dataset are small (at most \(maxBytes.formatted) accepted)") }
        return Data(buffer.bytes(at: 0, count: buffer.count) ?? [])
    }

    /// Throws at the first place where `data` (the contents of `path`) is not strict JSON, as Python's
    /// json module (the framework's reader) parses it: Foundation accepts trailing commas that
    /// json.load refuses.
    static func requireStrictSyntax(_ data: Data, path: String) throws {
        if let syntax = JSONSyntax.firstError(in: Array(data)) {
            throw FormatError(file: path, .element("line \(syntax.line), column \(syntax.column)"), "not valid JSON: \(syntax.message)")
        }
    }

    /// Decodes `data` (the contents of `path`) as `T`, with errors naming the place in the file.
    private static func decode<T: Decodable>(_ type: T.Type, from data: Data, path: String) throws -> T {
        try requireStrictSyntax(data, path: path)
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let DecodingError.keyNotFound(key, context) {
            throw FormatError(file: path, .element(place(context.codingPath + [key])), "missing key '\(key.stringValue)'")
        } catch let DecodingError.typeMismatch(expected, context) {
            throw FormatError(file: path, .element(place(context.codingPath)), "expected \(readable(expected))")
        } catch let DecodingError.valueNotFound(expected, context) {
            throw FormatError(file: path, .element(place(context.codingPath)), "expected \(readable(expected)), found null")
        } catch let DecodingError.dataCorrupted(context) {
            if let syntax = JSONSyntax.firstError(in: Array(data)) {
                throw FormatError(file: path, .element("line \(syntax.line), column \(syntax.column)"), "not valid JSON: \(syntax.message)")
            }
            throw FormatError(file: path, .element(place(context.codingPath)), "not valid JSON: \(context.debugDescription)")
        } catch {
            throw FormatError(file: path, .wholeFile, "cannot decode: \(error)")
        }
    }

    /// Reads `path` as `T` whose numbers are integers (vertex lists), accepting integer-valued
    /// floats such as `744.0` or `7.44e2` as Python's json module hands them to the framework.
    /// - Returns: the value and the float spellings found (empty when every index is an integer).
    public static func readIndices<T: Decodable>(_ type: T.Type, from path: String) throws -> (value: T, floatSpellings: [String]) {
        try decodeIndices(T.self, from: try contents(path), origin: path)
    }

    /// `readIndices` on JSON bytes in memory; `origin` names them in errors.
    public static func decodeIndices<T: Decodable>(_ type: T.Type, from data: Data, origin: String) throws -> (value: T, floatSpellings: [String]) {
        let (normalised, spellings) = integerValuedNumbers(Array(data))
        return (try decode(T.self, from: Data(normalised), path: origin), spellings)
    }

    /// The JSON text with every integer-valued number written with a fraction or exponent rewritten
    /// as an integer (outside strings), and the spellings rewritten.
    static func integerValuedNumbers(_ bytes: [UInt8]) -> ([UInt8], [String]) {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var spellings: [String] = []
        var i = 0
        var inString = false
        while i < bytes.count {
            let b = bytes[i]
            if inString {
                out.append(b)
                if b == UInt8(ascii: "\\"), i + 1 < bytes.count { out.append(bytes[i + 1]); i += 2; continue }
                if b == UInt8(ascii: "\"") { inString = false }
                i += 1
                continue
            }
            if b == UInt8(ascii: "\"") { inString = true; out.append(b); i += 1; continue }
            if b == UInt8(ascii: "-") || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) {
                var j = i
                let numberBytes = Set("+-0123456789.eE".utf8)
                while j < bytes.count, numberBytes.contains(bytes[j]) { j += 1 }
                let token = String(decoding: bytes[i..<j], as: UTF8.self)
                if token.contains(where: { ".eE".contains($0) }), let value = Double(token), value == value.rounded(), abs(value) < 9e15 {
                    spellings.append(token)
                    out += Array(String(Int64(value)).utf8)
                } else {
                    out += bytes[i..<j]
                }
                i = j
                continue
            }
            out.append(b)
            i += 1
        }
        return (out, spellings)
    }

    /// Encodes `value` as pretty-printed JSON, written atomically.
    public static func write<T: Encodable>(_ value: T, to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(Array(try encoder.encode(value)), to: path)
    }

    private static func place(_ path: [CodingKey]) -> String {
        path.isEmpty ? "top level" : path.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
    }

    private static func readable(_ type: Any.Type) -> String {
        switch type {
        case is Int.Type: return "an integer"
        case is Double.Type, is Float.Type: return "a number"
        case is String.Type: return "a string"
        default: return "\(type)".contains("Array") ? "a list" : "an object"
        }
    }
}
