import ArgumentParser
import Dataset
import Foundation
import Formats
import Linalg

@main
struct FacePrep: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "faceprep",
        abstract: "Prepare, check and measure Audio2Face-3D facial-animation training datasets.",
        discussion: """
            Exit codes, the same in every command: 0 clean; 1 findings in the data (or a malformed file); 2 usage \
            or I/O failure; 130 interrupted. Results go to stdout (--json prints one envelope: faceprep, schema, \
            command, status, results, error, timings), progress to stderr (--quiet silences it), errors as \
            `error: <path>: <what> (<reason>)` with a hint.
            """,
        version: FacePrepVersion.current,
        subcommands: [ValidateCommand.self, HeadCommand.self, StabilizeCommand.self, TongueCommand.self, JawCommand.self, SyncCommand.self,
                      SolveCommand.self, MergeCommand.self, FixCommand.self, ReportCommand.self, BenchCommand.self, SynthCommand.self, InfoCommand.self, ConvertCommand.self, DoctorCommand.self]
    )

    /// Runs the chosen subcommand with FacePrep's exit codes: the commands report findings and
    /// failures through `ExitCode`; help and --version exit 0; usage errors print their message and
    /// exit 2 (swift-argument-parser alone would use 64).
    static func main() {
        // Before any work: OpenBLAS's workers would otherwise spin through the first 0.1 s of every run.
        ComputeThreads.keepOpenBLASSingleThreaded()
        let command: ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            exitForError(error)
        }
        do {
            var mutable = command
            try mutable.run()
        } catch let code as ExitCode {
            Foundation.exit(code.rawValue)
        } catch where isArgumentParserError(error) {
            // Help and usage errors that argument-parser raises while running (e.g. its help command).
            exitForError(error)
        } catch {
            let failure = CommandFailure(error)
            FileHandle.standardError.write(Data((failure.text + "\n").utf8))
            Foundation.exit(failure.exitCode)
        }
    }

    private static func exitForError(_ error: Error) -> Never {
        if exitCode(for: error) == .success { exit(withError: error) }  // --help, --version
        // argument-parser's usage errors, in FacePrep's `error:` form with a hint.
        var message = fullMessage(for: error)
        if message.hasPrefix("Error: ") { message = "error: " + message.dropFirst("Error: ".count) }
        if !message.contains("\nUsage:"), !message.contains("--help") { message += "\nhint: faceprep help lists the commands; faceprep COMMAND --help explains one" }
        FileHandle.standardError.write(Data((message + "\n").utf8))
        Foundation.exit(2)
    }
}
