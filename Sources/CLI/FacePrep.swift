import ArgumentParser
import Foundation
import Formats

@main
struct FacePrep: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "faceprep",
        abstract: "Prepare, check and measure Audio2Face-3D facial-animation training datasets.",
        discussion: """
            Exit codes: 0 clean, 1 findings or errors in the data, 2 usage or I/O failure. \
            Progress goes to stderr, results to stdout (--json for machines) or files.
            """,
        subcommands: [ValidateCommand.self, HeadCommand.self, StabilizeCommand.self, TongueCommand.self, JawCommand.self, SyncCommand.self, SolveCommand.self, BenchCommand.self,
                      SynthCommand.self, InfoCommand.self, ConvertCommand.self, DoctorCommand.self]
    )

    /// Runs the chosen subcommand with FacePrep's exit codes: a command reports findings by throwing
    /// `ExitCode(1)`, a malformed file exits 1, an unreadable one 2; help exits 0; usage errors print
    /// their message and exit 2 (swift-argument-parser alone would use 64).
    static func main() {
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
        } catch let error as FormatError {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            Foundation.exit(error.isIOFailure ? 2 : 1)
        } catch {
            exitForError(error)
        }
    }

    private static func exitForError(_ error: Error) -> Never {
        if exitCode(for: error) == .success { exit(withError: error) }  // --help, --version
        FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
        Foundation.exit(2)
    }
}
