/// Bulk decoding of numeric arrays from bytes: the hot loop of every cache and audio reader.
extension ByteBuffer {
    /// `count` numbers at `offset` converted to `Float` (integers as their value, not scaled).
    /// Returns nil when the range is out of bounds or the encoding is not supported.
    public func decodeFloats(at offset: Int, count: Int, as encoding: NumericEncoding) -> [Float]? {
        decode(at: offset, count: count, as: encoding, Float.self)
    }

    /// Decodes `count` numbers at `offset` into `destination[destinationOffset...]` without an
    /// intermediate array (caches are assembled frame by frame this way). Returns false, writing
    /// nothing, when either range is out of bounds or the encoding is not 4- or 8-byte float.
    public func decodeFloats(at offset: Int, count: Int, as encoding: NumericEncoding,
                             into destination: inout [Float], at destinationOffset: Int) -> Bool {
        guard case let .float(width, order) = encoding, width == 4 || width == 8, count >= 0,
              case let (total, overflow) = count.multipliedReportingOverflow(by: width), !overflow,
              contains(offset: offset, length: total),
              destinationOffset >= 0, destinationOffset <= destination.count - count else { return false }
        withBytes(in: offset..<(offset + total)) { raw in
            destination.withUnsafeMutableBufferPointer { all in
                let out = UnsafeMutableBufferPointer(rebasing: all[destinationOffset..<(destinationOffset + count)])
                switch (width, order) {
                case (4, .bigEndian):
                    for i in 0..<count { out[i] = Float(bitPattern: UInt32(bigEndian: raw.loadUnaligned(fromByteOffset: i &* 4, as: UInt32.self))) }
                case (4, .littleEndian):
                    for i in 0..<count { out[i] = Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: i &* 4, as: UInt32.self))) }
                case (_, .bigEndian):
                    for i in 0..<count { out[i] = Float(Double(bitPattern: UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: i &* 8, as: UInt64.self)))) }
                default:
                    for i in 0..<count { out[i] = Float(Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i &* 8, as: UInt64.self)))) }
                }
            }
        }
        return true
    }

    /// `count` numbers at `offset` converted to `Double`.
    public func decodeDoubles(at offset: Int, count: Int, as encoding: NumericEncoding) -> [Double]? {
        decode(at: offset, count: count, as: encoding, Double.self)
    }

    /// `count` integers at `offset` as `Int64`; nil for float encodings or out-of-range reads.
    public func decodeIntegers(at offset: Int, count: Int, as encoding: NumericEncoding) -> [Int64]? {
        guard case let .integer(width, signed, order) = encoding,
              count >= 0, case let (total, overflow) = count.multipliedReportingOverflow(by: width), !overflow,
              contains(offset: offset, length: total) else { return nil }
        return withBytes(in: offset..<(offset + total)) { raw in
            (0..<count).map { Self.integer(raw, $0 * width, width, signed, order) }
        }
    }

    private func decode<T: BinaryFloatingPoint>(at offset: Int, count: Int, as encoding: NumericEncoding, _: T.Type) -> [T]? {
        let width = encoding.width
        guard count >= 0, case let (total, overflow) = count.multipliedReportingOverflow(by: width), !overflow,
              contains(offset: offset, length: total) else { return nil }
        return withBytes(in: offset..<(offset + total)) { raw -> [T]? in
            switch encoding {
            case let .float(4, order):
                return [T](unsafeUninitializedCapacity: count) { out, initialized in
                    if order == .littleEndian {
                        for i in 0..<count { out[i] = T(Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: i &* 4, as: UInt32.self)))) }
                    } else {
                        for i in 0..<count { out[i] = T(Float(bitPattern: UInt32(bigEndian: raw.loadUnaligned(fromByteOffset: i &* 4, as: UInt32.self)))) }
                    }
                    initialized = count
                }
            case let .float(8, order):
                return [T](unsafeUninitializedCapacity: count) { out, initialized in
                    if order == .littleEndian {
                        for i in 0..<count { out[i] = T(Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i &* 8, as: UInt64.self)))) }
                    } else {
                        for i in 0..<count { out[i] = T(Double(bitPattern: UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: i &* 8, as: UInt64.self)))) }
                    }
                    initialized = count
                }
            case let .float(2, order):
                return (0..<count).map { i in
                    let bits = raw.loadUnaligned(fromByteOffset: i * 2, as: UInt16.self)
                    return T(Self.halfToFloat(order == .littleEndian ? UInt16(littleEndian: bits) : UInt16(bigEndian: bits)))
                }
            case let .integer(width, signed, order) where [1, 2, 3, 4, 8].contains(width):
                return (0..<count).map { T(Self.integer(raw, $0 * width, width, signed, order)) }
            default:
                return nil
            }
        }
    }

    /// One integer of 1–8 bytes at `offset`, sign-extended when `signed`.
    private static func integer(_ raw: UnsafeRawBufferPointer, _ offset: Int, _ width: Int, _ signed: Bool, _ order: ByteOrder) -> Int64 {
        var value: UInt64 = 0
        for k in 0..<width {
            let byte = UInt64(raw[offset + (order == .littleEndian ? width - 1 - k : k)])
            value = (value << 8) | byte
        }
        if signed && width < 8 {
            let shift = UInt64(64 - 8 * width)
            return Int64(bitPattern: value << shift) >> Int64(shift)
        }
        return Int64(bitPattern: value)
    }

    /// IEEE 754 binary16 to binary32, including subnormals, infinities and NaN.
    static func halfToFloat(_ h: UInt16) -> Float {
        let sign: Float = (h & 0x8000) != 0 ? -1 : 1
        let exponent = Int((h >> 10) & 0x1F)
        let mantissa = Float(h & 0x3FF)
        switch exponent {
        case 0: return sign * mantissa * Float(sign: .plus, exponent: -24, significand: 1)
        case 31: return mantissa == 0 ? sign * .infinity : .nan
        default: return sign * (1 + mantissa / 1024) * Float(sign: .plus, exponent: exponent - 15, significand: 1)
        }
    }
}
