/// The checks `faceprep merge` makes before combining parts: they are the shards of one run (one split,
/// one command line), none is missing or doubled, and the dataset is still what they read.
public enum PartMerge {
    /// The part files of one command in shard order, or the first reason they cannot be merged.
    /// `partition(n)` splits today's dataset into n shards; `inputs` is its identity today.
    public static func check(_ parts: [(file: String, header: PartHeader)], rerun: String,
                             partition: (Int) throws -> ShotPartition, inputs: InputIdentity) throws -> [String] {
        guard let first = parts.first else { throw ScaleError(file: nil, "no parts to merge") }
        let counts = Set(parts.map(\.header.shard.count))
        if counts.count > 1 {
            let ways = parts.map { "\($0.file) is a shard of \($0.header.shard.count)" }.joined(separator: ", ")
            throw ScaleError(file: nil, "the parts come from different splits (\(ways))", hint: "remove the stale parts, or rerun every shard with one --shard I/N")
        }
        let count = first.header.shard.count
        var byIndex: [Int: String] = [:]
        for part in parts {
            if let other = byIndex[part.header.shard.index] {
                throw ScaleError(file: part.file, "shard \(part.header.shard) is also in \(other)", hint: "remove one of the two")
            }
            byIndex[part.header.shard.index] = part.file
            if part.header.arguments != first.header.arguments || part.header.workingDirectory != first.header.workingDirectory {
                throw ScaleError(file: part.file, "was run as '\(part.header.arguments.joined(separator: " "))' but \(first.file) as '\(first.header.arguments.joined(separator: " "))'",
                                 hint: "every shard of one run needs the same command line but for --shard")
            }
        }
        let missing = (1...count).filter { byIndex[$0] == nil }
        if !missing.isEmpty {
            let list = missing.prefix(10).map(String.init).joined(separator: ", ") + (missing.count > 10 ? ", …" : "")
            throw ScaleError(file: nil, "\(missing.count) of \(count) shards have no part yet: \(list)",
                             hint: "run \(rerun) --shard I/\(count) for each, then merge again")
        }
        for part in parts {
            if let change = part.header.inputs.difference(from: first.header.inputs) {
                throw ScaleError(file: part.file, "read other inputs than \(first.file): \(change)", hint: "rerun every shard on the same dataset")
            }
        }
        if let change = inputs.difference(from: first.header.inputs) {
            throw ScaleError(file: nil, "the dataset changed since the shards ran: \(change)", hint: "rerun the shards (--resume redoes only what changed)")
        }
        let split = try partition(count)
        for part in parts where part.header.shots != split.shots(of: part.header.shard) {
            throw ScaleError(file: part.file, "holds other shots than shard \(part.header.shard) of today's dataset", hint: "rerun the shards")
        }
        return (1...count).compactMap { byIndex[$0] }
    }
}
