import Foundation
import Linalg

/// Writes files so that a reader never sees a partial one: the bytes go to a temporary file in the
/// target's directory, which is then renamed over the target (atomic on POSIX file systems).
public enum AtomicFile {
    /// Writes `bytes` to `path`.
    public static func write(_ bytes: [UInt8], to path: String) throws {
        try write(to: path) { temporary in
            guard FileManager.default.createFile(atPath: temporary, contents: Data(bytes)) else {
                throw FormatError.unreadable(path, "cannot write (directory missing or not writable?)")
            }
        }
    }

    /// Lets `produce` write a temporary file, then renames it to `path`; on any error the temporary is
    /// removed and `path` is left as it was.
    public static func write(to path: String, _ produce: (_ temporaryPath: String) throws -> Void) throws {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent()
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw FormatError.unreadable(path, "cannot write: directory \(directory.path) does not exist")
        }
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp").path
        do {
            try produce(temporary)
            try FileRename.replace(path, with: temporary)
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            if error is FormatError { throw error }
            throw FormatError.unreadable(path, "cannot write: \(error)")
        }
    }
}
