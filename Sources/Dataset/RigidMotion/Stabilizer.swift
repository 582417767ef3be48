import Analysis
import Foundation
import Formats

/// `faceprep stabilize`: removes the head motion `faceprep head` measures, from one cache or from a
/// whole dataset.
public enum Stabilizer {
    /// What a cache is stabilised against.
    public enum Reference: String, Sendable, CaseIterable {
        /// The dataset's `geom/skin/neutral_pose.npy` (or `--neutral FILE`): what `head` measures against.
        case neutral
        /// The cache's own first frame: keeps a constant tilt the whole shot shares.
        case firstFrame = "first-frame"
    }

    /// One stabilised cache.
    public struct CacheResult: Sendable, Codable {
        public let shot: String
        public let input: String
        public let output: String
        /// The motion removed.
        public let removed: HeadMotion.Summary
        /// The tongue cache moved with the skin's transforms, when the shot has one.
        public let tongue: String?

        public init(shot: String, input: String, output: String, removed: HeadMotion.Summary, tongue: String?) {
            self.shot = shot
            self.input = input
            self.output = output
            self.removed = removed
            self.tongue = tongue
        }
    }

    /// The dataset root a cache at `ROOT/cache/skin/<shot>/<file>` (or `ROOT/cache/skin/<file>`)
    /// belongs to, when that root has a skin neutral.
    public static func datasetRoot(ofCache path: String) -> String? {
        var url = URL(fileURLWithPath: path).standardized.deletingLastPathComponent()
        for _ in 0..<2 {
            if url.lastPathComponent == "skin", url.deletingLastPathComponent().lastPathComponent == "cache" {
                let root = url.deletingLastPathComponent().deletingLastPathComponent().path
                return FileManager.default.fileExists(atPath: root + "/" + DatasetFiles.skinNeutral) ? root : nil
            }
            url = url.deletingLastPathComponent()
        }
        return nil
    }

    /// Stabilises the cache at `input` into `output` (format by extension). Against `neutralFile`
    /// when given; else, with `.neutral`, against the neutral of the dataset the cache lies in (and
    /// that dataset's rigid set); `.firstFrame` against the cache's own first frame.
    /// - Returns: the motion removed and a description of the reference used.
    public static func stabilize(input: String, output: String, neutral neutralFile: String?,
                                 reference choice: Reference) throws -> (removed: HeadMotion.Summary, against: String) {
        let frames = try VertexCacheIO.frames(input)
        guard frames.frameCount > 0 else { throw FormatError(file: input, .wholeFile, "the cache has no frames") }
        let cache = try frames.readAll()
        let reference: HeadReference
        let against: String
        if choice == .firstFrame {
            reference = HeadReference(neutral: Array(cache.frame(0)), rigidSet: nil)
            against = "its first frame"
        } else if let neutralFile {
            reference = HeadReference(neutral: try NumpyNeutral.read(neutralFile), rigidSet: nil)
            against = neutralFile
        } else if let root = datasetRoot(ofCache: input) {
            reference = try HeadReference.load(try DatasetLayout.discover(root))
            against = root + "/" + DatasetFiles.skinNeutral
        } else {
            throw FormatError(file: input, .wholeFile,
                              "not inside a dataset (ROOT/cache/skin/<shot>/) with \(DatasetFiles.skinNeutral): give --neutral FILE, or --reference first-frame")
        }
        let motion = try HeadCheck.estimate(cache, reference: reference)
        try write(cache, transforms: motion.transforms, to: output)
        return (motion.summary, against)
    }

