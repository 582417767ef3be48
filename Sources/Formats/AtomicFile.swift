import Foundation
import Linalg
import Synchronization

/// Writes files so that a reader never sees a partial one: the bytes go to a temporary file in the
/// target's directory, which is then renamed over the target (atomic on POSIX file systems).
public enum AtomicFile {
    private static let writtenCount = Mutex<Int>(0)

    /// Files this process has written completely (renamed into place) so far: for a summary when a
    /// run is interrupted.
    public static var filesWritten: Int { writtenCount.withLock { $0 } }

    /// Writes `bytes` to `path`.
    public static func write(_ bytes: [UInt8], to path: String) throws {
        try write(to: path) { temporary in
            do { try Data(bytes).write(to: URL(fileURLWithPath: temporary)) } catch {
                throw FormatError.unreadable(path, "cannot write (\(OSReason.describe(error)))")
            }
        }
    }

    /// Lets `produce` write a temporary file, then renames it to `path`; on any error the temporary is
    /// removed and `path` is left as it was.
    public static func write(to path: String, _ produce: (_ temporaryPath: String) throws -> Void) throws {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent()
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory) else {
            throw FormatError.unreadable(path, "cannot write: the folder \(directory.path) does not exist")
        }
        guard isDirectory.boolValue else {
            throw FormatError.unreadable(path, "cannot write: \(directory.path) is a file, not a folder (\(OSReason.posix(ENOTDIR)))")
        }
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp").path
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
}
