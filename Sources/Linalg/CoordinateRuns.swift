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
    /// The selection between the first start and `end` as chunks of 16 indices, bit j of chunk k for
    /// index `starts[0] + 16k + j`, for decoding it a chunk at a time; empty unless `isFragmented`
    /// (a whole row, made for every block of whole frames read, needs none).
    public let chunkMasks: [UInt16]

    /// Whether the runs are short enough (one every four chunks or more) that decoding by chunk masks
    /// beats a copy per run: a frontal mask of isolated vertices, not a whole row.
    public var isFragmented: Bool { !chunkMasks.isEmpty }

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
        chunkMasks = Self.masks(starts: starts, lengths: lengths, end: end)
    }

    /// Every index of a `width`-value row: one run.
    public init(all width: Int) {
        starts = width > 0 ? [0] : []
        lengths = width > 0 ? [width] : []
        count = max(width, 0)
        end = count
        chunkMasks = Self.masks(starts: starts, lengths: lengths, end: end)
    }

    /// `chunkMasks` of these runs: empty when there are fewer than one run every four chunks.
    private static func masks(starts: [Int], lengths: [Int], end: Int) -> [UInt16] {
        guard let first = starts.first, starts.count > 1, starts.count * 64 >= end - first else { return [] }
        return chunks(starts: starts, lengths: lengths, from: first, to: end)
    }

    /// The runs as chunks of 16 indices from `origin` up to `end` (≥ every run's end): bit j of chunk
    /// k for index `origin + 16k + j`.
    private static func chunks(starts: [Int], lengths: [Int], from origin: Int, to end: Int) -> [UInt16] {
        var masks = [UInt16](repeating: 0, count: (end - origin + 15) / 16)
        for (start, length) in zip(starts, lengths) {
            for index in (start - origin)..<(start - origin + length) { masks[index / 16] |= 1 << UInt16(index % 16) }
        }
        return masks
    }

    /// The selection over a whole row of `width` values (≥ `end`) as chunks of 16 indices, bit j of
    /// chunk k for index 16k + j, ⌈width / 16⌉ chunks: for a pass that reads every value of the row and
    /// keeps the selected ones on the way (validate's sampled vertices).
    public func rowMasks(width: Int) -> [UInt16] {
        Self.chunks(starts: starts, lengths: lengths, from: 0, to: Swift.max(width, end))
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
