import ArgumentParser
import Foundation
import Formats

/// `faceprep convert IN OUT`: any vertex-cache format to any other.
struct ConvertCommand: EnvelopeCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert a vertex cache between Maya (.xml+.mc, .mcx), PC2 (.pc2) and NumPy (.npy).",
        discussion: """
            The output format follows OUT's extension: .xml or .mc writes a OneFile FOR4 Maya cache \
            (what the training framework reads), .mcx a FOR8 one, .pc2 a point cache, .npy a float32 \
            array [frames, vertices, 3]. The output is read back and compared with the input before \
            the command reports success. Exit code 1 when the input is malformed, 2 when a file cannot be \
            read or written.
            """,
        version: FacePrepVersion.current
    )
    static let envelopeName = "convert"

    @Argument(help: "Input cache (.xml, .mc, .mcx, .pc2 or .npy).", completion: .file(extensions: ["xml", "mc", "mcx", "pc2", "npy"]))
    var input: String

    @Argument(help: "Output cache; its extension picks the format.", completion: .file(extensions: ["xml", "mc", "mcx", "pc2", "npy"]))
    var destination: String

    @OptionGroup var frameRate: FrameRateOptions

    @Option(name: .long, help: "Maya cache channel to read when there are several.")
    var channel: String?

    @Flag(name: .long, help: "Write float64 data (Maya DVCA, .npy <f8); the default is float32.")
    var double = false

    @Flag(name: .long, help: "Replace output files that already exist.")
    var force = false

    @OptionGroup var output: OutputOptions

    func validate() throws {
        if CacheFormat(path: destination) == nil { throw ValidationError("cannot tell the output format of '\(destination)': use .xml, .mc, .mcx, .pc2 or .npy") }
        let inputs = Set(VertexCacheIO.outputFiles(for: input).map { URL(fileURLWithPath: $0).standardized.path } + [URL(fileURLWithPath: input).standardized.path])
        let outputs = VertexCacheIO.outputFiles(for: destination)
        if outputs.contains(where: { inputs.contains(URL(fileURLWithPath: $0).standardized.path) }) {
            throw ValidationError("the output would overwrite the input's files; inputs are never modified")
        }
        let existing = outputs.filter { FileManager.default.fileExists(atPath: $0) }
        if !force, !existing.isEmpty {
            throw ValidationError("\(existing.joined(separator: ", ")) already exist\(existing.count == 1 ? "s" : ""); use --force to replace")
        }
    }

    struct Results: Encodable {
        let input: String
        let output: String
        let files: [String]
        let frames: Int
        let vertices: Int
        let framesPerSecond: Double?
        let dtype: String
        let verified: Bool
    }

    func execute(progress: Progress) throws -> CommandResult<Results> {
        try OutputLocation.prepareFile(destination)
        progress.update("convert: reading \(input)")
        var cache = try VertexCacheIO.read(input, channel: channel)
        if let fps = frameRate.fps { cache.framesPerSecond = fps }
        if cache.framesPerSecond == nil, CacheFormat(path: destination) == .mayaCache {
            cache.framesPerSecond = 30
            FileHandle.standardError.write(Data("note: \(input) does not store a frame rate; writing 30 fps (set --fps)\n".utf8))
        }
        progress.update("convert: writing \(destination)")
        try VertexCacheIO.write(cache, to: destination, double: double)
        let check = try VertexCacheIO.read(destination)
        guard check.frameCount == cache.frameCount, check.vertexCount == cache.vertexCount,
              double || check.positions == cache.positions else {
            throw FormatError(file: destination, .wholeFile, "read-back differs from the input (internal error)")
        }
        let rate = cache.framesPerSecond.map { " at \($0) fps" } ?? ""
        let text = "\(input) → \(destination): \(cache.frameCount) frames × \(cache.vertexCount) vertices\(rate), \(double ? "float64" : "float32"), verified"
        return CommandResult(results: Results(input: input, output: destination, files: VertexCacheIO.outputFiles(for: destination),
                                              frames: cache.frameCount, vertices: cache.vertexCount, framesPerSecond: cache.framesPerSecond,
                                              dtype: double ? "float64" : "float32", verified: true),
                             status: .ok, text: text)
    }
}
