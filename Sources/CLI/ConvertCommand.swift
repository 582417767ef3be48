import ArgumentParser
import Foundation
import Formats

/// `faceprep convert IN OUT`: any vertex-cache format to any other.
struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert a vertex cache between Maya (.xml+.mc, .mcx), PC2 (.pc2) and NumPy (.npy).",
        discussion: """
            The output format follows OUT's extension: .xml or .mc writes a OneFile FOR4 Maya cache \
            (what the training framework reads), .mcx a FOR8 one, .pc2 a point cache, .npy a float32 \
            array [frames, vertices, 3]. The output is read back and compared with the input before \
            the command reports success.
            """
    )

    @Argument(help: "Input cache (.xml, .mc, .mcx, .pc2 or .npy).")
    var input: String

    @Argument(help: "Output cache; its extension picks the format.")
    var output: String

    @Option(name: .long, help: "Frame rate to record (Maya) or assume (inputs without one, e.g. .npy and .pc2).")
    var fps: Double?

    @Option(name: .long, help: "Maya cache channel to read when there are several.")
    var channel: String?

    @Flag(name: .long, help: "Write float64 data (Maya DVCA, .npy <f8); the default is float32.")
    var double = false

    @Flag(name: .long, help: "Replace output files that already exist.")
    var force = false

    func validate() throws {
        if let fps, !(fps > 0 && fps.isFinite) { throw ValidationError("--fps must be a positive number") }
        if CacheFormat(path: output) == nil { throw ValidationError("cannot tell the output format of '\(output)': use .xml, .mc, .mcx, .pc2 or .npy") }
        let inputs = Set(VertexCacheIO.outputFiles(for: input).map { URL(fileURLWithPath: $0).standardized.path } + [URL(fileURLWithPath: input).standardized.path])
        let outputs = VertexCacheIO.outputFiles(for: output)
        if outputs.contains(where: { inputs.contains(URL(fileURLWithPath: $0).standardized.path) }) {
            throw ValidationError("the output would overwrite the input's files; inputs are never modified")
        }
        let existing = outputs.filter { FileManager.default.fileExists(atPath: $0) }
        if !force, !existing.isEmpty {
            throw ValidationError("\(existing.joined(separator: ", ")) already exist\(existing.count == 1 ? "s" : ""); use --force to replace")
        }
    }

    func run() throws {
        var cache = try VertexCacheIO.read(input, channel: channel)
        if let fps { cache.framesPerSecond = fps }
        if cache.framesPerSecond == nil, CacheFormat(path: output) == .mayaCache {
            cache.framesPerSecond = 30
            FileHandle.standardError.write(Data("note: \(input) does not store a frame rate; writing 30 fps (set --fps)\n".utf8))
        }
        try VertexCacheIO.write(cache, to: output, double: double)
        let check = try VertexCacheIO.read(output)
        guard check.frameCount == cache.frameCount, check.vertexCount == cache.vertexCount,
              double || check.positions == cache.positions else {
            throw FormatError(file: output, .wholeFile, "read-back differs from the input (internal error)")
        }
        let rate = cache.framesPerSecond.map { " at \($0) fps" } ?? ""
        print("\(input) → \(output): \(cache.frameCount) frames × \(cache.vertexCount) vertices\(rate), \(double ? "float64" : "float32"), verified")
    }
}
