import CKernels
import Dispatch

/// A selection of values out of each row of a row-major array (e.g. the frontal mask's coordinates
/// out of a frame's `3V` values), stored as ascending runs of consecutive indices so that reading it
/// is a few contiguous copies rather than one gather per value.
public struct CoordinateRuns: Sendable, Equatable {
    /// First index of each run, ascending.
    public let starts: [Int]
    /// Length of each run (≥ 1).
    public let lengths: [Int]
    /// Values selected per row (the sum of `lengths`).
    public let count: Int
    /// One past the largest selected index.
    public let end: Int

    /// The runs of `indices`, which must be ascending and distinct (nil otherwise).
    public init?(ascending indices: [Int]) {
        var starts: [Int] = [], lengths: [Int] = []
        var previous = -1
        for index in indices {
            guard index > previous else { return nil }
            if index == previous + 1, !lengths.isEmpty {
                lengths[lengths.count - 1] += 1
            } else {
                starts.append(index)
                lengths.append(1)
            }
            previous = index
        }
        self.starts = starts
        self.lengths = lengths
        count = indices.count
        end = previous + 1
    }

    /// Every index of a `width`-value row: one run.
    public init(all width: Int) {
        starts = width > 0 ? [0] : []
        lengths = width > 0 ? [width] : []
        count = max(width, 0)
        end = count
    }

    /// The selected indices, ascending.
    public var indices: [Int] {
        var result: [Int] = []
        result.reserveCapacity(count)
        for (start, length) in zip(starts, lengths) { result += start..<(start + length) }
        return result
    }

    /// The coordinate runs (`3·vertex + axis`) of ascending, distinct `vertices`.
    public init?(vertices: [Int]) {
        self.init(ascending: vertices.flatMap { [3 * $0, 3 * $0 + 1, 3 * $0 + 2] })
    }
}

/// Copies the `runs` selection of each of the first `rows` rows of `values` (`[rows, width]`) into
/// `destination` (`[rows, runs.count]`, grown if needed). `threads` > 1 shares the rows out.
///
/// A mask scattered over the mesh is thousands of runs of three values a row: one 16-byte move each
/// (`fp_gather_f32_runs`) rather than a `memmove` call each, which took 1.6 ms for 58 frames.
public func gather(_ values: [Float], rows: Int, width: Int, selecting runs: CoordinateRuns, into destination: inout [Float], threads: Int = 1) {
    guard rows > 0, runs.end <= width, values.count >= rows * width else { return }
    let count = runs.count
    if destination.count < rows * count { destination = uninitializedBuffer(count: rows * count) }
    guard count > 0 else { return }
    let parts = Swift.max(1, Swift.min(threads, rows / 8))
    values.withUnsafeBufferPointer { source in
        destination.withUnsafeMutableBufferPointer { target in
            runs.starts.withUnsafeBufferPointer { starts in
                runs.lengths.withUnsafeBufferPointer { lengths in
                    guard let from = source.baseAddress, let to = target.baseAddress, let s = starts.baseAddress, let l = lengths.baseAddress,
                          MemoryLayout<Int>.size == 8 else { return }
                    let shared = UncheckedSendable((from, to, UnsafeRawPointer(s).assumingMemoryBound(to: Int64.self),
                                                    UnsafeRawPointer(l).assumingMemoryBound(to: Int64.self)))
                    let body: @Sendable (Int) -> Void = { part in
                        // Each part writes its own rows; the capacity given stops a row's last run at the part's end.
                        let (from, to, starts, lengths) = shared.value
                        let first = rows * part / parts, end = rows * (part + 1) / parts
                        for r in first..<end {
                            fp_gather_f32_runs(from + r * width, width, starts, lengths, runs.starts.count, to + r * count, (end - r) * count)
                        }
                    }
                    if parts > 1 { DispatchQueue.concurrentPerform(iterations: parts, execute: body) } else { body(0) }
                }
            }
        }
    }
}
