import Formats

/// A shot (or file) that could not be worked on: why, and whether the file could not be read at all
/// (an I/O failure, exit 2) or was read and found malformed (a finding, exit 1).
public struct ShotFailure: Error, Sendable, Codable, Equatable {
    public let shot: String
    public let file: String
    public let message: String
    public let ioFailure: Bool

    public init(shot: String, file: String, message: String, ioFailure: Bool) {
        self.shot = shot
        self.file = file
        self.message = message
        self.ioFailure = ioFailure
    }

    public init(shot: String, file: String, error: Error) {
        self.init(shot: shot, file: file, message: "\(error)", ioFailure: (error as? FormatError)?.isIOFailure ?? false)
    }
}
