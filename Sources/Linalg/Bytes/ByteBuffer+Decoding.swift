import CKernels
import Dispatch
import Synchronization

/// A row of numbers in a file: the buffer it lies in, its byte offset there and its encoding (a frame
/// of a vertex cache).
public struct StoredRow: Sendable {
    public let buffer: ByteBuffer
    public let offset: Int
    public let encoding: NumericEncoding

    public init(buffer: ByteBuffer, offset: Int, encoding: NumericEncoding) {
        self.buffer = buffer
        self.offset = offset
        self.encoding = encoding
    }
}

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
                guard let out = all.baseAddress, let bytes = raw.baseAddress else { return }
                Self.decodeRun(bytes, count: count, width: width, order: order, into: out + destinationOffset)
            }
        }
        return true
    }

    /// Decodes the values `runs` selects out of the `rowWidth` numbers at `offset`, packed one run
    /// after another into `destination[destinationOffset ..< destinationOffset + runs.count]` (a
    /// frame's frontal-mask coordinates, say, without decoding the rest of it). A mapped file's bytes
    /// are first copied into `scratch` with `pread`, which streams faster than touching the mapping,
    /// unless the selection is sparse.
    /// Returns false, writing nothing, when a range is out of bounds or the encoding is not 4- or
    /// 8-byte float, or the file cannot be read.
    public func decodeFloats(at offset: Int, rowWidth: Int, selecting runs: CoordinateRuns, as encoding: NumericEncoding,
                             into destination: inout [Float], at destinationOffset: Int, scratch: inout [UInt8]) -> Bool {
        guard destinationOffset >= 0, destinationOffset <= destination.count - runs.count else { return false }
        return destination.withUnsafeMutableBufferPointer { all in
            guard let out = all.baseAddress else { return runs.count == 0 && decodable(at: offset, rowWidth: rowWidth, runs: runs, as: encoding) }
            return decodeSelected(at: offset, rowWidth: rowWidth, runs: runs, as: encoding, into: out + destinationOffset,
                                  capacity: all.count - destinationOffset, scratch: &scratch)
        }
    }

    /// Decodes the values `runs` selects out of each of `rows` (`rowWidth` numbers each), row `i` into
    /// `destination[i × runs.count ..< (i + 1) × runs.count]`, as `decodeFloats(at:rowWidth:selecting:…)`
    /// does one row. `threads` > 1 shares the rows out (a shot solved alone reads its frames on every
    /// core). Returns the index of the first row that cannot be read or decoded (the other rows are
    /// then not to be used), else nil; rows beyond `destination` count as unreadable.
    public static func decodeRows(_ rows: [StoredRow], rowWidth: Int, selecting runs: CoordinateRuns, into destination: inout [Float],
                                  threads: Int = 1) -> Int? {
        let width = runs.count
        guard destination.count >= rows.count * width else { return destination.count / Swift.max(width, 1) }
        guard !rows.isEmpty else { return nil }
        // At least eight rows a part: a frame is a few hundred kilobytes, a smaller part would cost more to hand out than it saves.
        let parts = Swift.max(1, Swift.min(threads, rows.count / 8))
        return destination.withUnsafeMutableBufferPointer { all -> Int? in
            guard let out = all.baseAddress else { return width == 0 ? nil : 0 }
            @Sendable func decode(_ range: Range<Int>, into out: UnsafeMutablePointer<Float>) -> Int? {
                var scratch: [UInt8] = []
                for index in range {
                    let row = rows[index]
                    // Capacity of the row alone: the kernel may write past a short last run into room it is
                    // given, and the next row may belong to another thread.
                    guard row.buffer.decodeSelected(at: row.offset, rowWidth: rowWidth, runs: runs, as: row.encoding,
                                                    into: out + index * width, capacity: width, scratch: &scratch) else { return index }
                }
                return nil
            }
            if parts == 1 { return decode(0..<rows.count, into: out) }
            let failures = Mutex<[Int]>([]), shared = UncheckedSendable(out)
            // Four rows a piece, taken by whichever thread is free: each piece writes its own rows.
            let pieces = (rows.count + 3) / 4
            forEachPiece(pieces, workers: parts) { piece in
                let range = (piece * 4)..<Swift.min(rows.count, piece * 4 + 4)
                if let failed = decode(range, into: shared.value) { failures.withLock { $0.append(failed) } }
            }
            return failures.withLock { $0.min() }
        }
    }

    /// Whether a row of `rowWidth` floats at `offset` can be decoded as `encoding` with `runs` inside it.
    private func decodable(at offset: Int, rowWidth: Int, runs: CoordinateRuns, as encoding: NumericEncoding) -> Bool {
        guard case let .float(width, _) = encoding, width == 4 || width == 8, runs.end <= rowWidth,
              case let (total, overflow) = rowWidth.multipliedReportingOverflow(by: width), !overflow else { return false }
        return contains(offset: offset, length: total)
    }

    /// The core of `decodeFloats(at:rowWidth:selecting:…)`: `runs.count` values written at `out`, where
    /// `capacity` (≥ `runs.count`) floats may be written.
    private func decodeSelected(at offset: Int, rowWidth: Int, runs: CoordinateRuns, as encoding: NumericEncoding,
                                into out: UnsafeMutablePointer<Float>, capacity: Int, scratch: inout [UInt8]) -> Bool {
        guard decodable(at: offset, rowWidth: rowWidth, runs: runs, as: encoding), case let .float(width, order) = encoding else { return false }
        guard let first = runs.starts.first else { return true }
        // Only the span from the first selected value to the last is read.
        let span = (first * width)..<(runs.end * width)
        // A sparse selection (a few lip vertices) reads its pages through the mapping; copying the
        // whole span with pread would move sixteen times what is used, or more.
        return withRowBytes((offset + span.lowerBound)..<(offset + span.upperBound), copying: runs.count * 16 >= runs.end - first,
                            scratch: &scratch) { bytes in
            Self.decodeSelected(bytes, first: first, rowWidth: runs.end, runs: runs, width: width, order: order, into: out, capacity: capacity)
        } != nil
    }

    /// Runs `body` on the bytes of `range` (non-empty, in bounds): copied into `scratch` with `pread`
    /// when this is a mapped file and `copying` is set (bulk reads stream faster that way than through
    /// the mapping), else read in place. Nil when the file cannot be read.
    private func withRowBytes<R>(_ range: Range<Int>, copying: Bool, scratch: inout [UInt8], _ body: (UnsafeRawPointer) -> R) -> R? {
        guard storage.isFile, copying else {
            return withBytes(in: range) { raw in raw.baseAddress.map(body) }
        }
        if scratch.count < range.count { scratch = [UInt8](unsafeUninitializedCapacity: range.count) { _, n in n = range.count } }
        return scratch.withUnsafeMutableBytes { buffer -> R? in
            guard let base = buffer.baseAddress, storage.copy((start + range.lowerBound)..<(start + range.upperBound), into: base) else { return nil }
            return body(UnsafeRawPointer(base))
        }
    }

    /// Reads the row of `rowWidth` floats at `offset` once: adds every value to `sums[0 ..< rowWidth]`
    /// (Double) and decodes the values `runs` selects into `destination[destinationOffset...]`, as
    /// `decodeFloats(at:rowWidth:selecting:…)` would. `rowMasks` (`runs.rowMasks(width: rowWidth)`,
    /// made once for all rows) has both done by one kernel (one pass over the row with AVX-512). Returns nil
    /// when a range is out of bounds, the encoding is not a 4- or 8-byte float or the file cannot be
    /// read; else whether every value of the row is finite (when not, `sums` holds garbage).
    public func accumulateFloats(at offset: Int, rowWidth: Int, as encoding: NumericEncoding, into sums: inout [Double],
                                 selecting runs: CoordinateRuns?, rowMasks: [UInt16]? = nil, into destination: inout [Float],
                                 at destinationOffset: Int, scratch: inout [UInt8]) -> Bool? {
        guard case let .float(width, order) = encoding, width == 4 || width == 8, sums.count >= rowWidth,
              case let (total, overflow) = rowWidth.multipliedReportingOverflow(by: width), !overflow,
              contains(offset: offset, length: total), (runs?.end ?? 0) <= rowWidth,
              destinationOffset >= 0, destinationOffset <= destination.count - (runs?.count ?? 0) else { return nil }
        func pass(_ bytes: UnsafeRawPointer) -> Bool {
            if width == 4, let runs, let rowMasks, rowMasks.count * 16 >= rowWidth {
                // The sums and the selection in one pass (the masks cover the row, so every selected value is written).
                return sums.withUnsafeMutableBufferPointer { s in
                    destination.withUnsafeMutableBufferPointer { all in
                        rowMasks.withUnsafeBufferPointer { m in
                            guard let base = s.baseAddress, let out = all.baseAddress, let masks = m.baseAddress else { return true }
                            return fp_accumulate_f32_sampled(bytes, rowWidth, order == .bigEndian ? 1 : 0, base, masks, out + destinationOffset,
                                                             Swift.min(all.count - destinationOffset, runs.count)) != 0
                        }
                    }
                }
            }
            let finite: Bool
            if width == 4 {
                finite = sums.withUnsafeMutableBufferPointer { s in
                    guard let base = s.baseAddress else { return true }
                    return fp_accumulate_f32(bytes, rowWidth, order == .bigEndian ? 1 : 0, base) != 0
                }
            } else {
                // 8-byte floats (rare in caches): decoded to Float as everywhere else, then added.
                var row = [Float](repeating: 0, count: rowWidth)
                row.withUnsafeMutableBufferPointer { r in if let out = r.baseAddress { Self.decodeRun(bytes, count: rowWidth, width: 8, order: order, into: out) } }
                var allFinite = true
                for i in 0..<rowWidth { sums[i] += Double(row[i]); allFinite = allFinite && row[i].isFinite }
                finite = allFinite
            }
            if let runs, let first = runs.starts.first {
                destination.withUnsafeMutableBufferPointer { all in
                    guard let out = all.baseAddress else { return }
                    Self.decodeSelected(bytes + first * width, first: first, rowWidth: runs.end, runs: runs, width: width, order: order,
                                        into: out + destinationOffset, capacity: all.count - destinationOffset)
                }
            }
            return finite
        }
        guard total > 0 else { return true }
        return withRowBytes(offset..<(offset + total), copying: true, scratch: &scratch, pass)
    }

    /// Decodes `runs` from `bytes`, which hold a row's values from index `first` up to `rowWidth`.
    /// Short runs (a mask scattered over the mesh) are copied out of windows decoded whole, so the
    /// decoding stays vectorised however the selection is fragmented.
    private static func decodeSelected(_ bytes: UnsafeRawPointer, first: Int, rowWidth: Int, runs: CoordinateRuns, width: Int, order: ByteOrder,
                                       into out: UnsafeMutablePointer<Float>, capacity: Int) {
        if width == 4, order == .bigEndian, runs.isFragmented, fp_kernels_level() >= 2 {
            // A frontal mask out of Maya caches: sixteen values swapped and compressed at a time.
            runs.chunkMasks.withUnsafeBufferPointer { masks in
                guard let m = masks.baseAddress else { return }
                // Room for the selection alone: nothing past it is written, whatever `capacity` allows.
                fp_decode_f32_be_masked(bytes, rowWidth - first, m, out, runs.count)
            }
            return
        }
        if width == 4, order == .bigEndian, MemoryLayout<Int>.size == 8 {
            // Maya caches: each run swapped straight into place.
            runs.starts.withUnsafeBufferPointer { starts in
                runs.lengths.withUnsafeBufferPointer { lengths in
                    guard let s = starts.baseAddress, let l = lengths.baseAddress else { return }
                    fp_decode_f32_be_runs(bytes, Int64(first), Int64(rowWidth), UnsafeRawPointer(s).assumingMemoryBound(to: Int64.self),
                                          UnsafeRawPointer(l).assumingMemoryBound(to: Int64.self), starts.count, out, capacity)
                }
            }
            return
        }
        var packed = out
        let window = 1024
        withUnsafeTemporaryAllocation(of: Float.self, capacity: window) { scratch in
            guard let decoded = scratch.baseAddress else { return }
            var windowStart = 0, windowEnd = 0
            for (start, length) in zip(runs.starts, runs.lengths) {
                if length >= 32 {
                    decodeRun(bytes + (start - first) &* width, count: length, width: width, order: order, into: packed)
                } else {
                    if start + length > windowEnd {
                        windowStart = start
                        windowEnd = Swift.min(start + window, rowWidth)
                        decodeRun(bytes + (start - first) &* width, count: windowEnd - windowStart, width: width, order: order, into: decoded)
                    }
                    for i in 0..<length { packed[i] = decoded[start - windowStart + i] }
                }
                packed += length
            }
        }
    }

    /// One contiguous run of 4- or 8-byte floats; the 4-byte loops vectorise (a byte shuffle per lane).
    @inline(__always)
    private static func decodeRun(_ raw: UnsafeRawPointer, count: Int, width: Int, order: ByteOrder, into out: UnsafeMutablePointer<Float>) {
        switch (width, order) {
        case (4, .bigEndian):
            // In C: Swift vectorises a byte swap for baseline x86-64 only with SSE2 unpacks, 3× slower.
            fp_decode_f32_be(raw, out, count)
        case (4, .littleEndian):
            if 1.littleEndian == 1 {
                UnsafeMutableRawPointer(out).copyMemory(from: raw, byteCount: count &* 4)   // the host's own layout
            } else {
                for i in 0..<count { out[i] = Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: i &* 4, as: UInt32.self))) }
            }
        case (_, .bigEndian):
            for i in 0..<count { out[i] = Float(Double(bitPattern: UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: i &* 8, as: UInt64.self)))) }
        default:
            for i in 0..<count { out[i] = Float(Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i &* 8, as: UInt64.self)))) }
        }
    }

    /// The index of the first NaN or infinity among `count` 2-, 4- or 8-byte floats at `offset`, judged
    /// on the exponent bits alone (no decoding); nil when all are finite or the range is out of bounds.
    public func firstNonFiniteFloat(at offset: Int, count: Int, as encoding: NumericEncoding) -> Int? {
        guard case let .float(width, order) = encoding, [2, 4, 8].contains(width), count >= 0,
              case let (total, overflow) = count.multipliedReportingOverflow(by: width), !overflow,
              contains(offset: offset, length: total) else { return nil }
        return withBytes(in: offset..<(offset + total)) { raw -> Int? in
            func scan<T: FixedWidthInteger & UnsignedInteger>(_: T.Type, exponent: T) -> Int? {
                // A value is not finite when its bits without the sign reach all-ones exponent bits. Blocks of
                // 256 take the largest such magnitude (a branch-free max the compiler vectorises, where an
                // early-exit OR did not), then the exact index.
                let magnitude = T.max >> 1
                var start = 0
                while start < count {
                    let end = Swift.min(start + 256, count)
                    var largest: T = 0
                    for i in start..<end {
                        let bits = raw.loadUnaligned(fromByteOffset: i &* width, as: T.self)
                        let value = order == .littleEndian ? T(littleEndian: bits) : T(bigEndian: bits)
                        largest = Swift.max(largest, value & magnitude)
                    }
                    if largest >= exponent {
                        for i in start..<end {
                            let bits = raw.loadUnaligned(fromByteOffset: i &* width, as: T.self)
                            let value = order == .littleEndian ? T(littleEndian: bits) : T(bigEndian: bits)
                            if (value & exponent) == exponent { return i }
                        }
                    }
                    start = end
                }
                return nil
            }
            switch width {
            case 2: return scan(UInt16.self, exponent: 0x7C00)
            case 4: return scan(UInt32.self, exponent: 0x7F80_0000)
            default: return scan(UInt64.self, exponent: 0x7FF0_0000_0000_0000)
            }
        }
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

    @_specialize(where T == Float)
    @_specialize(where T == Double)
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
            case .integer(2, true, .littleEndian):
                // 16-bit PCM, the common WAV: one load per sample rather than byte by byte.
                return [T](unsafeUninitializedCapacity: count) { out, initialized in
                    for i in 0..<count { out[i] = T(Int16(littleEndian: raw.loadUnaligned(fromByteOffset: i &* 2, as: Int16.self))) }
                    initialized = count
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
