/// A stable split of a dataset's shots into shards of about equal work: every machine that sees the
/// same shot list and frame counts computes the same shards, so a cluster's tasks need no
/// coordinator. Longest first (by frames, then by name), each onto the lightest shard so far (the
/// lowest-numbered among equals): the classic LPT schedule, within 4/3 of the best balance.
public struct ShotPartition: Sendable, Equatable {
    /// The shots of each shard, shard 1 first, each in name order.
    public let shards: [[String]]

    /// Splits `shots` (name → frames; unreadable caches count as 1 frame) into `count` shards.
    public init(_ shots: [String: Int], count: Int) {
        var loads = [Int](repeating: 0, count: max(1, count))
        var members = [[String]](repeating: [], count: max(1, count))
        let order = shots.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
        for (shot, frames) in order {
            var lightest = 0
            for s in loads.indices where loads[s] < loads[lightest] { lightest = s }
            loads[lightest] += max(1, frames)
            members[lightest].append(shot)
        }
        shards = members.map { $0.sorted() }
    }

    /// The shots of `shard`, in name order.
    public func shots(of shard: Shard) -> [String] {
        shard.index <= shards.count ? shards[shard.index - 1] : []
    }
}
