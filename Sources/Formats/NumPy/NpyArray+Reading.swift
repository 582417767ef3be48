import Linalg

extension NpyArray {
    /// The longest header FacePrep accepts. numpy's own headers are under 200 bytes; a larger claim is a
    /// damaged or hostile file, refused before anything is allocated for it.
    static let maximumHeaderLength = 1 << 20

    /// Maps and parses the .npy file at `path`.
    public static func read(_ path: String) throws -> NpyArray {
        let buffer = try ByteBuffer.mapFile(path)
        return try parse(buffer, origin: path)
    }

    /// Parses .npy bytes; `origin` names them in errors.
    public static func parse(_ buffer: ByteBuffer, origin: String) throws -> NpyArray {
        func fail(_ offset: Int, _ problem: String) -> FormatError {
            FormatError(file: origin, .byteOffset(offset), problem)
        }
        guard let magic = buffer.bytes(at: 0, count: 6) else {
            throw fail(0, "file is \(buffer.count) bytes, too short for an .npy header")
        }
        guard magic == [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59] else {
            throw fail(0, "not an .npy file (magic is not \\x93NUMPY)")
        }
        guard let major = buffer.byte(at: 6), let minor = buffer.byte(at: 7) else { throw fail(6, "file ends inside the version") }
        let headerLength: Int
        let headerStart: Int
        switch major {
        case 1:
            guard let n = buffer.uint16(at: 8, .littleEndian) else { throw fail(8, "file ends inside the header length") }
            headerLength = Int(n)
            headerStart = 10
        case 2, 3:
            guard let n = buffer.uint32(at: 8, .littleEndian) else { throw fail(8, "file ends inside the header length") }
            headerLength = Int(n)
            headerStart = 12
        default:
            throw fail(6, "unsupported .npy version \(major).\(minor) (1.0, 2.0 and 3.0 are read)")
        }
        guard headerLength <= maximumHeaderLength else {
            throw fail(8, "header length \(headerLength.formatted) exceeds the \(maximumHeaderLength.formatted)-byte limit")
        }
        guard let headerBytes = buffer.bytes(at: headerStart, count: headerLength) else {
            throw fail(8, "header claims \(headerLength.formatted) bytes but the file has \(max(buffer.count - headerStart, 0).formatted) after the preamble")
        }
        // v1/v2 headers are Latin-1, v3 UTF-8; both are ASCII in practice.
        let headerText = major == 3 ? String(decoding: headerBytes, as: UTF8.self)
                                    : String(headerBytes.map { Character(Unicode.Scalar($0)) })
        let dict: [String: NpyHeaderParser.Value]
        do { dict = try NpyHeaderParser.parse(headerText) } catch let reason as FormatReason { throw fail(headerStart, reason.text) }
        guard case let .string(descr)? = dict["descr"] else {
            if case .sequence? = dict["descr"] {
                throw fail(headerStart, "structured (record) dtypes are not supported; save plain arrays")
            }
            throw fail(headerStart, "header has no 'descr' string")
        }
        let dtype: NpyDType
        do { dtype = try NpyDType.parse(descr) } catch let reason as FormatReason { throw fail(headerStart, reason.text) }
        guard case let .bool(fortran)? = dict["fortran_order"] else { throw fail(headerStart, "header has no 'fortran_order' True/False") }
        guard case let .sequence(dims)? = dict["shape"] else { throw fail(headerStart, "header has no 'shape' tuple") }
        var shape: [Int] = []
        var elements = 1
        // Strides multiply the non-zero dimensions: they must fit too, even when a zero makes the array empty.
        var stride = dtype.itemSize
        for dim in dims {
            guard case let .integer(n) = dim, n >= 0 else { throw fail(headerStart, "shape \(dims) has a negative or non-integer dimension") }
            let (product, overflow) = elements.multipliedReportingOverflow(by: n)
            guard !overflow else { throw fail(headerStart, "shape \(dims.count)-D product overflows") }
            if n > 0 {
                let (s, o) = stride.multipliedReportingOverflow(by: n)
                guard !o, s <= buffer.count || product == 0 ? !o : true else { throw fail(headerStart, "shape \(dims): its strides overflow") }
                stride = s
            }
            shape.append(n)
            elements = product
        }
        let dataStart = headerStart + headerLength
        let (dataLength, overflow) = elements.multipliedReportingOverflow(by: dtype.itemSize)
        let available = buffer.count - dataStart
        guard !overflow, dataLength <= available else {
            throw fail(dataStart, "shape \(shape) of \(dtype.name) needs \(overflow ? "more than Int.max" : dataLength.formatted) bytes but the file has \(available.formatted)")
        }
        guard dataLength == available else {
            throw fail(dataStart + dataLength, "\((available - dataLength).formatted) unexpected bytes after the array data")
        }
        guard let payload = buffer.slice(dataStart..<(dataStart + dataLength)) else { throw fail(dataStart, "data out of range") }
        return NpyArray(dtype: dtype, shape: shape, fortranOrder: fortran, version: "\(major).\(minor)",
                        origin: origin, payload: payload, payloadOffset: dataStart)
    }
}