    /// Writes a stabilised copy of the dataset at `root` to `output` (which must not exist or be
    /// empty): every skin cache with its head motion removed against the neutral, every tongue
    /// cache moved by its skin shot's transforms (the tongue rides on the head), each in its input's
    /// format; every other file hard-linked (copied where links are not possible).
    public static func stabilizeDataset(_ root: String, output: String,
                                        progress: @escaping @Sendable (String) -> Void = { _ in }) throws -> [CacheResult] {
        let layout = try DatasetLayout.discover(root)
        let reference = try HeadReference.load(layout)
        let fm = FileManager.default
        let rootURL = URL(fileURLWithPath: root).standardized
        let outURL = URL(fileURLWithPath: output).standardized
        if outURL.path == rootURL.path || outURL.path.hasPrefix(rootURL.path + "/") {
            throw FormatError.unreadable(output, "the output must lie outside the dataset; inputs are never modified")
        }
        if let existing = try? fm.contentsOfDirectory(atPath: output), !existing.isEmpty {
            throw FormatError.unreadable(output, "not empty; choose a new folder")
        }
        let tongueByShot = Dictionary(layout.tongue.compactMap { e in e.candidates.first.map { (e.shot, $0) } }, uniquingKeysWith: { a, _ in a })
        let skinEntries = layout.skin.filter { !$0.candidates.isEmpty }
        // Files written by the stabiliser; everything else is linked.
        var replaced = Set<String>()
        for entry in skinEntries {
            guard let file = entry.candidates.first else { continue }
            VertexCacheIO.outputFiles(for: file).forEach { replaced.insert($0) }
            replaced.insert(file)
            if let tongue = tongueByShot[entry.shot] {
                VertexCacheIO.outputFiles(for: tongue).forEach { replaced.insert($0) }
                replaced.insert(tongue)
            }
        }
        try fm.createDirectory(atPath: output, withIntermediateDirectories: true)
        try LinkedCopy.tree(from: root, to: output, skipping: replaced)

        let done = Counter()
        let outcomes = parallelMap(skinEntries) { entry -> Result<CacheResult, Error> in
            defer { progress("stabilize \(done.increment())/\(skinEntries.count): \(entry.shot)") }
            do {
                guard let file = entry.candidates.first else { throw FormatError(file: root, .element(entry.shot), "no cache") }
                // Read once: the motion is measured on the decoded cache that is then moved.
                let frames = try VertexCacheIO.frames(layout.path(file))
                guard frames.frameCount > 0 else { throw FormatError(file: layout.path(file), .wholeFile, "the cache has no frames") }
                let skin = try frames.readAll()
                let motion = try HeadCheck.estimate(skin, reference: reference)
                try fm.createDirectory(atPath: output + "/" + URL(fileURLWithPath: file).deletingLastPathComponent().path,
                                       withIntermediateDirectories: true)
                try write(skin, transforms: motion.transforms, to: output + "/" + file)
                var tongueFile: String?
                if let tongue = tongueByShot[entry.shot] {
                    let cache = try VertexCacheIO.read(layout.path(tongue))
                    guard cache.frameCount == frames.frameCount else {
                        throw FormatError(file: layout.path(tongue), .wholeFile,
                                          "\(cache.frameCount) frames, its skin shot has \(frames.frameCount): cannot move it with the head")
                    }
                    try fm.createDirectory(atPath: output + "/" + URL(fileURLWithPath: tongue).deletingLastPathComponent().path,
                                           withIntermediateDirectories: true)
                    try write(cache, transforms: motion.transforms, to: output + "/" + tongue)
                    tongueFile = tongue
                }
                return .success(CacheResult(shot: entry.shot, input: file, output: output + "/" + file, removed: motion.summary, tongue: tongueFile))
            } catch {
                return .failure(error)
            }
        }
        var results: [CacheResult] = []
        for outcome in outcomes { results.append(try outcome.get()) }
        return results
    }

    /// Writes `cache` moved by `transforms` (one per frame) to `path`, keeping its rate, start frame
    /// and precision.
    static func write(_ cache: VertexCache, transforms: [RigidTransform], to path: String) throws {
        var moved = try VertexCache(frameCount: cache.frameCount, vertexCount: cache.vertexCount,
                                    positions: try RigidTransform.apply(transforms, to: cache.positions, vertexCount: cache.vertexCount),
                                    framesPerSecond: cache.framesPerSecond, startFrame: cache.startFrame, source: cache.source)
        if moved.framesPerSecond == nil, CacheFormat(path: path) == .mayaCache { moved.framesPerSecond = 30 }
        try VertexCacheIO.write(moved, to: path, double: cache.source.storedType == "float64")
    }
}
