import Foundation
import Formats
import Linalg
import Testing
import TestSupport
@testable import Analysis
@testable import Dataset

@Suite("tongue, jaw and stabilize on synthetic datasets", .serialized)
struct RigidSetTests {
    @Test("tongue: rigid vertices fit exactly; M·[x_frame, 1] gives the neutral; stabilised caches are written")
    func tongue() throws {
        let root = try datasetCopy()
        defer { try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: root).deletingLastPathComponent().path) }
        let report = try TongueCheck.run(root, output: root + "/out", writeStabilized: true)
        #expect(report.errors.isEmpty && report.flagged == 0)
        #expect(report.shots.count == 6)
        let archive = try NpzArchive.read(root + "/out/tongue_rigid_transforms.npz")
        let neutral = try NpyArray.read(root + "/" + DatasetFiles.tongueNeutral).floats()
        let cache = try VertexCacheIO.read("\(root)/cache/tongue/\(firstShot)/\(firstShot).xml")
        let m = try archive.array(firstShot)
        #expect(m.shape == [cache.frameCount, 4, 4] && m.dtype == .float32)
        let values = try m.floats()
        for f in [0, cache.frameCount / 2, cache.frameCount - 1] {
            let matrix = Array(values[(16 * f)..<(16 * f + 16)]).map(Double.init)
            for v in report.rigidVertices {
                let x = cache.frame(f)[(cache.frame(f).startIndex + 3 * v)...].prefix(3).map(Double.init)
                for a in 0..<3 {
                    let mapped = matrix[4 * a] * x[0] + matrix[4 * a + 1] * x[1] + matrix[4 * a + 2] * x[2] + matrix[4 * a + 3]
                    #expect(abs(mapped - Double(neutral[3 * v + a])) < 1e-4)
                }
            }
            #expect(Array(matrix[12..<16]) == [0, 0, 0, 1])
        }
        // The stabilised tongue's rigid vertices sit at their neutral positions in every frame.
        let stabilised = try VertexCacheIO.read("\(root)/out/tongue_stabilized/\(firstShot)/\(firstShot).xml")
        for f in 0..<stabilised.frameCount {
            for v in report.rigidVertices {
                for a in 0..<3 { #expect(abs(stabilised.positions[(f * stabilised.vertexCount + v) * 3 + a] - neutral[3 * v + a]) < 1e-4) }
            }
        }
    }

    @Test("tongue: a rigid vertex that deforms is flagged and named")
    func tongueDeforms() throws {
        let root = try datasetCopy()
        defer { try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: root).deletingLastPathComponent().path) }
        let rigid = try JSONFile.read([Int].self, from: root + "/" + DatasetFiles.tongueRigid)
        let path = "\(root)/cache/tongue/\(secondShot)/\(secondShot).xml"
        let cache = try VertexCacheIO.read(path)
        var positions = cache.positions
        let victim = rigid[3]
        for f in 10..<40 { positions[(f * cache.vertexCount + victim) * 3 + 1] += 0.4 }
        try VertexCacheIO.write(try VertexCache(frameCount: cache.frameCount, vertexCount: cache.vertexCount, positions: positions,
                                                framesPerSecond: 30, source: cache.source), to: path)
        let report = try TongueCheck.run(root, output: root + "/out", writeStabilized: false)
        let flagged = report.shots.filter(\.deforms)
        #expect(flagged.map(\.shot) == [secondShot])
        #expect(flagged.first?.worstPoints.first?.point == victim)
        #expect(report.flagged == 1)
    }

    @Test("jaw: keypoints fit rigidly; a non-rigid keypoint and collinear keypoints are flagged")
    func jaw() throws {
        let root = try datasetCopy()
        defer { try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: root).deletingLastPathComponent().path) }
        let clean = try JawCheck.run(root, output: root + "/out")
        #expect(clean.flagged == 0 && clean.rank == 3 && clean.shots.count == 6)
        #expect(clean.shots.allSatisfy { $0.maxRotationDegrees > 5 && $0.maxResidual < 1e-5 })
        let written = try NpzArchive.read(root + "/out/jaw_rigid_transforms.npz")
        #expect(Set(written.keys) == Set(clean.shots.map(\.shot)))

        let cachePath = root + "/" + DatasetFiles.jawCache
        let archive = try NpzArchive.read(cachePath)
        var members: [(key: String, npy: [UInt8])] = []
        for key in archive.keys {
            let a = try archive.array(key)
            var values = try a.floats()
            if key == firstShot { for f in 0..<a.shape[0] { values[(f * a.shape[1] + 2) * 3] += Float(f % 7) * 0.2 } }
            members.append((key, NpyWriter.encode(floats: values, shape: a.shape)))
        }
        try NpzArchive.write(members, to: cachePath)
        let broken = try JawCheck.run(root, output: root + "/out")
        #expect(broken.shots.filter(\.deforms).map(\.shot) == [firstShot])

        try AtomicFile.write(NpyWriter.encode(floats: [0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4], shape: [5, 3]), to: root + "/" + DatasetFiles.jawNeutral)
        let line = try JawCheck.run(root, output: root + "/out")
        #expect(line.collinear && line.flagged > 0)
    }

    @Test("stabilize removes an injected head motion and keeps the expressions")
    func stabilize() throws {
        let root = try datasetCopy()
        defer { try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: root).deletingLastPathComponent().path) }
        let path = "\(root)/cache/skin/\(firstShot)/\(firstShot).xml"
        let original = try VertexCacheIO.read(path)
        let motion = RigidTransform(rotation: RigidTransform.rotation(axis: SIMD3(1, 0.3, 0), angle: 0.05), translation: SIMD3(0.3, -0.2, 0.5))
        let moved = try RigidTransform.apply([RigidTransform](repeating: motion, count: original.frameCount), to: original.positions, vertexCount: original.vertexCount)
        try VertexCacheIO.write(try VertexCache(frameCount: original.frameCount, vertexCount: original.vertexCount, positions: moved,
                                                framesPerSecond: 30, source: original.source), to: root + "/moved.npy")
        let (removed, _) = try Stabilizer.stabilize(input: root + "/moved.npy", output: root + "/stable.pc2", neutral: root + "/" + DatasetFiles.skinNeutral,
                                                    reference: .neutral)
        #expect(abs(removed.maxRotationDegrees - 0.05 * 180 / .pi) < 0.02)
        let stable = try VertexCacheIO.read(root + "/stable.pc2")
        let worst = zip(stable.positions, original.positions).map { abs($0 - $1) }.max() ?? 1
        #expect(worst < 0.005, "largest difference from the unmoved shot: \(worst) cm")
    }
}
