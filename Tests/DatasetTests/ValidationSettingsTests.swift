import Foundation
import Formats
import Testing
import TestSupport
@testable import Dataset

/// Team settings change validate's findings exactly as written: selection, severities, per-path
/// ignores, thresholds, and faceprep.toml with its errors.
@Suite("validate settings and faceprep.toml", .serialized)
struct ValidationSettingsTests {
    private func validate(_ root: String, _ settings: ValidationSettings) throws -> Set<String> {
        var options = ValidationOptions()
        options.settings = settings
        return findingKeys(try DatasetValidator.validate(root, options: options))
    }

    @Test("selectors: ids, word prefixes, severities, both, ALL; a selector that names no rule is refused")
    func selectors() throws {
        #expect(try RuleSelector("AUDIO").matches("AUDIO-RATE", severity: .warning))
        #expect(!(try RuleSelector("AUDIO").matches("AUG-DRIFT", severity: .warning)))
        #expect(try RuleSelector("W-").matches("AUDIO-RATE", severity: .warning))
        #expect(!(try RuleSelector("W-").matches("HEAD-MOTION", severity: .error)))
        #expect(try RuleSelector("W-AUDIO").matches("AUDIO-LONG", severity: .warning))
        #expect(!(try RuleSelector("W-AUDIO").matches("AUDIO-SHORT", severity: .error)))
        #expect(try RuleSelector("E-HEAD-MOTION").matches("HEAD-MOTION", severity: .error))
        #expect(try RuleSelector("all").matches("BS-CONFIG", severity: .error))
        #expect(throws: UsageProblem.self) { try RuleSelector("AUDI") }
        #expect(throws: UsageProblem.self) { try RuleSelector("HEAD-MOTOIN") }
    }

    @Test("ignore, re-grade and re-threshold change the findings exactly as written")
    func settingsChangeFindings() throws {
        let root = try datasetCopy()
        // A 0.5° nod in frames 30–59 of the first shot, and a stray file.
        try rewriteSkin(root) { c in
            var p = c.positions
            let r = RigidTransformForTests.rotationX(degrees: 0.5)
            for f in 30..<60 { for v in 0..<c.vertexCount { let k = (f * c.vertexCount + v) * 3; (p[k + 1], p[k + 2]) = r(p[k + 1], p[k + 2]) } }
            return try withPositions(c, p)
        }
        try Data("x".utf8).write(to: URL(fileURLWithPath: root + "/cache/skin/notes.txt"))
        let head = "E-HEAD-MOTION cache/skin/\(firstShot)/\(firstShot).xml"
        let base = try validate(root, ValidationSettings())
        #expect(base.isSuperset(of: [head, "E-LAYOUT-STRAY cache/skin/notes.txt", "W-DATASET-SHOTS cache/skin/"]), "\(base)")

        var ignoring = ValidationSettings()
        ignoring.ignore = [try RuleSelector("LAYOUT"), try RuleSelector("W-")]
        #expect(try validate(root, ignoring) == base.filter { !$0.hasPrefix("E-LAYOUT") && !$0.hasPrefix("W-") })

        var selecting = ValidationSettings()
        selecting.select = [try RuleSelector("HEAD-MOTION")]
        #expect(try validate(root, selecting) == [head])

        var regrade = ValidationSettings()
        regrade.severities["HEAD-MOTION"] = .warning
        let regraded = try validate(root, regrade)
        #expect(regraded.contains("W-HEAD-MOTION cache/skin/\(firstShot)/\(firstShot).xml") && !regraded.contains(head))

        var loose = ValidationSettings()
        loose.thresholds.headRotationDegrees = 1.0
        loose.thresholds.datasetMinShots = 6
        let loosened = try validate(root, loose)
        #expect(!loosened.contains(head) && !loosened.contains("W-DATASET-SHOTS cache/skin/"))
        #expect(loosened == base.subtracting([head, "W-DATASET-SHOTS cache/skin/"]))

        var perPath = ValidationSettings()
        perPath.pathIgnores = [ValidationSettings.PathIgnore(pattern: firstShot, rules: [try RuleSelector("HEAD-MOTION")]),
                               ValidationSettings.PathIgnore(pattern: "cache/skin/*.txt", rules: [try RuleSelector("ALL")])]
        #expect(try validate(root, perPath) == base.subtracting([head, "E-LAYOUT-STRAY cache/skin/notes.txt"]))

        // --strict: warnings fail, ignored ones do not.
        var options = ValidationOptions()
        options.settings.ignore = [try RuleSelector("E-"), try RuleSelector("DATASET")]
        let report = try DatasetValidator.validate(root, options: options)
        #expect(report.exitCode(strict: true) == 0, "\(report.findings.map(\.code))")
        options.settings.ignore = [try RuleSelector("E-")]
        #expect(try DatasetValidator.validate(root, options: options).exitCode(strict: true) == 1)
        #expect(try DatasetValidator.validate(root, options: options).exitCode(strict: false) == 0)
    }

