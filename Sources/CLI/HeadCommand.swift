import Analysis
import ArgumentParser
import Dataset
import Foundation

/// `faceprep head DATASET`: is the head static in every shot?
struct HeadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "head",
        abstract: "Measure rigid head motion in every skin shot against the neutral pose (robust to expressions).",
        discussion: "A shot fails at \(HeadMotion.rotationLimitDegrees)° of rotation or \(HeadMotion.translationLimitPercent)% of the head height of translation in any frame. Exit code 1 when a shot fails."
    )

    @Argument(help: "The dataset folder.")
    var dataset: String

    @Option(name: .long, parsing: .upToNextOption, help: "Only these shots.")
    var shot: [String] = []

    @Flag(name: .long, help: "Print JSON instead of text.")
    var json = false

    func run() throws {
        let progress = ProgressLine(enabled: !json)
        let report = try HeadCheck.run(dataset, shots: shot) { progress.update($0) }
        progress.finish()
        let results = report.shots
        if json {
            try printJSON(report)
        } else {
            print("rigid set: \(report.rigidSet.description)")
            var rows = [["shot", "frames", "max rot °", "rms rot °", "max shift (units)", "max shift %", "rms shift %", "worst frame", "verdict"]]
            for r in results {
                guard let s = r.summary else { rows.append([r.shot, "-", "-", "-", "-", "-", "-", "-", "error: \(r.error ?? "")"]); continue }
                rows.append([r.shot, "\(r.frames)", String(format: "%.3f", s.maxRotationDegrees), String(format: "%.3f", s.rmsRotationDegrees),
                             String(format: "%.4g", s.maxTranslation), String(format: "%.3f", s.maxTranslationPercent),
                             String(format: "%.3f", s.rmsTranslationPercent), "\(s.worstFrame)", s.passed ? "static" : "MOVES"])
            }
            print(Table.render(rows))
        }
        if results.contains(where: { !($0.summary?.passed ?? false) }) { throw ExitCode(1) }
    }
}

/// Plain aligned text tables.
enum Table {
    static func render(_ rows: [[String]]) -> String {
        let widths = (0..<(rows.first?.count ?? 0)).map { c in rows.map { $0[c].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { $0.element.padding(toLength: widths[$0.offset], withPad: " ", startingAt: 0) }.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}
