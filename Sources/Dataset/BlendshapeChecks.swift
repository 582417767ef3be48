import Analysis
import Formats
import Linalg

extension ValidationContext {
    func checkBlendshapes() {
        checkBlendshapeSetup(archive: DatasetFiles.bsSkin, config: DatasetFiles.bsSkinConfig, neutral: skinNeutral,
                             neutralFile: DatasetFiles.skinNeutral, vertices: skinVertexCount, preloaded: skinArchive)
        checkBlendshapeSetup(archive: DatasetFiles.bsTongue, config: DatasetFiles.bsTongueConfig, neutral: tongueNeutral,
                             neutralFile: DatasetFiles.tongueNeutral, vertices: tongueVertexCount)
    }

    /// - Returns: the archive as read, for callers that go on to use it.
    @discardableResult
    /// - Parameter preloaded: the archive when it was already read (the static-head check reads bs_skin.npz first).
    func checkBlendshapeSetup(archive file: String, config configFile: String, neutral: [Float]?,
                              neutralFile: String, vertices: Int?, preloaded: NpzArchive? = nil) -> NpzArchive? {
        let hasArchive = layout.exists(file), hasConfig = layout.exists(configFile)
        guard hasArchive || hasConfig else { return nil }
        if !hasArchive { add(Rules.bsPoseNames, file, "missing, but \(configFile) exists") }
        if !hasConfig { add(Rules.bsConfig, configFile, "missing, but \(file) exists") }

        var poseCount: Int?
        var bsNeutral: [Float]?
        var archive: NpzArchive?
        if hasArchive {
            do {
                archive = try preloaded ?? NpzArchive.read(layout.path(file))
                if let archive { (poseCount, bsNeutral) = checkArchive(archive, file: file, vertices: vertices) }
            } catch { add(Rules.bsPoseNames, file, describe(error)) }
        }
        if let neutral, let bsNeutral, neutral.count == bsNeutral.count {
            let difference = zip(neutral, bsNeutral).map { abs($0 - $1) }.max() ?? 0
            let size = BoundingBox(points: neutral)?.diagonal ?? 1
            if Double(difference) > 1e-5 * max(size, 1) {
                add(Rules.bsNeutral, file, String(format: "neutral differs from %@ by up to %.4g mesh units", neutralFile, difference))
            }
        }
        if hasConfig { checkConfig(configFile, poseCount: poseCount, neutral: bsNeutral ?? neutral) }
        return archive
    }

    /// Returns the number of poses (without the neutral) and the archive's neutral.
    private func checkArchive(_ archive: NpzArchive, file: String, vertices: Int?) -> (Int?, [Float]?) {
        for (key, failure) in archive.failures.sorted(by: { $0.key < $1.key }) {
            add(Rules.bsArray, file, "member '\(key)': \(failure.problem)")
        }
        var names: [String]?
        if let poseNames = archive.arrays["poseNames"] {
            switch poseNames.dtype.kind {
            case .bytes: names = try? poseNames.strings()
            case .unicode:
                names = try? poseNames.strings()
                add(Rules.bsPoseNames, file, "poseNames is a unicode array (\(poseNames.dtype)); the runtime needs byte strings (S)")
            default:
                add(Rules.bsPoseNames, file, "poseNames holds \(poseNames.dtype.name), expected byte strings (S)")
            }
        } else if archive.failures["poseNames"] == nil {
            add(Rules.bsPoseNames, file, "no poseNames member")
        }
        if let names, names.first != "neutral" {
            add(Rules.bsPoseNames, file, "poseNames starts with '\(names.first ?? "")', expected 'neutral'")
        }
        var expectedVertices = vertices
        var neutral: [Float]?
        // The NaN scans read every pose's bytes (15 MB for a 24,002-vertex rig): all of them at once, on every core.
        let scanned = ["neutral"] + (names ?? []).dropFirst()
        let scans = concurrentMap(scanned.count, minimumPerChunk: 1) { index in (try? archive.arrays[scanned[index]]?.firstNonFinite()) ?? nil }
        let firstNonFinite = Dictionary(zip(scanned, scans), uniquingKeysWith: { a, _ in a })
        func checkArray(_ key: String, decode: Bool = false) -> [Float]? {
            guard let array = archive.arrays[key] else { return nil }
            guard array.shape.count == 2, array.shape[1] == 3, array.dtype == .float32 else {
                add(Rules.bsArray, file, "'\(key)' is \(array.dtype) \(array.shape), expected <f4 [vertices, 3]")
                return nil
            }
            if let expected = expectedVertices, array.shape[0] != expected {
                add(Rules.bsArray, file, "'\(key)' has \(array.shape[0]) vertices, the mesh has \(expected)")
                return nil
            }
            expectedVertices = expectedVertices ?? array.shape[0]
            // Poses are only checked here (on their bytes); the neutral is returned for the config checks.
            // The scan finds a NaN or infinity on the bytes; only then is the array decoded, for the
            // vertex in C order.
            if case .some(.some) = firstNonFinite[key], let values = try? array.floats(),
               let index = values.firstIndex(where: { !$0.isFinite }) {
                add(Rules.bsArray, file, "'\(key)' vertex \(index / 3) is \(values[index]): the SDK solves with it, and every weight becomes NaN")
                return nil
            }
            return decode ? try? array.floats() : nil
        }
        if archive.arrays["neutral"] == nil, archive.failures["neutral"] == nil {
            add(Rules.bsPoseMissing, file, "no 'neutral' member")
        } else {
            neutral = checkArray("neutral", decode: true)
        }
        for name in (names ?? []).dropFirst() {
            if archive.arrays[name] == nil && archive.failures[name] == nil {
                add(Rules.bsPoseMissing, file, "pose '\(name)' has no member")
            } else {
                _ = checkArray(name)
            }
        }
        if let mask = archive.arrays["frontalMask"] {
            if mask.dtype != .int32 || mask.shape.count != 1 {
                add(Rules.bsMask, file, "frontalMask is \(mask.dtype) \(mask.shape), expected <i4 [indices]")
            }
            if let indices = try? mask.integers() {
                if let count = expectedVertices, let bad = indices.first(where: { $0 < 0 || $0 >= count }) {
                    add(Rules.bsMask, file, "frontalMask index \(bad) is outside [0, \(count))")
                }
                if Set(indices).count != indices.count { add(Rules.bsMask, file, "frontalMask repeats indices") }
            }
        }
        return (names.map { $0.count - 1 }, neutral)
    }

