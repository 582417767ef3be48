import Linalg

/// A vertex cache opened for reading but not yet decoded: its header facts and where every frame's
/// `3 × vertexCount` values lie in the (memory-mapped) file. `decode` reads any range of frames into
/// a caller's buffer, so a 250 MB cache can be processed in blocks of a few frames without ever
/// holding it whole; `readAll` makes a `VertexCache`.
public struct CacheFrames: Sendable {
    /// Where one frame's values are stored.
    struct Segment: Sendable {
        let buffer: ByteBuffer
        let file: String
        let offset: Int
        let encoding: NumericEncoding
    }

    public let frameCount: Int
    public let vertexCount: Int
    public let framesPerSecond: Double?
    public let startFrame: Double
    public let source: CacheSource
    let segments: [Segment]
    /// Added to segment offsets to give offsets in the file; nil when the data was converted in memory.
    let fileOffset: Int?

    init(frameCount: Int, vertexCount: Int, framesPerSecond: Double?, startFrame: Double, source: CacheSource,
         segments: [Segment], fileOffset: Int? = 0) {
        self.fileOffset = fileOffset
        self.frameCount = frameCount
        self.vertexCount = vertexCount
        self.framesPerSecond = framesPerSecond
        self.startFrame = startFrame
        self.source = source
        self.segments = segments
    }

    /// Values per frame, `3 × vertexCount`.
    public var valuesPerFrame: Int { vertexCount * 3 }

    /// Decodes `frames` into `destination[0 ..< frames.count × valuesPerFrame]` (grown if needed),
    /// copying each frame out of the file with `pread` rather than through the mapping.
    public func decode(_ frames: Range<Int>, into destination: inout [Float]) throws {
        try decode(frames, selecting: CoordinateRuns(all: valuesPerFrame), into: &destination)
    }

    /// Decodes only the values `runs` selects out of each frame of `frames` (a frame's `3 × vertexCount`
    /// values), packed frame after frame into `destination[0 ..< frames.count × runs.count]` (grown if
    /// needed): a solve over the frontal mask reads the mask's coordinates and nothing else. `threads` > 1
    /// shares the frames out (a shot read alone).
    public func decode(_ frames: Range<Int>, selecting runs: CoordinateRuns, into destination: inout [Float], threads: Int = 1) throws {
        let stride = valuesPerFrame
        guard frames.lowerBound >= 0, frames.upperBound <= frameCount, runs.end <= stride else {
            throw FormatError(file: segments.first?.file ?? "", .wholeFile, "frames \(frames) or coordinates up to \(runs.end) lie outside \(frameCount) frames of \(stride) values")
        }
        if destination.count < frames.count * runs.count { destination = uninitializedBuffer(count: frames.count * runs.count) }
        let rows = segments[frames].map { StoredRow(buffer: $0.buffer, offset: $0.offset, encoding: $0.encoding) }
        if let failed = ByteBuffer.decodeRows(rows, rowWidth: stride, selecting: runs, into: &destination, threads: threads) {
            throw unreadable(frames.lowerBound + failed)
        }
    }

    /// Reads every frame once: adds its values to `sums` (`[valuesPerFrame]`, Double; grown if needed)
    /// and decodes the values `runs` selects into `sampled` (`[frameCount, runs.count]`, frame after
    /// frame). Returns the first frame holding a NaN or an infinity (the pass stops there; `sums` are
    /// then not to be used), else nil.
    public func accumulate(into sums: inout [Double], sampling runs: CoordinateRuns?, into sampled: inout [Float]) throws -> Int? {
        let stride = valuesPerFrame, width = runs?.count ?? 0
        guard (runs?.end ?? 0) <= stride else {
            throw FormatError(file: segments.first?.file ?? "", .wholeFile, "coordinates up to \(runs?.end ?? 0) lie outside frames of \(stride) values")
        }
        if sums.count < stride { sums = [Double](repeating: 0, count: stride) }
        if sampled.count < frameCount * width { sampled = uninitializedBuffer(count: frameCount * width) }
        let masks = runs?.rowMasks(width: stride)
        var scratch: [UInt8] = []
        for frame in 0..<frameCount {
            let segment = segments[frame]
            guard let finite = segment.buffer.accumulateFloats(at: segment.offset, rowWidth: stride, as: segment.encoding, into: &sums,
                                                               selecting: runs, rowMasks: masks, into: &sampled, at: frame * width, scratch: &scratch) else {
                throw unreadable(frame)
            }
            if !finite { return frame }
        }
        return nil
    }

    /// The error for a frame whose bytes cannot be read or decoded, at its place in the file.
    private func unreadable(_ frame: Int) -> FormatError {
        let segment = segments[frame]
        return FormatError(file: segment.file, .byteOffset((fileOffset ?? 0) + segment.offset), "cannot decode frame \(frame)")
    }

    /// The file and byte offset of coordinate `index` of the whole cache (frame-major).
    public func place(ofValue index: Int) -> (file: String, offset: Int)? {
        let stride = max(valuesPerFrame, 1)
        guard let fileOffset, index >= 0, index / stride < segments.count else { return nil }
        let segment = segments[index / stride]
        return (segment.file, fileOffset + segment.offset + (index % stride) * segment.encoding.width)
    }

    /// Decodes every frame, refusing non-finite values with their place in the file.
    public func readAll() throws -> VertexCache {
        var positions = [Float]()
        try decode(0..<frameCount, into: &positions)
        let cache = try VertexCache(frameCount: frameCount, vertexCount: vertexCount, positions: positions,
                                    framesPerSecond: framesPerSecond, startFrame: startFrame, source: source)
        try cache.requireFinite { place(ofValue: $0) }
        return cache
    }
}
