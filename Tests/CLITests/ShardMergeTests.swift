import Foundation
import Testing
import TestSupport

/// `--shard I/N`, `faceprep merge` and `--resume`, run as a cluster runs them: every shard a
/// separate process, then the merge, compared with one single-process run of the same command.
@Suite("shard, merge and resume equal single runs", .serialized)
struct ShardMergeTests {
    /// A dataset with findings for several commands: head motion (shot03_neutral), a late animation (shot02),
    /// shots of different lengths (so the partition's balance matters), one augmented voice.
    static let dataset: (root: String, data: String) = {
        do {
            let root = try makeTemporaryDirectory("faceprep-shard")
            let data = root + "/data"
            let run = try CLI.run(["synth", data, "--shots", "7", "--vertices", "400", "--poses", "24", "--shot-frames", "60-150", "--seed", "9",
                                   "--head-motion", "0,0,2", "--animation-delay", "0,5", "--voices", "1", "--quiet"])
            guard run.status == 0 else { fatalError("synth failed: \(run.stderr)") }
            return (root, data)
        } catch {
            fatalError("cannot make the shard fixture: \(error)")
        }
    }()

    /// JSON without what may differ between runs: timings, seconds, and the output folder's name.
    static func comparable(_ text: String, outputs: [String]) throws -> NSDictionary {
        var normalised = text
        for output in outputs { normalised = normalised.replacingOccurrences(of: output, with: "OUT") }
        let object = try JSONSerialization.jsonObject(with: Data(normalised.utf8))
        func strip(_ value: Any) -> Any {
            if let dictionary = value as? [String: Any] {
                var kept: [String: Any] = [:]
                for (key, item) in dictionary where key != "timings" && !key.lowercased().hasSuffix("seconds") { kept[key] = strip(item) }
                return kept
            }
            if let array = value as? [Any] { return array.map(strip) }
            return value
        }
        return (strip(object) as? [String: Any]).map { NSDictionary(dictionary: $0) } ?? [:]
    }

    struct Command: CustomTestStringConvertible, Sendable {
        let name: String
        /// Arguments after the dataset; `OUT` is replaced by the run's output folder.
        let arguments: [String]
        /// Files each run writes that must be byte-identical (relative to OUT).
        let files: [String]
        var testDescription: String { ([name] + arguments).joined(separator: " ") }
    }

    static let commands: [Command] = [
        Command(name: "validate", arguments: ["--out", "OUT"], files: []),
        Command(name: "head", arguments: ["--out", "OUT"], files: []),
        Command(name: "sync", arguments: ["--out", "OUT"], files: []),
        Command(name: "tongue", arguments: ["--out", "OUT"], files: ["tongue_rigid_transforms.npz"]),
        Command(name: "jaw", arguments: ["--out", "OUT"], files: ["jaw_rigid_transforms.npz"]),
        Command(name: "solve", arguments: ["--out", "OUT"], files: ["shot01_neutral.npy", "shot03_neutral.npy", "shot07_neutral.csv", "fit/shot05_neutral.npz"]),
    ]

