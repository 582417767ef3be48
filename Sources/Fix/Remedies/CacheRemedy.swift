import Analysis
import Dataset
import Formats
import Foundation

/// One shot's caches rewritten: head motion removed against the neutral (the tongue moved with the
/// skin, as `faceprep stabilize` does), and every cache written where and as the training framework
/// reads it — `cache/<kind>/<shot>/<shot>.xml` + `.mc` (OneFile FOR4, float32) for Maya sources,
/// `<shot>.npy` (little-endian float32 `[F, V, 3]`) for NumPy ones, `.pc2` for point caches.
enum CacheRemedy {
    struct Target: Sendable {
        /// `skin` or `tongue`.
        let kind: String
        /// The cache read (relative).
        let file: String
        var rules: [String]
    }

    static let cacheExtensions: Set<String> = ["npy", "xml", "mc", "mcx", "pc2"]

    /// The cache files of a shot folder (the ones a rewrite replaces); `folder` relative.
    static func cacheFiles(in folder: String, layout: DatasetLayout) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: layout.path(folder))) ?? []
        return names.filter { cacheExtensions.contains(($0 as NSString).pathExtension.lowercased()) }.sorted().map { folder + "/" + $0 }
    }

    /// Where the rewritten cache of `shot` goes: the format the input was in, named after the shot.
    static func outputFile(kind: String, shot: String, source: String) -> String {
        let ext: String
        switch CacheFormat(path: source) {
        case .numpy: ext = "npy"
        case .pointCache2: ext = "pc2"
        default: ext = "xml"
        }
        return "cache/\(kind)/\(shot)/\(shot).\(ext)"
    }

    static func repair(shot: String, skin: Target?, tongue: Target?, stabilize: Bool, layout: DatasetLayout) -> Repair {
        var parts: [String] = []
        if stabilize { parts.append("head motion removed against the neutral" + (tongue != nil ? ", the tongue moved with it" : "")) }
        let formats = [skin, tongue].compactMap { $0 }.filter { !$0.rules.filter { $0 != "HEAD-MOTION" }.isEmpty }
        for target in formats { parts.append("\(target.kind) rewritten as \(formatName(outputFile(kind: target.kind, shot: shot, source: target.file)))") }
        let targets = [skin, tongue].compactMap { $0 }
        let replaces = targets.flatMap { cacheFiles(in: ($0.file as NSString).deletingLastPathComponent, layout: layout) }
        let rules = Array(Set(targets.flatMap(\.rules))).sorted()
        return Repair(rules: rules, file: (skin ?? tongue)?.file ?? shot, action: "\(shot): " + parts.joined(separator: "; "), replaces: replaces) { context in
            var outputs: [String] = [], before: String?, after: String?
            var transforms: [RigidTransform]?
            var skinFrames: Int?
            if let skin {
                let cache = try read(skin.file, context: context)
                skinFrames = cache.frameCount
                var positions = cache.positions
                if stabilize, let reference = context.headReference {
                    let motion = try HeadCheck.estimate(cache, reference: reference)
                    transforms = motion.transforms
                    positions = try RigidTransform.apply(motion.transforms, to: cache.positions, vertexCount: cache.vertexCount)
                    let moved = try VertexCache(frameCount: cache.frameCount, vertexCount: cache.vertexCount, positions: positions,
                                                framesPerSecond: cache.framesPerSecond, startFrame: cache.startFrame, source: cache.source)
                    let left = try HeadCheck.estimate(moved, reference: reference).summary
                    before = describe(motion.summary)
                    after = describe(left) + (left.passed ? "; the head is now static" : "; still moving: check the neutral")
                } else {
                    before = "\(skin.file): \(cache.source.variant), \(cache.source.storedType)"
                    after = formatName(outputFile(kind: "skin", shot: shot, source: skin.file))
                }
                outputs += try write(cache, positions: positions, kind: "skin", shot: shot, source: skin.file, context: context)
            }
            if let tongue {
                let cache = try read(tongue.file, context: context)
                var positions = cache.positions
                if let transforms {
                    guard cache.frameCount == skinFrames else {
                        throw RepairRefused(description: "\(tongue.file) has \(cache.frameCount) frames, its skin shot \(skinFrames ?? 0): cannot move it with the head")
                    }
                    positions = try RigidTransform.apply(transforms, to: cache.positions, vertexCount: cache.vertexCount)
                }
                outputs += try write(cache, positions: positions, kind: "tongue", shot: shot, source: tongue.file, context: context)
            }
            return RepairOutcome(outputs: outputs, before: before, after: after)
        }
    }

    /// The cache at `file`; a flat `.npy` `[F, 3V]` (which the framework cannot read) as `[F, V, 3]`.
    static func read(_ file: String, context: RepairContext) throws -> VertexCache {
        let path = context.layout.path(file)
        guard CacheFormat(path: file) == .numpy, let array = try? NpyArray.read(path), array.shape.count == 2,
              array.shape[1] % 3 == 0, array.shape[1] > 0 else {
            // --channel is for the caches with several; one with a single channel is read as it is.
            do { return try VertexCacheIO.read(path) } catch {
                guard let channel = context.options.channel else { throw error }
                return try VertexCacheIO.read(path, channel: channel)
            }
        }
        let cache = try VertexCache(frameCount: array.shape[0], vertexCount: array.shape[1] / 3, positions: try array.floats(),
                                    source: CacheSource(path: path, format: .numpy, variant: "npy \(array.dtype) \(array.shape), flat", storedType: "\(array.dtype)"))
        try cache.requireFinite()
        return cache
    }

    /// How a written cache is stored, for the log.
    static func formatName(_ target: String) -> String {
        switch CacheFormat(path: target) {
        case .numpy: return "\(target) (little-endian float32 [F, V, 3])"
        case .pointCache2: return target
        default: return "\(target) + .mc (OneFile FOR4, float32)"
        }
    }

    private static func describe(_ summary: HeadMotion.Summary) -> String {
        String(format: "rotation up to %.2f°, translation up to %.3g mesh units (%.2f%% of the head)",
               summary.maxRotationDegrees, summary.maxTranslation, summary.maxTranslationPercent)
    }

    /// Writes `positions` as the shot's cache in FIXED (float32, the framework's format); returns the files written.
    private static func write(_ cache: VertexCache, positions: [Float], kind: String, shot: String, source: String,
                              context: RepairContext) throws -> [String] {
        let target = outputFile(kind: kind, shot: shot, source: source)
        var out = try VertexCache(frameCount: cache.frameCount, vertexCount: cache.vertexCount, positions: positions,
                                  framesPerSecond: cache.framesPerSecond, startFrame: cache.startFrame, source: cache.source)
        // A Maya cache must state its rate; the framework assumes 30 fps when the other formats do not.
        if out.framesPerSecond == nil, CacheFormat(path: target) == .mayaCache { out.framesPerSecond = context.options.validation.framesPerSecond ?? 30 }
        let path = try context.prepare(target)
        try VertexCacheIO.write(out, to: path, double: false)
        return VertexCacheIO.outputFiles(for: path).map { String($0.dropFirst(context.output.count + 1)) }
    }
}
