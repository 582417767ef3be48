import CKernels

/// printf-style number formatting straight into bytes, through C's `snprintf` (one conversion, no
/// `String(format:)` boxing): writing a 21,000-frame weights CSV this way takes milliseconds rather
/// than the second Foundation's formatter needs.
public enum NumberText {
    /// Appends `value` formatted with `format` (one conversion: `%.6g`, `%.6f`, …) to `bytes`.
    public static func append(_ value: Double, format: StaticString, to bytes: inout [UInt8]) {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: 64) { buffer in
            guard let start = buffer.baseAddress else { return }
            // A string literal's bytes end in NUL, as C wants its format.
            let written = UnsafeRawPointer(format.utf8Start).withMemoryRebound(to: CChar.self, capacity: format.utf8CodeUnitCount + 1) {
                fp_format_double(start, 64, $0, value)
            }
            guard written > 0 else { return }
            let count = Swift.min(Int(written), 63)
            start.withMemoryRebound(to: UInt8.self, capacity: count) { bytes.append(contentsOf: UnsafeBufferPointer(start: $0, count: count)) }
        }
    }

    /// Appends `Double(value)` exactly as printf's `%.6g` writes it. The values a weights CSV holds
    /// (zero, and 1e-4 ≤ |value| < 1e6, printed without an exponent) are rounded here with integer
    /// arithmetic on the exact binary value, half to even as glibc does; any other value goes through
    /// `snprintf`. A solve writes a million of these, and `snprintf` spent most of its time parsing
    /// the format.
    public static func appendSixSignificant(_ value: Float, to bytes: inout [UInt8]) {
        if value == 0 {
            if value.sign == .minus { bytes.append(UInt8(ascii: "-")) }
            bytes.append(UInt8(ascii: "0"))
            return
        }
        let magnitude = abs(value)
        guard magnitude.isNormal, magnitude >= 1e-4, magnitude < 1e6, let (digits, exponent) = sixDigits(magnitude) else {
            append(Double(value), format: "%.6g", to: &bytes)
            return
        }
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        // The six digits d₀…d₅ of d₀.d₁…d₅ × 10^exponent, without trailing zeros after the point.
        var text = [UInt8](repeating: 0, count: 6)
        var rest = digits
        for i in stride(from: 5, through: 0, by: -1) { text[i] = UInt8(ascii: "0") + UInt8(rest % 10); rest /= 10 }
        var last = 5
        while last > Swift.max(exponent, 0), text[last] == UInt8(ascii: "0") { last -= 1 }
        if exponent >= 0 {
            bytes.append(contentsOf: text[0...exponent])
            if last > exponent { bytes.append(UInt8(ascii: ".")); bytes.append(contentsOf: text[(exponent + 1)...last]) }
        } else {
            bytes.append(UInt8(ascii: "0")); bytes.append(UInt8(ascii: "."))
            for _ in 0..<(-exponent - 1) { bytes.append(UInt8(ascii: "0")) }
            bytes.append(contentsOf: text[0...last])
        }
    }

    private static let powersOfTen: [UInt64] = (0...10).map { power in (0..<power).reduce(UInt64(1)) { value, _ in value * 10 } }

    /// `magnitude` (1e-4 ≤ it < 1e6) rounded to six significant digits: the integer d₀…d₅ and the
    /// decimal exponent of d₀, when that exponent lies in −4…5 (where `%.6g` prints no exponent).
    private static func sixDigits(_ magnitude: Float) -> (digits: UInt64, exponent: Int)? {
        // magnitude = m · 2^q exactly, m < 2^24; q < 0 throughout this range.
        let m = UInt64(magnitude.significandBitPattern) | (1 << 23)
        let q = Int(magnitude.exponent) - 23
        guard q < 0, q > -64 else { return nil }
        let shift = UInt64(-q)
        /// round(magnitude × 10^k), half to even; m·10^k < 2^24·10^10 < 2^58.
        func scaled(_ k: Int) -> UInt64 {
            let product = m * powersOfTen[k]
            let quotient = product >> shift, remainder = product & ((1 << shift) - 1), half = UInt64(1) << (shift - 1)
            return remainder > half || (remainder == half && quotient & 1 == 1) ? quotient + 1 : quotient
        }
        // A first guess of the exponent from the nearest Doubles of the powers of ten, corrected
        // below from the exactly rounded digits.
        var exponent = 5
        let wide = Double(magnitude)
        while exponent > -4, wide < (exponent >= 0 ? Double(powersOfTen[exponent]) : 1 / Double(powersOfTen[-exponent])) { exponent -= 1 }
        var digits = scaled(5 - exponent)
        if digits >= 1_000_000 {
            exponent += 1
            guard exponent <= 5 else { return nil }
            digits = scaled(5 - exponent)
        } else if digits < 100_000 {
            exponent -= 1
            guard exponent >= -4 else { return nil }
            digits = scaled(5 - exponent)
        }
        guard (100_000..<1_000_000).contains(digits) else { return nil }
        return (digits, exponent)
    }
}

