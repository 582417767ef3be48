import Foundation
import Formats

/// Where a dataset's files are, as found on disk, and how that differs from what the training
/// framework reads. Paths are relative to `root` unless named otherwise.
public struct DatasetLayout: Sendable {
    /// A shot's cache candidates in one of cache/skin or cache/tongue.
    public struct ShotCaches: Sendable {
        public let shot: String
        /// Cache files found for the shot (relative paths), in the framework's preference order
        /// npy > xml > pc2, then others (.mcx, flat files).
        public let candidates: [String]
        /// True when the cache lies directly in cache/<kind>/ rather than in a shot folder.
        public let flat: Bool
        /// Files in the shot folder named after something else (`shot1/take3.npy`).
        public let misnamed: [String]
    }

    public let root: String
    /// Shots of cache/skin, sorted by name.
    public let skin: [ShotCaches]
    /// Shots of cache/tongue, sorted by name; empty when there is no tongue folder.
    public let tongue: [ShotCaches]
    public let hasTongueFolder: Bool
    /// Entries of cache/skin and cache/tongue that are not shots (relative paths).
    public let strays: [String]
    /// audio/*.wav by shot name.
    public let audio: [String: String]
    /// Files in audio/ that are audio but not WAV.
    public let nonWavAudio: [String]
    /// audio/aug/<voice>/: voice → (shot name → relative path).
    public let augmentedVoices: [String: [String: String]]
    public let hasAudioFolder: Bool
    public let hasSkinFolder: Bool

    static let cacheExtensions = ["npy", "xml", "pc2", "mcx", "mc"]
    static let otherAudioExtensions = ["mp3", "aiff", "aif", "flac", "ogg", "m4a", "aac", "wma", "opus"]

    /// Absolute path of a relative one.
    /// `relative` under the root; an absolute path (a file given on the command line) stays as it is.
    public func path(_ relative: String) -> String { relative.hasPrefix("/") ? relative : root + "/" + relative }

    /// Whether a relative path exists.
    public func exists(_ relative: String) -> Bool { FileManager.default.fileExists(atPath: path(relative)) }

