import Foundation

extension ValidationContext {
    /// Shot names as the framework uses them: as glob patterns in the cache lookup, and pasted into
    /// the JSON and Python files it generates.
    func checkShotNames() {
        for (kind, entries) in [("skin", layout.skin), ("tongue", layout.tongue)] {
            let names = entries.map(\.shot)
            for name in names {
                let folder = "cache/\(kind)/\(name)/"
                if name.contains("\"") || name.contains("\\") || name.unicodeScalars.contains(where: { $0.value < 0x20 }) {
                    if kind == "skin" {
                        add(Rules.shotNameQuote, folder, "shot '\(name)' contains \(name.contains("\"") ? "\"" : (name.contains("\\") ? "\\" : "a control character")), which breaks deploy/shots.json and clips_template.py")
                    }
                }
                guard let pattern = GlobPattern(name), pattern.isMagic else { continue }
                let others = names.filter { $0 != name && pattern.matches($0) }
                if !pattern.matches(name) {
                    add(Rules.shotNameGlob, folder, "'\(name)' is a glob pattern that does not match itself"
                        + (others.isEmpty ? ": the lookup of \(folder)\(name).* finds nothing and preprocessing stops"
                                          : ", but matches \(others.map { "'\($0)'" }.joined(separator: ", ")): the shot silently trains on that animation"))
                } else if !others.isEmpty {
                    add(Rules.shotNameGlob, folder, "'\(name)' is a glob pattern that also matches \(others.map { "'\($0)'" }.joined(separator: ", ")): the lookup may take that shot's cache, silently")
                }
            }
        }
    }
}

/// A shell-style pattern as Python's `glob`/`fnmatch` reads one path component: `*` any run of
/// characters, `?` one character, `[...]` a class (`[!...]` negated; a `]` right after the opening
/// is a member; a `[` without a closing `]` is literal). Other characters match themselves.
struct GlobPattern {
    private enum Token {
        case literal(Character)
        case any
        case anyRun
        case set(members: [Character], ranges: [ClosedRange<Character>], negated: Bool)
    }

    private let tokens: [Token]
    /// Whether any character acts as a wildcard (as glob's `has_magic` decides: `*`, `?` or `[`).
    let isMagic: Bool

    init?(_ pattern: String) {
        let chars = Array(pattern)
        var tokens: [Token] = []
        var i = 0
        while i < chars.count {
            let c = chars[i]
            switch c {
            case "*": tokens.append(.anyRun); i += 1
            case "?": tokens.append(.any); i += 1
            case "[":
                var j = i + 1
                if j < chars.count, chars[j] == "!" { j += 1 }
                if j < chars.count, chars[j] == "]" { j += 1 }
                while j < chars.count, chars[j] != "]" { j += 1 }
                guard j < chars.count else { tokens.append(.literal("[")); i += 1; continue }
                var body = Array(chars[(i + 1)..<j])
                let negated = body.first == "!"
                if negated { body.removeFirst() }
                var members: [Character] = [], ranges: [ClosedRange<Character>] = []
                var k = 0
                while k < body.count {
                    if k + 2 < body.count, body[k + 1] == "-" {
                        if body[k] <= body[k + 2] { ranges.append(body[k]...body[k + 2]) }
                        k += 3
                    } else {
                        members.append(body[k]); k += 1
                    }
                }
                tokens.append(.set(members: members, ranges: ranges, negated: negated))
                i = j + 1
            default: tokens.append(.literal(c)); i += 1
            }
        }
        self.tokens = tokens
        isMagic = pattern.contains { "*?[".contains($0) }
    }

    /// Whether `name` matches the whole pattern (glob skips names starting with "." for wildcards;
    /// shot names never start with one here).
    func matches(_ name: String) -> Bool {
        let chars = Array(name)
        // Backtracking over `*`, as fnmatch's regex does.
        func match(_ t: Int, _ c: Int) -> Bool {
            if t == tokens.count { return c == chars.count }
            switch tokens[t] {
            case .anyRun:
                for next in c...chars.count where match(t + 1, next) { return true }
                return false
            case .any:
                return c < chars.count && match(t + 1, c + 1)
            case let .literal(l):
                return c < chars.count && chars[c] == l && match(t + 1, c + 1)
            case let .set(members, ranges, negated):
                guard c < chars.count else { return false }
                let inSet = members.contains(chars[c]) || ranges.contains { $0.contains(chars[c]) }
                return inSet != negated && match(t + 1, c + 1)
            }
        }
        return match(0, 0)
    }
}