    private func checkConfig(_ file: String, poseCount: Int?, neutral: [Float]?) {
        let config: BlendshapeConfig
        do { config = try JSONFile.read(BlendshapeConfigFile.self, from: layout.path(file)).blendshapeParams } catch {
            add(Rules.bsConfig, file, describe(error))
            return
        }
        let n = config.numPoses
        if let poseCount, n != poseCount {
            add(Rules.bsConfig, file, "numPoses is \(n), the archive has \(poseCount) poses besides the neutral")
        }
        let arrays: [(String, Int)] = [("bsSolveActivePoses", config.bsSolveActivePoses.count), ("bsSolveCancelPoses", config.bsSolveCancelPoses.count),
                                       ("bsSolveSymmetryPoses", config.bsSolveSymmetryPoses.count), ("bsWeightMultipliers", config.bsWeightMultipliers.count),
                                       ("bsWeightOffsets", config.bsWeightOffsets.count)]
        for (name, count) in arrays where count != n {
            add(Rules.bsConfig, file, "\(name) has \(count) entries, numPoses is \(n)")
        }
        for (name, ids) in [("bsSolveCancelPoses", config.bsSolveCancelPoses), ("bsSolveSymmetryPoses", config.bsSolveSymmetryPoses)] {
            let uses = Dictionary(grouping: ids.filter { $0 >= 0 }, by: { $0 }).mapValues(\.count)
            for (id, count) in uses.sorted(by: { $0.key < $1.key }) where count != 2 {
                add(Rules.bsConfig, file, "\(name): pair id \(id) is used \(count) time\(count == 1 ? "" : "s"), a pair needs exactly 2")
            }
            if let bad = ids.first(where: { $0 < -1 }) { add(Rules.bsConfig, file, "\(name): id \(bad) is neither -1 nor a pair id") }
        }
        if !config.bsSolveActivePoses.contains(1) { add(Rules.bsConfig, file, "no active pose: the solver has nothing to solve") }
        // The SDK groups pair ids among active poses only, and -1 is an id there like any other.
        for (name, ids) in [("bsSolveSymmetryPoses", config.bsSolveSymmetryPoses), ("bsSolveCancelPoses", config.bsSolveCancelPoses)]
        where ids.count == config.bsSolveActivePoses.count {
            let activeMinusOne = ids.indices.filter { ids[$0] == -1 && config.bsSolveActivePoses[$0] != 0 }
            if activeMinusOne.count == 2 {
                let poses = activeMinusOne.map { "pose \($0)" }.joined(separator: " and ")
                add(Rules.bsMinusOnePair, file, "\(name): exactly two active poses (\(poses)) have -1, and the SDK pairs them: \(name == "bsSolveSymmetryPoses" ? "their weights are pulled together" : "the smaller of the two is forced to 0 in every frame")")
            }
        }
        if let bad = config.bsSolveActivePoses.first(where: { $0 != 0 && $0 != 1 }) { add(Rules.bsConfig, file, "bsSolveActivePoses holds \(bad); use 0 or 1") }
        let strengths = [("strengthL1regularization", config.strengthL1regularization), ("strengthL2regularization", config.strengthL2regularization),
                         ("strengthTemporalSmoothing", config.strengthTemporalSmoothing), ("strengthSymmetry", config.strengthSymmetry)]
        for (name, value) in strengths where !(value >= 0) { add(Rules.bsConfig, file, "\(name) is \(value), must be ≥ 0") }
        if let size = config.templateBBSize, !(size >= 1) { add(Rules.bsConfig, file, "templateBBSize is \(size), must be ≥ 1") }
        if let neutral, let box = BoundingBox(points: neutral), box.diagonal > 0 {
            let template = config.effectiveTemplateBBSize
            let diagonal = box.diagonal, height = box.size.y
            let ratio = diagonal / template
            let tolerance = thresholds.templateSizeTolerancePercent / 100
            let matchesDiagonal = abs(ratio - 1) <= tolerance
            let matchesHeight = height > 0 && abs(template / height - 1) <= tolerance
            if matchesHeight, !matchesDiagonal {
                add(Rules.bsTemplateHeight, file, String(format: "templateBBSize %.4g is the neutral's height; the SDK divides the diagonal %.4g by it, so every strength acts %.3g× as strongly as with templateBBSize = the diagonal",
                                                         template, diagonal, ratio * ratio))
            } else if !matchesDiagonal {
                add(Rules.bsTemplateSize, file, String(format: "templateBBSize %@ %.4g; the neutral's bounding-box diagonal is %.4g and its height %.4g: every strength acts %.3g× as strongly as its number says",
                                                       config.templateBBSize == nil ? "defaults to" : "is", template, diagonal, height, ratio * ratio),
                    fix: String(format: "set \"templateBBSize\": %.4f in %@ (or the height %.4f, as the guide defines it, if the strengths were tuned that way)", diagonal, file, height))
            }
        }
    }
}