    @Test("faceprep.toml: every section is read; unknown keys and bad values are errors naming the key and its line")
    func projectConfig() throws {
        let folder = try makeTemporaryDirectory("faceprep-toml")
        let path = folder + "/faceprep.toml"
        try Data("""
            [validate]
            select = ["ALL"]
            ignore = ["DATASET-SHOTS", "W-AUDIO"]
            model = "regression"
            emotions = ["neutral", "joy"]

            [validate.severity]
            CACHE-DTYPE = "error"

            [validate.per-path-ignores]
            "audio/aug/*" = ["AUG-DRIFT"]

            [validate.thresholds]
            head-rotation-degrees = 0.3
            sync-offset-frames = 3
            """.utf8).write(to: URL(fileURLWithPath: path))
        var settings = ValidationSettings()
        try ProjectConfig.apply(path, to: &settings)
        #expect(settings.ignore.map(\.text) == ["DATASET-SHOTS", "W-AUDIO"])
        #expect(settings.model == .regression && settings.emotions == ["neutral", "joy"])
        #expect(settings.severities == ["CACHE-DTYPE": .error])
        #expect(settings.pathIgnores.map(\.pattern) == ["audio/aug/*"])
        #expect(settings.thresholds.headRotationDegrees == 0.3 && settings.thresholds.syncOffsetFrames == 3)
        #expect(settings.origins["thresholds.head-rotation-degrees"] == "faceprep.toml line 14")
        #expect(settings.origins["ignore"] == "faceprep.toml line 3")

        for (text, key, line) in [("[validate]\nselect = [\"ALL\"]\nignor = [\"X\"]\n", "validate.ignor", 3),
                                  ("[validate.thresholds]\nhead-rotation = 0.3\n", "head-rotation", 2),
                                  ("[validate]\nmodel = \"gan\"\n", "validate.model", 2),
                                  ("[validate.severity]\nHEAD-MOTION = \"fatal\"\n", "HEAD-MOTION", 2),
                                  ("[report]\nx = 1\n", "report", 1)] {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            var s = ValidationSettings()
            do {
                try ProjectConfig.apply(path, to: &s)
                Issue.record("accepted \(text)")
            } catch let problem as UsageProblem {
                #expect(problem.subject == "\(path): \(key) (line \(line))", "\(problem)")
            }
        }
        try Data("[validate\nselect = 1\n".utf8).write(to: URL(fileURLWithPath: path))
        var s = ValidationSettings()
        #expect(throws: UsageProblem.self) { try ProjectConfig.apply(path, to: &s) }
    }
}

/// A rotation about +x for the tests, on (y, z) pairs.
enum RigidTransformForTests {
    static func rotationX(degrees: Double) -> (Float, Float) -> (Float, Float) {
        let a = degrees * .pi / 180
        return { y, z in (Float(Double(y) * cos(a) - Double(z) * sin(a)), Float(Double(y) * sin(a) + Double(z) * cos(a))) }
    }
}
