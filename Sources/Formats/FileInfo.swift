import Linalg
import Foundation

/// What `faceprep info` reports about one file: its format and, by kind, the cache, array, archive or
/// audio properties. Fields that do not apply are nil.
public struct FileInfo: Sendable, Codable {
    /// An .npz member or an .npy array: name, dtype and shape, how it is stored, and its values.
    public struct ArrayInfo: Sendable, Codable {
        public let name: String
        public let dtype: String
        public let shape: [Int]
        public let fortranOrder: Bool
        /// `stored` or `deflated` (.npz members).
        public var storage: String?
        public var statistics: ArrayStatistics?
    }

    /// The values of a numeric array: finite minimum, maximum and mean, and how many are NaN or infinite.
    public struct ArrayStatistics: Sendable, Codable, Equatable {
        public let count: Int
        public let minimum: Double?
        public let maximum: Double?
        public let mean: Double?
        public let nonFinite: Int

        public init(_ values: [Double]) {
            var lo = Double.infinity, hi = -Double.infinity, sum = 0.0, finite = 0
            for v in values where v.isFinite { lo = Swift.min(lo, v); hi = Swift.max(hi, v); sum += v; finite += 1 }
            count = values.count
            minimum = finite > 0 ? lo : nil
            maximum = finite > 0 ? hi : nil
            mean = finite > 0 ? sum / Double(finite) : nil
            nonFinite = values.count - finite
        }

        /// Arrays above this many elements are described without statistics.
        public static let elementLimit = 50_000_000
    }

    /// One channel of a Maya cache.
    public struct ChannelInfo: Sendable, Codable {
        public let name: String
        public let frames: Int
        public let vertices: Int
        public let dtype: String
    }

    /// What a JSON file of the dataset holds.
    public struct JSONContent: Sendable, Codable {
        /// `blendshape config`, `upper/lower vertex list`, `lip size vertex list`, `index list` or `json`.
        public let kind: String
        /// Counts and values by name, e.g. `poses`, `activePoses`, `upper`, `strengthL1regularization`.
        public let values: [String: Double]
        public let description: String
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
    /// Every channel of a multi-channel Maya cache.
    public var channelDetails: [ChannelInfo]?
    public var json: JSONContent?
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
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { throw FormatError.unreadable(path, "no such file") }
        guard !isDirectory.boolValue else { throw FormatError.unreadable(path, "is a folder, not a file (\(OSReason.posix(EISDIR)))") }
        let ext = URL(fileURLWithPath: path).pathExtension.lowercased()
        switch ext {
        case "xml", "mc", "mcx", "pc2":
            do {
                return cacheInfo(try VertexCacheIO.read(path, channel: channel))
            } catch let error as FormatError where channel == nil && error.location == .element("channels") {
                return try multiChannelInfo(path)
            }
        case "npy":
            let array = try NpyArray.read(path)
            var arrayInfo = ArrayInfo(name: "", dtype: array.dtype.name, shape: array.shape, fortranOrder: array.fortranOrder)
            arrayInfo.statistics = statistics(array)
            if array.shape.count == 3, array.shape[2] == 3, array.dtype.kind == .float {
                var info = cacheInfo(try NumpyCache.read(path))
                info.arrays = [arrayInfo]
                return info
            }
            var info = FileInfo(path: path, kind: "array", format: "npy", variant: "npy v\(array.version), \(array.dtype)")
            info.dtype = array.dtype.name
            info.arrays = [arrayInfo]
            return info
        case "npz":
            let archive = try NpzArchive.read(path)
            var info = FileInfo(path: path, kind: "archive", format: "npz", variant: "\(archive.keys.count) members")
            info.arrays = archive.keys.compactMap { key in
                archive.arrays[key].map {
                    var member = ArrayInfo(name: key, dtype: $0.dtype.name, shape: $0.shape, fortranOrder: $0.fortranOrder)
                    member.storage = archive.deflated[key] == true ? "deflated" : "stored"
                    member.statistics = statistics($0)
                    return member
                }
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
            let data = try JSONFile.contents(path)
            try JSONFile.requireStrictSyntax(data, path: path)
            let object: Any
            do { object = try JSONSerialization.jsonObject(with: data) } catch {
                throw FormatError(file: path, .wholeFile, "not valid JSON")
            }
            var info = FileInfo(path: path, kind: "json", format: "json", variant: nil)
            info.json = jsonContent(object)
            return info
        default:
            throw FormatError(file: path, .wholeFile, "unknown file type '.\(ext)' (known: .xml .mc .mcx .pc2 .npy .npz .wav .json)")
        }
    }

