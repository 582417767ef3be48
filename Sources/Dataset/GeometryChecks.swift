import Analysis
import Foundation
import Formats

extension ValidationContext {
    func checkGeometry() {
        let required: [(String, String)] = [
            (DatasetFiles.skinNeutral, "the skin PCA's mean becomes the mean of the selected poses instead"),
            (DatasetFiles.eyeClose, "the deployed model gets zeros: no eyelid corrective at inference"),
            (DatasetFiles.lipOpen, "the deployed model gets zeros: no lip-open corrective at inference"),
            (DatasetFiles.eyeList, "the eyes-closed sample mask (regression) and the upper-face smoothing mask (diffusion) are off"),
            (DatasetFiles.lipList, "the lip-distance loss is off"),
            (DatasetFiles.lipSizeList, "the lip-size loss cannot be turned on"),
        ]
        for (file, effect) in required where !layout.exists(file) { add(Rules.geomMissing, file, "missing: \(effect)") }
        if layout.hasTongueFolder {
            for file in [DatasetFiles.tongueNeutral, DatasetFiles.tongueRigid] where !layout.exists(file) {
                add(Rules.geomMissing, file, "missing although there are tongue caches: the framework skips the tongue")
            }
        }
        summary.skinVertices = skinVertexCount

        let headSize = skinNeutral.flatMap { BoundingBox(points: $0) }?.diagonal
        for file in [DatasetFiles.eyeClose, DatasetFiles.lipOpen] {
            guard let delta = readPose(file, role: .sdkDelta, vertices: skinVertexCount), let headSize, headSize > 0 else { continue }
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

        let eyes = checkUpperLower(DatasetFiles.eyeList, eyes: true)
        _ = checkUpperLower(DatasetFiles.lipList, eyes: false)
        checkLipSize()
        checkRigidVertices()
        checkUnits(eyes: eyes)
    }

    /// The mean of y[upper] − y[lower] over the pairs, as the framework measures lids and lips (+Y up).
    static func meanVerticalGap(upper: [Int], lower: [Int], in neutral: [Float]) -> Double {
        zip(upper, lower).map { Double(neutral[3 * $0 + 1] - neutral[3 * $1 + 1]) }.reduce(0, +) / Double(max(min(upper.count, lower.count), 1))
    }

    /// The framework's thresholds are in centimetres: the head's size tells the unit, and the
    /// neutral's lid gap tells whether the regression model's eyes-closed mask drops open eyes.
    private func checkUnits(eyes: UpperLowerVertexList?) {
        guard let neutral = skinNeutral, let box = BoundingBox(points: neutral) else { return }
        let height = box.size.y
        // A human head with neck is 20–40 cm tall; a face-only mesh ~15 cm.
        let factor: Double? = height < 2 ? 100 : (height > 150 ? 0.1 : nil)
        let gap = eyes.map { Self.meanVerticalGap(upper: $0.upper, lower: $0.lower, in: neutral) }
        if let factor {
            let unit = factor == 100 ? "metres" : "millimetres"
            var consequence = factor == 100
                ? "every sample whose eyes are as open as the neutral's counts as eyes-closed (lid gap ≤ \(format(thresholds.eyeOpenThreshold))) and is masked out; pose pruning (radius 4.0) keeps about 2 frames a shot"
                : "pose pruning (radius 4.0) keeps far too many frames and the lip-distance loss weight exp(−gap) falls to about 1e-9: the loss is off"
            if let gap { consequence += String(format: "; the neutral's mean lid gap is %.4g (the mask's threshold is %@)", gap, format(thresholds.eyeOpenThreshold)) }
            let prune = skinCaches.values.compactMap(\.pruneDistance).sorted()
            if !prune.isEmpty {
                consequence += String(format: "; a frame lies a median %.3g from its pruning anchor (the radius is 4.0)", prune[prune.count / 2])
            }
            add(Rules.scaleUnits, DatasetFiles.skinNeutral, String(format: "the head is %.4g units tall: this looks like %@, not centimetres (×%g to convert): %@", height, unit, factor, consequence),
                fix: String(format: "re-export in centimetres, or scale every cache, neutral, delta and jaw keypoint by %g", factor))
        } else if let gap, gap <= thresholds.eyeOpenThreshold, gap > 0 {
            add(Rules.eyeGap, DatasetFiles.eyeList, String(format: "the neutral's mean upper − lower lid gap is %.3g, at or under the mask's %@: every frame with eyes as open as the neutral is dropped from training",
                                                           gap, format(thresholds.eyeOpenThreshold)))
        }
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

    /// Checks a list of upper/lower pairs as the framework uses it; returns it when it is usable.
    private func checkUpperLower(_ file: String, eyes: Bool) -> UpperLowerVertexList? {
        guard layout.exists(file) else { return nil }
        let list: UpperLowerVertexList
        do {
            let read = try JSONFile.readIndices(UpperLowerVertexList.self, from: layout.path(file))
            list = read.value
            if !read.floatSpellings.isEmpty {
                let shown = read.floatSpellings.prefix(3).joined(separator: ", ")
                if eyes {
                    add(Rules.geomListFloat, file, "indices written as floats (\(shown)): the diffusion setup indexes with them and stops with IndexError")
                }
                if !eyes || options.model == .regression {
                    add(Rules.geomListFloatHarmless, file, "indices written as floats (\(shown)); the framework indexes correctly with them here")
                }
            }
        } catch {
            add(Rules.geomListStructure, file, describe(error))
            return nil
        }
        if list.upper.count != list.lower.count || list.upper.isEmpty {
            add(Rules.geomListStructure, file, "upper has \(list.upper.count) and lower \(list.lower.count) indices; they must be equal and non-empty")
            return nil
        }
        if eyes, list.upper.count != 2 {
            add(Rules.geomListEyeCount, file, "\(list.upper.count) pairs, the guide has 2 ([left, right])")
        }
        let inRange = checkIndices(list.upper + list.lower, file: file, what: "upper/lower", vertexCount: skinVertexCount)
        guard inRange, let neutral = skinNeutral else { return nil }
        // The framework measures y[upper] − y[lower] and averages (eyes) or weights (lips) it: judge the mean.
        let mean = Self.meanVerticalGap(upper: list.upper, lower: list.lower, in: neutral)
        if mean <= 0 {
            add(Rules.geomListOrder, file, String(format: "the mean upper − lower distance on +Y over the %d pairs is %.4g in the neutral: upper and lower are swapped (or the mesh is not +Y up); %@",
                                                  list.upper.count, mean, eyes ? "every training sample would count as eyes-closed" : "the lip loss would lose its weighting on closed lips"))
            return nil
        }
        return list
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
            let mean = Self.meanVerticalGap(upper: pair.top, lower: pair.bottom, in: neutral)
            if mean <= 0 {
                add(Rules.geomListOrder, file, String(format: "%@: the mean top − bottom distance on +Y is %.4g in the neutral: top and bottom are swapped (or the mesh is not +Y up)", name, mean))
            }
        }
    }

    private func checkRigidVertices() {
        let file = DatasetFiles.tongueRigid
        guard layout.exists(file) else { return }
        let indices: [Int]
        do {
            let read = try JSONFile.readIndices([Int].self, from: layout.path(file))
            indices = read.value
            if !read.floatSpellings.isEmpty {
                add(Rules.tongueRigid, file, "indices written as floats (\(read.floatSpellings.prefix(3).joined(separator: ", "))): numpy refuses float indices and the tongue stabilisation stops")
            }
        } catch {
            add(Rules.tongueRigid, file, describe(error))
            return
        }
        let distinct = Set(indices)
        if let count = tongueVertexCount, let bad = indices.first(where: { $0 < 0 || $0 >= count }) {
            add(Rules.tongueRigid, file, "index \(bad) is outside [0, \(count)): the tongue stabilisation stops with IndexError")
            return
        }
        if distinct.count != indices.count { add(Rules.geomListDuplicate, file, "indices repeat (a repeated vertex counts twice in the Kabsch fit)") }
        if distinct.count < 3 {
            add(Rules.tongueRigid, file, "\(distinct.count) distinct vertices: a rotation needs at least 3")
            return
        }
        if let neutral = tongueNeutral {
            let points = distinct.sorted().flatMap { neutral[(3 * $0)..<(3 * $0 + 3)] }
            if let shape = try? PointSetShape(points: points), shape.isCollinear {
                add(Rules.tongueRigid, file, "the vertices lie on one line in the neutral tongue: they cannot determine its rotation")
                return
            }
        }
        if distinct.count == 3 { add(Rules.tongueRigidFew, file, "3 distinct vertices: enough for the rotation, the guide asks for 4 or more") }
    }
}
