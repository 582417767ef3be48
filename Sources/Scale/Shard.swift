import Foundation

/// One of `count` shards of a dataset's shots: `--shard I/N`, numbered from 1 (as Slurm's
/// `SLURM_ARRAY_TASK_ID` with `--array=1-N`; a Kubernetes `JOB_COMPLETION_INDEX` is I − 1).
public struct Shard: Sendable, Codable, Hashable, CustomStringConvertible {
    /// 1 … count.
    public let index: Int
    public let count: Int

    /// The most shards a dataset is split into: more than any cluster gives one job.
    public static let maximumCount = 100_000

    public init(index: Int, count: Int) throws {
        guard count >= 1, count <= Shard.maximumCount else {
            throw ScaleError(file: nil, "--shard \(index)/\(count): N must be between 1 and \(Shard.maximumCount)")
        }
        guard index >= 1, index <= count else {
            throw ScaleError(file: nil, "--shard \(index)/\(count): I must be between 1 and N (shards are numbered from 1)")
        }
        self.index = index
        self.count = count
    }

    /// Parses `I/N`.
    public init(parsing text: String) throws {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0].trimmingCharacters(in: .whitespaces)),
              let count = Int(parts[1].trimmingCharacters(in: .whitespaces)) else {
            throw ScaleError(file: nil, "--shard '\(text)': expected I/N, e.g. 3/8 (the third of eight shards)")
        }
        try self.init(index: index, count: count)
    }

    /// `I/N`.
    public var description: String { "\(index)/\(count)" }
    /// `I-of-N`, as part file names carry it.
    public var fileTag: String { "\(index)-of-\(count)" }
}

/// Why sharding, merging or resuming cannot go on.
public struct ScaleError: Error, Sendable, CustomStringConvertible {
    /// The file concerned, when there is one.
    public let file: String?
    public let message: String
    public let hint: String?

    public init(file: String?, _ message: String, hint: String? = nil) {
        self.file = file
        self.message = message
        self.hint = hint
    }

    public var description: String { (file.map { "\($0): " } ?? "") + message }
}
