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
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FormatError.unreadable(path, FileManager.default.fileExists(atPath: path) ? "cannot read" : "no such file")
        }
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let DecodingError.keyNotFound(key, context) {
            throw FormatError(file: path, .element(place(context.codingPath + [key])), "missing key '\(key.stringValue)'")
        } catch let DecodingError.typeMismatch(expected, context) {
            throw FormatError(file: path, .element(place(context.codingPath)), "expected \(readable(expected))")
        } catch let DecodingError.valueNotFound(expected, context) {
            throw FormatError(file: path, .element(place(context.codingPath)), "expected \(readable(expected)), found null")
        } catch let DecodingError.dataCorrupted(context) {
            throw FormatError(file: path, .element(place(context.codingPath)), "not valid JSON: \(context.debugDescription)")
        } catch {
            throw FormatError(file: path, .wholeFile, "cannot decode: \(error)")
        }
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
