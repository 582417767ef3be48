import ArgumentParser
import Dataset
import Foundation
import Report

/// `faceprep report DATASET --out report.html`: one self-contained HTML page that shows a dataset.
struct ReportCommand: EnvelopeCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write one self-contained HTML page that shows a dataset: findings, summary charts, and per shot its sync and head motion.",
        discussion: """
            The page works offline (inline SVG charts, CSS and a few lines of script; nothing is fetched) and \
            prints. It holds validate's findings grouped by rule and linked to their shots, the summary \
            (frames, rates, vertices, voices), emotion coverage, the shot-duration histogram and speech \
            loudness per shot; and for each shot its speech activity over time with its mouth opening and \
            the measured lag, and its head rotation and translation over time against the static-head limits. \
            The numbers are those validate, sync and head compute.

            Exit code 0 when the page is written, 2 on a usage or I/O failure (findings in the data are shown, \
            not an exit code).
            """,
        version: FacePrepVersion.current
    )
    static let envelopeName = "report"

    @OptionGroup var dataset: DatasetArgument

    @Option(name: .long, help: "The HTML file to write (default: DATASET/faceprep-report.html).", completion: .file(extensions: ["html"]))
    var out: String?

    @Option(name: .long, help: "A faceprep solve output folder to show (default: DATASET/solve when it holds one).", completion: .directory)
    var solve: String?

    @OptionGroup var config: ProjectConfigOptions

    @OptionGroup var shots: ShotOptions
    @OptionGroup var frameRate: FrameRateOptions
    @OptionGroup var output: OutputOptions

    func execute(progress: Progress) throws -> CommandResult<DatasetReport.Summary> {
        let target = out ?? dataset.dataset + "/faceprep-report.html"
        try OutputLocation.prepareFile(target)
        var options = DatasetReport.Options()
        options.shots = shots.shots
        options.solve = solve
        options.validation = try projectValidationOptions(dataset: dataset.dataset, framesPerSecond: frameRate.fps, noConfig: config.noConfig)
        options.progress = { progress.update($0) }
        let summary = try DatasetReport.write(dataset.dataset, to: target, options: options)
        let text = String(format: "wrote %@: %d charts, %d shot%@, %d finding%@, %.1f MB", target, summary.charts, summary.shots, summary.shots == 1 ? "" : "s",
                          summary.findings, summary.findings == 1 ? "" : "s", Double(summary.bytes) / 1e6)
        return CommandResult(results: summary, status: .ok, text: text)
    }
}
