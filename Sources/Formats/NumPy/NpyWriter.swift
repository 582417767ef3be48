import Linalg

/// Encodes arrays as .npy bytes (format 1.0; 2.0 only when the header would not fit), the way
/// `numpy.save` does: little-endian, C order, header padded so the data starts on a 64-byte boundary.
public enum NpyWriter {
    /// Float data as `<f4`, or `<f8` when `double`.
    public static func encode(floats values: [Float], shape: [Int], double: Bool = false) -> [UInt8] {
        var body = ByteWriter(reservingCapacity: values.count * (double ? 8 : 4))
        body.append(floats: values, width: double ? 8 : 4, .littleEndian)
        return assemble(dtype: double ? .float64 : .float32, shape: shape, body: body.bytes)
    }

    /// Double data as `<f8`, exactly.
    public static func encode(doubles values: [Double], shape: [Int]) -> [UInt8] {
        var body = ByteWriter(reservingCapacity: values.count * 8)
        for value in values { body.append(value, .littleEndian) }
        return assemble(dtype: .float64, shape: shape, body: body.bytes)
    }

    /// Integer data as `<i4`.
    public static func encode(int32 values: [Int32], shape: [Int]) -> [UInt8] {
        var body = ByteWriter(reservingCapacity: values.count * 4)
        for v in values { body.append(v, .littleEndian) }
        return assemble(dtype: .int32, shape: shape, body: body.bytes)
    }

    /// Integer data as `<i8` (NumPy's default integer).
    public static func encode(int64 values: [Int64], shape: [Int]) -> [UInt8] {
        var body = ByteWriter(reservingCapacity: values.count * 8)
        for v in values { body.append(v, .littleEndian) }
        return assemble(dtype: .int64, shape: shape, body: body.bytes)
    }

    /// Strings as fixed-width byte strings `|S<n>` (n = longest UTF-8 length, at least 1), a 1-D array.
    public static func encode(byteStrings strings: [String]) -> [UInt8] {
        let encoded = strings.map { Array($0.utf8) }
        let width = max(encoded.map(\.count).max() ?? 1, 1)
        var body = ByteWriter(reservingCapacity: width * strings.count)
        for s in encoded {
            body.append(s)
            body.appendZeros(width - s.count)
        }
        return assemble(dtype: NpyDType(kind: .bytes, itemSize: width), shape: [strings.count], body: body.bytes)
    }

    /// Strings as fixed-width UCS-4 `<U<n>`, a 1-D array (what `np.array(list_of_str)` makes).
    public static func encode(unicodeStrings strings: [String]) -> [UInt8] {
        let scalars = strings.map { Array($0.unicodeScalars) }
        let width = max(scalars.map(\.count).max() ?? 1, 1)
        var body = ByteWriter(reservingCapacity: width * 4 * strings.count)
        for s in scalars {
            for u in s { body.append(u.value, .littleEndian) }
            body.appendZeros((width - s.count) * 4)
        }
        return assemble(dtype: NpyDType(kind: .unicode, itemSize: width * 4), shape: [strings.count], body: body.bytes)
    }

    /// Header + body.
    static func assemble(dtype: NpyDType, shape: [Int], body: [UInt8]) -> [UInt8] {
        let shapeText = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        var dict = "{'descr': '\(dtype)', 'fortran_order': False, 'shape': \(shapeText), }"
        let preamble1 = 10, preamble2 = 12
        var major: UInt8 = 1
        var preamble = preamble1
        if dict.utf8.count + 1 + preamble1 > 65535 { major = 2; preamble = preamble2 }
        let unpadded = preamble + dict.utf8.count + 1
        dict += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var out = ByteWriter(reservingCapacity: preamble + dict.utf8.count + body.count)
        out.append([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, major, 0])
        if major == 1 { out.append(UInt16(dict.utf8.count), .littleEndian) } else { out.append(UInt32(dict.utf8.count), .littleEndian) }
        out.append(ascii: dict)
        out.append(body)
        return out.bytes
    }
}
