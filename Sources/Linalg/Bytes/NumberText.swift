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
}
