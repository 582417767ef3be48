import ArgumentParser
import Foundation
import Linalg

/// `faceprep doctor`: which numerical libraries were loaded, their versions and threads, and whether
/// they compute correctly.
struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Show the BLAS, LAPACK and FFTW libraries in use, their versions and threads, and self-check them."
    )

    @Flag(name: .long, help: "Print one JSON object instead of text.")
    var json = false

    @Option(name: .long, help: "Set the BLAS thread count first (default: OPENBLAS_NUM_THREADS, else all cores).")
    var threads: Int?

    private struct Report: Codable {
        let libraries: NumericLibraries
        let selfCheck: NumericSelfCheck
    }

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    func run() throws {
        if let threads { BLASThreads.count = threads }
        let report = Report(libraries: .current(), selfCheck: .run())
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print(render(report))
        }
        if !report.selfCheck.passed { throw ExitCode(1) }
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
        let source = libs.openBLASNumThreadsVariable.map { "OPENBLAS_NUM_THREADS=\($0)" } ?? "OPENBLAS_NUM_THREADS unset"
        lines.append("BLAS threads     \(libs.blasThreads) (\(source); --threads overrides)")
        lines.append("Self-check")
        for result in report.selfCheck.results {
            lines.append("  \(result.passed ? "ok  " : "FAIL") \(result.name)\(result.passed ? "" : ": \(result.detail)")")
        }
        return lines.joined(separator: "\n")
    }
}
