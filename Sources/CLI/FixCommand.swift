import ArgumentParser
import Dataset
import Fix
import Foundation

/// `faceprep fix DATASET --out FIXED`: validate's findings fixed into a new copy of the dataset.
struct FixCommand: EnvelopeCommand {
    static let configuration = CommandConfiguration(
        commandName: "fix",
        abstract: "Write a corrected copy of a dataset: every finding with a mechanical remedy fixed, the rest listed.",
        discussion: """
            Reads DATASET once and writes FIXED in the guide's layout; DATASET is never modified. Files that \
            need no change are hard-linked (copied where links are not possible); every written file goes \
            through a temporary name. Fixed: head motion (stabilised against the neutral, the tongue moved \
            with it), caches the framework cannot read or stores in another type (rewritten as OneFile FOR4 \
            or .npy float32), audio below 16 kHz (resampled with libsoxr VHQ) or 16 bits, audio longer or \
            shorter than its animation (padded with silence or trimmed at the end, at most --max-audio-change), \
            sync lags with --apply-sync (the audio is shifted, never the animation), WAVs named in another \
            case, stray files at the cache roots (moved to FIXED/_set_aside/), float64 geometry, transforms \
            and blendshapes, poseNames and frontalMask types, per-shot transforms longer than their shot. \
            What cannot be fixed mechanically is listed with why. FIXED/faceprep-fix.json logs every change \
            with before and after, and the validation of FIXED. Until it is written FIXED holds \
            \(FixRun.incompleteMarker); running again into such a folder starts it over.

            Exit code 0 when FIXED has no error left, 1 when errors remain (a dry run: when an error cannot be \
            fixed), 2 on a usage or I/O failure.
            """,
        version: FacePrepVersion.current
    )
    static let envelopeName = "fix"

    @OptionGroup var dataset: DatasetArgument

    @Option(name: .long, help: "The folder for the corrected copy (new, empty, or left by an interrupted fix).", completion: .directory)
    var out: String

    @Flag(name: .long, help: "Show what would be done; write nothing.")
    var dryRun = false

    @Option(name: .long, parsing: .singleValue, help: ArgumentHelp("Fix only findings of this rule (id, prefix like AUDIO, or severity E/W); repeat or separate with commas.", valueName: "rule"))
    var only: [String] = []

    @Option(name: .long, parsing: .singleValue, help: ArgumentHelp("Leave findings of this rule as they are; repeat or separate with commas.", valueName: "rule"))
    var skip: [String] = []

    @Flag(name: .long, help: "Shift each shot's audio by its confident sync lag (SYNC-OFFSET).")
    var applySync = false

    @Option(name: .long, help: "The most audio a length fix pads or trims at the end, seconds (default 0.5).")
    var maxAudioChange: Double = 0.5

    @Option(name: .long, help: "The Maya channel to keep from caches with several.")
    var channel: String?

    @Option(name: .long, help: "A folder of per-shot transform .npz files (the guide's export scripts' output), to undo the combine-script mistake; xform/ is searched too.", completion: .directory)
    var perShot: String?

    @OptionGroup var config: ProjectConfigOptions

    @OptionGroup var frameRate: FrameRateOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard maxAudioChange >= 0, maxAudioChange.isFinite else { throw ValidationError("--max-audio-change must be a number of seconds ≥ 0") }
        _ = try selectors(only)
        _ = try selectors(skip)
    }

    private func selectors(_ values: [String]) throws -> [RuleSelector] {
        do { return try commaSeparated(values).map(RuleSelector.init) } catch let problem as UsageProblem {
            throw ValidationError((problem.subject.map { "\($0): " } ?? "") + problem.problem + (problem.hint.map { " (\($0))" } ?? ""))
        }
    }

    func execute(progress: Progress) throws -> CommandResult<FixReport> {
        var options = FixOptions(output: out)
        options.dryRun = dryRun
        options.only = try selectors(only)
        options.skip = try selectors(skip)
        options.applySync = applySync
        options.maxAudioChange = maxAudioChange
        options.channel = channel
        options.perShotFolder = perShot
        options.progress = { progress.update($0) }
        options.validation = try projectValidationOptions(dataset: dataset.dataset, framesPerSecond: frameRate.fps, noConfig: config.noConfig)
        let report: FixReport
        do { report = try FixRun.run(dataset.dataset, options: options) } catch let error as FixError {
            throw CommandFailure(file: nil, message: error.description, hint: nil, exitCode: 2)
        }
        return CommandResult(results: report, status: report.exitCode == 0 ? .ok : .findings, text: Self.render(report))
    }

    static func render(_ report: FixReport) -> String {
        var lines: [String] = report.fixed.isEmpty ? ["nothing to fix"] : []
        let verb = report.dryRun ? "would fix" : "fixed"
        for entry in report.fixed {
            var line = "\(entry.error == nil ? verb : "FAILED") [\(entry.rules.joined(separator: ", "))]\(entry.pass > 1 ? " (pass \(entry.pass), shown by earlier fixes)" : "") \(entry.action)"
            if let before = entry.before, let after = entry.after { line += "\n    before: \(before)\n    after:  \(after)" } else if let after = entry.after { line += "\n    \(after)" }
            if let error = entry.error { line += "\n    \(error)" }
            lines.append(line)
        }
        if !report.unfixed.isEmpty {
            lines.append("")
            lines.append("not fixed:")
            for item in report.unfixed { lines.append("  \(item.severity.letter)-\(item.rule) \(item.file): \(item.message)\n      why: \(item.why)") }
        }
        lines.append("")
        if report.dryRun {
            lines.append("dry run: \(Number.count(report.fixed.count, "repair")) planned, \(Number.count(report.unchanged, "file")) would be linked unchanged; nothing written")
        } else {
            let errors = report.remaining.filter { $0.severity == .error }.count, warnings = report.remaining.filter { $0.severity == .warning }.count
            lines.append("wrote \(report.output): \(Number.count(report.fixed.filter { $0.error == nil }.count, "repair")), \(Number.count(report.unchanged, "file")) linked unchanged; log in \(report.output)/\(FixRun.logName)")
            lines.append("validate \(report.output): \(Number.count(errors, "error")), \(Number.count(warnings, "warning"))")
            for finding in report.remaining where finding.severity != .info { lines.append("  \(finding.code) \(finding.file): \(finding.message)") }
        }
        return lines.joined(separator: "\n")
    }
}
