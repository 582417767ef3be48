import Analysis
import Foundation
import Formats

extension ValidationContext {
    func checkGeometry() {
        let required = [DatasetFiles.skinNeutral, DatasetFiles.eyeClose, DatasetFiles.lipOpen,
                        DatasetFiles.eyeList, DatasetFiles.lipList, DatasetFiles.lipSizeList]
        for file in required where !layout.exists(file) { add(Rules.geomMissing, file, "missing") }
        if layout.hasTongueFolder {
            for file in [DatasetFiles.tongueNeutral, DatasetFiles.tongueRigid] where !layout.exists(file) {
                add(Rules.geomMissing, file, "missing (the dataset has tongue caches)")
            }
        }
        summary.skinVertices = skinVertexCount

        let headSize = skinNeutral.flatMap { BoundingBox(points: $0) }?.diagonal
        for file in [DatasetFiles.eyeClose, DatasetFiles.lipOpen] {
            guard let delta = readPose(file, rule: Rules.geomShape, vertices: skinVertexCount), let headSize, headSize > 0 else { continue }
            // A delta moves a few vertices a little; an absolute pose puts every vertex a head's width from the origin.
            let magnitudes = stride(from: 0, to: delta.count, by: 3).map { (i: Int) -> Double in
                let v = SIMD3<Double>(Double(delta[i]), Double(delta[i + 1]), Double(delta[i + 2]))
                return (v * v).sum().squareRoot()
            }.sorted()
            let median = magnitudes[magnitudes.count / 2]
            if median > 0.1 * headSize {
                add(Rules.geomNotDelta, file, String(format: "median vertex moves %.0f%% of the head size: this looks like an absolute pose", median / headSize * 100))
            }
        }

        checkUpperLower(DatasetFiles.eyeList, expectedLength: 2)
        checkUpperLower(DatasetFiles.lipList, expectedLength: nil)
        checkLipSize()
        checkRigidVertices()
    }

    /// Validates indices against the vertex count: range and duplicates; returns whether they are usable.
    @discardableResult
    func checkIndices(_ indices: [Int], file: String, what: String, vertexCount: Int?) -> Bool {
        var ok = true
        if let vertexCount, let bad = indices.first(where: { $0 < 0 || $0 >= vertexCount }) {
            add(Rules.geomListRange, file, "\(what) index \(bad) is outside [0, \(vertexCount))")
            ok = false
        }
        let duplicates = Dictionary(grouping: indices, by: { $0 }).filter { $0.value.count > 1 }.keys.sorted()
        if !duplicates.isEmpty {
            add(Rules.geomListDuplicate, file, "\(what) repeats \(duplicates.prefix(5).map(String.init).joined(separator: ", "))")
        }
        return ok
    }

    private func checkUpperLower(_ file: String, expectedLength: Int?) {
        guard layout.exists(file) else { return }
        let list: UpperLowerVertexList
        do { list = try JSONFile.read(UpperLowerVertexList.self, from: layout.path(file)) } catch {
            add(Rules.geomListStructure, file, describe(error))
            return
        }
        if let expectedLength, list.upper.count != expectedLength || list.lower.count != expectedLength {
            add(Rules.geomListStructure, file, "upper has \(list.upper.count) and lower \(list.lower.count) indices, expected \(expectedLength) each ([left, right])")
            return
        }
        if list.upper.count != list.lower.count || list.upper.isEmpty {
            add(Rules.geomListStructure, file, "upper has \(list.upper.count) and lower \(list.lower.count) indices; they must be equal and non-empty")
            return
        }
        let inRange = checkIndices(list.upper + list.lower, file: file, what: "upper/lower", vertexCount: skinVertexCount)
        guard inRange, let neutral = skinNeutral else { return }
        for (u, l) in zip(list.upper, list.lower) where neutral[3 * u + 1] <= neutral[3 * l + 1] {
            add(Rules.geomListOrder, file, String(format: "upper vertex %d (y = %.3f) is not above lower vertex %d (y = %.3f)", u, neutral[3 * u + 1], l, neutral[3 * l + 1]))
        }
    }

    private func checkLipSize() {
        let file = DatasetFiles.lipSizeList
        guard layout.exists(file) else { return }
        let list: LipSizeVertexList
        do { list = try JSONFile.read(LipSizeVertexList.self, from: layout.path(file)) } catch {
            add(Rules.geomListStructure, file, describe(error))
            return
        }
        let lengths = [list.upperLip.top.count, list.upperLip.bottom.count, list.lowerLip.top.count, list.lowerLip.bottom.count]
        if Set(lengths).count != 1 || lengths[0] == 0 {
            add(Rules.geomListStructure, file, "list lengths upper_lip top/bottom \(lengths[0])/\(lengths[1]), lower_lip top/bottom \(lengths[2])/\(lengths[3]); all must be equal and non-empty")
            return
        }
        let all = list.upperLip.top + list.upperLip.bottom + list.lowerLip.top + list.lowerLip.bottom
        let inRange = checkIndices(all, file: file, what: "lip size", vertexCount: skinVertexCount)
        guard inRange, let neutral = skinNeutral else { return }
        for (name, pair) in [("upper_lip", list.upperLip), ("lower_lip", list.lowerLip)] {
            for (t, b) in zip(pair.top, pair.bottom) where neutral[3 * t + 1] <= neutral[3 * b + 1] {
                add(Rules.geomListOrder, file, String(format: "%@ top vertex %d (y = %.3f) is not above bottom vertex %d (y = %.3f)", name, t, neutral[3 * t + 1], b, neutral[3 * b + 1]))
            }
        }
    }

    private func checkRigidVertices() {
        let file = DatasetFiles.tongueRigid
        guard layout.exists(file) else { return }
        let indices: [Int]
        do { indices = try JSONFile.read([Int].self, from: layout.path(file)) } catch {
            add(Rules.tongueRigid, file, describe(error))
            return
        }
        let distinct = Set(indices)
        if distinct.count < 4 {
            add(Rules.tongueRigid, file, "\(distinct.count) distinct vertices, needs 4 or more")
        }
        if distinct.count != indices.count { add(Rules.tongueRigid, file, "indices repeat") }
        if let count = tongueVertexCount, let bad = indices.first(where: { $0 < 0 || $0 >= count }) {
            add(Rules.tongueRigid, file, "index \(bad) is outside [0, \(count))")
            return
        }
        guard let neutral = tongueNeutral, distinct.count >= 3 else { return }
        let points = distinct.sorted().flatMap { neutral[(3 * $0)..<(3 * $0 + 3)] }
        if let shape = try? PointSetShape(points: points), shape.isCollinear {
            add(Rules.tongueRigid, file, "the vertices lie on one line in the neutral tongue: they cannot determine its rotation")
        }
    }
}
