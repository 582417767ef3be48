import ArgumentParser
import Foundation
import Formats

/// `faceprep info FILE…`: what each file holds.
struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Describe vertex caches (.xml/.mc/.mcx/.pc2/.npy), arrays (.npy/.npz), audio (.wav) and JSON files.",
        discussion: "Exit code 1 when any file is malformed, 2 when one cannot be read at all."
    )

    @Argument(help: "Files to describe.")
    var files: [String]

    @Option(name: .long, help: "Maya cache channel to read when there are several.")
    var channel: String?

    @Flag(name: .long, help: "Print a JSON array instead of text.")
    var json = false

    func run() throws {
        var reports: [FileInfo] = []
        var errors: [String] = []
        var missing = false
        for file in files {
            do {
                reports.append(try FileInfo.inspect(file, channel: channel))
            } catch {
                errors.append("\(error)")
                if (error as? FormatError)?.isIOFailure ?? true { missing = true }
            }
        }
        if json {
            struct Output: Encodable { let files: [FileInfo]; let errors: [String] }
            try printJSON(Output(files: reports, errors: errors))
        } else {
            if !reports.isEmpty { print(reports.map(render).joined(separator: "\n\n")) }
            for error in errors { FileHandle.standardError.write(Data("error: \(error)\n".utf8)) }
        }
        if missing { throw ExitCode(2) }
        if !errors.isEmpty { throw ExitCode(1) }
    }

    private func render(_ info: FileInfo) -> String {
        var rows: [(String, String)] = [("format", [info.format, info.variant].compactMap { $0 }.joined(separator: " — "))]
        if let frames = info.frames, let vertices = info.vertices {
            rows.append(("frames", "\(frames)"))
            rows.append(("vertices", "\(vertices)"))
            rows.append(("fps", info.framesPerSecond.map { format($0) } ?? "not stored in the file"))
        }
        if let rate = info.sampleRate {
            rows.append(("sample rate", "\(rate) Hz"))
            rows.append(("bit depth", "\(info.bitDepth ?? 0)"))
            rows.append(("channels", "\(info.audioChannels ?? 0)"))
            rows.append(("samples", "\(info.samples ?? 0)"))
        }
        if let dtype = info.dtype { rows.append(("dtype", dtype)) }
        if let duration = info.durationSeconds { rows.append(("duration", "\(format(duration)) s")) }
        if let channels = info.channels {
            rows.append(("channels", channels.map { $0 == info.selectedChannel ? "\($0) (read)" : $0 }.joined(separator: ", ")))
        }
        if let arrays = info.arrays, info.kind != "vertex cache" {
            for array in arrays {
                let name = array.name.isEmpty ? "array" : array.name
                rows.append((name, "\(array.dtype) \(array.shape)\(array.fortranOrder ? " Fortran order" : "")"))
            }
        }
        for note in info.notes { rows.append(("note", note)) }
        let width = rows.map(\.0.count).max() ?? 0
        return ([info.path + " (\(info.kind))"] + rows.map { "  " + $0.0.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + $0.1 })
            .joined(separator: "\n")
    }

    private func format(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.3f", value)
    }
}

/// Prints `value` as pretty JSON on stdout.
func printJSON<T: Encodable>(_ value: T) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}
