import ArgumentParser
import Dataset
import Foundation

/// `faceprep jaw DATASET`: jaw keypoints and per-frame jaw transforms.
struct JawCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jaw",
        abstract: "Check the jaw keypoints (rank, conditioning) and derive every shot's per-frame jaw transform from them.",
        discussion: "Writes OUT/jaw_rigid_transforms.npz: {shot: [F,4,4] float32} with x_neutral = M·[x_frame, 1]. Exit code 1 when the keypoints are collinear or move non-rigidly."
    )

    @Argument(help: "The dataset folder.")
    var dataset: String

    @Option(name: .long, help: "Output folder (default: DATASET/xform).")
    var out: String?

    @Flag(name: .long, help: "Print JSON instead of text.")
    var json = false

    func run() throws {
        let output = out ?? dataset + "/xform"
        let report = try JawCheck.run(dataset, output: output)
        if json { try printJSON(report) } else {
            print(String(format: "%d keypoints, rank %d, singular values %@; line condition %.3g, plane condition %.3g%@",
                         report.keypoints, report.rank, report.singularValues.map { String(format: "%.3g", $0) }.joined(separator: ", "),
                         report.lineCondition, report.planeCondition,
                         report.collinear ? " — COLLINEAR" : (report.nearlyCoplanar ? " — nearly coplanar: rotations about in-plane axes are poorly determined" : "")))
            print(RigidSetText.render(report.shots, pointName: "keypoints"))
            for error in report.errors { print("error: \(error)") }
        }
        if report.flagged > 0 { throw ExitCode(1) }
    }
}
