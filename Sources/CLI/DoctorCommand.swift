import ArgumentParser
import Foundation
import Linalg

/// `faceprep doctor`: which numerical libraries were loaded, their versions and threads, and whether
/// they compute correctly.
struct DoctorCommand: EnvelopeCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Show the BLAS, LAPACK and FFTW libraries in use, their versions and threads, and self-check them.",
        discussion: "Exit code 1 when a self-check fails.",
        version: FacePrepVersion.current
    )
    static let envelopeName = "doctor"

    @Option(name: .long, help: "Set the threads per heavy call first (default: OPENBLAS_NUM_THREADS, else all cores); OpenBLAS itself runs on one thread in the CLI.")
    var blasThreads: Int?

    @OptionGroup var output: OutputOptions

    struct Report: Encodable {
        let libraries: NumericLibraries
        let selfCheck: NumericSelfCheck
    }

    func validate() throws {
        if let blasThreads, blasThreads < 1 { throw ValidationError("--blas-threads must be at least 1") }
    }

    func execute(progress: Progress) throws -> CommandResult<Report> {
        if let blasThreads { ComputeThreads.count = blasThreads }
        progress.update("doctor: self-check")
        let report = Report(libraries: .current(), selfCheck: .run())
        return CommandResult(results: report, status: report.selfCheck.passed ? .ok : .findings, text: render(report))
    }

    private func render(_ report: Report) -> String {
        let libs = report.libraries
        var lines = ["Numerical libraries"]
        let width = libs.libraries.map(\.role.count).max() ?? 0
        for lib in libs.libraries {
            let role = lib.role.padding(toLength: width, withPad: " ", startingAt: 0)
            lines.append("  \(role)  \(lib.version)  \(lib.path ?? "(\(lib.symbol) not found)")")
        }
        lines.append("OpenBLAS build   \(libs.openBLASConfiguration)")
        lines.append("OpenBLAS kernels \(libs.openBLASCore)")
        lines.append("FacePrep kernels \(libs.vectorKernels) (the solve's projections and fit, chosen from the CPU)")
        let source = libs.openBLASNumThreadsVariable.map { "OPENBLAS_NUM_THREADS=\($0)" } ?? "OPENBLAS_NUM_THREADS unset"
        lines.append("Threads per call \(libs.blasThreads) (\(source); --blas-threads overrides); OpenBLAS itself \(libs.openBLASThreads)")
        lines.append("Self-check")
        for result in report.selfCheck.results {
            lines.append("  \(result.passed ? "ok  " : "FAIL") \(result.name)\(result.passed ? "" : ": \(result.detail)")")
        }
        return lines.joined(separator: "\n")
    }
}
