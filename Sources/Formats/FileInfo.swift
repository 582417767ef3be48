import Foundation

/// What `faceprep info` reports about one file: its format and, by kind, the cache, array, archive or
/// audio properties. Fields that do not apply are nil.
public struct FileInfo: Sendable, Codable {
    /// An .npz member or an .npy array: name, dtype and shape.
    public struct ArrayInfo: Sendable, Codable {
        public let name: String
        public let dtype: String
        public let shape: [Int]
        public let fortranOrder: Bool
    }

    public let path: String
    /// `vertex cache`, `array`, `archive`, `audio` or `json`.
    public let kind: String
    public let format: String
    public let variant: String?
    public var frames: Int?
    public var vertices: Int?
    public var framesPerSecond: Double?
    public var dtype: String?
    public var durationSeconds: Double?
    public var channels: [String]?
    public var selectedChannel: String?
    public var sampleRate: Int?
    public var bitDepth: Int?
    public var audioChannels: Int?
    public var samples: Int?
    public var arrays: [ArrayInfo]?
    public var notes: [String] = []

    init(path: String, kind: String, format: String, variant: String?) {
        self.path = path
        self.kind = kind
        self.format = format
        self.variant = variant
    }

    /// Inspects the file at `path`, choosing the reader by extension. `channel` selects a Maya cache
    /// channel. Throws `FormatError` for unreadable or malformed files.
    public static func inspect(_ path: String, channel: String? = nil) throws -> FileInfo {
        guard FileManager.default.fileExists(atPath: path) else { throw FormatError.unreadable(path, "no such file") }
        let ext = URL(fileURLWithPath: path).pathExtension.lowercased()
        switch ext {
        case "xml", "mc", "mcx", "pc2":
            return cacheInfo(try VertexCacheIO.read(path, channel: channel))
        case "npy":
            let array = try NpyArray.read(path)
            if array.shape.count == 3, array.shape[2] == 3, array.dtype.kind == .float {
                var info = cacheInfo(try NumpyCache.read(path))
                info.arrays = [ArrayInfo(name: "", dtype: array.dtype.name, shape: array.shape, fortranOrder: array.fortranOrder)]
                return info
            }
            var info = FileInfo(path: path, kind: "array", format: "npy", variant: "npy v\(array.version), \(array.dtype)")
            info.dtype = array.dtype.name
            info.arrays = [ArrayInfo(name: "", dtype: array.dtype.name, shape: array.shape, fortranOrder: array.fortranOrder)]
            return info
        case "npz":
            let archive = try NpzArchive.read(path)
            var info = FileInfo(path: path, kind: "archive", format: "npz", variant: "\(archive.keys.count) members")
            info.arrays = archive.keys.compactMap { key in
                archive.arrays[key].map { ArrayInfo(name: key, dtype: $0.dtype.name, shape: $0.shape, fortranOrder: $0.fortranOrder) }
            }
            info.notes = archive.failures.sorted { $0.key < $1.key }.map { "\($0.value)" }
            return info
        case "wav", "wave":
            let audio = try WavAudio.read(path)
            var info = FileInfo(path: path, kind: "audio", format: "wav",
                                variant: "\(audio.container), \(audio.encoding.rawValue) \(audio.bitsPerSample)-bit")
            info.sampleRate = audio.sampleRate
            info.bitDepth = audio.bitsPerSample
            info.audioChannels = audio.channelCount
            info.samples = audio.frameCount
            info.durationSeconds = audio.duration
            info.dtype = audio.encoding == .float ? "float\(audio.bitsPerSample)" : "int\(audio.bitsPerSample)"
            return info
        case "json":
            guard let data = FileManager.default.contents(atPath: path) else { throw FormatError.unreadable(path, "cannot read") }
            do { _ = try JSONSerialization.jsonObject(with: data) } catch {
                throw FormatError(file: path, .wholeFile, "not valid JSON: \(error.localizedDescription)")
            }
            return FileInfo(path: path, kind: "json", format: "json", variant: nil)
        default:
            throw FormatError(file: path, .wholeFile, "unknown file type '.\(ext)' (known: .xml .mc .mcx .pc2 .npy .npz .wav .json)")
        }
    }

    private static func cacheInfo(_ cache: VertexCache) -> FileInfo {
        var info = FileInfo(path: cache.source.path, kind: "vertex cache", format: cache.source.format.rawValue, variant: cache.source.variant)
        info.frames = cache.frameCount
        info.vertices = cache.vertexCount
        info.framesPerSecond = cache.framesPerSecond
        info.dtype = cache.source.storedType
        info.durationSeconds = cache.duration()
        if cache.source.format == .mayaCache {
            info.channels = cache.source.channels
            info.selectedChannel = cache.source.channel
        }
        info.notes = cache.source.notes
        return info
    }
}
