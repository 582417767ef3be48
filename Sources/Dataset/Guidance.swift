import Foundation
import Formats

/// A request that cannot be carried out as given — an unknown shot, a folder that is not a dataset —
/// with what the user probably meant. The CLI exits 2 for it.
public struct UsageProblem: Error, CustomStringConvertible, Sendable {
    public let subject: String?
    public let problem: String
    public let hint: String?

    public init(subject: String?, problem: String, hint: String?) {
        self.subject = subject
        self.problem = problem
        self.hint = hint
    }

    public var description: String { (subject.map { "\($0): " } ?? "") + problem + (hint.map { " (\($0))" } ?? "") }
}

/// "Did you mean": the closest names to a misspelt one.
public enum NameSuggestion {
    /// Up to three of `candidates` close to `name`: equal ignoring case, one containing the other, or
    /// within an edit distance of a third of the name's length (at least 2).
    public static func closest(to name: String, in candidates: [String]) -> [String] {
        let lower = name.lowercased()
        let limit = max(2, lower.count / 3)
        let scored = candidates.compactMap { candidate -> (String, Int)? in
            let c = candidate.lowercased()
            if c == lower { return (candidate, 0) }
            if c.hasPrefix(lower) || lower.hasPrefix(c) || c.contains(lower) { return (candidate, 1) }
            let d = editDistance(lower, c)
            return d <= limit ? (candidate, d + 1) : nil
        }
        return scored.sorted { ($0.1, $0.0) < ($1.1, $1.0) }.prefix(3).map(\.0)
    }

    /// `did you mean a, b?` or nil.
    public static func hint(for name: String, in candidates: [String]) -> String? {
        let close = closest(to: name, in: candidates)
        return close.isEmpty ? nil : "did you mean \(close.joined(separator: ", "))?"
    }

    /// Levenshtein distance.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + [Int](repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}

extension DatasetLayout {
    /// Throws when `requested` names shots the dataset does not have, suggesting the closest.
    public func requireShots(_ requested: [String], kind: String = "skin") throws {
        let known = (kind == "tongue" ? tongue : skin).map(\.shot)
        let unknown = requested.filter { !known.contains($0) }
        guard let first = unknown.first else { return }
        let hints = unknown.compactMap { name in NameSuggestion.hint(for: name, in: known).map { "\(name): \($0)" } }
        throw UsageProblem(subject: "--shot", problem: "no \(kind) shot named \(unknown.joined(separator: ", ")) in \(root)",
                           hint: hints.isEmpty ? "faceprep validate \(root) lists the shots; e.g. \(known.prefix(3).joined(separator: ", "))" + (first.isEmpty ? "" : "")
                                               : hints.joined(separator: "; "))
    }

    /// Why `path` is not a dataset folder and where the dataset probably is, when it has neither
    /// audio/ nor cache/ (a path one level too deep or too high).
    static func notADataset(_ path: String) -> UsageProblem? {
        let fm = FileManager.default
        func isDir(_ p: String) -> Bool {
            var d: ObjCBool = false
            return fm.fileExists(atPath: p, isDirectory: &d) && d.boolValue
        }
        func looksLikeDataset(_ p: String) -> Bool { isDir(p + "/cache/skin") || (isDir(p + "/audio") && isDir(p + "/cache")) }
        guard !isDir(path + "/cache"), !isDir(path + "/audio") else { return nil }
        let url = URL(fileURLWithPath: path).standardized
        var ancestor = url.deletingLastPathComponent()
        for _ in 0..<4 {
            if looksLikeDataset(ancestor.path) {
                let inside = String(url.path.dropFirst(ancestor.path.count + 1))
                return UsageProblem(subject: path, problem: "not a dataset folder: this looks like the \(inside) folder of the dataset at \(ancestor.path)",
                                    hint: "give the dataset's folder: \(ancestor.path)")
            }
            if ancestor.path == "/" { break }
            ancestor = ancestor.deletingLastPathComponent()
        }
        let children = ((try? fm.contentsOfDirectory(atPath: path)) ?? []).sorted().filter { looksLikeDataset(path + "/" + $0) }
        if !children.isEmpty {
            return UsageProblem(subject: path, problem: "not a dataset folder: it holds \(children.count == 1 ? "a dataset" : "datasets") one level down",
                                hint: "give " + children.prefix(3).map { path + "/" + $0 }.joined(separator: " or "))
        }
        return UsageProblem(subject: path, problem: "not a dataset folder: it has neither audio/ nor cache/skin/",
                            hint: "a dataset holds audio/<shot>.wav and cache/skin/<shot>/<shot>.xml (faceprep synth OUT writes an example)")
    }
}
