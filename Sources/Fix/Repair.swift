import Analysis
import Dataset
import Formats
import Foundation

/// What a repair reads from and writes to.
public struct RepairContext: Sendable {
    /// The input dataset.
    public let layout: DatasetLayout
    /// FIXED's root.
    public let output: String
    public let options: FixOptions
    /// The head's reference, when some shot's head motion is removed.
    let headReference: HeadReference?

    /// Absolute path in FIXED of `relative`, its folder created.
    func prepare(_ relative: String) throws -> String {
        let path = output + "/" + relative
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        return path
    }

    /// Writes `bytes` to FIXED/`relative` through a temporary file.
    func write(_ bytes: [UInt8], to relative: String) throws {
        try AtomicFile.write(bytes, to: try prepare(relative))
    }
}

/// What a repair produced.
struct RepairOutcome: Sendable {
    var outputs: [String]
    var before: String?
    var after: String?
}

/// The fix of one input file (or one shot's caches): every rule it answers, the input files it
/// replaces (they are not linked into FIXED), and the work.
struct Repair: Sendable {
    var rules: [String]
    let file: String
    var action: String
    var replaces: [String]
    let run: @Sendable (RepairContext) throws -> RepairOutcome

    /// The log entry before the work has run (a dry run's).
    var planned: FixedFile { FixedFile(rules: rules, file: file, action: action, outputs: [], before: nil, after: nil, error: nil, pass: 1) }
}

/// Why a planned repair cannot go ahead, found while doing it: the finding stays, with this reason.
struct RepairRefused: Error, CustomStringConvertible {
    let description: String
}
