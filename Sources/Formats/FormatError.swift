import Linalg

/// A file that cannot be read as what it claims to be: names the file, the place in it and the rule
/// it breaks, e.g. `cache.mc: byte 4,108: FVCA chunk claims 288,036 bytes but the file ends after 1,200`.
public struct FormatError: Error, CustomStringConvertible, Equatable, Sendable, Codable {
    /// Where in the file the problem is.
    public enum Location: Equatable, Sendable, Codable {
        case byteOffset(Int)
        /// A named part: an XML element, a JSON key, an npz member.
        case element(String)
        case wholeFile
    }

    public let file: String
    public let location: Location
    public let problem: String
    /// True when the file could not be opened, read or written at all (missing, permissions), as
    /// opposed to read and found malformed; the CLI exits 2 for these and 1 for malformed data.
    public let isIOFailure: Bool

    public init(file: String, _ location: Location, _ problem: String) {
        self.file = file
        self.location = location
        self.problem = problem
        self.isIOFailure = false
    }

    /// A file that cannot be opened, read or written.
    public static func unreadable(_ file: String, _ reason: String) -> FormatError {
        FormatError(file: file, reason: reason)
    }

    private init(file: String, reason: String) {
        self.file = file
        self.location = .wholeFile
        self.problem = reason
        self.isIOFailure = true
    }

    public var description: String { "\(file): \(locatedProblem)" }

    /// The place in the file and the problem, without the file: `byte 4,108: …`, `shape: …`, or the
    /// problem alone for the whole file.
    public var locatedProblem: String {
        switch location {
        case let .byteOffset(offset): return "byte \(offset.formatted): \(problem)"
        case let .element(name): return "\(name): \(problem)"
        case .wholeFile: return problem
        }
    }
}

extension Int {
    /// Thousands-separated, for byte offsets and counts in messages.
    var formatted: String {
        let digits = String(self.magnitude)
        var out = ""
        for (i, ch) in digits.reversed().enumerated() {
            if i > 0 && i % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return (self < 0 ? "-" : "") + String(out.reversed())
    }
}

/// A reason without a place, thrown by low-level parsers; callers attach the file and offset.
struct FormatReason: Error {
    let text: String
    init(_ text: String) { self.text = text }
}

extension ByteBuffer {
    /// Maps `path`, reporting failure as an I/O `FormatError`.
    static func mapFile(_ path: String) throws -> ByteBuffer {
        do {
            return try ByteBuffer.map(path: path)
        } catch let error as ByteBufferError {
            throw FormatError.unreadable(path, "cannot read: \(error.reason)")
        }
    }
}
