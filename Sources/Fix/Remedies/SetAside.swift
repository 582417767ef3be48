import Formats
import Foundation

/// Stray files and folders moved out of the dataset's way into `FIXED/_set_aside/`, at the same
/// relative path: nothing is lost and the framework no longer takes them for shots.
enum SetAside {
    static let folder = "_set_aside"

    static func repair(_ relative: String, rules: [String], why: String) -> Repair {
        let item = relative.hasSuffix("/") ? String(relative.dropLast()) : relative
        return Repair(rules: rules, file: relative, action: "moved to \(folder)/\(item) (\(why))", replaces: [item]) { context in
            let source = context.layout.path(item)
            let target = try context.prepare(folder + "/" + item)
            let copied = try LinkCopy.tree(from: source, to: target)
            return RepairOutcome(outputs: copied.map { folder + "/" + item + ($0.isEmpty ? "" : "/" + $0) })
        }
    }
}

/// Hard links where the file system allows, copies otherwise.
enum LinkCopy {
    /// Links (or copies) the file or folder at `source` to `target`; returns the files placed, relative
    /// to `target` ("" for a single file).
    static func tree(from source: String, to target: String) throws -> [String] {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: source, isDirectory: &isDirectory) else { throw FixError.io(source, "no longer exists") }
        if !isDirectory.boolValue {
            try file(from: source, to: target)
            return [""]
        }
        try fm.createDirectory(atPath: target, withIntermediateDirectories: true)
        var placed: [String] = []
        guard let walker = fm.enumerator(atPath: source) else { throw FixError.io(source, "cannot list the folder") }
        while let relative = walker.nextObject() as? String {
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

    static func file(from source: String, to target: String) throws {
        let fm = FileManager.default
        if fm.fileExists(atPath: target) { try fm.removeItem(atPath: target) }
        do { try fm.linkItem(atPath: source, toPath: target) } catch {
            do { try fm.copyItem(atPath: source, toPath: target) } catch {
                throw FixError.io(target, "cannot link or copy \(source) (\(OSReason.describe(error)))")
            }
        }
    }
}

/// A fix that cannot run at all: the output folder, or reading and writing files.
public enum FixError: Error, CustomStringConvertible {
    case io(String, String)
    case usage(String)

    public var description: String {
        switch self {
        case let .io(path, problem): return "\(path): \(problem)"
        case let .usage(problem): return problem
        }
    }
}
