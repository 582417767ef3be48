import Analysis
import ArgumentParser
import Dataset
import Foundation

/// `faceprep head DATASET`: is the head static in every shot?
struct HeadCommand: EnvelopeCommand {
    static let configuration = CommandConfiguration(
        commandName: "head",
        abstract: "Measure rigid head motion in every skin shot against the neutral pose (robust to expressions).",
        discussion: """
            The motion is measured on the rig's rigid set (the vertices no blendshape in bs_data/bs_skin.npz moves: \
            skull, neck, ears), or on the vertices each shot deforms least. A shot MOVES at \(HeadMotion.rotationLimitDegrees)° \
            of rotation or \(HeadMotion.translationLimitPercent)% of the head height of translation of its centre in any frame. \
            Frames are numbered from 0. Exit code 1 when a shot moves or cannot be measured.
            """,
        version: FacePrepVersion.current
    )
    static let envelopeName = "head"
    typealias Results = HeadCheck.Report

    @OptionGroup var target: DatasetArgument
    @OptionGroup var shots: ShotOptions
    @OptionGroup var scale: ShardOptions
    @OptionGroup var partsOutput: PartsOutputOptions
    @OptionGroup var output: OutputOptions

    func execute(known: [String: HeadCheck.ShotResult], progress: Progress) throws -> CommandResult<HeadCheck.Report> {
        let report = try HeadCheck.run(target.dataset, shots: shots.shots, known: known) { progress.update($0) }
        var rows = [["shot", "frames", "max rot (°)", "rms rot (°)", "max shift (mesh units)", "max shift (% height)", "rms shift (% height)", "worst frame (0-based)", "verdict"]]
        for r in report.shots {
            guard let s = r.summary else { rows.append([r.shot, "-", "-", "-", "-", "-", "-", "-", "error: \(r.error ?? "")"]); continue }
            rows.append([r.shot, "\(r.frames)", Number.format(s.maxRotationDegrees, "%.3f"), Number.format(s.rmsRotationDegrees, "%.3f"),
                         Number.format(s.maxTranslation, "%.4g"), Number.format(s.maxTranslationPercent, "%.3f"),
                         Number.format(s.rmsTranslationPercent, "%.3f"), "\(s.worstFrame)", s.passed ? "static" : "MOVES"])
        }
        let moving = report.shots.filter { $0.summary?.passed == false }.count
        let failed = report.shots.filter { $0.summary == nil }
        var lines = ["head measured on: \(report.rigidSet.description)", Table.render(rows), ""]
        lines.append("\(Number.count(report.shots.count, "shot")): \(report.shots.count - moving - failed.count) static, \(moving) moving\(failed.isEmpty ? "" : ", \(failed.count) not measured")")
        if moving > 0 { lines.append("faceprep stabilize \(target.dataset) --out <new folder> removes the motion") }
        let status: CommandStatus = failed.contains(where: \.ioFailure) ? .failed : (moving + failed.count > 0 ? .findings : .ok)
        return CommandResult(results: report, status: status, text: lines.joined(separator: "\n"))
    }
}

extension HeadCommand: ShardableCommand {
    typealias ShotValue = HeadCheck.ShotResult
    var datasetPath: String { target.dataset }
    static func isFinal(_ value: HeadCheck.ShotResult) -> Bool { !value.ioFailure }
    var scaleOutput: String? { partsOutput.out }

    func shotWeights(_ layout: DatasetLayout, byFrames: Bool) -> [String: Int] {
        frameWeights(layout, layout.skin.filter { shots.shots.isEmpty || shots.shots.contains($0.shot) }, byFrames: byFrames)
    }

    func computeShots(_ list: [String], progress: Progress, record: @escaping @Sendable (String, HeadCheck.ShotResult) -> Void) throws -> [String: HeadCheck.ShotResult] {
        let report = try HeadCheck.run(target.dataset, shots: list, progress: { progress.update($0) }, record: { record($0.shot, $0) })
        return Dictionary(report.shots.map { ($0.shot, $0) }, uniquingKeysWith: { a, _ in a })
    }
}
