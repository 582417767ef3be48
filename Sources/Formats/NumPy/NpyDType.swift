import Linalg

/// A NumPy dtype as written in an .npy header's `descr`, e.g. `<f4`, `>i8`, `|S16`, `<U12`.
public struct NpyDType: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Character, Sendable {
        case float = "f", signedInteger = "i", unsignedInteger = "u", boolean = "b"
        /// Fixed-width byte strings (`S`): what the Audio2Face runtime needs for pose names.
        case bytes = "S"
        /// Fixed-width UCS-4 strings (`U`), 4 bytes per character.
        case unicode = "U"
    }

    public let kind: Kind
    /// Bytes per element (for `U`, 4 × characters).
    public let itemSize: Int
    public let byteOrder: ByteOrder

    public init(kind: Kind, itemSize: Int, byteOrder: ByteOrder = .littleEndian) {
        self.kind = kind
        self.itemSize = itemSize
        self.byteOrder = byteOrder
    }

    public static let float32 = NpyDType(kind: .float, itemSize: 4)
    public static let float64 = NpyDType(kind: .float, itemSize: 8)
    public static let int32 = NpyDType(kind: .signedInteger, itemSize: 4)
    public static let int64 = NpyDType(kind: .signedInteger, itemSize: 8)

    /// Parses a `descr` string. Throws the reason it is not usable.
    static func parse(_ descr: String) throws -> NpyDType {
        var chars = Array(descr)
        guard chars.count >= 2 else { throw FormatReason("dtype '\(descr)' is not a simple dtype") }
        var order = ByteOrder.littleEndian
        switch chars[0] {
        case "<", "|", "=": chars.removeFirst()
        case ">": order = .bigEndian; chars.removeFirst()
        default: break
        }
        guard let code = chars.first else { throw FormatReason("dtype '\(descr)' is empty") }
        if code == "O" { throw FormatReason("dtype 'O' is a pickled object array, which FacePrep refuses to load (it can run code); save plain numeric or string arrays") }
        guard let kind = Kind(rawValue: code) else { throw FormatReason("dtype '\(descr)' is not supported (need f, i, u, b, S or U)") }
        guard let count = Int(String(chars.dropFirst())), count > 0, count <= 1 << 20 else {
            throw FormatReason("dtype '\(descr)' has no valid size")
        }
        let itemSize = kind == .unicode ? count * 4 : count
        switch kind {
        case .float where ![2, 4, 8].contains(itemSize):
            throw FormatReason("dtype '\(descr)': floats of \(itemSize) bytes are not supported (f2, f4, f8)")
        case .signedInteger, .unsignedInteger:
            if ![1, 2, 4, 8].contains(itemSize) { throw FormatReason("dtype '\(descr)': integer size \(itemSize) is not supported") }
        case .boolean where itemSize != 1:
            throw FormatReason("dtype '\(descr)': booleans are 1 byte")
        default: break
        }
        return NpyDType(kind: kind, itemSize: itemSize, byteOrder: order)
    }

    /// The `descr` numpy writes for this dtype.
    public var description: String {
        let prefix: String
        switch kind {
        case .bytes, .boolean: prefix = "|"
        default: prefix = itemSize == 1 ? "|" : (byteOrder == .littleEndian ? "<" : ">")
        }
        let size = kind == .unicode ? itemSize / 4 : itemSize
        return "\(prefix)\(kind.rawValue)\(size)"
    }

    /// Human name, e.g. `float32`, `int64`, `S16`, `U12`.
    public var name: String {
        switch kind {
        case .float: return "float\(itemSize * 8)"
        case .signedInteger: return "int\(itemSize * 8)"
        case .unsignedInteger: return "uint\(itemSize * 8)"
        case .boolean: return "bool"
        case .bytes: return "S\(itemSize)"
        case .unicode: return "U\(itemSize / 4)"
        }
    }

    /// The encoding for numeric kinds; nil for strings.
    var numericEncoding: NumericEncoding? {
        switch kind {
        case .float: return .float(bytes: itemSize, byteOrder)
        case .signedInteger: return .integer(bytes: itemSize, signed: true, byteOrder)
        case .unsignedInteger, .boolean: return .integer(bytes: itemSize, signed: false, byteOrder)
        case .bytes, .unicode: return nil
        }
    }
}
