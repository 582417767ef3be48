import Foundation
import Testing
import TestSupport
@testable import Scale

@Suite("Scale: shards, the partition, input identities, merge refusals")
struct ScaleTests {
    @Test("--shard I/N parses 1-based shards and refuses the rest with the rule")
    func shardParsing() throws {
        let shard = try Shard(parsing: "3/8")
        #expect(shard.index == 3 && shard.count == 8 && shard.fileTag == "3-of-8")
        for bad in ["0/4", "5/4", "1/0", "2", "a/b", "1/2/3", "-1/3"] {
            #expect(throws: ScaleError.self) { try Shard(parsing: bad) }
        }
    }

    @Test("the partition covers every shot once, is balanced within the LPT bound and independent of input order")
    func partitionBalance() throws {
        var generator = SystemRandomNumberGenerator()
        var shots: [String: Int] = [:]
        for i in 0..<200 { shots[String(format: "shot%03d", i)] = Int.random(in: 50...3_000, using: &generator) }
        let total = shots.values.reduce(0, +)
        for count in [1, 2, 3, 7, 16, 199, 200, 250] {
            let partition = ShotPartition(shots, count: count)
            #expect(partition.shards.count == count)
            let all = partition.shards.flatMap { $0 }
            #expect(all.sorted() == shots.keys.sorted())
            #expect(Set(all).count == all.count)
            for shard in partition.shards { #expect(shard == shard.sorted()) }
            // LPT: the heaviest shard is within max(total/count·4/3, the longest shot) + the longest shot.
            let loads = partition.shards.map { $0.reduce(0) { $0 + (shots[$1] ?? 0) } }
            let longest = shots.values.max() ?? 0
            #expect(Double(loads.max() ?? 0) <= Double(total) / Double(count) + Double(longest))
            // A rebuilt dictionary (another hash order) gives the same split.
            let shuffled = Dictionary(uniqueKeysWithValues: shots.shuffled().map { ($0.key, $0.value) })
            #expect(ShotPartition(shuffled, count: count) == partition)
        }
        // A closed case: 6, 5, 4, 3, 2, 1 frames on 2 shards → LPT loads 11 and 10.
        let small = ShotPartition(["a": 6, "b": 5, "c": 4, "d": 3, "e": 2, "f": 1], count: 2)
        #expect(small.shards == [["a", "d", "e"], ["b", "c", "f"]])
    }

    @Test("identities see a changed size or time, a new and a removed file")
    func identities() throws {
        let root = try makeTemporaryDirectory("faceprep-scale")
        defer { try? FileManager.default.removeItem(atPath: root) }
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: root + "/a.bin"))
        try Data([4]).write(to: URL(fileURLWithPath: root + "/b.bin"))
        let before = InputIdentity.of(["a.bin", "b.bin"], root: root)
        #expect(before.files.map(\.size) == [3, 1])
        #expect(InputIdentity.of(["b.bin", "a.bin"], root: root).difference(from: before) == nil)
        try Data([1, 2, 3, 4]).write(to: URL(fileURLWithPath: root + "/a.bin"))
        #expect(InputIdentity.of(["a.bin", "b.bin"], root: root).difference(from: before) == "a.bin changed (size 3 → 4 bytes)")
        let afterEdit = InputIdentity.of(["a.bin", "b.bin"], root: root)
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 1_000_000)], ofItemAtPath: root + "/b.bin")
        #expect(InputIdentity.of(["a.bin", "b.bin"], root: root).difference(from: afterEdit)?.hasPrefix("b.bin changed (modified ") == true)
        #expect(InputIdentity.of(["a.bin"], root: root).difference(from: afterEdit) == "b.bin is no longer among the inputs")
        #expect(InputIdentity.of(["a.bin", "b.bin", "c.bin"], root: root).difference(from: .of(["a.bin", "b.bin"], root: root)) == "c.bin is a new input")
    }

    @Test("merge refuses mixed splits, doubled, missing and stale parts, naming the file")
    func mergeRefusals() throws {
        let shots = ["a": 10, "b": 9, "c": 8]
        let inputs = InputIdentity([FileIdentity(path: "x", size: 1, modified: 2)])
        func header(_ i: Int, _ n: Int, arguments: [String] = ["D"], inputs: InputIdentity = inputs) -> PartHeader {
            PartHeader(format: Part<Int>.formatName, command: "head", arguments: arguments, workingDirectory: "/w",
                       shard: try! Shard(index: i, count: n), inputs: inputs, shots: ShotPartition(shots, count: n).shots(of: try! Shard(index: i, count: n)),
                       seconds: 1, host: "h")
        }
        func check(_ parts: [(String, PartHeader)], today: InputIdentity = inputs) throws -> [String] {
            try PartMerge.check(parts.map { (file: $0.0, header: $0.1) }, rerun: "faceprep head D", partition: { ShotPartition(shots, count: $0) }, inputs: today)
        }
        #expect(try check([("p2", header(2, 2)), ("p1", header(1, 2))]) == ["p1", "p2"])
        func message(_ body: () throws -> [String]) -> String {
            do { _ = try body(); return "" } catch let error as ScaleError { return error.description } catch { return "\(error)" }
        }
        #expect(message { try check([("p1", header(1, 2)), ("q1", header(1, 3))]) }.contains("different splits"))
        #expect(message { try check([("p1", header(1, 2)), ("copy", header(1, 2))]) } == "copy: shard 1/2 is also in p1")
        #expect(message { try check([("p1", header(1, 3))]) } == "2 of 3 shards have no part yet: 2, 3")
        #expect(message { try check([("p1", header(1, 2)), ("p2", header(2, 2, arguments: ["D", "--shot", "a"]))]) }.hasPrefix("p2: was run as"))
        let other = InputIdentity([FileIdentity(path: "x", size: 5, modified: 2)])
        #expect(message { try check([("p1", header(1, 2)), ("p2", header(2, 2, inputs: other))]) } == "p2: read other inputs than p1: x changed (size 1 → 5 bytes)")
        #expect(message { try check([("p1", header(1, 2)), ("p2", header(2, 2))], today: other) } == "the dataset changed since the shards ran: x changed (size 1 → 5 bytes)")
    }
}
