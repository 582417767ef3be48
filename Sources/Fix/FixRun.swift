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
        let unchanged = try LinkedCopy.tree(from: root, to: output, skipping: replaced).count
        var fixed = try apply(plan.repairs, layout: layout, output: output, options: options, pass: 1, stabilises: plan.stabilises)
        options.progress("fix: validating \(options.output)")
        var remaining = try DatasetValidator.validate(output, options: options.validation).findings

        // One fault can hide another (a track is not held to an animation whose cache cannot be read):
        // FIXED is planned again, and what was not tried yet is fixed in place, up to two more passes.
        // The sync lags were measured on the input and applied once.
        var later = options
        later.applySync = false
        func key(_ repair: Repair) -> String { repair.file + " " + repair.rules.joined(separator: ",") }
        var attempted = Set(plan.repairs.map(key))
        var final = plan
        for pass in 2...3 {
            final = FixPlanner.plan(layout: try DatasetLayout.discover(output), findings: remaining, options: later, syncLags: [:])
            let fresh = final.repairs.filter { !attempted.contains(key($0)) }
            guard !fresh.isEmpty else { break }
            fresh.forEach { attempted.insert(key($0)) }
            fixed += try apply(fresh, layout: try DatasetLayout.discover(output), output: output, options: later, pass: pass, stabilises: final.stabilises)
            options.progress("fix: validating \(options.output) (pass \(pass))")
            remaining = try DatasetValidator.validate(output, options: options.validation).findings
            final = FixPlanner.plan(layout: try DatasetLayout.discover(output), findings: remaining, options: later, syncLags: [:])
        }
        // What is left: the findings no remedy answers, and any a remedy answered without success.
        var unfixed = final.unfixed
        for repair in final.repairs {
            for finding in remaining where repair.rules.contains(finding.rule) && (finding.file == repair.file || repair.replaces.contains(finding.file)) {
                unfixed.append(Unfixed(rule: finding.rule, severity: finding.severity, file: finding.file, message: finding.message,
                                       why: "still found after the fix: see the fix entry for \(repair.file)"))
            }
        }
        let result = FixReport(input: root, output: options.output, dryRun: false, fixed: fixed, unfixed: unfixed, unchanged: unchanged,
                               remaining: remaining, resampler: AudioResampler.description)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try AtomicFile.write(Array(try encoder.encode(result)), to: output + "/" + logName)
        try fm.removeItem(atPath: output + "/" + incompleteMarker)
        return result
    }

    /// Runs `repairs` into `output`. Pass 1 reads the input (whose replaced files were not linked, and
    /// are linked after all when their repair fails); later passes work on FIXED itself, each written
    /// file renamed into place and the files a repair replaced removed (never the input's: FIXED holds
    /// links, and a rename or an unlink changes only FIXED's entry).
    static func apply(_ repairs: [Repair], layout: DatasetLayout, output: String, options: FixOptions, pass: Int,
                      stabilises: Bool) throws -> [FixedFile] {
        let fm = FileManager.default
        let reference = stabilises ? try HeadReference.load(layout) : nil
        let context = RepairContext(layout: layout, output: output, options: options, headReference: reference)
        let done = Counter()
        let fixed = parallelMap(repairs) { repair -> FixedFile in
            defer { options.progress("fix \(done.increment())/\(repairs.count): \(repair.file)") }
            var entry = repair.planned
            entry.pass = pass
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
        for (repair, entry) in zip(repairs, fixed) {
            if pass == 1 {
                // A repair that failed leaves its input as it was, rather than nothing.
                guard entry.error != nil else { continue }
                for file in repair.replaces where fm.fileExists(atPath: layout.path(file)) {
                    try LinkedCopy.tree(from: layout.path(file), to: output + "/" + file)
                }
            } else if entry.error == nil {
                let written = Set(entry.outputs.map { $0.lowercased() })
                for file in repair.replaces where !written.contains(file.lowercased()) && fm.fileExists(atPath: output + "/" + file) {
                    try fm.removeItem(atPath: output + "/" + file)
                }
            }
        }
        return fixed
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

    static func countFiles(_ root: String, skipping: Set<String>) throws -> Int {
        guard let walker = FileManager.default.enumerator(atPath: root) else { throw FixError.io(root, "cannot list the folder") }
        var count = 0
        while let relative = walker.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if !LinkedCopy.isSkipped(relative, skipping), FileManager.default.fileExists(atPath: root + "/" + relative, isDirectory: &isDirectory), !isDirectory.boolValue { count += 1 }
        }
        return count
    }
}
