import Foundation

/// A system call that failed, with its `errno`.
public struct SystemCallFailure: Error, Sendable, Equatable {
    public let code: Int32
    public init(code: Int32) { self.code = code }
}

/// A file created and written with plain POSIX calls: for the many small outputs of a run (weights,
/// CSVs, reports), where Foundation's `Data.write` cost about 1 ms a file.
public enum NewFile {
    /// Creates `path`, which must not exist (`O_EXCL`: a temporary name is never shared), with mode
    /// 0666 less the umask, and writes `bytes` to it.
    public static func write(_ bytes: [UInt8], to path: String) throws(SystemCallFailure) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        guard descriptor >= 0 else { throw SystemCallFailure(code: errno) }
        var failure: Int32 = 0
        bytes.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return }
            var done = 0
            while done < raw.count {
                let written = Glibc.write(descriptor, base + done, raw.count - done)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                done += written
            }
        }
        if close(descriptor) != 0, failure == 0 { failure = errno }
        if failure != 0 { throw SystemCallFailure(code: failure) }
    }
}
