import Dataset
import Formats
import Foundation
import Linalg

/// NumPy arrays rewritten in the types the framework and the SDK read: float32 for geometry,
/// transforms and poses, int32 for the frontal mask, fixed-width byte strings for pose names.
enum ArrayRemedy {
    /// A numeric array as little-endian float32 in C order, its shape kept (`[F, 4]` eye rotations as
    /// `[F, 2, 2]` when `eyes`); nil when it is already that.
    static func float32(_ array: NpyArray, eyes: Bool = false) throws -> [UInt8]? {
        var shape = array.shape
        if eyes, shape.count == 2, shape[1] == 4 { shape = [shape[0], 2, 2] }
        guard array.dtype != .float32 || array.fortranOrder || shape != array.shape else { return nil }
        guard array.dtype.kind == .float || array.dtype.kind == .signedInteger || array.dtype.kind == .unsignedInteger else { return nil }
        return NpyWriter.encode(floats: try array.floats(), shape: shape)
    }

    /// A `.npy` file (geometry, saccades, blinks, the jaw neutral) as float32.
    static func npy(_ file: String, rules: [String]) -> Repair {
        Repair(rules: rules, file: file, action: "\(file): written as little-endian float32", replaces: [file]) { context in
            let array = try NpyArray.read(context.layout.path(file))
            guard let bytes = try float32(array) else { throw RepairRefused(description: "\(file) is already float32: its finding is about something else") }
            try context.write(bytes, to: file)
            return RepairOutcome(outputs: [file], before: "\(array.dtype) \(array.shape)", after: "<f4 \(array.shape)")
        }
    }

    /// `xform/jaw_keypoints_cache_all.npz` or `eye_rotations_all.npz`: members as float32 (eyes as
    /// `[F, 2, 2]`); with `trim`, a member longer than its shot loses its trailing frames. A member
    /// shorter than its shot is left as it is: the missing frames cannot be made up.
    static func transforms(_ file: String, rules: [String], trim: Bool, unwrap: Bool = false) -> Repair {
        let eyes = file == DatasetFiles.eyeRotations
        var action = "\(file): members written as float32" + (eyes ? " [F, 2, 2]" : "")
        if trim { action += "; members longer than their shot trimmed at the end" }
        if unwrap { action += "; members holding the string 'anim' or 'rotations' replaced by the array of the shot's own .npz" }
        return Repair(rules: rules, file: file, action: action, replaces: [file]) { context in
            let notes = try rewriteMembers(file, context: context) { key, parsed in
                var array = parsed
                var notes: [String] = []
                if array.dtype.kind == .unicode || array.dtype.kind == .bytes {
                    // The combine script's mistake: the member holds the name of the array inside the shot's own archive.
                    guard unwrap, let name = (try? array.strings())?.first, name == "anim" || name == "rotations",
                          let source = perShotArchive(for: key, layout: context.layout, options: context.options), let inner = try? NpzArchive.read(source).array(name) else {
                        return (nil, [])
                    }
                    array = inner
                    notes.append("\(key) unwrapped from \(source)")
                }
                var replacement = try float32(array, eyes: eyes)
                if replacement == nil, !notes.isEmpty { replacement = NpyWriter.encode(floats: try array.floats(), shape: array.shape) }
                if trim, let shotFrames = try? AudioRemedy.animationLength(shot: key, context: context).frames,
                   let frames = array.shape.first, frames > shotFrames {
                    let values = try array.floats()
                    var shape = array.shape
                    if eyes, shape.count == 2, shape[1] == 4 { shape = [frames, 2, 2] }
                    let perFrame = values.count / max(frames, 1)
                    shape[0] = shotFrames
                    replacement = NpyWriter.encode(floats: Array(values.prefix(shotFrames * perFrame)), shape: shape)
                    notes.append("\(key) \(frames) → \(shotFrames) frames")
                } else if replacement != nil, array.dtype != .float32 || eyes {
                    notes.append("\(key) \(array.dtype) \(array.shape) → <f4")
                }
                return (replacement, notes)
            }
            return RepairOutcome(outputs: [file], before: nil, after: notes.joined(separator: "; "))
        }
    }

