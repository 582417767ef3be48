import Dataset
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
            let copied = try LinkedCopy.tree(from: source, to: target)
            return RepairOutcome(outputs: copied.map { folder + "/" + item + ($0.isEmpty ? "" : "/" + $0) })
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
