import ArgumentParser
import Foundation

/// What a command's work produced: the results (for `--json`), the status (exit code) and the text.
struct CommandResult<Results: Encodable> {
    var results: Results
    var status: CommandStatus
    var text: String
    /// Why the command failed when `status` is `.failed` (a summary is made when nil).
    var failure: CommandFailure? = nil
    /// Seconds by stage; `total` is added.
    var timings: [String: Double] = [:]
}

/// A command with FacePrep's contract: results on stdout as text or one JSON envelope, progress on
/// stderr (silenced by `--quiet`), errors as `error: <path>: <what> (<OS reason>)` plus a hint, exit
/// codes 0 clean, 1 findings (or a malformed file), 2 usage or I/O failure, 130 on Ctrl-C.
/// Help requests and usage errors that swift-argument-parser raises, which its own `exit(withError:)`
/// prints (help text, usage) rather than FacePrep's error line.
func isArgumentParserError(_ error: Error) -> Bool {
    String(reflecting: type(of: error)).hasPrefix("ArgumentParser.")
}

protocol EnvelopeCommand: ParsableCommand {
    associatedtype Results: Encodable
    /// The name in envelopes and messages, e.g. `validate`, `bench solve`.
    static var envelopeName: String { get }
    var output: OutputOptions { get }
    func execute(progress: Progress) throws -> CommandResult<Results>
}

extension EnvelopeCommand {
    func run() throws {
        try runEnvelope(name: Self.envelopeName, output: output, Results.self) { try execute(progress: $0) }
    }
}

/// Runs `body` under FacePrep's contract (see `EnvelopeCommand`) and prints its result as `name`'s.
func runEnvelope<Results: Encodable>(name: String, output: OutputOptions, _: Results.Type,
                                     _ body: (Progress) throws -> CommandResult<Results>) throws {
    let progress = Progress(enabled: !output.quiet)
    Interrupt.install(command: name, progress: progress)
    let start = Date()
    let result: CommandResult<Results>
    do {
        result = try body(progress)
    } catch let code as ExitCode {
        throw code
    } catch where isArgumentParserError(error) {
        throw error
    } catch {
        progress.finish()
        let failure = CommandFailure(error)
        FileHandle.standardError.write(Data((failure.text + "\n").utf8))
        if output.json {
            let envelope = Envelope<Results>(command: name, status: .failed, results: nil, error: failure,
                                             timings: ["total": Date().timeIntervalSince(start)])
            print(try JSONOutput.encode(envelope))
        }
        throw ExitCode(failure.exitCode)
    }
    progress.finish()
    var timings = result.timings
    timings["total"] = Date().timeIntervalSince(start)
    let failure = result.status == .failed
        ? (result.failure ?? CommandFailure(file: nil, message: "some files could not be read; the results cover the rest", hint: "see the errors above", exitCode: 2))
        : nil
    if output.json {
        print(try JSONOutput.encode(Envelope(command: name, status: result.status, results: result.results, error: failure, timings: timings)))
    } else if !result.text.isEmpty {
        print(result.text)
    }
    if result.status != .ok { throw ExitCode(result.status.exitCode) }
}
