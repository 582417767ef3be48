import Analysis
import Dataset
import Foundation
import Scale
import Formats

extension CommandFailure {
    /// The failure an error means for the user: the file, what happened with the operating system's
    /// reason, a hint, and the exit code (2 for I/O, 1 for a malformed file or dataset setup).
    init(_ error: Error) {
        switch error {
        case let failure as CommandFailure:
            self = failure
        case let format as FormatError:
            self.init(file: format.file, message: format.locatedProblem, hint: format.isIOFailure ? Self.ioHint(format.problem) : nil,
                      exitCode: format.isIOFailure ? 2 : 1)
        case let usage as UsageProblem:
            self.init(file: usage.subject, message: usage.problem, hint: usage.hint, exitCode: 2)
        case let problems as BlendshapeSetup.Problems:
            self.init(file: nil, message: problems.description, hint: "faceprep validate DATASET explains each rule", exitCode: 1)
        case let error as BlendshapeSolverError:
            self.init(file: nil, message: error.description, hint: nil, exitCode: 1)
        case let error as KabschError:
            self.init(file: nil, message: error.description, hint: nil, exitCode: 1)
        case let error as ScaleError:
            self.init(file: error.file, message: error.message, hint: error.hint, exitCode: 2)
        default:
            let ns = error as NSError
            if ns.domain == NSCocoaErrorDomain || ns.domain == NSPOSIXErrorDomain {
                self.init(file: OSReason.path(of: error), message: "cannot \(Self.verb(ns)) (\(OSReason.describe(error)))",
                          hint: Self.ioHint(OSReason.describe(error)), exitCode: 2)
            } else {
                self.init(file: nil, message: "\(error)", hint: nil, exitCode: 2)
            }
        }
    }

    private static func verb(_ error: NSError) -> String {
        let code = error.code
        if (CocoaError.fileWriteUnknown.rawValue...CocoaError.fileWriteVolumeReadOnly.rawValue).contains(code) { return "write" }
        if (CocoaError.fileReadUnknown.rawValue...CocoaError.fileReadUnknownStringEncoding.rawValue).contains(code) { return "read" }
        return "access the file"
    }

    /// A hint for the common operating-system reasons.
    static func ioHint(_ reason: String) -> String? {
        if reason.contains(OSReason.posix(EACCES)) || reason.contains(OSReason.posix(EPERM)) { return "check the permissions, or choose another folder with --out" }
        if reason.contains(OSReason.posix(EROFS)) { return "the file system is read-only: choose another folder with --out" }
        if reason.contains(OSReason.posix(ENOSPC)) { return "free some disk space" }
        if reason.contains(OSReason.posix(ENOTDIR)) || reason.contains("is a file, not a folder") { return "the path names a file where a folder is needed" }
        if reason.contains("no such file") || reason.contains(OSReason.posix(ENOENT)) || reason.contains("does not exist") { return "check the path" }
        return nil
    }
}

/// Output locations checked before any heavy work starts.
enum OutputLocation {
    /// Creates `folder` (with parents) if needed and proves it writable by creating and removing a file.
    static func prepareFolder(_ folder: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw CommandFailure(file: folder, message: "is a file, not a folder (\(OSReason.posix(ENOTDIR)))", hint: "choose a folder for the output", exitCode: 2)
            }
        } else {
            do { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
                throw CommandFailure(file: folder, message: "cannot create the output folder (\(OSReason.describe(error)))",
                                     hint: CommandFailure.ioHint(OSReason.describe(error)) ?? "choose another folder", exitCode: 2)
            }
        }
        let probe = folder + "/.faceprep-write-test-\(UUID().uuidString)"
        do {
            try Data().write(to: URL(fileURLWithPath: probe))
            try? FileManager.default.removeItem(atPath: probe)
        } catch {
            throw CommandFailure(file: folder, message: "cannot write here (\(OSReason.describe(error)))",
                                 hint: CommandFailure.ioHint(OSReason.describe(error)) ?? "choose another folder", exitCode: 2)
        }
    }

    /// Checks the folder a file will be written into.
    static func prepareFile(_ file: String) throws {
        try prepareFolder(URL(fileURLWithPath: file).deletingLastPathComponent().path)
    }
}
