import Analysis
import Formats
import Foundation
import Linalg
import Synchronization

/// Everything a solve builds before its first frame — the checked setup, the packed system and solver,
/// the packed fit measure — kept for the process's next solve of the same inputs.
///
/// Why: a sharded or resumable solve runs `SolveRun.run` twice in one process (the shots to compute,
/// then the report over every shot), and on a one-shot dataset building these costs more than solving
/// the shot (loading and checking a 15 MB archive, packing the deltas twice). The key holds each input's
/// path, size and modification time, so a changed file is never served from the memo.
struct SolvePreparation: Sendable {
    let setup: BlendshapeSetup
    let system: BlendshapeSystem
    let solver: BlendshapeSolver
    let measure: BlendshapeFit.Measure?

    struct Key: Hashable, Sendable {
        let files: [String]
        let stamps: [String]
        let method: String
        let fit: String

        init(files: [String], method: BlendshapeSolver.Method, fit: BlendshapeFit.Scope?) {
            self.files = files
            stamps = files.map { file in
                guard let stamp = FileStamp.of(file) else { return "absent" }
                return "\(stamp.size)@\(stamp.modified)"
            }
            self.method = method.rawValue
            self.fit = fit?.rawValue ?? "none"
        }
    }

    /// The last preparation built in this process (one is enough: a process solves one setup).
    private static let last = Mutex<(key: Key, value: SolvePreparation)?>(nil)

    /// The preparation for `key`, built by `build` unless the last one had the same key.
    static func reuse(_ key: Key, build: () throws -> SolvePreparation) throws -> SolvePreparation {
        if let hit = last.withLock({ $0?.key == key ? $0?.value : nil }) { return hit }
        let value = try build()
        last.withLock { $0 = (key, value) }
        return value
    }
}
