import Analysis
import Dataset
import Formats
import Foundation
import Linalg
import Synchronization

/// `faceprep fix`: validate the input, plan, write FIXED (or only plan, in a dry run), validate FIXED.
public enum FixRun {
    /// Present in FIXED from the moment it is created until the log is written: a folder with it is
    /// not a finished dataset. A later run into the same folder starts it again.
    public static let incompleteMarker = ".faceprep-fix-incomplete"
    public static let logName = "faceprep-fix.json"

    public static func run(_ root: String, options: FixOptions) throws -> FixReport {
        let fm = FileManager.default
        let input = URL(fileURLWithPath: root).standardized.path, output = URL(fileURLWithPath: options.output).standardized.path
        if output == input || output.hasPrefix(input + "/") || input.hasPrefix(output + "/") {
            throw FixError.usage("--out \(options.output) must lie outside the dataset (and not contain it): inputs are never modified")
        }
        let layout = try DatasetLayout.discover(root)
        if !options.dryRun { try prepareOutput(output) }

        options.progress("fix: validating \(root)")
        let report = try DatasetValidator.validate(root, options: options.validation)
        var lags: [String: Int] = [:]
        if options.applySync, report.findings.contains(where: { $0.rule == "SYNC-OFFSET" && options.allows($0.rule, severity: $0.severity) }) {
            options.progress("fix: measuring sync lags")
            var syncOptions = SyncCheck.Options()
            syncOptions.framesPerSecond = options.validation.framesPerSecond
            for shot in try SyncCheck.run(root, options: syncOptions).shots { if let lag = shot.confidentLag { lags[shot.shot] = lag } }
        }
        let plan = FixPlanner.plan(layout: layout, findings: report.findings, options: options, syncLags: lags)
        let replaced = Set(plan.repairs.flatMap(\.replaces))
        if options.dryRun {
            return FixReport(input: root, output: options.output, dryRun: true, fixed: plan.repairs.map(\.planned), unfixed: plan.unfixed,
                             unchanged: try countFiles(root, skipping: replaced), remaining: [], resampler: AudioResampler.description)
        }

        options.progress("fix: linking the files that need no change")
        let unchanged = try linkTree(from: root, to: output, skipping: replaced)
        let reference = plan.stabilises ? try HeadReference.load(layout) : nil
        let context = RepairContext(layout: layout, output: output, options: options, headReference: reference)
        let done = Counter()
        let fixed = parallelMap(plan.repairs) { repair -> FixedFile in
            defer { options.progress("fix \(done.next())/\(plan.repairs.count): \(repair.file)") }
            var entry = repair.planned
            do {
                let outcome = try repair.run(context)
                entry.outputs = outcome.outputs
                entry.before = outcome.before
                entry.after = outcome.after
            } catch {
                entry.error = "\(error)"
            }
            return entry
        }
        // A repair that failed leaves its input as it was, rather than nothing.
        for (repair, entry) in zip(plan.repairs, fixed) where entry.error != nil {
            for file in repair.replaces where fm.fileExists(atPath: layout.path(file)) {
                _ = try LinkCopy.tree(from: layout.path(file), to: output + "/" + file)
            }
        }

        options.progress("fix: validating \(options.output)")
        let remaining = try DatasetValidator.validate(output, options: options.validation).findings
        let result = FixReport(input: root, output: options.output, dryRun: false, fixed: fixed, unfixed: plan.unfixed, unchanged: unchanged,
                               remaining: remaining, resampler: AudioResampler.description)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try AtomicFile.write(Array(try encoder.encode(result)), to: output + "/" + logName)
        try fm.removeItem(atPath: output + "/" + incompleteMarker)
        return result
    }

    /// Creates FIXED, or empties one an interrupted fix left (it has the marker); refuses any other
    /// folder that holds files.
    static func prepareOutput(_ output: String) throws {
        let fm = FileManager.default
        if let existing = try? fm.contentsOfDirectory(atPath: output), !existing.isEmpty {
            guard existing.contains(incompleteMarker) else {
                throw FixError.usage("\(output) is not empty: choose a new folder (only an interrupted fix's folder, marked \(incompleteMarker), is started again)")
            }
            for name in existing where name != incompleteMarker { try fm.removeItem(atPath: output + "/" + name) }
        }
        do {
            try fm.createDirectory(atPath: output, withIntermediateDirectories: true)
            try Data("faceprep fix has not finished writing this folder\n".utf8).write(to: URL(fileURLWithPath: output + "/" + incompleteMarker))
        } catch {
            throw FixError.io(output, "cannot create (\(OSReason.describe(error)))")
        }
    }

    /// Links every file below `root` into `output` except those under a `skipping` path; returns how many.
    static func linkTree(from root: String, to output: String, skipping: Set<String>) throws -> Int {
        let fm = FileManager.default
        guard let walker = fm.enumerator(atPath: root) else { throw FixError.io(root, "cannot list the folder") }
        var count = 0
        while let relative = walker.nextObject() as? String {
            if isSkipped(relative, skipping) { continue }
            var isDirectory: ObjCBool = false
            guard fm.fileExists(atPath: root + "/" + relative, isDirectory: &isDirectory) else { continue }
            if isDirectory.boolValue {
                try fm.createDirectory(atPath: output + "/" + relative, withIntermediateDirectories: true)
            } else {
                try LinkCopy.file(from: root + "/" + relative, to: output + "/" + relative)
                count += 1
            }
        }
        return count
    }

    static func countFiles(_ root: String, skipping: Set<String>) throws -> Int {
        guard let walker = FileManager.default.enumerator(atPath: root) else { throw FixError.io(root, "cannot list the folder") }
        var count = 0
        while let relative = walker.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if !isSkipped(relative, skipping), FileManager.default.fileExists(atPath: root + "/" + relative, isDirectory: &isDirectory), !isDirectory.boolValue { count += 1 }
        }
        return count
    }

    private static func isSkipped(_ relative: String, _ skipping: Set<String>) -> Bool {
        if skipping.contains(relative) { return true }
        var path = relative as NSString
        while path.length > 0, path.deletingLastPathComponent != path as String {
            path = path.deletingLastPathComponent as NSString
            if skipping.contains(path as String) { return true }
        }
        return false
    }
}

/// A thread-safe count for progress lines.
final class Counter: Sendable {
    private let value = Mutex<Int>(0)
    func next() -> Int { value.withLock { $0 += 1; return $0 } }
}
