import Foundation
import Formats
import Linalg
import Testing
import TestSupport
@testable import Analysis
@testable import Dataset

/// Whole datasets animated from the ICT-FaceKit fixture by `synth --rig`: `head`, validate and
/// `stabilize` as a user runs them.
@Suite("head, validate and stabilize on ICT-FaceKit datasets", .serialized)
struct ICTRigDatasetTests {
    /// A dataset from the rig; `motion` are the shots' largest head rotations (degrees), cycled.
    static func dataset(motion: [Double], shots: Int = 4, format: SynthesisOptions.CacheKind = .mc) throws -> String {
        let root = try makeTemporaryDirectory("faceprep-ict") + "/ds"
        var options = SynthesisOptions()
        options.rigFile = ICTRig.path
        options.shots = shots
        options.frames = 70...90
        options.seed = 11
        options.format = format
        options.headMotionDegrees = motion
        try DatasetSynthesizer.write(to: root, options: options)
        return root
    }

    @Test("motion-free shots with real expressions are static in head and validate; moving ones are flagged")
    func staticAndMoving() throws {
        let root = try Self.dataset(motion: [0, 0.3, 0, 3])
        let report = try HeadCheck.run(root)
        #expect(report.rigidSet.source == .blendshapes)
        #expect(report.rigidSet.vertices > 100)
        let verdicts = report.shots.map { $0.summary?.passed }
        #expect(verdicts == [true, false, true, false], "\(report.shots)")
        for shot in report.shots where shot.summary?.passed == true {
            #expect(shot.summary!.maxRotationDegrees <= 0.02 && shot.summary!.maxTranslationPercent <= 0.01)
        }
        let validation = try DatasetValidator.validate(root)
        let head = validation.findings.filter { $0.code == "E-HEAD-MOTION" }.map(\.file)
        #expect(head == ["cache/skin/shot02_neutral/shot02_neutral.xml", "cache/skin/shot04_neutral/shot04_neutral.xml"])
        let fix = try #require(validation.findings.first { $0.code == "E-HEAD-MOTION" }?.fix)
        #expect(fix.hasPrefix("faceprep stabilize \(root) --out \(root)-stabilized "), "\(fix)")
        // The tongue rides the jaw (25° at jawOpen 1) and is no offset, scale or order error.
        let tongue = validation.findings.filter { $0.file.hasPrefix("cache/tongue") }
        #expect(tongue.isEmpty, "\(tongue)")
        #expect(validation.findings.allSatisfy { $0.severity != .error || $0.code == "E-HEAD-MOTION" }, "\(validation.findings)")
    }

    @Test("stabilize DATASET --out D: every shot static after, within 0.05 mm of the motion-free truth, tongue included, formats kept")
    func stabilizeDataset() throws {
        let moving = try Self.dataset(motion: [3, 1, 0.3, 5])
        let truth = try Self.dataset(motion: [0])
        let out = try makeTemporaryDirectory("faceprep-stab") + "/out"
        let results = try Stabilizer.stabilizeDataset(moving, output: out)
        #expect(results.count == 4)
        #expect(results.allSatisfy { $0.tongue != nil })
        #expect(abs(results[0].removed.maxRotationDegrees - 3) < 0.05, "\(results[0].removed)")
        let after = try HeadCheck.run(out)
        #expect(after.shots.allSatisfy { $0.summary?.passed == true && $0.summary!.maxRotationDegrees < 0.001 }, "\(after.shots)")
        for kind in ["skin", "tongue"] {
            for shot in try FileManager.default.contentsOfDirectory(atPath: "\(truth)/cache/\(kind)") {
                let file = "cache/\(kind)/\(shot)/\(shot).xml"
                let expected = try VertexCacheIO.read("\(truth)/\(file)")
                let got = try VertexCacheIO.read("\(out)/\(file)")
                #expect(got.source.format == .mayaCache && got.frameCount == expected.frameCount)
                let worst = zip(expected.positions, got.positions).map { abs(Double($0) - Double($1)) }.max() ?? .infinity
                #expect(worst <= 0.005, "\(file): \(worst) cm")
            }
        }
        // Everything else is the input's file, and the input is untouched.
        #expect(FileManager.default.contentsEqual(atPath: "\(moving)/audio/shot01_neutral.wav", andPath: "\(out)/audio/shot01_neutral.wav"))
        #expect(try HeadCheck.run(moving).shots.allSatisfy { $0.summary?.passed == false })
        let validation = try DatasetValidator.validate(out)
        #expect(validation.findings.filter { $0.severity == .error }.isEmpty, "\(validation.findings)")
    }

