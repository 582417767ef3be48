import Analysis
import Foundation
import Formats
import TestSupport
import Testing
@testable import Dataset

/// A synthetic dataset whose caches are exactly neutral + weights·deltas of its own blendshapes.
private func solveDataset(seed: UInt64 = 21) throws -> String {
    let root = try makeTemporaryDirectory("faceprep-solve") + "/ds"
    var options = SynthesisOptions()
    options.shots = 2
    options.vertices = 400
    options.poses = 24
    options.frames = 40...60
    options.seed = seed
    try DatasetSynthesizer.write(to: root, options: options)
    return root
}

private func editConfig(_ root: String, _ file: String = DatasetFiles.bsSkinConfig, _ change: (inout BlendshapeConfig) -> Void) throws {
    var config = try JSONFile.read(BlendshapeConfigFile.self, from: "\(root)/\(file)")
    change(&config.blendshapeParams)
    try JSONFile.write(config, to: "\(root)/\(file)")
}

@Suite("solve: blendshape weights for a dataset's caches")
struct SolveTests {
    @Test("with every strength 0 the solve reproduces the caches: npy [F, K] float32, csv and report agree")
    func exactDataset() throws {
        let root = try solveDataset()
        defer { try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: root).deletingLastPathComponent().path) }
        try editConfig(root) { config in
            config.strengthL1regularization = 0; config.strengthL2regularization = 0
            config.strengthTemporalSmoothing = 0; config.strengthSymmetry = 0
            config.bsSolveCancelPoses = Array(repeating: -1, count: config.numPoses)
        }
        var options = SolveRun.Options()
        options.writeReconstruction = true
        let report = try SolveRun.run(root, options: options)
        #expect(report.shots.count == 2 && !report.failed)
        #expect(report.poseNames.count == 24 && report.activePoses == 24)
        for shot in report.shots {
            let fit = try #require(shot.fit)
            #expect((fit.mesh?.max ?? 1) < 1e-3, "\(shot.shot): \((fit.mesh?.max ?? 1))")
            let weights = try NpyArray.read("\(report.output)/\(shot.shot).npy")
            #expect(weights.shape == [shot.frames, 24])
            #expect(weights.dtype.name == "float32")
            let values = try weights.floats()
            #expect(values.allSatisfy { $0 >= -1e-6 && $0 <= 1 + 1e-6 })
            let csv = try String(contentsOfFile: "\(report.output)/\(shot.shot).csv", encoding: .utf8).split(separator: "\n")
            #expect(csv.count == shot.frames + 1)
            #expect(csv[0].hasPrefix("frame,time,eyeBlinkLeft,"))
            let row = csv[1].split(separator: ",")
            #expect(row.count == 26 && row[0] == "0")
            #expect(abs((Double(row[2]) ?? .nan) - Double(values[0])) < 1e-5)
            // The reconstruction read back equals the shot it was solved from.
            let recon = try VertexCacheIO.read("\(report.output)/recon/\(shot.shot).xml")
            let original = try VertexCacheIO.read("\(root)/\(shot.file)")
            #expect(recon.frameCount == original.frameCount)
            #expect(zip(recon.positions, original.positions).map { abs($0 - $1) }.max() ?? 1 < 1e-3)
        }
        let decoded = try JSONDecoder().decode(SolveRun.Report.self, from: Data(contentsOf: URL(fileURLWithPath: "\(report.output)/solve_report.json")))
        #expect(decoded.shots.map(\.shot) == report.shots.map(\.shot))
    }

    @Test("the dataset's config is honoured: inactive poses, multipliers, offsets, cancel pairs; tongue too")
    func configHonoured() throws {
        let root = try solveDataset(seed: 22)
        defer { try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: root).deletingLastPathComponent().path) }
        try editConfig(root) { config in
            config.bsSolveActivePoses[17] = 0                       // jawOpen off
            config.bsWeightMultipliers[20] = 2
            config.bsWeightOffsets[17] = 0.25
            config.bsWeightOffsets[21] = 0.1
        }
        let report = try SolveRun.run(root)
        let first = try #require(report.shots.first)
        let values = try NpyArray.read("\(report.output)/\(first.shot).npy").floats()
        for f in 0..<first.frames {
            #expect(values[f * 24 + 17] == 0.25)
            #expect(values[f * 24 + 21] >= 0.1 - 1e-6 && values[f * 24 + 21] <= 1.1 + 1e-6)
            #expect(values[f * 24 + 20] <= 2 + 1e-5)
        }
        #expect(first.poses[17].active == false)
        var tongue = SolveRun.Options()
        tongue.tongue = true
        let tongueReport = try SolveRun.run(root, options: tongue)
        #expect(!tongueReport.failed && tongueReport.kind == "tongue" && tongueReport.shots.count == 2)
        #expect(FileManager.default.fileExists(atPath: "\(root)/solve_tongue/\(first.shot).npy"))
    }

    @Test("fit/<shot>.npz: the per-frame and per-vertex RMS errors fold back into the report's RMS, over the mesh and over the mask")
    func fitOverTimeAndMesh() throws {
        let root = try solveDataset(seed: 23)
        defer { try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: root).deletingLastPathComponent().path) }
        for scope in [BlendshapeFit.Scope.mesh, .mask] {
            var options = SolveRun.Options()
            options.fit = scope
            options.output = root + "/solve-\(scope.rawValue)"
            let report = try SolveRun.run(root, options: options)
            for shot in report.shots {
                let fit = try #require(shot.fit)
                let expected = scope == .mesh ? try #require(fit.mesh) : fit.mask
                let archive = try NpzArchive.read("\(report.output)/fit/\(shot.shot).npz")
                let frames = try archive.array("frameRMS").floats().map(Double.init)
                let vertices = try archive.array("vertexRMS").floats().map(Double.init).filter { !$0.isNaN }
                #expect(frames.count == shot.frames)
                let overFrames = (frames.map { $0 * $0 }.reduce(0, +) / Double(frames.count)).squareRoot()
                let overVertices = (vertices.map { $0 * $0 }.reduce(0, +) / Double(vertices.count)).squareRoot()
                #expect(abs(overFrames - expected.rms) <= 1e-6 * expected.rms && abs(overVertices - expected.rms) <= 1e-6 * expected.rms,
                        "\(scope) \(shot.shot): \(overFrames) \(overVertices) against \(expected.rms)")
                #expect(vertices.count == (scope == .mesh ? 400 : report.maskVertices))
            }
        }
    }

    @Test("a cache with a NaN fails its shot with the frame named; the other shot is solved")
    func nonFiniteCache() throws {
        let root = try solveDataset(seed: 24)
        defer { try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: root).deletingLastPathComponent().path) }
        let shots = try DatasetLayout.discover(root).skin.map(\.shot)
        try rewriteSkin(root, shot: shots[1]) { cache in
            var positions = cache.positions
            positions[7 * cache.vertexCount * 3 + 5] = .nan
            return try withPositions(cache, positions)
        }
        let report = try SolveRun.run(root)
        #expect(report.failed)
        #expect(report.shots[0].error == nil && report.shots[0].fit != nil)
        #expect(report.shots[1].error?.contains("frame 7, vertex 1 holds non-finite positions") == true, "\(report.shots[1].error ?? "")")
    }

    @Test("a broken setup stops the solve with validate's findings")
    func brokenSetup() throws {
        let root = try solveDataset(seed: 23)
        defer { try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: root).deletingLastPathComponent().path) }
        try editConfig(root) { $0.numPoses = 23 }
        #expect {
            try SolveRun.run(root)
        } throws: { error in
            guard let problems = error as? BlendshapeSetup.Problems else { return false }
            return problems.findings.contains { $0.code == "E-BS-CONFIG" && $0.message.contains("numPoses is 23") }
        }
        try FileManager.default.removeItem(atPath: "\(root)/\(DatasetFiles.bsSkin)")
        #expect(throws: BlendshapeSetup.Problems.self) { try SolveRun.run(root) }
        #expect(!FileManager.default.fileExists(atPath: "\(root)/solve/solve_report.json"))
    }
}
