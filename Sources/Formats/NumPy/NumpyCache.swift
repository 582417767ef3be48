import Foundation
import Linalg

/// Vertex caches stored as .npy arrays `[frames, vertices, 3]` (the guide requires float32).
public enum NumpyCache {
    public static func read(_ path: String) throws -> VertexCache {
        try frames(path).readAll()
    }

    /// Opens an .npy cache for frame-by-frame decoding. Float32/float64 arrays in C order are decoded
    /// straight from the mapped file; others (float16, Fortran order) are converted once in memory.
    public static func frames(_ path: String) throws -> CacheFrames {
        var array = try NpyArray.read(path)
        guard array.shape.count == 3, array.shape[2] == 3 else {
            throw FormatError(file: path, .element("shape"), "shape \(array.shape) is not [frames, vertices, 3]")
        }
        guard array.dtype.kind == .float else {
            throw FormatError(file: path, .element("dtype"), "dtype \(array.dtype.name) is not a float type; caches are float32 [frames, vertices, 3]")
        }
        var notes: [String] = []
        if array.dtype != .float32 {
            notes.append("stored as \(array.dtype) (\(array.dtype.name)); the guide and the training framework expect little-endian float32 — run `faceprep convert` to rewrite it")
        }
        if array.fortranOrder { notes.append("stored in Fortran order; read correctly, but C order is what numpy.save writes by default") }
        let source = CacheSource(path: path, format: .numpy,
                                 variant: "npy v\(array.version), \(array.dtype), \(array.fortranOrder ? "Fortran" : "C") order",
                                 storedType: array.dtype.name, notes: notes)
        let converted = array.fortranOrder || array.dtype.itemSize == 2
        if converted {
            // Rare layouts: convert once to little-endian float32 in C order.
            var bytes = ByteWriter()
            bytes.append(floats: try array.floats(), width: 4, .littleEndian)
            array = try NpyArray.parse(ByteBuffer(NpyWriter.assemble(dtype: .float32, shape: array.shape, body: bytes.bytes)), origin: path)
        }
        guard array.shape[0] == 0 || array.shape[1] > 0 else {
            throw FormatError(file: path, .element("shape"), "shape \(array.shape): \(array.shape[0]) frames of 0 vertices (0-byte frames are refused)")
        }
        let frameBytes = array.shape[1] * 3 * array.dtype.itemSize
        let encoding = NumericEncoding.float(bytes: array.dtype.itemSize, array.dtype.byteOrder)
        let segments = (0..<array.shape[0]).map {
            CacheFrames.Segment(buffer: array.payload, file: path, offset: $0 * frameBytes, encoding: encoding)
        }
        return CacheFrames(frameCount: array.shape[0], vertexCount: array.shape[1], framesPerSecond: nil, startFrame: 0,
                           source: source, segments: segments, fileOffset: converted ? nil : array.payloadOffset)
    }

    public static func write(_ cache: VertexCache, to path: String, double: Bool) throws {
        let bytes = NpyWriter.encode(floats: cache.positions, shape: [cache.frameCount, cache.vertexCount, 3], double: double)
        try AtomicFile.write(bytes, to: path)
    }
}
