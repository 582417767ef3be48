import Formats
import Foundation

/// How a dataset's unchanged files reach a new copy of it (`stabilize --out`, `fix --out`): hard links
/// where the file system allows, copies otherwise. The input is never written.
public enum LinkedCopy {
    /// Links (or copies) the file `source` to `target`, replacing what `target` held.
    public static func file(from source: String, to target: String) throws {
        let fm = FileManager.default
        if fm.fileExists(atPath: target) { try fm.removeItem(atPath: target) }
        do { try fm.linkItem(atPath: source, toPath: target) } catch {
            do { try fm.copyItem(atPath: source, toPath: target) } catch {
                throw FormatError.unreadable(target, "cannot link or copy \(source) (\(OSReason.describe(error)))")
            }
        }
    }

    /// Links (or copies) every file below the folder `source` to the same place below `target`, or
    /// the file `source` to `target`, except what lies at or below a path in `skipping` (relative to
    /// `source`). Returns the files placed, relative to `target` ("" for a single file).
    @discardableResult
    public static func tree(from source: String, to target: String, skipping: Set<String> = []) throws -> [String] {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: source, isDirectory: &isDirectory) else { throw FormatError.unreadable(source, "no longer exists") }
        guard isDirectory.boolValue else {
            try file(from: source, to: target)
            return [""]
        }
        try fm.createDirectory(atPath: target, withIntermediateDirectories: true)
        guard let walker = fm.enumerator(atPath: source) else { throw FormatError.unreadable(source, "cannot list the folder") }
        var placed: [String] = []
        while let relative = walker.nextObject() as? String {
            if isSkipped(relative, skipping) { continue }
            var nested: ObjCBool = false
            guard fm.fileExists(atPath: source + "/" + relative, isDirectory: &nested) else { continue }
            if nested.boolValue {
                try fm.createDirectory(atPath: target + "/" + relative, withIntermediateDirectories: true)
            } else {
                try file(from: source + "/" + relative, to: target + "/" + relative)
                placed.append(relative)
            }
        }
        return placed
    }

    /// Whether `relative` or a folder above it is in `skipping`.
    public static func isSkipped(_ relative: String, _ skipping: Set<String>) -> Bool {
        guard !skipping.isEmpty else { return false }
        var path = relative
        while !path.isEmpty {
            if skipping.contains(path) { return true }
            path = (path as NSString).deletingLastPathComponent
        }
        return false
    }
}
