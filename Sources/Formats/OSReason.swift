import Foundation
import Linalg

/// The operating system's words for why a file operation failed, from the POSIX error beneath a
/// Foundation error — "Permission denied", not a CocoaError dump.
public enum OSReason {
    public static func describe(_ error: Error) -> String {
        if let failure = error as? SystemCallFailure { return posix(failure.code) }
        let ns = error as NSError
        if ns.domain == NSPOSIXErrorDomain { return posix(Int32(ns.code)) }
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return posix(Int32(underlying.code))
        }
        if let cocoa = error as? CocoaError {
            switch cocoa.code {
            case .fileWriteNoPermission, .fileReadNoPermission: return posix(EACCES)
            case .fileNoSuchFile, .fileReadNoSuchFile: return posix(ENOENT)
            case .fileWriteFileExists: return posix(EEXIST)
            case .fileWriteOutOfSpace: return posix(ENOSPC)
            case .fileWriteVolumeReadOnly: return posix(EROFS)
            case .fileReadTooLarge: return posix(EFBIG)
            default: break
            }
        }
        if let error = error as? FormatError { return error.problem }
        return ns.localizedFailureReason ?? ns.localizedDescription
    }

    /// The path a Foundation error names, if any.
    public static func path(of error: Error) -> String? {
        let info = (error as NSError).userInfo
        if let path = info[NSFilePathErrorKey] as? String { return path }
        if let url = info[NSURLErrorKey] as? URL { return url.path }
        return nil
    }

    /// strerror(3) of a POSIX error number.
    public static func posix(_ code: Int32) -> String { String(cString: strerror(code)) }
}
