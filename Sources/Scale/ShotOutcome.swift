import Foundation
import Formats

/// One shot's result as a run left it: written to `<out>/outcomes/<command>/<shot>.json` the moment the
/// shot is done, so that `--resume` after a kill redoes only the shots without one. The outcome says
/// what it was computed from (the command line and its inputs' identities) and what it wrote (its
/// outputs' identities): it is reused only while all of them are as they were.
public struct ShotOutcome<Value: Codable & Sendable>: Codable, Sendable {
    public static var formatName: String { "faceprep-outcome/1" }

    public var format = ShotOutcome.formatName
    public let command: String
    public let arguments: [String]
    public let shot: String
    public let inputs: InputIdentity
    /// Files the shot wrote (absolute paths).
    public let outputs: InputIdentity
    public let value: Value

    public init(command: String, arguments: [String], shot: String, inputs: InputIdentity, outputs: InputIdentity, value: Value) {
        self.command = command
        self.arguments = arguments
        self.shot = shot
        self.inputs = inputs
        self.outputs = outputs
        self.value = value
    }
}

/// The outcome files of one command under an output folder.
public struct OutcomeFolder: Sendable {
    public let path: String
    public let command: String

    public init(output: String, command: String) {
        self.command = command
        path = "\(output)/outcomes/\(command.replacingOccurrences(of: " ", with: "-"))"
    }

    public func file(of shot: String) -> String { "\(path)/\(shot).json" }

    /// Writes a shot's outcome atomically.
    public func write<Value>(_ outcome: ShotOutcome<Value>) throws {
        try FileManager.default.createFolder(path)
        try AtomicFile.write(try ScaleJSON.encode(outcome), to: file(of: outcome.shot))
    }

    /// The shot's earlier value when its outcome file exists, was computed by the same command line
    /// from inputs identical to `inputs` today, and every file it wrote is still as it was; nil otherwise
    /// (the shot is redone; an unreadable outcome is simply stale).
    public func reusable<Value: Codable & Sendable>(_ type: Value.Type, shot: String, arguments: [String], inputs: InputIdentity) -> Value? {
        let file = file(of: shot)
        guard FileManager.default.fileExists(atPath: file),
              let outcome = try? ScaleJSON.decode(ShotOutcome<Value>.self, from: file),
              outcome.format == ShotOutcome<Value>.formatName, outcome.command == command, outcome.shot == shot,
              outcome.arguments == arguments, outcome.inputs == inputs,
              outcome.outputs == InputIdentity.of(outcome.outputs.files.map(\.path), root: "/")
        else { return nil }
        return outcome.value
    }
}
