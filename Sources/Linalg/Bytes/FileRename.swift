import Foundation

/// Atomic replacement of one file by another with POSIX `rename(2)`: readers see the old file or the
/// new one, never a mix. (Foundation's `replaceItemAt` fails on Linux when the target exists.)
public enum FileRename {
    /// Renames `source` to `destination`, replacing it if present; both must be on one file system.
    public static func replace(_ destination: String, with source: String) throws {
        guard rename(source, destination) == 0 else {
            throw ByteBufferError(path: destination, reason: String(cString: strerror(errno)))
        }
    }
}
