import ArgumentParser
import Dataset
import Foundation

/// `faceprep tongue DATASET`: tongue rigid transforms from the rigid vertices.
struct TongueCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tongue",
        abstract: "Derive each tongue shot's per-frame rigid transform from geom/tongue/rigid_vertex_list.json and check that those vertices do not deform.",
        discussion: "Writes OUT/tongue_rigid_transforms.npz: {shot: [F,4,4] float32} with x_neutral = M·[x_frame, 1]. Exit code 1 when rigid vertices deform (RMS above \(TongueCheck.residualLimit * 100)% of the tongue size) or a shot cannot be read."
    )

    @Argument(help: "The dataset folder.")
    var dataset: String

    @Option(name: .long, help: "Output folder (default: DATASET/xform).")
    var out: String?

    @Flag(name: .long, help: "Also write the stabilised tongue caches (Maya) under OUT/tongue_stabilized/.")
    var writeStabilized = false

    @Flag(name: .long, help: "Print JSON instead of text.")
    var json = false

    func run() throws {
        let output = out ?? dataset + "/xform"
        let progress = ProgressLine(enabled: !json)
        let report = try TongueCheck.run(dataset, output: output, writeStabilized: writeStabilized) { progress.update($0) }
        progress.finish()
        if json { try printJSON(report) } else {
            print(RigidSetText.render(report.shots, pointName: "vertices"))
            for error in report.errors { print("error: \(error)") }
            print("wrote \(output)/tongue_rigid_transforms.npz")
        }
        if report.flagged > 0 { throw ExitCode(1) }
    }
}

/// Text table of rigid-set fits, shared by `tongue` and `jaw`.
enum RigidSetText {
    static func render(_ fits: [RigidSetFit], pointName: String) -> String {
        var rows = [["shot", "frames", "max rot °", "max shift", "max residual", "worst frame", "worst \(pointName) (rms)", "verdict"]]
        for f in fits {
            rows.append([f.shot, "\(f.frames)", String(format: "%.2f", f.maxRotationDegrees), String(format: "%.4g", f.maxTranslation),
                         String(format: "%.3g", f.maxResidual), "\(f.worstFrame)",
                         f.worstPoints.map { "\($0.point) (\(String(format: "%.2g", $0.rms)))" }.joined(separator: ", "),
                         f.deforms ? "DEFORMS" : "rigid"])
        }
        return Table.render(rows)
    }
}
