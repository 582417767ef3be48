import ArgumentParser
import Dataset
import Foundation

/// `faceprep sync DATASET`: is every shot's animation in time with its audio?
struct SyncCommand: EnvelopeCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Check audio/animation alignment of every shot, and augmented voices against their originals, by FFT cross-correlation.",
        discussion: """
        Each shot's speech activity (RMS per frame, windows centred on (i + 0.5)/fps) is cross-correlated with its mouth \
        opening (lip_dist_vertex_list.json; else the jaw keypoints; else lower-face motion) or its rate of change, \
        whichever matches better. Lag sign: positive = the animation is late. A lag is trusted when the peak correlation \
        is at least 0.3 and clearly above both the next-best peak and the best match with other shots' audio; otherwise \
        the verdict is "inconclusive". Augmented tracks are compared envelope against envelope (1 ms steps); more than \
        \(Int(SyncAnalysis.augmentedTolerance * 1000)) ms is reported. A confident offset of \(SyncAnalysis.offsetFrames)+ frames \
        is a warning, as in validate (W-SYNC-OFFSET, W-AUG-DRIFT): exit code 0, or 1 with --strict. Exit code 2 when a \
        cache or WAV cannot be read, 1 when one is malformed.
        """,
        version: FacePrepVersion.current
    )
    static let envelopeName = "sync"
    typealias Results = SyncReport

    @OptionGroup var target: DatasetArgument
    @OptionGroup var shots: ShotOptions

    @Option(name: .long, help: "Search ±N frames.")
    var maxLag = SyncAnalysis.defaultMaxLag

    @OptionGroup var frameRate: FrameRateOptions

    @Flag(name: .long, help: "Exit 1 on confident offsets (warnings), as validate --strict does.")
    var strict = false

    @OptionGroup var scale: ShardOptions
    @OptionGroup var partsOutput: PartsOutputOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard (1...600).contains(maxLag) else { throw ValidationError("--max-lag must be between 1 and 600 frames") }
    }

    func execute(known: [String: SyncCheck.ShotAnimation], progress: Progress) throws -> CommandResult<SyncReport> {
        var options = SyncCheck.Options()
        options.shots = shots.shots
        options.maxLag = maxLag
        options.framesPerSecond = frameRate.fps
        options.progress = { progress.update($0) }
        let report = try SyncCheck.run(target.dataset, options: options, known: known)
        let status: CommandStatus
        if report.failures.contains(where: \.ioFailure) { status = .failed }
        else if !report.failures.isEmpty || (strict && report.hasFindings) { status = .findings }
        else { status = .ok }
        return CommandResult(results: report, status: status, text: SyncReportText.render(report),
                             timings: ["read": report.readSeconds, "align": report.alignSeconds])
    }
}

extension SyncCommand: ShardableCommand {
    typealias ShotValue = SyncCheck.ShotAnimation
    var datasetPath: String { target.dataset }
    var scaleOutput: String? { partsOutput.out }
    static func isFinal(_ value: SyncCheck.ShotAnimation) -> Bool { value.failure?.ioFailure != true }

    func shotWeights(_ layout: DatasetLayout, byFrames: Bool) -> [String: Int] {
        frameWeights(layout, layout.skin.filter { shots.shots.isEmpty || shots.shots.contains($0.shot) }, byFrames: byFrames)
    }

    func computeShots(_ list: [String], progress: Progress, record: @escaping @Sendable (String, SyncCheck.ShotAnimation) -> Void) throws -> [String: SyncCheck.ShotAnimation] {
        try SyncCheck.readAnimation(target.dataset, shots: list, progress: { progress.update($0) }, record: record)
    }
}

/// The text form of a sync report.
enum SyncReportText {
    static func render(_ report: SyncReport) -> String {
        var rows = [["shot", "frames", "signal", "lag (frames)", "lag (ms)", "peak", "confidence", "verdict"]]
        for s in report.shots {
            rows.append([s.shot, "\(s.frames)", s.signal ?? "-",
                         s.lagFrames.map { Number.format($0, "%+.2f") } ?? "-", s.lagMilliseconds.map { Number.format($0, "%+.0f") } ?? "-",
                         s.peak.map { Number.format($0, "%.2f") } ?? "-", s.confidence.map { Number.format($0, "%.2f") } ?? "-",
                         s.verdict.rawValue + (s.doubt.map { " (\($0))" } ?? "")])
        }
        var lines = [Table.render(rows), ""]
        let confident = report.shots.filter { $0.verdict != .inconclusive }.count
        lines.append(String(format: "%d of %@ aligned with confidence at %@ fps (search ±%d frames; positive = animation late)",
                            confident, Number.count(report.shots.count, "shot"), formatNumber(report.framesPerSecond), report.maxLagFrames))
        if let median = report.medianLagFrames {
            var line = "median lag \(Number.format(median, "%+.2f")) frames (\(Number.format(median / report.framesPerSecond * 1000, "%+.0f")) ms)"
            if abs(median.rounded()) >= Double(SyncAnalysis.offsetFrames) { line += ": a common offset, check the export's start frame or audio offset" }
            lines.append(line)
        }
        if !report.outliers.isEmpty { lines.append("outliers (≥ \(SyncAnalysis.offsetFrames) frames from the median): " + report.outliers.joined(separator: ", ")) }
        for failure in report.failures { lines.append("error: \(failure.file): \(failure.message)") }
        if !report.augmented.isEmpty {
            var aug = [["voice", "shot", "lag (samples)", "lag (ms)", "length Δ (ms)", "confidence", "verdict"]]
            for a in report.augmented {
                aug.append([a.voice, a.shot, a.lagSamples.map { Number.format($0, "%+.0f") } ?? "-", a.lagMilliseconds.map { Number.format($0, "%+.1f") } ?? "-",
                            Number.format(a.lengthDifferenceMilliseconds, "%+.1f"), a.confidence.map { Number.format($0, "%.2f") } ?? "-",
                            a.verdict.rawValue + (a.doubt.map { " (\($0))" } ?? "")])
            }
            lines += ["", Table.render(aug)]
        }
        return lines.joined(separator: "\n")
    }

    private static func formatNumber(_ x: Double) -> String { x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(format: "%.3f", x) }
}