    /// Every channel of a Maya cache that holds several, each read on its own.
    private static func multiChannelInfo(_ path: String) throws -> FileInfo {
        let xml = URL(fileURLWithPath: path).deletingPathExtension().path + ".xml"
        let names = try MayaCacheDescription.read(xml).channels.map(\.name)
        let caches = try names.map { try VertexCacheIO.read(path, channel: $0) }
        guard let first = caches.first else { throw FormatError(file: path, .element("channels"), "no channels") }
        var info = cacheInfo(first)
        info.selectedChannel = nil
        info.channelDetails = zip(names, caches).map { ChannelInfo(name: $0, frames: $1.frameCount, vertices: $1.vertexCount, dtype: $1.source.storedType) }
        info.notes = ["\(names.count) channels: the training framework reads only single-channel caches (faceprep convert --channel NAME extracts one); frames and vertices above are the first channel's"]
        return info
    }

    private static func statistics(_ array: NpyArray) -> ArrayStatistics? {
        guard [.float, .signedInteger, .unsignedInteger, .boolean].contains(array.dtype.kind), array.elementCount <= ArrayStatistics.elementLimit,
              let values = try? array.doubles() else { return nil }
        return ArrayStatistics(values)
    }

    /// Recognises the dataset's JSON files by their keys.
    static func jsonContent(_ object: Any) -> JSONContent {
        func count(_ value: Any?) -> Double { Double((value as? [Any])?.count ?? 0) }
        if let top = object as? [String: Any], let params = top["blendshape_params"] as? [String: Any] {
            var values: [String: Double] = [:]
            for key in ["numPoses", "strengthL1regularization", "strengthL2regularization", "strengthTemporalSmoothing", "strengthSymmetry", "templateBBSize"] {
                if let n = params[key] as? NSNumber { values[key] = n.doubleValue }
            }
            let active = (params["bsSolveActivePoses"] as? [NSNumber])?.filter { $0.intValue != 0 }.count ?? 0
            values["activePoses"] = Double(active)
            for key in ["bsSolveSymmetryPoses", "bsSolveCancelPoses"] {
                let ids = (params[key] as? [NSNumber])?.map(\.intValue).filter { $0 >= 0 } ?? []
                values[key == "bsSolveSymmetryPoses" ? "symmetryPairs" : "cancelPairs"] = Double(Set(ids).count)
            }
            func v(_ k: String) -> String { values[k].map { $0 == $0.rounded() && abs($0) < 1e15 ? String(Int($0)) : String($0) } ?? "-" }
            return JSONContent(kind: "blendshape config", values: values,
                               description: "\(v("numPoses")) poses (\(v("activePoses")) active), strengths L1 \(v("strengthL1regularization")), L2 \(v("strengthL2regularization")), temporal \(v("strengthTemporalSmoothing")), symmetry \(v("strengthSymmetry")); templateBBSize \(v("templateBBSize")); \(v("symmetryPairs")) symmetry and \(v("cancelPairs")) cancel pairs")
        }
        if let top = object as? [String: Any], top["upper"] != nil || top["lower"] != nil {
            let values = ["upper": count(top["upper"]), "lower": count(top["lower"])]
            return JSONContent(kind: "upper/lower vertex list", values: values, description: "\(Int(values["upper"] ?? 0)) upper and \(Int(values["lower"] ?? 0)) lower vertices")
        }
        if let top = object as? [String: Any], let upper = top["upper_lip"] as? [String: Any], let lower = top["lower_lip"] as? [String: Any] {
            let values = ["upperLipTop": count(upper["top"]), "upperLipBottom": count(upper["bottom"]), "lowerLipTop": count(lower["top"]), "lowerLipBottom": count(lower["bottom"])]
            return JSONContent(kind: "lip size vertex list", values: values,
                               description: "upper lip \(Int(values["upperLipTop"] ?? 0))/\(Int(values["upperLipBottom"] ?? 0)), lower lip \(Int(values["lowerLipTop"] ?? 0))/\(Int(values["lowerLipBottom"] ?? 0)) top/bottom vertices")
        }
        if let list = object as? [Any], list.allSatisfy({ $0 is NSNumber }) {
            return JSONContent(kind: "index list", values: ["indices": Double(list.count)], description: "\(list.count) indices")
        }
        if let top = object as? [String: Any] {
            return JSONContent(kind: "json", values: ["keys": Double(top.count)], description: "an object with keys " + top.keys.sorted().prefix(8).joined(separator: ", "))
        }
        return JSONContent(kind: "json", values: [:], description: object is [Any] ? "a list of \((object as? [Any])?.count ?? 0) items" : "a single value")
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
