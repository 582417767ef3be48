import Foundation
import Formats

/// What one shard of a command computed: written to `<out>/parts/<command>-I-of-N.json` when the shard
/// ends, read by `faceprep merge`. Everything the merge checks is in it: which shard of how many, the
/// command line (the merge reruns the command with it), the dataset's identity and the shots done.
public struct Part<Payload: Codable & Sendable>: Codable, Sendable {
    public static var formatName: String { "faceprep-part/1" }

    public var format = Part.formatName
    public let command: String
    /// The command's arguments without `--shard`, `--resume`, `--json`, `--quiet` and `--jobs`: the same
    /// for every shard of one run.
    public let arguments: [String]
    /// Where the command ran (relative paths in `arguments` are relative to it).
    public let workingDirectory: String
    public let shard: Shard
    /// The identity of the dataset's inputs when the shard started.
    public let inputs: InputIdentity
    /// The shard's shots, in name order.
    public let shots: [String]
    /// The shard's results by shot.
    public let results: [String: Payload]
    /// Wall-clock seconds the shard took, and where it ran.
    public let seconds: Double
    public let host: String

    public init(command: String, arguments: [String], workingDirectory: String, shard: Shard, inputs: InputIdentity,
                shots: [String], results: [String: Payload], seconds: Double, host: String) {
        self.command = command
        self.arguments = arguments
        self.workingDirectory = workingDirectory
        self.shard = shard
        self.inputs = inputs
        self.shots = shots
        self.results = results
        self.seconds = seconds
        self.host = host
    }
}

/// A part without its results: what the merge reads first to check the parts belong together.
public struct PartHeader: Codable, Sendable {
    public let format: String
    public let command: String
    public let arguments: [String]
    public let workingDirectory: String
    public let shard: Shard
    public let inputs: InputIdentity
    public let shots: [String]
    public let seconds: Double
    public let host: String
}

/// Reads and writes parts and outcomes: JSON with non-finite numbers spelled `inf`, `-inf`, `nan`.
public enum ScaleJSON {
    public static func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return Array(try encoder.encode(value))
    }

    public static func decode<T: Decodable>(_ type: T.Type, from path: String) throws -> T {
        // Parts are this program's own files, but a folder can hold anything: bound what is read.
        let limit: Int64 = 1 << 32
        let size = FileStamp.of(path)?.size ?? -1
        guard size >= 0 else { throw ScaleError(file: path, "cannot be read (no such file)") }
        guard size <= limit else { throw ScaleError(file: path, "\(size) bytes: larger than any part FacePrep writes") }
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe) } catch {
            throw ScaleError(file: path, "cannot be read (\(OSReason.describe(error)))")
        }
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        do { return try decoder.decode(T.self, from: data) } catch {
            throw ScaleError(file: path, "not a FacePrep part or outcome file (\(Self.describe(error)))",
                             hint: "remove it, or rerun the shard that wrote it")
        }
    }

    /// A decoding error in a sentence, with the key path where it happened.
    static func describe(_ error: Error) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        func at(_ context: DecodingError.Context) -> String {
            let path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
            return path.isEmpty ? "" : " at \(path)"
        }
        switch error {
        case .dataCorrupted(let c): return "malformed JSON\(at(c))"
        case .keyNotFound(let key, let c): return "no '\(key.stringValue)'\(at(c))"
        case .typeMismatch(_, let c), .valueNotFound(_, let c): return "unexpected value\(at(c))"
        @unknown default: return "\(error)"
        }
    }
}

/// The `parts/` folder of a command's output.
public struct PartFolder: Sendable {
    public let path: String

    /// The parts folder of `output` (made absolute: the merge changes to the shards' working directory).
    public init(output: String) {
        let absolute = output.hasPrefix("/") ? output : FileManager.default.currentDirectoryPath + "/" + output
        path = absolute + "/parts"
    }

    /// Where the part of `command`'s `shard` goes.
    public func file(command: String, shard: Shard) -> String {
        "\(path)/\(command.replacingOccurrences(of: " ", with: "-"))-\(shard.fileTag).json"
    }

    /// Writes `part` (atomically: a killed shard leaves no half part).
    public func write<Payload>(_ part: Part<Payload>) throws {
        try FileManager.default.createFolder(path)
        try AtomicFile.write(try ScaleJSON.encode(part), to: file(command: part.command, shard: part.shard))
    }

    /// The part files in the folder (`*.json`), in name order, with their headers.
    public func headers() throws -> [(file: String, header: PartHeader)] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ScaleError(file: path, "no parts folder", hint: "run the command with --shard I/N (and the same --out) first")
        }
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: path) } catch {
            throw ScaleError(file: path, "cannot be listed (\(OSReason.describe(error)))")
        }
        return try names.filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }.sorted().map { name in
            let file = path + "/" + name
            let header = try ScaleJSON.decode(PartHeader.self, from: file)
            guard header.format == Part<Int>.formatName else {
                throw ScaleError(file: file, "format '\(header.format)', this FacePrep reads '\(Part<Int>.formatName)'")
            }
            return (file, header)
        }
    }
}

extension FileManager {
    /// Creates `path` and its parents, or throws a `ScaleError` naming it.
    func createFolder(_ path: String) throws {
        do { try createDirectory(atPath: path, withIntermediateDirectories: true) } catch {
            throw ScaleError(file: path, "cannot create the folder (\(OSReason.describe(error)))")
        }
    }
}
