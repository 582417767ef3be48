import ArgumentParser
import Dataset
import Foundation

/// `faceprep sync DATASET`: is every shot's animation in time with its audio?
struct SyncCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Check audio/animation alignment of every shot, and augmented voices against their originals, by FFT cross-correlation.",
        discussion: """
        Each shot's speech activity (RMS per frame, windows centred on (i + 0.5)/fps) is cross-correlated with its mouth \
        opening (lip_dist_vertex_list.json; else the jaw keypoints; else lower-face motion) or its rate of change, \
        whichever matches better. Lag sign: positive = the animation is late. A lag is trusted when the peak correlation \
        is at least 0.3 and clearly above both the next-best peak and the best match with other shots' audio; otherwise \
        the verdict is "inconclusive". Augmented tracks are compared envelope against envelope (1 ms steps); more than \
        \(Int(SyncAnalysis.augmentedTolerance * 1000)) ms is reported. Exit code 1 when a shot is confidently \(SyncAnalysis.offsetFrames)+ frames off \
        or an augmented track drifts.
        """
    )

    @Argument(help: "The dataset folder.")
    var dataset: String

    @Option(name: .long, parsing: .upToNextOption, help: "Only these shots.")
    var shot: [String] = []

    @Option(name: .long, help: "Search ±N frames.")
    var maxLag = SyncAnalysis.defaultMaxLag

    @Option(name: .long, help: "Frame rate for caches that state none (default 30).")
    var fps: Double?

    @Flag(name: .long, help: "Print JSON instead of text.")
    var json = false

    func validate() throws {
        guard (1...600).contains(maxLag) else { throw ValidationError("--max-lag must be between 1 and 600 frames") }
        if let fps, !(fps > 0 && fps <= 1000) { throw ValidationError("--fps must be in (0, 1000]") }
    }

    func run() throws {
        let progress = ProgressLine(enabled: !json)
        var options = SyncCheck.Options()
        options.shots = shot
        options.maxLag = maxLag
        options.framesPerSecond = fps
        options.progress = { progress.update($0) }
        let report = try SyncCheck.run(dataset, options: options)
        progress.finish()
        if json {
            try printJSON(report)
        } else {
            print(SyncReportText.render(report))
        }
        if report.hasFindings { throw ExitCode(1) }
    }
}

/// The text form of a sync report.
enum SyncReportText {
    static func render(_ report: SyncReport) -> String {
        var rows = [["shot", "frames", "signal", "lag (frames)", "lag (ms)", "peak", "confidence", "verdict"]]
        for s in report.shots {
            rows.append([s.shot, "\(s.frames)", s.signal ?? "-",
                         s.lagFrames.map { String(format: "%+.2f", $0) } ?? "-", s.lagMilliseconds.map { String(format: "%+.0f", $0) } ?? "-",
                         s.peak.map { String(format: "%.2f", $0) } ?? "-", s.confidence.map { String(format: "%.2f", $0) } ?? "-",
                         s.verdict.rawValue + (s.doubt.map { " (\($0))" } ?? "")])
        }
        var lines = [Table.render(rows), ""]
        let confident = report.shots.filter { $0.verdict != .inconclusive }.count
        lines.append(String(format: "%d of %d shots aligned with confidence at %@ fps (search ±%d frames; positive = animation late)",
                            confident, report.shots.count, formatNumber(report.framesPerSecond), report.maxLagFrames))
        if let median = report.medianLagFrames {
            var line = String(format: "median lag %+.2f frames (%+.0f ms)", median, median / report.framesPerSecond * 1000)
            if abs(median.rounded()) >= Double(SyncAnalysis.offsetFrames) { line += ": a common offset, check the export's start frame or audio offset" }
            lines.append(line)
        }
        lines.append(String(format: "read %.2f s, aligned %.2f s", report.readSeconds, report.alignSeconds))
        if !report.outliers.isEmpty { lines.append("outliers (≥ \(SyncAnalysis.offsetFrames) frames from the median): " + report.outliers.joined(separator: ", ")) }
        if !report.augmented.isEmpty {
            var aug = [["voice", "shot", "lag (samples)", "lag (ms)", "length Δ (ms)", "confidence", "verdict"]]
            for a in report.augmented {
                aug.append([a.voice, a.shot, a.lagSamples.map { String(format: "%+.0f", $0) } ?? "-", a.lagMilliseconds.map { String(format: "%+.1f", $0) } ?? "-",
                            String(format: "%+.1f", a.lengthDifferenceMilliseconds), a.confidence.map { String(format: "%.2f", $0) } ?? "-",
                            a.verdict.rawValue + (a.doubt.map { " (\($0))" } ?? "")])
            }
            lines += ["", Table.render(aug)]
        }
        return lines.joined(separator: "\n")
    }

    private static func formatNumber(_ x: Double) -> String { x == x.rounded() ? String(Int(x)) : String(format: "%.3f", x) }
}
