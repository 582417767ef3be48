/// Builds the bytes of a file: scalars in either byte order and whole numeric arrays in bulk.
public struct ByteWriter: Sendable {
    /// The bytes written so far.
    public private(set) var bytes: [UInt8] = []

    public init(reservingCapacity capacity: Int = 0) {
        bytes.reserveCapacity(capacity)
    }

    public var count: Int { bytes.count }

    public mutating func append(_ raw: [UInt8]) { bytes.append(contentsOf: raw) }
    public mutating func append(ascii text: String) { bytes.append(contentsOf: Array(text.utf8)) }
    public mutating func appendZeros(_ n: Int) { bytes.append(contentsOf: repeatElement(0, count: max(n, 0))) }

    public mutating func append<T: FixedWidthInteger>(_ value: T, _ order: ByteOrder) {
        let ordered = order == .littleEndian ? value.littleEndian : value.bigEndian
        withUnsafeBytes(of: ordered) { bytes.append(contentsOf: $0) }
    }

    public mutating func append(_ value: Float, _ order: ByteOrder) { append(value.bitPattern, order) }
    public mutating func append(_ value: Double, _ order: ByteOrder) { append(value.bitPattern, order) }

    /// Overwrites 4 bytes at `offset` (for sizes known only after the content is written).
    public mutating func patch(_ value: UInt32, at offset: Int, _ order: ByteOrder) {
        let ordered = order == .littleEndian ? value.littleEndian : value.bigEndian
        withUnsafeBytes(of: ordered) { for (k, b) in $0.enumerated() { bytes[offset + k] = b } }
    }

    /// Appends `values` as IEEE floats of `width` 4 or 8 bytes in `order`.
    public mutating func append(floats values: [Float], width: Int, _ order: ByteOrder) {
        precondition(width == 4 || width == 8, "float width must be 4 or 8")
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: values.count * width))
        bytes.withUnsafeMutableBytes { raw in
            let out = UnsafeMutableRawBufferPointer(rebasing: raw[start...])
            if width == 4 {
                for (i, v) in values.enumerated() {
                    let bits = order == .littleEndian ? v.bitPattern.littleEndian : v.bitPattern.bigEndian
                    out.storeBytes(of: bits, toByteOffset: i &* 4, as: UInt32.self)
                }
            } else {
                for (i, v) in values.enumerated() {
                    let bits = Double(v).bitPattern
                    out.storeBytes(of: order == .littleEndian ? bits.littleEndian : bits.bigEndian, toByteOffset: i &* 8, as: UInt64.self)
                }
            }
        }
    }
}
