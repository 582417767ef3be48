import Formats

/// A `[V, 3]` float pose from an .npy file.
public enum NumpyNeutral {
    public static func read(_ path: String) throws -> [Float] {
        let array = try NpyArray.read(path)
        guard array.shape.count == 2, array.shape[1] == 3 else {
            throw FormatError(file: path, .element("shape"), "shape \(array.shape), expected [vertices, 3]")
        }
        return try array.floats()
    }
}
