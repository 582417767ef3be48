import ArgumentParser
import Foundation
import Formats

/// `faceprep info FILE…`: what each file holds.
struct InfoCommand: EnvelopeCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Describe vertex caches (.xml/.mc/.mcx/.pc2/.npy), arrays (.npy/.npz), audio (.wav) and JSON files.",
        discussion: "Every channel of a Maya cache; the minimum, maximum, mean and NaN count of every numeric array and how each .npz member is stored; pose counts, strengths and list lengths of the dataset's JSON files. Exit code 1 when a file is malformed, 2 when one cannot be read (or is a folder).",
        version: FacePrepVersion.current
    )
    static let envelopeName = "info"

    @Argument(help: "Files to describe.", completion: .file())
    var files: [String]

    @Option(name: .long, help: "Maya cache channel to read when there are several (default: describe them all).")
    var channel: String?

    @OptionGroup var output: OutputOptions

    struct Results: Encodable {
        let files: [FileInfo]
        let failures: [FileFailure]
    }

    struct FileFailure: Encodable {
        let file: String
        let message: String
        let ioFailure: Bool
    }

    func execute(progress: Progress) throws -> CommandResult<Results> {
        var reports: [FileInfo] = []
        var failures: [FileFailure] = []
        for (index, file) in files.enumerated() {
            progress.update("info \(index + 1)/\(files.count): \(file)")
            do {
                reports.append(try FileInfo.inspect(file, channel: channel))
            } catch {
                let failure = CommandFailure(error)
                FileHandle.standardError.write(Data((failure.text + "\n").utf8))
                failures.append(FileFailure(file: failure.file ?? file, message: failure.message, ioFailure: failure.exitCode == 2))
            }
        }
        let status: CommandStatus = failures.contains(where: \.ioFailure) ? .failed : (failures.isEmpty ? .ok : .findings)
        return CommandResult(results: Results(files: reports, failures: failures), status: status, text: reports.map(render).joined(separator: "\n\n"))
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
            rows.append(("bit depth", "\(info.bitDepth ?? 0) bits"))
            rows.append(("channels", "\(info.audioChannels ?? 0)"))
            rows.append(("samples", "\(info.samples ?? 0)"))
        }
        if let dtype = info.dtype { rows.append(("dtype", dtype)) }
        if let duration = info.durationSeconds { rows.append(("duration", "\(format(duration)) s")) }
        if let details = info.channelDetails {
            for c in details { rows.append(("channel", "\(c.name): \(c.frames) frames × \(c.vertices) vertices, \(c.dtype)")) }
        } else if let channels = info.channels {
            rows.append(("channels", channels.map { $0 == info.selectedChannel ? "\($0) (read)" : $0 }.joined(separator: ", ")))
        }
        if let arrays = info.arrays {
            for array in arrays {
                let name = array.name.isEmpty ? "array" : array.name
                var text = "\(array.dtype) \(array.shape)\(array.fortranOrder ? " Fortran order" : "")\(array.storage.map { ", \($0)" } ?? "")"
                if let s = array.statistics {
                    if let lo = s.minimum, let hi = s.maximum, let mean = s.mean {
                        text += ", min \(Number.format(lo, "%.4g")), max \(Number.format(hi, "%.4g")), mean \(Number.format(mean, "%.4g"))"
                    }
                    text += s.nonFinite > 0 ? ", \(s.nonFinite) NaN or infinite" : ", no NaN"
                }
                rows.append((name, text))
            }
        }
        if let json = info.json { rows.append((json.kind, json.description)) }
        for note in info.notes { rows.append(("note", note)) }
        let width = rows.map(\.0.count).max() ?? 0
        return ([info.path + " (\(info.kind))"] + rows.map { "  " + $0.0.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + $0.1 })
            .joined(separator: "\n")
    }

    private func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(format: "%.3f", value)
    }
}
