import Foundation

/// Vertex caches stored as .npy arrays `[frames, vertices, 3]` (the guide requires float32).
public enum NumpyCache {
    public static func read(_ path: String) throws -> VertexCache {
        let array = try NpyArray.read(path)
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
        let cache = try VertexCache(frameCount: array.shape[0], vertexCount: array.shape[1], positions: array.floats(), source: source)
        try cache.requireFinite { array.fortranOrder ? nil : (path, array.payloadOffset + $0 * array.dtype.itemSize) }
        return cache
    }

    public static func write(_ cache: VertexCache, to path: String, double: Bool) throws {
        let bytes = NpyWriter.encode(floats: cache.positions, shape: [cache.frameCount, cache.vertexCount, 3], double: double)
        try AtomicFile.write(bytes, to: path)
    }
}
