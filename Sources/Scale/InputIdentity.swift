import Foundation
import Formats

/// A file as a run saw it: path relative to the dataset, size and modification time. Two runs saw the
/// same input when every identity matches (a rewrite changes the time, an edit usually the size too).
public struct FileIdentity: Sendable, Codable, Hashable {
    /// Relative to the dataset root (or absolute for a file given on the command line).
    public let path: String
    /// Bytes; -1 when the file does not exist.
    public let size: Int64
    /// Seconds since 1970, to the file system's resolution.
    public let modified: Double

    /// The identity of `path` (relative to `root` unless absolute) now.
    public static func of(_ path: String, root: String) -> FileIdentity {
        let full = path.hasPrefix("/") ? path : root + "/" + path
        guard let stamp = FileStamp.of(full) else { return FileIdentity(path: path, size: -1, modified: 0) }
        return FileIdentity(path: path, size: stamp.size, modified: stamp.modified)
    }
}

/// The identities of a set of files, in path order: what a part or an outcome was computed from.
public struct InputIdentity: Sendable, Codable, Equatable {
    public let files: [FileIdentity]

    public init(_ files: [FileIdentity]) { self.files = files.sorted { $0.path < $1.path } }

    /// The identities of `paths` (relative to `root`) now.
    public static func of(_ paths: [String], root: String) -> InputIdentity {
        InputIdentity(Set(paths).map { FileIdentity.of($0, root: root) })
    }

    /// The first difference from `other`, said for a user (`cache/skin/a.npy changed (size 10 → 12)`), or
    /// nil when the same.
    public func difference(from other: InputIdentity) -> String? {
        let mine = Dictionary(files.map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
        let theirs = Dictionary(other.files.map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
        for path in Set(mine.keys).union(theirs.keys).sorted() {
            switch (mine[path], theirs[path]) {
            case let (a?, b?) where a != b:
                if a.size != b.size { return "\(path) changed (size \(b.size) → \(a.size) bytes)" }
                return "\(path) changed (modified \(Self.date(b.modified)) → \(Self.date(a.modified)))"
            case (nil, _?): return "\(path) is no longer among the inputs"
            case (_?, nil): return "\(path) is a new input"
            default: continue
            }
        }
        return nil
    }

    private static func date(_ seconds: Double) -> String {
        ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: seconds))
    }
}
