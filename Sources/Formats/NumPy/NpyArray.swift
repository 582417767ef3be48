import Linalg

/// An n-dimensional NumPy array read from an .npy file or an .npz member.
///
/// The data stays in the file's bytes (memory-mapped for files) until one of the typed accessors
/// decodes it — always into C (row-major) order, whatever order the file used.
public struct NpyArray: Sendable {
    public let dtype: NpyDType
    /// Dimensions, outermost first (`[frames, vertices, 3]` for a cache).
    public let shape: [Int]
    /// Whether the file stores the data column-major.
    public let fortranOrder: Bool
    /// Format version, `"1.0"`, `"2.0"` or `"3.0"`.
    public let version: String
    /// The file (or `archive.npz[member]`) this came from, for messages.
    public let origin: String
    let payload: ByteBuffer
    let payloadOffset: Int

    /// Number of elements, the product of `shape`.
    public var elementCount: Int { shape.reduce(1, *) }

    /// Decodes numeric data to `Float` in C order.
    public func floats() throws -> [Float] {
        let encoding = try numericEncoding()
        guard let values = payload.decodeFloats(at: 0, count: elementCount, as: encoding) else { throw truncated() }
        return toCOrder(values)
    }

    /// Decodes numeric data as `Float` in C order into `destination[offset ..< offset + elementCount]`,
    /// straight from the file's bytes when it is stored in C order (a rig's poses are assembled into
    /// one array this way).
    public func decodeFloats(into destination: inout [Float], at offset: Int) throws {
        let encoding = try numericEncoding()
        guard offset >= 0, destination.count - offset >= elementCount else { throw truncated() }
        if !(fortranOrder && shape.count > 1), case .float = encoding,
           payload.decodeFloats(at: 0, count: elementCount, as: encoding, into: &destination, at: offset) {
            return
        }
        // Fortran order, integers, or bytes the direct decode refused: through `floats()`, which names the problem.
        destination.replaceSubrange(offset..<(offset + elementCount), with: try floats())
    }

    /// `arrays`, each of `width` elements, decoded in C order as the rows of one `[arrays.count, width]`
    /// array (a rig's poses): straight from the file's bytes and shared out over `threads` when every
    /// one is a C-order float array, else one after another (as `decodeFloats(into:at:)`, which names
    /// what is wrong with an array).
    public static func rows(_ arrays: [NpyArray], width: Int, threads: Int = 1) throws -> [Float] {
        var out: [Float] = uninitializedBuffer(count: arrays.count * width)   // every row written below, or thrown
        let stored = arrays.compactMap { array -> StoredRow? in
            guard array.elementCount == width, !(array.fortranOrder && array.shape.count > 1),
                  let encoding = try? array.numericEncoding(), case .float = encoding else { return nil }
            return StoredRow(buffer: array.payload, offset: 0, encoding: encoding)
        }
        if stored.count == arrays.count, width > 0,
           ByteBuffer.decodeRows(stored, rowWidth: width, selecting: CoordinateRuns(all: width), into: &out, threads: threads) == nil {
            return out
        }
        for (row, array) in arrays.enumerated() {
            guard array.elementCount == width else { throw FormatError(file: array.origin, .wholeFile, "\(array.elementCount) values, expected \(width)") }
            try array.decodeFloats(into: &out, at: row * width)
        }
        return out
    }

    /// The first element (in storage order) that is NaN or infinite, found on the bytes without decoding
    /// them into an array; nil when every element is finite or the data are integers.
    public func firstNonFinite() throws -> Int? {
        let encoding = try numericEncoding()
        guard case .float = encoding else { return nil }
        guard let index = payload.firstNonFiniteFloat(at: 0, count: elementCount, as: encoding) else {
            if payload.contains(offset: 0, length: elementCount * encoding.width) { return nil }
            throw truncated()
        }
        return index
    }

    /// Decodes numeric data to `Double` in C order.
    public func doubles() throws -> [Double] {
        let encoding = try numericEncoding()
        guard let values = payload.decodeDoubles(at: 0, count: elementCount, as: encoding) else { throw truncated() }
        return toCOrder(values)
    }

    /// Decodes integer (or boolean) data in C order; floats are refused rather than truncated.
    public func integers() throws -> [Int64] {
        guard dtype.kind != .float, let encoding = dtype.numericEncoding else {
            throw FormatError(file: origin, .element("dtype"), "holds \(dtype.name), expected integers")
        }
        guard let values = payload.decodeIntegers(at: 0, count: elementCount, as: encoding) else { throw truncated() }
        return toCOrder(values)
    }

    /// Decodes a fixed-width string array (`S` as Latin-1/UTF-8 bytes, `U` as UCS-4), trailing NULs
    /// removed, in C order.
    public func strings() throws -> [String] {
        let width = dtype.itemSize
        var result: [String] = []
        result.reserveCapacity(elementCount)
        for i in 0..<elementCount {
            guard let raw = payload.bytes(at: i * width, count: width) else { throw truncated() }
            switch dtype.kind {
            case .bytes:
                let trimmed = raw.prefix { $0 != 0 }
                result.append(String(decoding: trimmed, as: UTF8.self))
            case .unicode:
                var scalars = String.UnicodeScalarView()
                for k in stride(from: 0, to: width, by: 4) {
                    let value = dtype.byteOrder == .littleEndian
                        ? UInt32(raw[k]) | UInt32(raw[k + 1]) << 8 | UInt32(raw[k + 2]) << 16 | UInt32(raw[k + 3]) << 24
                        : UInt32(raw[k + 3]) | UInt32(raw[k + 2]) << 8 | UInt32(raw[k + 1]) << 16 | UInt32(raw[k]) << 24
                    if value == 0 { break }
                    guard let scalar = Unicode.Scalar(value) else {
                        throw FormatError(file: origin, .byteOffset(payloadOffset + i * width + k), "invalid UCS-4 character \(value)")
                    }
                    scalars.append(scalar)
                }
                result.append(String(scalars))
            default:
                throw FormatError(file: origin, .element("dtype"), "holds \(dtype.name), expected a string array (S or U)")
            }
        }
        return toCOrder(result)
    }

    private func numericEncoding() throws -> NumericEncoding {
        guard let encoding = dtype.numericEncoding else {
            throw FormatError(file: origin, .element("dtype"), "holds strings (\(dtype.name)), expected numbers")
        }
        return encoding
    }

    private func truncated() -> FormatError {
        FormatError(file: origin, .byteOffset(payloadOffset), "data is shorter than shape \(shape) × \(dtype.itemSize) bytes")
    }

    /// Reorders values stored column-major into row-major order.
    private func toCOrder<T>(_ values: [T]) -> [T] {
        guard fortranOrder, shape.count > 1, !values.isEmpty else { return values }
        // Fortran strides: the first axis varies fastest.
        var fortranStrides = [Int](repeating: 1, count: shape.count)
        for axis in 1..<shape.count { fortranStrides[axis] = fortranStrides[axis - 1] * shape[axis - 1] }
        var index = [Int](repeating: 0, count: shape.count)
        var result: [T] = []
        result.reserveCapacity(values.count)
        for _ in 0..<values.count {
            var offset = 0
            for axis in 0..<shape.count { offset += index[axis] * fortranStrides[axis] }
            result.append(values[offset])
            var axis = shape.count - 1
            while axis >= 0 {
                index[axis] += 1
                if index[axis] < shape[axis] { break }
                index[axis] = 0
                axis -= 1
            }
        }
        return result
    }
}
