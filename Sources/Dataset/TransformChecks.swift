import Analysis
import Formats

extension ValidationContext {
    func checkTransforms() {
        var jawPoints: Int?
        if layout.exists(DatasetFiles.jawNeutral) {
            let file = DatasetFiles.jawNeutral
            do {
                let array = try NpyArray.read(layout.path(file))
                if array.shape.count != 2 || array.shape[1] != 3 {
                    add(Rules.jawNeutral, file, "shape \(array.shape), expected [N, 3]")
                } else {
                    jawPoints = array.shape[0]
                    if array.dtype != .float32 {
                        add(Rules.jawNeutral, file, "dtype \(array.dtype): copied unchanged into network_data.npz, where the SDK reads it as little-endian float32",
                            fix: "python3 -c \"import numpy as np; p='\(layout.path(file))'; np.save(p, np.load(p).astype('<f4'))\"")
                    }
                    if array.shape[0] < 3 {
                        add(Rules.jawNeutral, file, "\(array.shape[0]) points, needs at least 3 (the guide uses 5)")
                    } else if try PointSetShape(points: try array.floats()).isCollinear {
                        add(Rules.jawNeutral, file, "the keypoints lie on one line: they cannot determine the jaw's rotation")
                    }
                }
            } catch { add(Rules.jawNeutral, file, describe(error)) }
        }
        checkPerShotArchive(DatasetFiles.jawCache, member: "anim", trailing: jawPoints.map { [$0, 3] }, trailingText: "[frames, N, 3]")
        checkPerShotArchive(DatasetFiles.eyeRotations, member: "rotations", trailing: [2, 2], trailingText: "[frames, 2, 2]", flatWidth: 4)

        if layout.exists(DatasetFiles.saccade) {
            let file = DatasetFiles.saccade
            do {
                let array = try NpyArray.read(layout.path(file))
                if array.shape.count != 2 || array.shape[1] != 2 || array.dtype != .float32 {
                    add(Rules.xformSaccade, file, "\(array.dtype) \(array.shape), expected little-endian float32 [frames, 2]: copied unchanged into network_data.npz for the SDK")
                } else if let values = try? array.floats(), let bad = values.firstIndex(where: { !$0.isFinite }) {
                    add(Rules.xformSaccade, file, "value \(bad) is \(values[bad]): the SDK adds it to the eye rotations")
                }
            } catch { add(Rules.xformSaccade, file, describe(error)) }
        }
        if layout.exists(DatasetFiles.blinks) {
            let file = DatasetFiles.blinks
            do {
                let array = try NpyArray.read(layout.path(file))
                if array.shape.count != 1 || array.dtype != .float32 {
                    add(Rules.xformBlink, file, "\(array.dtype) \(array.shape), expected little-endian float32 [frames]: copied unchanged into network_data.npz")
                } else if let bad = try array.floats().firstIndex(where: { !($0 >= 0 && $0 <= 1) }) {
                    add(Rules.xformBlink, file, "value at frame \(bad) is \(try array.floats()[bad]), outside [0, 1]")
                }
            } catch { add(Rules.xformBlink, file, describe(error)) }
        }
    }

    /// An archive of one array per skin shot: keys, dtype, shape and frame counts, judged by what
    /// training does with them (it looks members up by shot, casts to float32, flattens each frame,
    /// and trims channels of unequal length).
    /// - Parameter flatWidth: a per-frame width the framework accepts flat (`[frames, 4]` eyes).
    private func checkPerShotArchive(_ file: String, member: String, trailing: [Int]?, trailingText: String, flatWidth: Int? = nil) {
        guard layout.exists(file) else { return }
        let archive: NpzArchive
        do { archive = try NpzArchive.read(layout.path(file)) } catch {
            add(Rules.xformShape, file, describe(error))
            return
        }
        let keys = Set(archive.keys), shotSet = Set(shots)
        let missing = shots.filter { !keys.contains($0) }
        let extra = archive.keys.filter { !shotSet.contains($0) }
        if !missing.isEmpty { add(Rules.xformKeys, file, "no member for shot\(missing.count == 1 ? "" : "s") \(missing.joined(separator: ", ")): training stops with KeyError") }
        if !extra.isEmpty { add(Rules.xformExtraKey, file, "member\(extra.count == 1 ? "" : "s") \(extra.joined(separator: ", ")) match\(extra.count == 1 ? "es" : "") no shot") }
        // Members that match no shot are never read: only their presence matters.
        for key in archive.keys where shotSet.contains(key) {
            if let failure = archive.failures[key] {
                add(Rules.xformShape, file, "member '\(key)': \(failure.problem)")
                continue
            }
            guard let array = archive.arrays[key] else { continue }
            if array.dtype.kind == .bytes || array.dtype.kind == .unicode {
                let text = (try? array.strings())?.first ?? ""
                if text == "anim" || text == "rotations" || text == member {
                    add(Rules.xformCombineMistake, file, "member '\(key)' holds the string '\(text)', not an array")
                } else {
                    add(Rules.xformShape, file, "member '\(key)' holds strings (\(array.dtype.name)), expected float32 \(trailingText)")
                }
                continue
            }
            let perFrame = array.shape.dropFirst().reduce(1, *)
            let expectedWidth = trailing.map { $0.reduce(1, *) } ?? (array.shape.count == 3 && array.shape[2] == 3 ? perFrame : -1)
            let exact = array.shape.count == 3 && (trailing.map { Array(array.shape.suffix(2)) == $0 } ?? (array.shape[2] == 3))
            let flat = flatWidth != nil && array.shape.count == 2 && array.shape[1] == flatWidth
            guard array.shape.count >= 2, exact || flat || (trailing != nil && perFrame == expectedWidth) else {
                add(Rules.xformShape, file, "member '\(key)' is \(array.dtype.name) \(array.shape), expected \(trailingText): the channel width differs and training stops (\"Channel size mismatch\")")
                continue
            }
            if array.dtype.kind != .float && array.dtype.kind != .signedInteger {
                add(Rules.xformShape, file, "member '\(key)' holds \(array.dtype.name), expected float32")
                continue
            }
            if let values = try? array.floats(), let bad = values.firstIndex(where: { !$0.isFinite }) {
                add(Rules.xformShape, file, "member '\(key)' holds \(values[bad]) at value \(bad): training targets must be finite")
                continue
            }
            if array.dtype != .float32 || !exact {
                add(Rules.xformDtype, file, "member '\(key)' is \(array.dtype) \(array.shape), the guide's form is <f4 \(trailingText): training casts and flattens it, the same numbers")
            }
            if let cache = skinCaches[key], array.shape[0] != cache.frameCount {
                add(Rules.xformFrames, file, "member '\(key)' has \(array.shape[0]) frames, the skin cache \(cache.frameCount): training trims the shot to \(min(array.shape[0], cache.frameCount)) frames")
            }
        }
    }
}
