/// One shot's animated vertex positions, whatever file they came from.
///
/// `positions` is `[frames, vertices, 3]` row-major Float32 (x, y, z per vertex per frame), in the
/// mesh's units (centimetres in the Audio2Face datasets). Double-precision files are narrowed once on
/// reading; `source.storedType` remembers what the file held.
public struct VertexCache: Sendable {
    public let frameCount: Int
    public let vertexCount: Int
    /// `[frameCount, vertexCount, 3]`, row-major.
    public private(set) var positions: [Float]
    /// Frames per second when the file states it (Maya caches); nil for .npy and .pc2.
    public var framesPerSecond: Double?
    /// First frame number (Maya: start time / time per frame; PC2: the header's start frame).
    public var startFrame: Double
    /// Where the data came from and how it was stored.
    public var source: CacheSource

    public init(frameCount: Int, vertexCount: Int, positions: [Float], framesPerSecond: Double? = nil,
                startFrame: Double = 0, source: CacheSource) throws {
        guard frameCount >= 0, vertexCount >= 0,
              case let (n, o1) = frameCount.multipliedReportingOverflow(by: vertexCount), !o1,
              case let (total, o2) = n.multipliedReportingOverflow(by: 3), !o2,
              positions.count == total else {
            throw FormatError(file: source.path, .wholeFile,
                              "\(positions.count) coordinates do not make \(frameCount) frames × \(vertexCount) vertices × 3")
        }
        self.frameCount = frameCount
        self.vertexCount = vertexCount
        self.positions = positions
        self.framesPerSecond = framesPerSecond
        self.startFrame = startFrame
        self.source = source
    }

    /// Throws when any coordinate is NaN or infinite, naming the frame, vertex and axis; `place`
    /// maps a coordinate index to the data file and byte offset holding it, when the reader knows them.
    public func requireFinite(place filePlace: (Int) -> (file: String, offset: Int)? = { _ in nil }) throws {
        guard let index = positions.firstIndex(where: { !$0.isFinite }) else { return }
        let perFrame = Swift.max(vertexCount * 3, 1)
        let place = "frame \(index / perFrame), vertex \((index % perFrame) / 3), \(["x", "y", "z"][index % 3])"
        let problem = "\(place) is \(positions[index]); vertex positions must be finite numbers"
        if let (file, offset) = filePlace(index) { throw FormatError(file: file, .byteOffset(offset), problem) }
        throw FormatError(file: source.path, .element(place), problem)
    }

    /// Positions of one frame, `[vertexCount, 3]` row-major.
    public func frame(_ index: Int) -> ArraySlice<Float> {
        positions[(index * vertexCount * 3)..<((index + 1) * vertexCount * 3)]
    }

    /// Duration in seconds at `fps` (or the file's own rate).
    public func duration(at fps: Double? = nil) -> Double? {
        guard let rate = fps ?? framesPerSecond, rate > 0 else { return nil }
        return Double(frameCount) / rate
    }
}

/// Provenance of a `VertexCache`: the file, its format and variant, the stored precision and channels.
public struct CacheSource: Sendable, Codable, Equatable {
    public var path: String
    public var format: CacheFormat
    /// Format detail, e.g. `"FOR4, OneFile"`, `"PC2 v1"`, `"npy v1.0, <f4, C order"`.
    public var variant: String
    /// `"float32"`, `"float64"`, `"float16"`, …
    public var storedType: String
    /// Channel read (Maya caches).
    public var channel: String?
    /// Every channel the file holds (Maya caches).
    public var channels: [String]
    /// Things a user should know, e.g. that the training framework cannot read this variant.
    public var notes: [String]

    public init(path: String, format: CacheFormat, variant: String, storedType: String,
                channel: String? = nil, channels: [String] = [], notes: [String] = []) {
        self.path = path
        self.format = format
        self.variant = variant
        self.storedType = storedType
        self.channel = channel
        self.channels = channels
        self.notes = notes
    }
}
