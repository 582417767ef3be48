import ArgumentParser
import Foundation

@main
struct FacePrep: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "faceprep",
        abstract: "Prepare, check and measure Audio2Face-3D facial-animation training datasets.",
        discussion: """
            Exit codes: 0 clean, 1 findings or errors in the data, 2 usage or I/O failure.

            Planned, each arriving with its own issue: validate and synth (dataset rules), head, \
            stabilize, tongue and jaw (rigid motion), solve (blendshape weights), sync \
            (audio/animation alignment), bench.
            """,
        subcommands: [InfoCommand.self, ConvertCommand.self, DoctorCommand.self]
    )

    /// Runs the chosen subcommand with FacePrep's exit codes: a command reports findings by throwing
    /// `ExitCode(1)`; help exits 0; every other error — usage, unreadable or malformed input — prints
    /// its message and exits 2 (swift-argument-parser alone would use 64 or 1).
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
