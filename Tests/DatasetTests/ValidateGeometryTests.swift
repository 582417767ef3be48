import Foundation
import Formats
import Testing
import TestSupport
@testable import Dataset

@Suite("validate: geometry, transforms and blendshape faults", .serialized)
struct ValidateGeometryTests {
    private func writeJSON(_ text: String, _ path: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    @Test("poses and vertex lists")
    func geometry() throws {
        #expect(try findingsAdded { root in try FileManager.default.removeItem(atPath: "\(root)/\(DatasetFiles.eyeList)") }
                == ["W-GEOM-MISSING \(DatasetFiles.eyeList)"])
        #expect(try findingsAdded { root in
            let neutral = try NpyArray.read("\(root)/\(DatasetFiles.skinNeutral)")
            try AtomicFile.write(NpyWriter.encode(floats: try neutral.floats(), shape: neutral.shape, double: true), to: "\(root)/\(DatasetFiles.lipOpen)")
        } == ["E-GEOM-SDK-DTYPE \(DatasetFiles.lipOpen)", "E-GEOM-NOT-DELTA \(DatasetFiles.lipOpen)"])
        // Three pairs work in the framework (a warning); lids 0.17 apart are under the 0.35 eyes-open threshold.
        #expect(try findingsAdded { root in try writeJSON(#"{"upper": [1, 2, 3], "lower": [4, 5, 6]}"#, "\(root)/\(DatasetFiles.eyeList)") }
                == ["W-GEOM-LIST-EYE-COUNT \(DatasetFiles.eyeList)", "E-EYE-GAP \(DatasetFiles.eyeList)"])
        #expect(try findingsAdded { root in try writeJSON(#"{"upper": [1, 2], "lower": [4, 5"#, "\(root)/\(DatasetFiles.eyeList)") }
                == ["E-GEOM-LIST-STRUCTURE \(DatasetFiles.eyeList)"])
        #expect(try findingsAdded { root in try writeJSON(#"{"upper": [1, 99999], "lower": [4, 5]}"#, "\(root)/\(DatasetFiles.eyeList)") }
                == ["E-GEOM-LIST-RANGE \(DatasetFiles.eyeList)"])
        #expect(try findingsAdded { root in
            let list = try JSONFile.read(UpperLowerVertexList.self, from: "\(root)/\(DatasetFiles.lipList)")
            try JSONFile.write(UpperLowerVertexList(upper: list.lower, lower: list.upper), to: "\(root)/\(DatasetFiles.lipList)")
        } == ["E-GEOM-LIST-ORDER \(DatasetFiles.lipList)"])
        #expect(try findingsAdded { root in
            let list = try JSONFile.read(UpperLowerVertexList.self, from: "\(root)/\(DatasetFiles.lipList)")
            try JSONFile.write(UpperLowerVertexList(upper: list.upper, lower: Array(list.lower.dropLast())), to: "\(root)/\(DatasetFiles.lipList)")
        } == ["E-GEOM-LIST-STRUCTURE \(DatasetFiles.lipList)"])
        #expect(try findingsAdded { root in
            var list = try JSONFile.read(LipSizeVertexList.self, from: "\(root)/\(DatasetFiles.lipSizeList)")
            list.lowerLip.bottom[1] = list.lowerLip.bottom[0]
            try JSONFile.write(list, to: "\(root)/\(DatasetFiles.lipSizeList)")
        } == ["W-GEOM-LIST-DUPLICATE \(DatasetFiles.lipSizeList)"])
    }

    @Test("tongue rigid vertices: too few, collinear")
    func rigidVertices() throws {
        #expect(try findingsAdded { root in try writeJSON("[0, 1, 2]", "\(root)/\(DatasetFiles.tongueRigid)") }
                == ["W-TONGUE-RIGID-FEW \(DatasetFiles.tongueRigid)"])
        #expect(try findingsAdded { root in try writeJSON("[0, 1]", "\(root)/\(DatasetFiles.tongueRigid)") }
                == ["E-TONGUE-RIGID \(DatasetFiles.tongueRigid)"])
        // Move vertices 0–4 of the neutral tongue onto one line and make them the rigid set.
        let added = try findingsAdded { root in
            var neutral = try NpyArray.read("\(root)/\(DatasetFiles.tongueNeutral)").floats()
            // Along a short line through the middle of the tongue, so its bounding box stays the same.
            for v in 0..<5 { for axis in 0..<3 { neutral[3 * v + axis] = [0, -5.5, 3.5][axis] + Float(v) * [0.1, 0.05, -0.1][axis] } }
            try AtomicFile.write(NpyWriter.encode(floats: neutral, shape: [neutral.count / 3, 3]), to: "\(root)/\(DatasetFiles.tongueNeutral)")
            try writeJSON("[0, 1, 2, 3, 4]", "\(root)/\(DatasetFiles.tongueRigid)")
        }
        #expect(added == ["E-TONGUE-RIGID \(DatasetFiles.tongueRigid)", "E-BS-NEUTRAL \(DatasetFiles.bsTongue)"])
    }

    @Test("transforms: jaw neutral, archive keys and shapes, the combine-script mistake, blinks")
    func transforms() throws {
        #expect(try findingsAdded { root in
            try AtomicFile.write(NpyWriter.encode(floats: [0, 0, 0, 1, 1, 1, 2, 2, 2], shape: [3, 3]), to: "\(root)/\(DatasetFiles.jawNeutral)")
        }.contains("E-XFORM-JAW-NEUTRAL \(DatasetFiles.jawNeutral)"))
        let keys = try findingsAdded { root in
            let archive = try NpzArchive.read("\(root)/\(DatasetFiles.jawCache)")
            var members: [(key: String, npy: [UInt8])] = []
            for key in archive.keys where key != firstShot {
                let a = try archive.array(key)
                members.append((key, NpyWriter.encode(floats: try a.floats(), shape: a.shape)))
            }
            members.append(("extra_shot", NpyWriter.encode(floats: [Float](repeating: 0, count: 15), shape: [1, 5, 3])))
            try NpzArchive.write(members, to: "\(root)/\(DatasetFiles.jawCache)")
        }
        #expect(keys == ["E-XFORM-KEYS \(DatasetFiles.jawCache)", "W-XFORM-EXTRA-KEY \(DatasetFiles.jawCache)"])
        #expect(try findingsAdded { root in
            let archive = try NpzArchive.read("\(root)/\(DatasetFiles.eyeRotations)")
            var members: [(key: String, npy: [UInt8])] = []
            for key in archive.keys {
                let a = try archive.array(key)
                if key == firstShot {
                    members.append((key, NpyWriter.encode(unicodeStrings: ["rotations"])))
                } else if key == secondShot {
                    members.append((key, NpyWriter.encode(floats: Array(try a.floats().dropLast(4)), shape: [a.shape[0] - 1, 2, 2])))
                } else {
                    members.append((key, NpyWriter.encode(floats: try a.floats(), shape: a.shape)))
                }
            }
            try NpzArchive.write(members, to: "\(root)/\(DatasetFiles.eyeRotations)")
        } == ["E-XFORM-COMBINE-MISTAKE \(DatasetFiles.eyeRotations)", "W-XFORM-FRAMES \(DatasetFiles.eyeRotations)"])
        #expect(try findingsAdded { root in
            try AtomicFile.write(NpyWriter.encode(floats: [0, 0.5, 1.2], shape: [3]), to: "\(root)/\(DatasetFiles.blinks)")
            try AtomicFile.write(NpyWriter.encode(floats: [0, 0, 0], shape: [3]), to: "\(root)/\(DatasetFiles.saccade)")
        } == ["E-XFORM-BLINK \(DatasetFiles.blinks)", "E-XFORM-SACCADE \(DatasetFiles.saccade)"])
    }

    /// Rewrites bs_skin.npz with `change` applied to its (key, array) members.
    private func rewriteBlendshapes(_ root: String, _ change: (String, NpyArray) throws -> [UInt8]?) throws {
        let archive = try NpzArchive.read("\(root)/\(DatasetFiles.bsSkin)")
        var members: [(key: String, npy: [UInt8])] = []
        for key in archive.keys {
            let array = try archive.array(key)
            if let bytes = try change(key, array) { members.append((key, bytes)) }
        }
        try NpzArchive.write(members, to: "\(root)/\(DatasetFiles.bsSkin)")
    }

    private func reencode(_ array: NpyArray) throws -> [UInt8] {
        switch array.dtype.kind {
        case .bytes: return NpyWriter.encode(byteStrings: try array.strings())
        case .signedInteger: return NpyWriter.encode(int32: try array.integers().map { Int32($0) }, shape: array.shape)
        default: return NpyWriter.encode(floats: try array.floats(), shape: array.shape)
        }
    }

    @Test("blendshapes: unicode pose names, float64 poses, missing poses, mask, neutral")
    func blendshapeArchive() throws {
        let file = DatasetFiles.bsSkin
        #expect(try findingsAdded { root in
            try rewriteBlendshapes(root) { key, a in key == "poseNames" ? NpyWriter.encode(unicodeStrings: try a.strings()) : try reencode(a) }
        } == ["E-BS-POSENAMES \(file)"])
        let arrays = try findingsAdded { root in
            try rewriteBlendshapes(root) { key, a in key == "eyeLookDownLeft" ? NpyWriter.encode(floats: try a.floats(), shape: a.shape, double: true) : (key == "eyeBlinkLeft" ? nil : try reencode(a)) }
        }
        #expect(arrays == ["E-BS-ARRAY \(file)", "E-BS-POSE-MISSING \(file)"])
        #expect(try findingsAdded { root in
            try rewriteBlendshapes(root) { key, a in key == "frontalMask" ? NpyWriter.encode(int32: [0, 0, 5], shape: [3]) : try reencode(a) }
        } == ["E-BS-MASK \(file)"])
        #expect(try findingsAdded { root in
            try rewriteBlendshapes(root) { key, a in key == "neutral" ? NpyWriter.encode(floats: try a.floats().map { $0 + 0.5 }, shape: a.shape) : try reencode(a) }
        } == ["E-BS-NEUTRAL \(file)"])
        // A NaN in one pose (the scans of every pose run at once): the finding names the pose and the vertex.
        let root = try datasetCopy()
        defer { try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: root).deletingLastPathComponent().path) }
        try rewriteBlendshapes(root) { key, a in
            guard key == "eyeBlinkLeft" else { return try reencode(a) }
            var values = try a.floats()
            values[3 * 5 + 1] = .nan
            return NpyWriter.encode(floats: values, shape: a.shape)
        }
        let finding = try #require(try DatasetValidator.validate(root).findings.first { $0.rule == Rules.bsArray.id })
        #expect(finding.message.contains("'eyeBlinkLeft' vertex 5 is nan"), "\(finding.message)")
    }

    @Test("blendshape config: numPoses, pair ids, strengths, templateBBSize")
    func blendshapeConfig() throws {
        let file = DatasetFiles.bsSkinConfig
        #expect(try findingsAdded { root in try editSkinConfig(root) { $0.numPoses += 1 } } == ["E-BS-CONFIG \(file)"])
        #expect(try findingsAdded { root in try editSkinConfig(root) { $0.bsSolveCancelPoses[0] = 0; $0.bsSolveCancelPoses[1] = 0; $0.bsSolveCancelPoses[2] = 0 } }
                == ["E-BS-CONFIG \(file)"])
        #expect(try findingsAdded { root in try editSkinConfig(root) { $0.strengthL2regularization = -1 } } == ["E-BS-CONFIG \(file)"])
        #expect(try findingsAdded { root in try editSkinConfig(root) { $0.templateBBSize = nil } } == ["W-BS-BBSIZE \(file)"])
        #expect(try findingsAdded { root in try writeJSON(#"{"blendshape_params": {"numPoses": 3}}"#, "\(root)/\(file)") } == ["E-BS-CONFIG \(file)"])
    }
}