    public static func discover(_ root: String) throws -> DatasetLayout {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory) else {
            throw FormatError.unreadable(root, "no such folder")
        }
        guard isDirectory.boolValue else {
            throw UsageProblem(subject: root, problem: "is a file, not a dataset folder", hint: "faceprep info \(root) describes a file")
        }
        if let problem = notADataset(root) { throw problem }
        let fm = FileManager.default
        func list(_ relative: String) -> [String] {
            ((try? fm.contentsOfDirectory(atPath: root + "/" + relative)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
        }
        func isDir(_ relative: String) -> Bool {
            var d: ObjCBool = false
            return fm.fileExists(atPath: root + "/" + relative, isDirectory: &d) && d.boolValue
        }

        var strays: [String] = []
        func caches(_ kind: String) -> [ShotCaches] {
            let folder = "cache/\(kind)"
            var shots: [String: (candidates: [String], flat: Bool, misnamed: [String])] = [:]
            for entry in list(folder) {
                let relative = folder + "/" + entry
                if isDir(relative) {
                    var found: [String] = [], misnamed: [String] = []
                    for file in list(relative) {
                        let ext = URL(fileURLWithPath: file).pathExtension.lowercased()
                        let stem = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
                        guard cacheExtensions.contains(ext) else { continue }
                        if stem == entry { found.append(relative + "/" + file) }
                        else if !(stem.hasPrefix(entry + "Frame") && (ext == "mc" || ext == "mcx")) { misnamed.append(relative + "/" + file) }
                    }
                    // A Maya binary belongs to its .xml; it is no separate candidate.
                    let hasXML = found.contains { $0.hasSuffix(".xml") }
                    found = found.filter { !(hasXML && ($0.hasSuffix(".mc") || $0.hasSuffix(".mcx"))) }
                    shots[entry] = (found, false, misnamed)
                } else {
                    let ext = URL(fileURLWithPath: entry).pathExtension.lowercased()
                    let stem = URL(fileURLWithPath: entry).deletingPathExtension().lastPathComponent
                    if ["npy", "pc2", "xml", "mcx"].contains(ext) {
                        var existing = shots[stem] ?? ([], true, [])
                        existing.candidates.append(relative)
                        shots[stem] = existing
                    } else if ext != "mc" {
                        strays.append(relative)
                    }
                }
            }
            let rank = ["npy": 0, "xml": 1, "pc2": 2, "mcx": 3, "mc": 4]
            return shots.keys.sorted().compactMap { name in
                guard let s = shots[name] else { return nil }
                let ordered = s.candidates.sorted {
                    (rank[URL(fileURLWithPath: $0).pathExtension.lowercased()] ?? 9) < (rank[URL(fileURLWithPath: $1).pathExtension.lowercased()] ?? 9)
                }
                return ShotCaches(shot: name, candidates: ordered, flat: s.flat, misnamed: s.misnamed)
            }
        }

        let skin = caches("skin")
        let hasTongue = isDir("cache/tongue")
        let tongue = hasTongue ? caches("tongue") : []

        var audio: [String: String] = [:]
        var nonWav: [String] = []
        for entry in list("audio") where !isDir("audio/" + entry) {
            let ext = URL(fileURLWithPath: entry).pathExtension.lowercased()
            let stem = URL(fileURLWithPath: entry).deletingPathExtension().lastPathComponent
            if ext == "wav" || ext == "wave" { audio[stem] = "audio/" + entry }
            else if otherAudioExtensions.contains(ext) { nonWav.append("audio/" + entry) }
        }
        var voices: [String: [String: String]] = [:]
        for voice in list("audio/aug") where isDir("audio/aug/" + voice) {
            var tracks: [String: String] = [:]
            for entry in list("audio/aug/" + voice) {
                let ext = URL(fileURLWithPath: entry).pathExtension.lowercased()
                let stem = URL(fileURLWithPath: entry).deletingPathExtension().lastPathComponent
                if ext == "wav" || ext == "wave" { tracks[stem] = "audio/aug/\(voice)/\(entry)" }
                else if otherAudioExtensions.contains(ext) { nonWav.append("audio/aug/\(voice)/\(entry)") }
            }
            voices[voice] = tracks
        }
        return DatasetLayout(root: root, skin: skin, tongue: tongue, hasTongueFolder: hasTongue, strays: strays,
                             audio: audio, nonWavAudio: nonWav, augmentedVoices: voices,
                             hasAudioFolder: isDir("audio"), hasSkinFolder: isDir("cache/skin"))
    }
}

/// The dataset's fixed file names, from the guide.
public enum DatasetFiles {
    public static let skinNeutral = "geom/skin/neutral_pose.npy"
    public static let eyeClose = "geom/skin/eye_close_pose_delta.npy"
    public static let lipOpen = "geom/skin/lip_open_pose_delta.npy"
    public static let eyeList = "geom/skin/eye_dist_vertex_list.json"
    public static let lipList = "geom/skin/lip_dist_vertex_list.json"
    public static let lipSizeList = "geom/skin/lip_size_vertex_list.json"
    public static let tongueNeutral = "geom/tongue/neutral_pose.npy"
    public static let tongueRigid = "geom/tongue/rigid_vertex_list.json"
    public static let jawNeutral = "xform/jaw_keypoints_neutral.npy"
    public static let jawCache = "xform/jaw_keypoints_cache_all.npz"
    public static let eyeRotations = "xform/eye_rotations_all.npz"
    public static let saccade = "xform/eye_saccade_rotations.npy"
    public static let blinks = "xform/eye_blink_keys.npy"
    public static let bsSkin = "bs_data/bs_skin.npz"
    public static let bsSkinConfig = "bs_data/bs_skin_config.json"
    public static let bsTongue = "bs_data/bs_tongue.npz"
    public static let bsTongueConfig = "bs_data/bs_tongue_config.json"
}