    /// The per-shot archive the guide's export script wrote for `shot` (e.g. `jaw_keypoints_cache_<shot>.npz`):
    /// the one `.npz` in `--per-shot DIR` or in `xform/` whose name holds the shot's name, not followed by
    /// a letter or digit (so `shot1` does not take `shot10`'s).
    static func perShotArchive(for shot: String, layout: DatasetLayout, options: FixOptions) -> String? {
        let folders = [options.perShotFolder, layout.path("xform")].compactMap { $0 }
        var found: [String] = []
        for folder in folders {
            for name in ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted() where name.lowercased().hasSuffix(".npz") {
                guard let range = name.range(of: shot) else { continue }
                let next = name[range.upperBound...].first
                if next.map({ !$0.isLetter && !$0.isNumber }) ?? true, !name.hasSuffix("_all.npz") { found.append(folder + "/" + name) }
            }
        }
        return found.count == 1 ? found.first : nil
    }

    /// `bs_data/bs_*.npz`: poseNames as fixed-width byte strings with `neutral` first, frontalMask as
    /// int32, neutral and poses as float32. Every other member is kept byte for byte.
    static func blendshapes(_ file: String, rules: [String]) -> Repair {
        Repair(rules: rules, file: file, action: "\(file): poseNames as byte strings with neutral first, frontalMask as int32, poses as float32",
               replaces: [file]) { context in
            let changed = try rewriteMembers(file, context: context) { key, array in
                switch key {
                case "poseNames":
                    guard array.dtype.kind == .unicode || array.dtype.kind == .bytes, var names = try? array.strings() else { return (nil, []) }
                    let wasFirst = names.first == "neutral"
                    if let index = names.firstIndex(of: "neutral"), index > 0 { names.insert(names.remove(at: index), at: 0) }
                    guard array.dtype.kind == .unicode || !wasFirst else { return (nil, []) }
                    return (NpyWriter.encode(byteStrings: names), ["poseNames \(array.dtype) → byte strings" + (wasFirst ? "" : ", neutral moved first")])
                case "frontalMask":
                    guard array.dtype != .int32, array.dtype.kind == .signedInteger || array.dtype.kind == .unsignedInteger,
                          let values = try? array.integers(), values.allSatisfy({ Int32(exactly: $0) != nil }) else { return (nil, []) }
                    return (NpyWriter.encode(int32: values.map { Int32($0) }, shape: [values.count]), ["frontalMask \(array.dtype) → <i4"])
                default:
                    guard array.dtype.kind == .float, let replacement = try float32(array) else { return (nil, []) }
                    return (replacement, ["\(key) \(array.dtype) → <f4"])
                }
            }
            let shown = changed.count > 4 ? changed.prefix(3).joined(separator: "; ") + "; and \(changed.count - 3) more" : changed.joined(separator: "; ")
            return RepairOutcome(outputs: [file], before: nil, after: shown)
        }
    }

    /// Rewrites the archive `file` into FIXED member by member: `change(key, array)` gives a member's
    /// new bytes (nil: kept byte for byte, as are members that do not parse) and lines for the log.
    /// Refuses when no member gave a line. Returns the lines.
    private static func rewriteMembers(_ file: String, context: RepairContext,
                                       _ change: (String, NpyArray) throws -> (npy: [UInt8]?, notes: [String])) throws -> [String] {
        let members = try NpzArchive.memberBytes(context.layout.path(file))
        var notes: [String] = []
        var out: [(key: String, npy: [UInt8])] = []
        for (key, bytes) in members {
            guard let array = try? NpyArray.parse(ByteBuffer(bytes), origin: "\(file)[\(key)]") else {
                out.append((key, bytes))
                continue
            }
            let result = try change(key, array)
            out.append((key, result.npy ?? bytes))
            notes += result.notes
        }
        guard !notes.isEmpty else { throw RepairRefused(description: "\(file): no member needed a change this remedy makes") }
        try NpzArchive.write(out, to: try context.prepare(file))
        return notes
    }
}
