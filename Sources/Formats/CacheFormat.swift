import Foundation

/// The vertex-cache formats of the dataset guide.
public enum CacheFormat: String, Sendable, Codable, CaseIterable {
    /// Maya geometry cache: an .xml description plus .mc (FOR4) or .mcx (FOR8) data.
    case mayaCache = "maya"
    /// PC2 point cache (Blender, 3ds Max).
    case pointCache2 = "pc2"
    /// NumPy array `[frames, vertices, 3]`.
    case numpy = "npy"

    /// The format a path names by its extension (`.xml`, `.mc`, `.mcx` → Maya).
    public init?(path: String) {
        switch URL(fileURLWithPath: path).pathExtension.lowercased() {
        case "xml", "mc", "mcx": self = .mayaCache
        case "pc2": self = .pointCache2
        case "npy": self = .numpy
        default: return nil
        }
    }
}

/// Reads and writes any vertex-cache format, choosing by file extension.
public enum VertexCacheIO {
    /// Reads the cache at `path`. For a Maya cache give the .xml (or the .mc/.mcx beside it);
    /// `channel` selects one of several channels.
    public static func read(_ path: String, channel: String? = nil) throws -> VertexCache {
        try frames(path, channel: channel).readAll()
    }

    /// Opens the cache at `path` for frame-by-frame decoding (see `CacheFrames`).
    public static func frames(_ path: String, channel: String? = nil) throws -> CacheFrames {
        switch CacheFormat(path: path) {
        case .mayaCache: return try MayaCache.frames(path, channel: channel)
        case .pointCache2: return try PointCache2.frames(path)
        case .numpy: return try NumpyCache.frames(path)
        case nil:
            throw FormatError(file: path, .wholeFile, "not a vertex cache: expected .xml/.mc/.mcx (Maya), .pc2 or .npy")
        }
    }

    /// The files `write(_:to:)` creates or replaces for `path`: a Maya cache is an .xml plus a binary.
    public static func outputFiles(for path: String) -> [String] {
        guard CacheFormat(path: path) == .mayaCache else { return [path] }
        let base = URL(fileURLWithPath: path).deletingPathExtension().path
        let wide = URL(fileURLWithPath: path).pathExtension.lowercased() == "mcx"
        return [base + ".xml", base + (wide ? ".mcx" : ".mc")]
    }

    /// Writes `cache` to `path` in the format its extension names; `.mcx` gives FOR8, `.xml` or `.mc`
    /// FOR4. `double` writes float64 data where the format allows (Maya DVCA, .npy `<f8`).
    public static func write(_ cache: VertexCache, to path: String, double: Bool = false) throws {
        switch CacheFormat(path: path) {
        case .mayaCache:
            let wide = URL(fileURLWithPath: path).pathExtension.lowercased() == "mcx"
            try MayaCache.write(cache, to: path, container: wide ? .for8 : .for4, double: double)
        case .pointCache2:
            if double { throw FormatError(file: path, .wholeFile, "PC2 stores float32 only; drop --double") }
            try PointCache2.write(cache, to: path)
        case .numpy: try NumpyCache.write(cache, to: path, double: double)
        case nil:
            throw FormatError(file: path, .wholeFile, "cannot tell the output format: use .xml, .mc, .mcx, .pc2 or .npy")
        }
    }
}
