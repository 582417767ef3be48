import Foundation
import Formats
import Testing
import TestSupport

/// The command-line contract, run against the built binary as a user runs it: every command's exit
/// code and first line on clean, faulty, unreadable and unwritable inputs and bad usage; every
/// `--json` against the schema; the README's first command; Ctrl-C.
@Suite("faceprep on the command line", .serialized)
struct CLIContractTests {
    /// Datasets made once for the suite with the binary itself.
    static let fixtures: (root: String, clean: String, faulty: String, offset: String, broken: String) = {
        do {
            let root = try makeTemporaryDirectory("faceprep-cli")
            let clean = root + "/clean", faulty = root + "/faulty", offset = root + "/offset"
            let common = ["--shots", "3", "--vertices", "300", "--poses", "24", "--shot-frames", "95-100", "--seed", "4", "--quiet"]
            for (folder, extra) in [(clean, [String]()), (faulty, ["--head-motion", "0,2"]), (offset, ["--animation-delay", "0,6,-5"])] {
                let run = try CLI.run(["synth", folder] + common + extra)
                guard run.status == 0 else { fatalError("synth failed: \(run.stderr)") }
            }
            // Faulty: a stray file at the cache root, collinear jaw keypoints, a deforming tongue vertex.
            try Data("notes".utf8).write(to: URL(fileURLWithPath: faulty + "/cache/skin/README.txt"))
            try AtomicFile.write(NpyWriter.encode(floats: [0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4], shape: [5, 3]), to: faulty + "/xform/jaw_keypoints_neutral.npy")
            let rigid = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: faulty + "/geom/tongue/rigid_vertex_list.json"))) as? [Int] ?? []
            let tonguePath = faulty + "/cache/tongue/shot01_neutral/shot01_neutral.xml"
            let tongue = try VertexCacheIO.read(tonguePath)
            var positions = tongue.positions
            for f in 0..<tongue.frameCount { positions[(f * tongue.vertexCount + rigid[0]) * 3 + 1] += Float(f % 7) * 0.3 }
            try VertexCacheIO.write(try VertexCache(frameCount: tongue.frameCount, vertexCount: tongue.vertexCount, positions: positions,
                                                    framesPerSecond: tongue.framesPerSecond, source: tongue.source), to: tonguePath)
            // Broken: a truncated Maya binary (shot02) and a cache with no frames (shot03).
            let broken = root + "/broken"
            try FileManager.default.copyItem(atPath: clean, toPath: broken)
            let mc = broken + "/cache/skin/shot02_neutral/shot02_neutral.mc"
            try Data(try Data(contentsOf: URL(fileURLWithPath: mc)).prefix(100)).write(to: URL(fileURLWithPath: mc))
            try FileManager.default.removeItem(atPath: broken + "/cache/skin/shot03_neutral/shot03_neutral.xml")
            try FileManager.default.removeItem(atPath: broken + "/cache/skin/shot03_neutral/shot03_neutral.mc")
            try AtomicFile.write(NpyWriter.encode(floats: [], shape: [0, 300, 3]), to: broken + "/cache/skin/shot03_neutral/shot03_neutral.npy")
            // A malformed cache for info and convert.
            try Data([0x93] + Array("NUMPY".utf8) + [1, 0, 10, 0] + Array("{'descr'".utf8)).write(to: URL(fileURLWithPath: root + "/broken.npy"))
            return (root, clean, faulty, offset, broken)
        } catch {
            fatalError("cannot make the CLI fixtures: \(error)")
        }
    }()

    static let missing = "/nonexistent/faceprep-nowhere"
    static let unwritable = "/proc/faceprep-cannot-write-here"

    /// One row of the contract: arguments, expected exit code.
    struct Case: CustomTestStringConvertible, Sendable {
        let command: String
        let situation: String
        let arguments: [String]
        let status: Int32
        /// Whether `--json` is given an envelope to check (not for argument-parser usage errors).
        let checksJSON: Bool
        var testDescription: String { "\(command) — \(situation) → \(status)" }
    }

    static var cases: [Case] {
        let f = fixtures
        let sample = f.clean + "/cache/skin/shot01_neutral/shot01_neutral.xml"
        let out = f.root + "/out-\(UUID().uuidString)"
        var rows: [Case] = []
        func add(_ command: String, _ situation: String, _ arguments: [String], _ status: Int32, json: Bool = true) {
            rows.append(Case(command: command, situation: situation, arguments: arguments, status: status, checksJSON: json))
        }
        add("validate", "clean", ["validate", f.clean], 0)
        add("validate", "findings", ["validate", f.faulty], 1)
        add("validate", "unreadable input", ["validate", missing], 2)
        add("validate", "malformed and 0-frame caches", ["validate", f.broken], 1)
        add("validate", "bad usage", ["validate", f.clean, "--bogus"], 2, json: false)
        add("head", "clean", ["head", f.clean], 0)
        add("head", "findings", ["head", f.faulty], 1)
        add("head", "unreadable input", ["head", missing], 2)
        add("head", "malformed and 0-frame caches", ["head", f.broken], 1)
        add("head", "bad usage", ["head", "--shot", "nope", f.clean], 2)
        add("stabilize", "clean", ["stabilize", f.faulty, "--out", out + "-stab"], 0)
        add("stabilize", "unreadable input", ["stabilize", missing + ".xml", out + "-s.npy"], 2)
        add("stabilize", "unwritable output", ["stabilize", f.faulty, "--out", unwritable], 2)
        add("stabilize", "bad usage", ["stabilize", f.faulty], 2, json: false)
        add("tongue", "clean", ["tongue", f.clean, "--out", out + "-t1"], 0)
        add("tongue", "findings", ["tongue", f.faulty, "--out", out + "-t2"], 1)
        add("tongue", "unreadable input", ["tongue", missing, "--out", out + "-t3"], 2)
        add("tongue", "unwritable output", ["tongue", f.clean, "--out", unwritable], 2)
        add("tongue", "bad usage", ["tongue"], 2, json: false)
        add("jaw", "clean", ["jaw", f.clean, "--out", out + "-j1"], 0)
        add("jaw", "findings", ["jaw", f.faulty, "--out", out + "-j2"], 1)
        add("jaw", "unreadable input", ["jaw", missing, "--out", out + "-j3"], 2)
        add("jaw", "unwritable output", ["jaw", f.clean, "--out", unwritable], 2)
        add("jaw", "bad usage", ["jaw", f.clean, "--out"], 2, json: false)
        add("sync", "clean", ["sync", f.clean], 0)
        add("sync", "findings", ["sync", f.offset, "--strict"], 1)
        add("sync", "unreadable input", ["sync", missing], 2)
        add("sync", "malformed and 0-frame caches", ["sync", f.broken], 1)
        add("sync", "bad usage", ["sync", f.clean, "--max-lag", "0"], 2, json: false)
        add("solve", "clean", ["solve", f.clean, "--out", out + "-solve1"], 0)
        add("solve", "findings", ["solve", f.clean, "--out", out + "-solve2", "--max-fit-error", "1e-12"], 1)
        add("solve", "unreadable input", ["solve", missing, "--out", out + "-solve3"], 2)
        add("solve", "malformed and 0-frame caches", ["solve", f.broken, "--out", out + "-solve4"], 1)
        add("solve", "unwritable output", ["solve", f.clean, "--out", unwritable], 2)
        add("solve", "bad usage", ["solve", f.clean, "--method", "lbfgs"], 2, json: false)
        add("solve", "clean, fit over the mask alone", ["solve", f.clean, "--out", out + "-solve5", "--fit", "mask"], 0)
        add("solve", "clean, no fit", ["solve", f.clean, "--out", out + "-solve6", "--fit", "none"], 0)
        add("solve", "bad usage: a reconstruction needs the whole-mesh fit", ["solve", f.clean, "--fit", "mask", "--write-recon"], 2, json: false)
        add("synth", "clean", ["synth", out + "-synth", "--shots", "1", "--vertices", "200", "--poses", "4", "--shot-frames", "30"], 0)
        add("synth", "unwritable output", ["synth", unwritable, "--shots", "1"], 2)
        add("synth", "bad usage", ["synth", out + "-synth2", "--shot-frames", "9-3"], 2, json: false)
        add("info", "clean", ["info", sample], 0)
        add("info", "findings", ["info", f.root + "/broken.npy"], 1)
        add("info", "unreadable input", ["info", missing + ".npy"], 2)
        add("info", "bad usage", ["info"], 2, json: false)
        add("convert", "clean", ["convert", sample, out + "-c1.npy"], 0)
        add("convert", "findings", ["convert", f.root + "/broken.npy", out + "-c2.pc2"], 1)
        add("convert", "unreadable input", ["convert", missing + ".xml", out + "-c3.npy"], 2)
        add("convert", "unwritable output", ["convert", sample, unwritable + "/x.npy"], 2)
        add("convert", "bad usage", ["convert", sample, out + "-c4.txt"], 2, json: false)
        add("fix", "clean", ["fix", f.offset, "--out", out + "-fix1", "--apply-sync"], 0)
        add("fix", "findings", ["fix", f.faulty, "--out", out + "-fix2"], 1)
        add("fix", "findings, dry run", ["fix", f.faulty, "--out", out + "-fix3", "--dry-run"], 1)
        add("fix", "unreadable input", ["fix", missing, "--out", out + "-fix4"], 2)
        add("fix", "unwritable output", ["fix", f.clean, "--out", unwritable], 2)
        add("fix", "bad usage: the output inside the input", ["fix", f.clean, "--out", f.clean + "/fixed"], 2)
        add("fix", "bad usage", ["fix", f.clean], 2, json: false)
        add("report", "clean", ["report", f.clean, "--out", out + "-report1.html"], 0)
        add("report", "findings are shown, not an exit code", ["report", f.faulty, "--out", out + "-report2.html"], 0)
        add("report", "unreadable input", ["report", missing, "--out", out + "-report3.html"], 2)
        add("report", "unwritable output", ["report", f.clean, "--out", unwritable + "/r.html"], 2)
        add("report", "bad usage", ["report", f.clean, "--shot", "nope", "--out", out + "-report4.html"], 2)
        add("merge", "unreadable input: no parts", ["merge", missing], 2)
        add("merge", "bad usage", ["merge"], 2, json: false)
        add("doctor", "clean", ["doctor"], 0)
        add("doctor", "bad usage", ["doctor", "--blas-threads", "0"], 2, json: false)
        add("bench solve", "clean", ["bench", "solve", "--vertices", "600", "--mask", "200", "--frames", "20", "--scipy-frames", "0", "--repeat", "1"], 0)
        add("bench solve", "bad usage", ["bench", "solve", "--frames", "0"], 2, json: false)
        add("bench e2e", "clean", ["bench", "e2e", "--shots", "2", "--vertices", "300", "--poses", "8", "--shot-frames", "20-24", "--voices", "1",
                                   "--repeat", "1", "--no-peers", "--cache", out + "-bench"], 0)
        add("bench e2e", "bad usage", ["bench", "e2e", "--shot-frames", "9-3"], 2, json: false)
        return rows
    }

    /// Rows for the contract table, written to a file for the record.
    static let table = Mutex<[String]>(["| command | situation | exit | first line |", "|---|---|---|---|"])

    @Test("exit codes and first lines follow the contract; --json matches the schema", arguments: cases)
    func contract(_ row: Case) throws {
        let run = try CLI.run(row.arguments + ["--quiet"])
        #expect(run.status == row.status, "\(row.arguments.joined(separator: " ")): exit \(run.status)\nstdout: \(run.stdout.prefix(600))\nstderr: \(run.stderr.prefix(600))")
        #expect(!run.stderr.contains("Error Domain="), "an NSError dump: \(run.stderr)")
        #expect(!run.stdout.contains("Error Domain="))
        if run.status == 2 || (run.status == 1 && ["info", "convert"].contains(row.command)) {
            #expect(run.stderr.hasPrefix("error: ") || run.stderr.contains("\nerror: ") || run.stderr.hasPrefix("Error: "), "\(run.stderr)")
        }
        Self.table.withLock { $0.append("| \(row.command) | \(row.situation) | \(run.status) | `\(run.firstLine.prefix(110).replacingOccurrences(of: "|", with: "\\|"))` |") }
        guard row.checksJSON else { return }
        let json = try CLI.run(jsonArguments(row.arguments) + ["--json", "--quiet"])
        #expect(json.status == row.status, "with --json: exit \(json.status)\n\(json.stderr.prefix(400))")
        #expect(!json.stdout.contains("\\/"), "escaped slashes")
        let envelope = try json.json()
        let problems = try JSONSchemaValidator(schemaAt: CLI.schemaPath).problems(envelope)
        #expect(problems.isEmpty, "\(row.testDescription): \(problems.prefix(5))")
        #expect(envelope["command"] as? String == row.command)
        let expectedStatus = row.status == 0 ? "ok" : (row.status == 2 || (row.status == 1 && envelope["error"] != nil) ? "failed" : "findings")
        #expect(envelope["status"] as? String == expectedStatus, "\(envelope["status"] ?? "")")
    }

    /// Runs that write must not collide with their first run: a fresh output for the --json run.
    private func jsonArguments(_ arguments: [String]) -> [String] {
        arguments.map { $0.contains("/out-") ? $0.replacingOccurrences(of: "/out-", with: "/out-json-") : $0 }
    }

    @Test("the README's first command validates the sample: no findings (its faceprep.toml ignores the size rules); 3 warnings without it")
    func readmeCommand() throws {
        let run = try CLI.run(["validate", "Samples/sample-dataset"], in: CLI.packageRoot)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.hasSuffix("0 errors, 0 warnings, 0 info\n"), "\(run.stdout.suffix(200))")
        let plain = try CLI.run(["validate", "Samples/sample-dataset", "--no-config"], in: CLI.packageRoot)
        #expect(plain.stdout.contains("DATASET-SHOTS cache/skin/: 3 shots") && plain.stdout.hasSuffix("0 errors, 3 warnings, 0 info\n"))
    }

    @Test("--version on every command; options before or after the dataset; help lists enum values")
    func options() throws {
        for command in [["validate"], ["head"], ["stabilize"], ["tongue"], ["jaw"], ["sync"], ["solve"], ["merge"], ["bench", "solve"], ["synth"], ["info"], ["convert"], ["doctor"], []] {
            let run = try CLI.run(command + ["--version"])
            #expect(run.status == 0 && run.stdout.range(of: #"^\d+\.\d+\.\d+\n$"#, options: .regularExpression) != nil, "\(command): \(run.stdout)\(run.stderr)")
        }
        let before = try CLI.run(["head", "--shot", "shot01_neutral", Self.fixtures.clean, "--quiet"])
        let after = try CLI.run(["head", Self.fixtures.clean, "--shot", "shot01_neutral", "--quiet"])
        #expect(before.status == 0 && before.stdout == after.stdout, "\(before.stderr)")
        #expect(try CLI.run(["solve", "--help"]).stdout.contains("bvls"))
        #expect(try CLI.run(["synth", "--help"]).stdout.contains("mc, mcx, pc2, npy"))
    }

    @Test("doctor: --blas-threads sets the threads per call; OpenBLAS itself stays on one thread in the CLI")
    func threads() throws {
        let run = try CLI.run(["doctor", "--blas-threads", "3", "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let libraries = try #require((try run.json()["results"] as? [String: Any])?["libraries"] as? [String: Any])
        #expect(libraries["blasThreads"] as? Int == 3)
        #expect(libraries["openBLASThreads"] as? Int == 1)
    }

    @Test("solve --fit: mask gives the whole-mesh run's mask figures and no mesh figures; none gives no fit and the same weights")
    func solveFitScopes() throws {
        let out = try makeTemporaryDirectory("faceprep-fit")
        var reports: [String: [[String: Any]]] = [:]
        for fit in ["mesh", "mask", "none"] {
            let run = try CLI.run(["solve", Self.fixtures.clean, "--out", "\(out)/\(fit)", "--fit", fit, "--json", "--quiet"])
            #expect(run.status == 0, "\(run.stderr)")
            let results = try #require(try run.json()["results"] as? [String: Any])
            #expect(results["fit"] as? String == fit)
            reports[fit] = results["shots"] as? [[String: Any]] ?? []
        }
        let mesh = try #require(reports["mesh"]), mask = try #require(reports["mask"]), none = try #require(reports["none"])
        #expect(!mesh.isEmpty && mesh.count == mask.count && mesh.count == none.count)
        for ((a, b), c) in zip(zip(mesh, mask), none) {
            let meshFit = try #require(a["fit"] as? [String: Any]), maskFit = try #require(b["fit"] as? [String: Any])
            #expect(meshFit["mesh"] != nil && maskFit["mesh"] == nil && c["fit"] == nil)
            let x = try #require(meshFit["mask"] as? [String: Any]), y = try #require(maskFit["mask"] as? [String: Any])
            for key in ["mean", "rms", "max"] {
                let p = try #require(x[key] as? Double), q = try #require(y[key] as? Double)
                #expect(abs(p - q) <= 1e-6 * max(p, 1e-12), "\(key): \(p) \(q)")
            }
            #expect(x["worstVertex"] as? Int == y["worstVertex"] as? Int)
            let shot = try #require(a["shot"] as? String)
            let first = try NpyArray.read("\(out)/mesh/\(shot).npy").floats()
            for fit in ["mask", "none"] {
                let other = try NpyArray.read("\(out)/\(fit)/\(shot).npy").floats()
                // Blocks of other heights sum in another order; the float32 outputs agree to 1e-6.
                #expect(other.count == first.count && zip(other, first).allSatisfy { abs($0 - $1) < 1e-6 }, "\(fit): \(shot)")
            }
        }
    }

    @Test("bench e2e: the dataset is made once and reused; every command is run and its frames counted")
    func benchEndToEnd() throws {
        let cache = try makeTemporaryDirectory("faceprep-bench")
        let arguments = ["bench", "e2e", "--shots", "2", "--vertices", "300", "--poses", "8", "--shot-frames", "20-24", "--repeat", "2",
                         "--one-shot-frames", "12", "--no-peers", "--cache", cache, "--json", "--quiet"]
        let first = try CLI.run(arguments)
        #expect(first.status == 0, "\(first.stderr)")
        let results = try #require(try first.json()["results"] as? [String: Any])
        let dataset = try #require(results["dataset"] as? String)
        let marker = dataset + "/.faceprep-bench-complete"
        let made = try #require(try FileManager.default.attributesOfItem(atPath: marker)[.modificationDate] as? Date)
        let frames = try #require(results["frames"] as? Int)
        #expect((40...48).contains(frames) && results["shots"] as? Int == 2)
        let commands = try #require(results["commands"] as? [[String: Any]])
        #expect(commands.map { $0["name"] as? String ?? "" } == ["validate", "head", "sync", "solve", "solve --fit mask"])
        for command in commands {
            let seconds = try #require(command["seconds"] as? Double), perSecond = try #require(command["framesPerSecond"] as? Double)
            #expect(abs(perSecond * seconds - Double(frames)) < 1e-6 * Double(frames))
            #expect(command["status"] as? Int == 0 && (command["peakMegabytes"] as? Double ?? 0) > 1)
        }
        // The fixed cost: a one-shot dataset of its own, solved, less the binary's bare start.
        let one = try #require(results["oneShot"] as? [String: Any])
        let solve = try #require(one["solveSeconds"] as? Double), start = try #require(one["startSeconds"] as? Double)
        let beyond = try #require(one["beyondStartSeconds"] as? Double)
        #expect(one["frames"] as? Int == 12 && start > 0 && solve > start && abs(beyond - (solve - start)) < 1e-12)
        #expect(try FileManager.default.contentsOfDirectory(atPath: cache).filter { $0.hasPrefix("synth-1x300-p8-f12-12") }.count == 1)
        let second = try CLI.run(arguments)
        #expect(second.status == 0)
        #expect(try FileManager.default.attributesOfItem(atPath: marker)[.modificationDate] as? Date == made)
    }

    @Test("bench e2e --against: the second binary's runs alternate with the first's; its medians and the ratio are reported")
    func benchAgainst() throws {
        let dir = try makeTemporaryDirectory("faceprep-bench")
        let log = dir + "/runs.log"
        // Two wrappers around the built binary that log each run's first argument, so the order is seen.
        func wrapper(_ tag: String) throws -> String {
            let path = dir + "/\(tag).sh"
            try "#!/bin/sh\necho \"\(tag) $1\" >> '\(log)'\nexec '\(CLI.binary)' \"$@\"\n".write(toFile: path, atomically: true, encoding: .utf8)
            #expect(chmod(path, 0o755) == 0)
            return path
        }
        let measured = try wrapper("A"), baseline = try wrapper("B")
        let run = try CLI.run(["bench", "e2e", "--shots", "2", "--vertices", "300", "--poses", "8", "--shot-frames", "20-24", "--voices", "1",
                               "--repeat", "2", "--one-shot-frames", "12", "--no-peers", "--cache", dir + "/cache",
                               "--faceprep", measured, "--against", baseline, "--json", "--quiet"])
        #expect(run.status == 0, "\(run.stderr)")
        let lines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(lines.count == 2 * (5 * 2 + 2 * 10), "\(lines)")
        for i in stride(from: 0, to: lines.count - 1, by: 2) {
            #expect(lines[i].hasPrefix("A ") && lines[i + 1] == "B " + lines[i].dropFirst(2), "runs \(i), \(i + 1): \(lines[i]), \(lines[i + 1])")
        }
        #expect(lines.filter { $0 == "A validate" }.count == 2 && lines.filter { $0 == "B --version" }.count == 10)
        let results = try #require(try run.json()["results"] as? [String: Any])
        #expect(results["baseline"] as? String == baseline)
        for command in try #require(results["commands"] as? [[String: Any]]) {
            let seconds = try #require(command["seconds"] as? Double)
            let against = try #require(command["baseline"] as? [String: Any])
            let baselineSeconds = try #require(against["seconds"] as? Double), ratio = try #require(against["ratio"] as? Double)
            #expect(baselineSeconds > 0 && abs(ratio - seconds / baselineSeconds) < 1e-9 && against["status"] as? Int == 0)
        }
        let one = try #require(results["oneShot"] as? [String: Any])
        let solve = try #require(one["baselineSolveSeconds"] as? Double), start = try #require(one["baselineStartSeconds"] as? Double)
        #expect(solve > start && abs((one["baselineBeyondStartSeconds"] as? Double ?? 0) - (solve - start)) < 1e-12)
        // Without --against nothing of the kind is reported.
        let plain = try CLI.run(["bench", "e2e", "--shots", "2", "--vertices", "300", "--poses", "8", "--shot-frames", "20-24", "--voices", "1",
                                 "--repeat", "1", "--one-shot-frames", "0", "--no-peers", "--cache", dir + "/cache", "--json", "--quiet"])
        let plainResults = try #require(try plain.json()["results"] as? [String: Any])
        #expect(plainResults["baseline"] == nil && (plainResults["commands"] as? [[String: Any]])?.allSatisfy { $0["baseline"] == nil } == true)
    }

    @Test("guidance: did you mean a shot or a rule; a path one level too deep; JSON errors with line and column")
    func guidance() throws {
        let shot = try CLI.run(["head", Self.fixtures.clean, "--shot", "shot01"])
        #expect(shot.status == 2 && shot.stderr.contains("did you mean shot01_neutral"), "\(shot.stderr)")
        let rule = try CLI.run(["validate", "--explain", "AUDIO-SHRT"])
        #expect(rule.status == 2 && rule.stderr.contains("did you mean"), "\(rule.stderr)")
        let fixRule = try CLI.run(["fix", Self.fixtures.clean, "--out", Self.fixtures.root + "/fix-rule", "--only", "AUDIO-SHRT"])
        #expect(fixRule.status == 2 && fixRule.stderr.contains("error: AUDIO-SHRT: names no rule") && fixRule.stderr.contains("did you mean"),
                "\(fixRule.stderr)")
        let explained = try CLI.run(["validate", "--explain", "head-motion"])
        #expect(explained.status == 0 && explained.stdout.hasPrefix("HEAD-MOTION  error"))
        let deep = try CLI.run(["validate", Self.fixtures.clean + "/cache/skin"])
        #expect(deep.status == 2 && deep.stderr.contains("looks like the cache/skin folder of the dataset at"), "\(deep.stderr)")
        let high = try CLI.run(["validate", Self.fixtures.root])
        #expect(high.status == 2 && high.stderr.contains("one level down"), "\(high.stderr)")
        let broken = Self.fixtures.root + "/bad.json"
        try Data("{\n  \"upper\": [1, 2,],\n  \"lower\": [3, 4]\n}\n".utf8).write(to: URL(fileURLWithPath: broken))
        let json = try CLI.run(["info", broken])
        #expect(json.status == 1 && json.stderr.contains("line 2, column 18"), "\(json.stderr)")
    }

    @Test("info describes JSON contents, array statistics and npz storage")
    func info() throws {
        let run = try CLI.run(["info", Self.fixtures.clean + "/bs_data/bs_skin_config.json", Self.fixtures.clean + "/bs_data/bs_skin.npz",
                               Self.fixtures.clean + "/geom/skin/lip_dist_vertex_list.json", "--json", "--quiet"])
        #expect(run.status == 0)
        let files = try #require((try run.json()["results"] as? [String: Any])?["files"] as? [[String: Any]])
        let config = try #require(files[0]["json"] as? [String: Any])
        #expect(config["kind"] as? String == "blendshape config")
        #expect(((config["values"] as? [String: Any])?["numPoses"] as? NSNumber)?.intValue == 24)
        let members = try #require(files[1]["arrays"] as? [[String: Any]])
        let neutral = try #require(members.first { $0["name"] as? String == "neutral" })
        #expect(neutral["storage"] as? String == "stored")
        let stats = try #require(neutral["statistics"] as? [String: Any])
        #expect((stats["nonFinite"] as? NSNumber)?.intValue == 0 && (stats["count"] as? NSNumber)?.intValue == 900)
        #expect((files[2]["json"] as? [String: Any])?["kind"] as? String == "upper/lower vertex list")
    }

    @Test("Ctrl-C: a clean line, what was written, exit 130, no partial file under a final name")
    func interrupt() throws {
        let out = Self.fixtures.root + "/interrupted"
        let run = try CLI.interrupt(["synth", out, "--shots", "60", "--vertices", "4000", "--shot-frames", "200", "--format", "npy"], after: 1.5)
        #expect(run.status == 130, "exit \(run.status): \(run.stderr.suffix(300))")
        #expect(run.stderr.contains("interrupted: faceprep synth stopped"), "\(run.stderr.suffix(300))")
        // Every file under its final name is whole: the caches and WAVs read.
        let walker = FileManager.default.enumerator(atPath: out)
        var checked = 0
        while let relative = walker?.nextObject() as? String {
            let name = URL(fileURLWithPath: relative).lastPathComponent
            guard !name.hasPrefix(".") else { continue }
            if relative.hasSuffix(".npy"), relative.hasPrefix("cache/") { _ = try VertexCacheIO.read(out + "/" + relative); checked += 1 }
            if relative.hasSuffix(".wav") { _ = try WavAudio.read(out + "/" + relative); checked += 1 }
        }
        #expect(checked > 0, "the run was interrupted before it wrote anything; nothing was checked")
    }

    @Test("the schema rejects envelopes that break it")
    func schemaRejects() throws {
        let validator = try JSONSchemaValidator(schemaAt: CLI.schemaPath)
        let good: [String: Any] = ["faceprep": "0.5.0", "schema": 1, "command": "tongue", "status": "ok", "timings": ["total": 0.1],
                                   "results": ["shots": [["shot": "a", "frames": 3, "maxResidual": 0.0, "worstFrame": 0, "maxRotationDegrees": 1.0, "deforms": false]],
                                               "errors": [Any]()]]
        #expect(validator.problems(good).isEmpty, "\(validator.problems(good))")
        var badStatus = good; badStatus["status"] = "maybe"
        var noTimings = good; noTimings.removeValue(forKey: "timings")
        var inlined = good
        inlined["results"] = ["shots": [["shot": "a", "frames": 3, "maxResidual": 0.0, "worstFrame": 0, "maxRotationDegrees": 1.0, "deforms": false,
                                         "transforms": [1.0, 0.0]]], "errors": [Any]()]
        var failedWithoutError = good; failedWithoutError["status"] = "failed"
        var extraKey = good; extraKey["passed"] = true
        for (name, bad) in [("status", badStatus), ("timings", noTimings), ("inlined transforms", inlined), ("failed without error", failedWithoutError), ("extra key", extraKey)] {
            #expect(!validator.problems(bad).isEmpty, "\(name) should be rejected")
        }
    }

    @Test("the contract table is written for the record")
    func writeTable() throws {
        let rows = Self.table.withLock { $0 }
        try Data((rows.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: NSTemporaryDirectory() + "faceprep-cli-contract.md"))
    }
}

import Synchronization