    @Test("stabilize refuses an output inside the dataset or not empty")
    func stabilizeRefuses() throws {
        let root = try Self.dataset(motion: [0], shots: 1, format: .npy)
        #expect(throws: FormatError.self) { try Stabilizer.stabilizeDataset(root, output: root + "/stable") }
        try FileManager.default.createDirectory(atPath: root + "-full/x", withIntermediateDirectories: true)
        #expect(throws: FormatError.self) { try Stabilizer.stabilizeDataset(root, output: root + "-full") }
    }

    @Test("a cache inside a dataset is stabilised against its neutral by default; first-frame keeps a constant tilt")
    func singleCacheReference() throws {
        let root = try Self.dataset(motion: [0], shots: 1, format: .npy)
        let file = "\(root)/cache/skin/shot01_neutral/shot01_neutral.npy"
        let cache = try VertexCacheIO.read(file)
        let tilt = rotation(degrees: 1, axis: SIMD3(1, 0, 0), pivot: .zero)
        try VertexCacheIO.write(try withPositions(cache, moved(cache.positions, vertexCount: cache.vertexCount) { _ in tilt }), to: file)
        #expect(try HeadCheck.run(root).shots[0].summary?.passed == false)

        let folder = try makeTemporaryDirectory("faceprep-stab1")
        let (removed, against) = try Stabilizer.stabilize(input: file, output: folder + "/n.npy", neutral: nil, reference: .neutral)
        #expect(abs(removed.maxRotationDegrees - 1) < 0.01 && against.hasSuffix(DatasetFiles.skinNeutral))
        let stable = try VertexCacheIO.read(folder + "/n.npy")
        let worst = zip(stable.positions, cache.positions).map { abs($0 - $1) }.max() ?? .infinity
        #expect(worst <= 0.005, "\(worst)")

        let (kept, _) = try Stabilizer.stabilize(input: file, output: folder + "/f.npy", neutral: nil, reference: .firstFrame)
        #expect(kept.maxRotationDegrees < 0.02, "a constant tilt is no motion against the first frame")
        let reference = try HeadReference.load(try DatasetLayout.discover(root))
        let tilted = try VertexCacheIO.frames(folder + "/f.npy")
        #expect(abs(try HeadCheck.estimate(tilted, reference: reference).summary.maxRotationDegrees - 1) < 0.01)

        // Outside a dataset, without --neutral, the user must choose.
        try FileManager.default.copyItem(atPath: file, toPath: folder + "/loose.npy")
        #expect(throws: FormatError.self) { try Stabilizer.stabilize(input: folder + "/loose.npy", output: folder + "/l.npy", neutral: nil, reference: .neutral) }
    }

    @Test("a tongue with the wrong scale or vertex order is still caught after its rigid alignment, in tongue words")
    func tongueFaults() throws {
        let root = try Self.dataset(motion: [0], shots: 2, format: .npy)
        let file = "\(root)/cache/tongue/shot01_neutral/shot01_neutral.npy"
        let cache = try VertexCacheIO.read(file)
        try VertexCacheIO.write(try withPositions(cache, cache.positions.map { $0 * 1.5 }), to: file)
        var findings = try DatasetValidator.validate(root).findings.filter { $0.file.hasPrefix("cache/tongue") }
        #expect(findings.map(\.code) == ["E-CACHE-SCALE"], "\(findings)")
        #expect(findings.first?.message.contains("tongue neutral's after removing the tongue's rigid motion") == true, "\(findings)")

        let v = cache.vertexCount
        var reversed = cache.positions
        for f in 0..<cache.frameCount {
            for i in 0..<v { for c in 0..<3 { reversed[(f * v + i) * 3 + c] = cache.positions[(f * v + (v - 1 - i)) * 3 + c] } }
        }
        try VertexCacheIO.write(try withPositions(cache, reversed), to: file)
        findings = try DatasetValidator.validate(root).findings.filter { $0.file.hasPrefix("cache/tongue") }
        #expect(findings.map(\.code) == ["E-CACHE-ORDER"], "\(findings)")
    }
}
