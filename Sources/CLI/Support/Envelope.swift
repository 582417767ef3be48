import Foundation

/// How a command ended.
enum CommandStatus: String, Encodable {
    /// Nothing to report: exit 0.
    case ok
    /// Findings in the data: exit 1.
    case findings
    /// The command could not do its work (usage or I/O): exit 2, or a file malformed as a whole: exit 1.
    case failed

    var exitCode: Int32 { self == .ok ? 0 : (self == .findings ? 1 : 2) }
}

/// The one JSON shape every command prints with `--json`:
/// `{"faceprep": version, "schema": 1, "command": …, "status": "ok|findings|failed", "results": …,
/// "error": …, "timings": {"seconds": …}}`. `Schemas/faceprep-output.schema.json` describes it.
struct Envelope<Results: Encodable>: Encodable {
    let faceprep = FacePrepVersion.current
    let schema = 1
    let command: String
    let status: CommandStatus
    let results: Results?
    let error: CommandFailure?
    /// Wall-clock seconds by stage; `total` always.
    let timings: [String: Double]
}

/// Why a command failed, as printed on stderr and carried by the envelope.
struct CommandFailure: Error, Encodable {
    /// The file concerned, when there is one.
    let file: String?
    /// What went wrong (with the operating system's reason in parentheses where there is one).
    let message: String
    /// What to do about it.
    let hint: String?
    /// 1 for a file that is malformed as a whole, 2 for usage or I/O failures.
    let exitCode: Int32

    /// The line for stderr: `error: <path>: <what> (<OS reason>)`, then `hint: …`.
    var text: String {
        "error: " + (file.map { "\($0): " } ?? "") + message + (hint.map { "\nhint: \($0)" } ?? "")
    }
}

/// JSON as every command prints it: sorted keys, pretty, slashes unescaped.
enum JSONOutput {
    static func encode<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
