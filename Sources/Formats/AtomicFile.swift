import Foundation
import Linalg
import Synchronization

/// Writes files so that a reader never sees a partial one: the bytes go to a temporary file in the
/// target's directory, which is then renamed over the target (atomic on POSIX file systems).
public enum AtomicFile {
    private static let writtenCount = Mutex<Int>(0)
    /// Folders already cleared of the temporaries of killed runs: once per folder per process.
    private static let swept = Mutex<Set<String>>([])
    /// Makes temporary names unique within this process.
    private static let temporaries = Atomic<Int>(0)

    /// Files this process has written completely (renamed into place) so far: for a summary when a
    /// run is interrupted.
    public static var filesWritten: Int { writtenCount.withLock { $0 } }

    /// Writes `bytes` to `path`.
    public static func write(_ bytes: [UInt8], to path: String) throws {
        try write(to: path) { temporary in
            do { try NewFile.write(bytes, to: temporary) } catch {
                throw FormatError.unreadable(path, "cannot write (\(OSReason.describe(error)))")
            }
        }
    }

    /// Lets `produce` write a temporary file, then renames it to `path`; on any error the temporary is
    /// removed and `path` is left as it was.
    public static func write(to path: String, _ produce: (_ temporaryPath: String) throws -> Void) throws {
        let temporary = try temporaryPath(for: path)
        do {
            try produce(temporary)
            try FileRename.replace(path, with: temporary)
            writtenCount.withLock { $0 += 1 }
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            if error is FormatError { throw error }
            throw FormatError.unreadable(path, "cannot write (\(OSReason.describe(error)))")
        }
    }

    /// Writes files that belong together — a Maya cache's `.mc` then its `.xml` — so that no reader
    /// ever sees a new one beside an old one: all are written to temporaries, the last path (the one
    /// that names the others) is removed, then each is renamed into place in order. A kill between
    /// renames leaves a data file without its description (clearly incomplete), never a mismatched pair.
    public static func write(together files: [(bytes: [UInt8], path: String)]) throws {
        var temporaries: [String] = []
        defer { for t in temporaries { try? FileManager.default.removeItem(atPath: t) } }
        for file in files {
            let temporary = try temporaryPath(for: file.path)
            temporaries.append(temporary)
            do { try NewFile.write(file.bytes, to: temporary) } catch {
                throw FormatError.unreadable(file.path, "cannot write (\(OSReason.describe(error)))")
            }
        }
        if let last = files.last?.path, FileManager.default.fileExists(atPath: last) {
            do { try FileManager.default.removeItem(atPath: last) } catch {
                throw FormatError.unreadable(last, "cannot replace (\(OSReason.describe(error)))")
            }
        }
        for (file, temporary) in zip(files, temporaries) {
            do { try FileRename.replace(file.path, with: temporary) } catch {
                throw FormatError.unreadable(file.path, "cannot write (\(OSReason.describe(error)))")
            }
            writtenCount.withLock { $0 += 1 }
        }
        temporaries = []
    }

    /// A temporary name beside `path` that carries this process's id (`.<name>.<pid>.<token>.tmp`, the
    /// token a count and a random number), after removing those a killed run left in that folder (their
    /// process no longer exists; the folder is swept once per process).
    static func temporaryPath(for path: String) throws -> String {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent()
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory) else {
            throw FormatError.unreadable(path, "cannot write: the folder \(directory.path) does not exist")
        }
        guard isDirectory.boolValue else {
            throw FormatError.unreadable(path, "cannot write: \(directory.path) is a file, not a folder (\(OSReason.posix(ENOTDIR)))")
        }
        if swept.withLock({ $0.insert(directory.path).inserted }) { removeAbandonedTemporaries(in: directory.path) }
        let token = String(temporaries.add(1, ordering: .relaxed).newValue) + "-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        return directory.appendingPathComponent(".\(url.lastPathComponent).\(getpid()).\(token).tmp").path
    }

    /// Removes the `.<name>.<pid>.<token>.tmp` files of `directory` whose process has ended.
    static func removeAbandonedTemporaries(in directory: String) {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        for entry in entries where entry.hasPrefix(".") && entry.hasSuffix(".tmp") {
            // The name may hold dots; the pid and the token are the last two fields.
            let fields = entry.dropFirst().dropLast(4).split(separator: ".", omittingEmptySubsequences: false)
            guard fields.count >= 3, let pid = Int32(fields[fields.count - 2]), pid > 0 else { continue }
            if kill(pid, 0) == -1 && errno == ESRCH { try? FileManager.default.removeItem(atPath: directory + "/" + entry) }
        }
    }
}