    @Test("3 shards + merge print the single run's JSON and text and exit with its code", arguments: commands)
    func shardsEqualSingleRun(_ command: Command) throws {
        let data = Self.dataset.data, root = Self.dataset.root
        let single = root + "/\(command.name)-single", sharded = root + "/\(command.name)-sharded"
        func arguments(_ out: String) -> [String] { [command.name, data] + command.arguments.map { $0 == "OUT" ? out : $0 } }
        let whole = try CLI.run(arguments(single) + ["--json", "--quiet"])
        #expect([0, 1].contains(whole.status), "\(whole.stderr)")

        var shots: [[String]] = []
        for index in 1...3 {
            let shard = try CLI.run(arguments(sharded) + ["--shard", "\(index)/3", "--json", "--quiet"])
            #expect(shard.status == 0, "\(shard.stderr)")
            let envelope = try shard.json()
            #expect(try JSONSchemaValidator(schemaAt: CLI.schemaPath).problems(envelope).isEmpty)
            let results = envelope["results"] as? [String: Any]
            shots.append(results?["shots"] as? [String] ?? [])
            #expect(FileManager.default.fileExists(atPath: "\(sharded)/parts/\(command.name)-\(index)-of-3.json"))
        }
        // Every shot in exactly one shard.
        let all = shots.flatMap { $0 }
        #expect(Set(all).count == all.count && !all.isEmpty)

        let merged = try CLI.run(["merge", sharded, "--json", "--quiet"])
        #expect(merged.status == whole.status, "merge exit \(merged.status), single \(whole.status): \(merged.stderr)")
        #expect(try Self.comparable(merged.stdout, outputs: [sharded]) == Self.comparable(whole.stdout, outputs: [single]),
                "\(merged.stdout.prefix(1500))\n---\n\(whole.stdout.prefix(1500))")
        #expect(try JSONSchemaValidator(schemaAt: CLI.schemaPath).problems(try merged.json()).isEmpty)
        let mergedText = try CLI.run(["merge", sharded, "--quiet"]), wholeText = try CLI.run(arguments(single) + ["--quiet"])
        if command.name == "validate" || command.name == "head" || command.name == "sync" {
            #expect(mergedText.stdout == wholeText.stdout)
        }
        for file in command.files {
            let a = FileManager.default.contents(atPath: single + "/" + file), b = FileManager.default.contents(atPath: sharded + "/" + file)
            #expect(a != nil && a == b, "\(file) differs")
        }
        if command.name == "solve" {
            let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: sharded + "/solve_report.json"))) as? [String: Any]
            #expect((report?["shots"] as? [Any])?.count == 7)
        }
    }

    @Test("merge refuses missing, doubled, mixed and stale parts with the file and exits 2")
    func mergeRefusals() throws {
        let data = Self.dataset.data, out = Self.dataset.root + "/refusals"
        for index in 1...2 { #expect(try CLI.run(["head", data, "--out", out, "--shard", "\(index)/2", "--quiet"]).status == 0) }
        #expect(try CLI.run(["merge", out, "--quiet"]).status == 1)  // shot03 moves: the single run's exit code

        try FileManager.default.moveItem(atPath: out + "/parts/head-2-of-2.json", toPath: out + "/aside.json")
        var run = try CLI.run(["merge", out, "--quiet"])
        #expect(run.status == 2 && run.stderr.contains("1 of 2 shards have no part yet: 2"), "\(run.stderr)")
        #expect(run.stderr.contains("--shard I/2"))

        try FileManager.default.copyItem(atPath: out + "/parts/head-1-of-2.json", toPath: out + "/parts/head-copy.json")
        run = try CLI.run(["merge", out, "--quiet"])
        #expect(run.status == 2 && run.stderr.contains("shard 1/2 is also in"), "\(run.stderr)")
        try FileManager.default.removeItem(atPath: out + "/parts/head-copy.json")
        try FileManager.default.moveItem(atPath: out + "/aside.json", toPath: out + "/parts/head-2-of-2.json")

        #expect(try CLI.run(["head", data, "--out", out, "--shard", "1/3", "--quiet"]).status == 0)
        run = try CLI.run(["merge", out, "--json", "--quiet"])
        #expect(run.status == 2 && run.stderr.contains("different splits"), "\(run.stderr)")
        #expect((try run.json())["status"] as? String == "failed")
        try FileManager.default.removeItem(atPath: out + "/parts/head-1-of-3.json")

        // Another command line in one shard.
        #expect(try CLI.run(["head", data, "--out", out, "--shard", "2/2", "--shot", "shot01_neutral,shot02_amazement", "--quiet"]).status == 0)
        run = try CLI.run(["merge", out, "--quiet"])
        #expect(run.status == 2 && run.stderr.contains("was run as"), "\(run.stderr)")
        #expect(try CLI.run(["head", data, "--out", out, "--shard", "2/2", "--quiet"]).status == 0)

        // The dataset changed after the shards ran.
        let cache = data + "/cache/skin/shot04_amazement/shot04_amazement.mc"
        try FileManager.default.setAttributes([.modificationDate: Date()], ofItemAtPath: cache)
        run = try CLI.run(["merge", out, "--quiet"])
        #expect(run.status == 2 && run.stderr.contains("the dataset changed since the shards ran: cache/skin/shot04_amazement/shot04_amazement.mc changed"), "\(run.stderr)")
        // --resume redoes only that shot; the merge is then accepted.
        run = try CLI.run(["head", data, "--out", out, "--shard", "1/2", "--resume", "--json", "--quiet"])
        let first = try run.json()["results"] as? [String: Any]
        run = try CLI.run(["head", data, "--out", out, "--shard", "2/2", "--resume", "--json", "--quiet"])
        let second = try run.json()["results"] as? [String: Any]
        let shots = ((first?["shots"] as? [String]) ?? []) + ((second?["shots"] as? [String]) ?? [])
        let reused = ((first?["reused"] as? Int) ?? 0) + ((second?["reused"] as? Int) ?? 0)
        #expect(shots.count == 7 && reused == 6, "reused \(reused) of \(shots.count)")
        #expect(try CLI.run(["merge", out, "--quiet"]).status == 1)

        run = try CLI.run(["merge", Self.dataset.root + "/nowhere", "--quiet"])
        #expect(run.status == 2 && run.stderr.hasPrefix("error: ") && run.stderr.contains("no parts folder"), "\(run.stderr)")
        run = try CLI.run(["head", data, "--shard", "3/2", "--out", out, "--quiet"])
        #expect(run.status == 2 && run.stderr.contains("I must be between 1 and N"), "\(run.stderr)")
        run = try CLI.run(["head", data, "--shard", "1/2", "--quiet"])
        #expect(run.status == 2 && run.stderr.contains("need --out DIR"), "\(run.stderr)")
    }

    @Test("tongue --write-stabilized --resume writes again only the stabilised cache that is gone")
    func tongueResumeChecksItsCaches() throws {
        let data = Self.dataset.data, out = Self.dataset.root + "/tongue-resume"
        // tongue keeps outcomes when run with --resume (solve always does).
        let first = try CLI.run(["tongue", data, "--out", out, "--write-stabilized", "--resume", "--quiet"])
        #expect(first.status == 0 || first.status == 1, "\(first.stderr)")
        let shots = ["shot01_neutral", "shot02_amazement", "shot03_neutral", "shot04_amazement", "shot05_neutral", "shot06_amazement", "shot07_neutral"]
        func stabilised(_ shot: String) -> String { "\(out)/tongue_stabilized/\(shot)/\(shot).mc" }
        func modified(_ shot: String) -> Date? { (try? FileManager.default.attributesOfItem(atPath: stabilised(shot)))?[.modificationDate] as? Date }
        let before = shots.map(modified)
        #expect(before.allSatisfy { $0 != nil }, "every shot's stabilised cache is written")
        let original = FileManager.default.contents(atPath: stabilised("shot05_neutral"))
        usleep(20_000)
        try FileManager.default.removeItem(atPath: stabilised("shot05_neutral"))
        let again = try CLI.run(["tongue", data, "--out", out, "--write-stabilized", "--resume", "--quiet"])
        #expect(again.status == first.status, "\(again.stderr)")
        let after = shots.map(modified)
        for (index, shot) in shots.enumerated() where shot != "shot05_neutral" { #expect(before[index] == after[index], "\(shot) reused") }
        #expect(FileManager.default.contents(atPath: stabilised("shot05_neutral")) == original, "shot05's cache written again, the same bytes")
    }

    @Test("solve --resume redoes only the shot whose cache changed or whose output is gone; --shot X keeps the others in the report")
    func solveResume() throws {
        let data = Self.dataset.data, out = Self.dataset.root + "/resume"
        // shot03 moves its head: its fit is poor, a finding (exit 1) in every run.
        #expect(try CLI.run(["solve", data, "--out", out, "--quiet"]).status == 1)
        func modified(_ shot: String) -> Date? {
            (try? FileManager.default.attributesOfItem(atPath: "\(out)/\(shot).npy"))?[.modificationDate] as? Date
        }
        let shots = ["shot01_neutral", "shot02_amazement", "shot03_neutral", "shot04_amazement", "shot05_neutral", "shot06_amazement", "shot07_neutral"]
        let before = shots.map(modified)
        let original = FileManager.default.contents(atPath: "\(out)/shot06_amazement.npy")
        usleep(20_000)
        try FileManager.default.setAttributes([.modificationDate: Date()], ofItemAtPath: data + "/cache/skin/shot02_amazement/shot02_amazement.mc")
        try FileManager.default.removeItem(atPath: "\(out)/shot06_amazement.npy")
        #expect(try CLI.run(["solve", data, "--out", out, "--resume", "--quiet"]).status == 1)
        let after = shots.map(modified)
        for (index, shot) in shots.enumerated() {
            let redone = shot == "shot02_amazement" || shot == "shot06_amazement"
            #expect((before[index] != after[index]) == redone, "\(shot)")
        }
        #expect(FileManager.default.contents(atPath: "\(out)/shot06_amazement.npy") == original)

        // One shot solved again: the report still lists the whole dataset.
        let one = try CLI.run(["solve", data, "--out", out, "--shot", "shot04_amazement", "--json", "--quiet"])
        let results = try one.json()["results"] as? [String: Any]
        #expect((results?["shots"] as? [[String: Any]])?.count == 7)
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/solve_report.json"))) as? [String: Any]
        #expect((report?["shots"] as? [[String: Any]])?.compactMap { $0["shot"] as? String } == shots)
        #expect(modified("shot04_amazement") != after[3] && modified("shot01_neutral") == after[0])
    }
}
