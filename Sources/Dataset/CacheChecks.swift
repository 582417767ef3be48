import Analysis
import Foundation
import Formats
import Synchronization

/// One cache as validation read it: its summary, or why it cannot be read.
public enum CacheReading: Sendable, Codable {
    case read(CacheSummary)
    case failed(FormatError)
}

/// A shot's caches as validation read them (a shard's result).
public struct ShotCacheReadings: Sendable, Codable {
    public var skin: CacheReading?
    public var tongue: CacheReading?
    public init(skin: CacheReading? = nil, tongue: CacheReading? = nil) {
        self.skin = skin
        self.tongue = tongue
    }
}

extension ValidationContext {
    struct CacheJob: Sendable {
        let shot: String
        let file: String
        let tongue: Bool
    }

    /// Reads every skin and tongue cache once, in parallel (those of `options.knownCaches` are not
    /// read again), then applies the cache rules.
    func readAndCheckCaches() {
        let jobs = cacheJobs()
        let outcomes = readCaches(jobs)
        for (job, outcome) in zip(jobs, outcomes) {
            switch outcome {
            case let .read(summary):
                if job.tongue { tongueCaches[job.shot] = summary } else { skinCaches[job.shot] = summary }
            case let .failed(error):
                let rule = error.problem.contains("must be finite") ? Rules.cacheNonFinite : Rules.cacheUnreadable
                add(rule, relative(error.file), describe(error))
            }
        }
        determineFrameRate()
        checkCacheContents(skinCaches, expectedVertices: &skinVertexCount, neutralFile: DatasetFiles.skinNeutral)
        checkCacheContents(tongueCaches, expectedVertices: &tongueVertexCount, neutralFile: DatasetFiles.tongueNeutral)
        checkTongueShots()
    }

    /// The cache each skin and tongue shot is read from (the framework's choice), with the layout
    /// rules on the way.
    func cacheJobs() -> [CacheJob] {
        var jobs: [CacheJob] = []
        for (kind, shots) in [("skin", layout.skin), ("tongue", layout.tongue)] {
            for entry in shots {
                let folder = "cache/\(kind)/\(entry.shot)/"
                if entry.flat {
                    for file in entry.candidates { add(Rules.layoutFlat, file, "cache lies directly in cache/\(kind)/", fix: "move it to \(folder)\(URL(fileURLWithPath: file).lastPathComponent)") }
                }
                guard let chosen = entry.candidates.first else {
                    let found = entry.misnamed.map { URL(fileURLWithPath: $0).lastPathComponent }
                    if let first = entry.misnamed.first {
                        add(Rules.cacheMissing, folder, "no \(entry.shot).npy, .xml or .pc2; the folder holds \(found.joined(separator: ", ")), which the framework does not look for",
                            fix: "mv \(shellQuoted(layout.path(first))) \(shellQuoted(layout.path(folder + entry.shot + "." + URL(fileURLWithPath: first).pathExtension)))"
                                + (first.lowercased().hasSuffix(".xml") ? " (and its .mc, whose name the .xml's binary reference must match)" : ""))
                    } else {
                        add(Rules.cacheMissing, folder, "no \(entry.shot).npy, .xml or .pc2 in the shot folder")
                    }
                    continue
                }
                for file in entry.misnamed {
                    add(Rules.cacheName, file, "named '\(URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent)' in folder '\(entry.shot)': ignored, the framework reads \(URL(fileURLWithPath: chosen).lastPathComponent)")
                }
                if entry.candidates.count > 1 {
                    add(Rules.cacheMultiple, folder, "\(entry.candidates.count) caches (\(entry.candidates.map { URL(fileURLWithPath: $0).lastPathComponent }.joined(separator: ", "))); the framework takes \(URL(fileURLWithPath: chosen).lastPathComponent)")
                }
                jobs.append(CacheJob(shot: entry.shot, file: chosen, tongue: kind == "tongue"))
            }
        }
        return jobs
    }

    /// Reads the caches of `jobs`, one per core; `record` gets each shot's readings when all its jobs are read.
    func readCaches(_ jobs: [CacheJob], record: @escaping @Sendable (String, ShotCacheReadings) -> Void = { _, _ in }) -> [CacheReading] {
        let known = options.knownCaches
        func knownReading(_ job: CacheJob) -> CacheReading? { job.tongue ? known[job.shot]?.tongue : known[job.shot]?.skin }
        let toRead = jobs.filter { knownReading($0) == nil }
        let jobsPerShot = Dictionary(grouping: toRead, by: \.shot).mapValues(\.count)
        let pending = Mutex<[String: ShotCacheReadings]>([:])

        let root = layout.root
        let skinNeutral = self.skinNeutral, tongueNeutral = self.tongueNeutral, lipList = self.lipList
        let head = headReference
        let tongueAlignment: CacheSummary.TongueAlignment = tongueRigidVertices.map { .rigidVertices($0) } ?? .allVertices
        let total = toRead.count
        let done = Counter()
        let progress = options.progress
        let read = parallelMap(toRead) { job -> CacheReading in
            defer { progress("read \(done.increment())/\(total) caches (\(job.file))") }
            let reading = Self.read(job, root: root, skinNeutral: skinNeutral, tongueNeutral: tongueNeutral, head: head,
                                    tongueAlignment: tongueAlignment, lipList: lipList)
            let complete: ShotCacheReadings? = pending.withLock { pending in
                var readings = pending[job.shot] ?? ShotCacheReadings()
                if job.tongue { readings.tongue = reading } else { readings.skin = reading }
                pending[job.shot] = readings
                return [readings.skin, readings.tongue].compactMap { $0 }.count == jobsPerShot[job.shot] ? readings : nil
            }
            if let complete { record(job.shot, complete) }
            return reading
        }
        var byJob = Dictionary(zip(toRead.map { "\($0.tongue)/\($0.shot)" }, read), uniquingKeysWith: { a, _ in a })
        return jobs.compactMap { knownReading($0) ?? byJob.removeValue(forKey: "\($0.tongue)/\($0.shot)") }
    }

    private static func read(_ job: CacheJob, root: String, skinNeutral: [Float]?, tongueNeutral: [Float]?, head: HeadReference?,
                             tongueAlignment: CacheSummary.TongueAlignment, lipList: UpperLowerVertexList?) -> CacheReading {
            do {
                let frames = try Self.framesAsTheFrameworkSees(root + "/" + job.file)
                return .read(try CacheSummary(file: job.file, frames: frames, neutral: job.tongue ? tongueNeutral : skinNeutral,
                                              head: job.tongue ? nil : head, tongue: job.tongue ? tongueAlignment : nil, lipList: lipList))
            } catch let error as FormatError {
                return .failed(error)
            } catch {
                return .failed(FormatError(file: root + "/" + job.file, .wholeFile, "\(error)"))
            }
    }

    /// The dataset's frame rate: the one the cache headers agree on, else --fps, else 30.
    private func determineFrameRate() {
        let stated = (skinCaches.values.map { $0 } + tongueCaches.values.map { $0 }).compactMap { s in s.framesPerSecond.map { (s.file, $0) } }
        let counts = Dictionary(grouping: stated, by: { $0.1 }).mapValues(\.count)
        if let common = counts.max(by: { ($0.value, -$0.key) < ($1.value, -$1.key) })?.key {
            framesPerSecond = common
            summary.frameRateSource = "cache headers"
            if let override = options.framesPerSecond, override != common {
                summary.frameRateSource = "cache headers (--fps \(override) ignored for caches that state a rate)"
            }
            for (file, fps) in stated where fps != common {
                add(Rules.cacheFrameRate, file, "\(format(fps)) fps, the other shots are \(format(common)) fps")
            }
        } else {
            framesPerSecond = options.framesPerSecond ?? 30
            summary.frameRateSource = options.framesPerSecond == nil ? "default (no cache states one; set --fps)" : "--fps"
        }
        summary.framesPerSecond = framesPerSecond
        if framesPerSecond < thresholds.minFramesPerSecond {
            add(Rules.cacheFrameRateLow, "cache/", "\(format(framesPerSecond)) fps")
        }
        checkDiffusionFrameRate()
    }

    /// The cache's frames; a Maya cache with several channels through its first. The framework does
    /// not choose a channel: it takes each channel's array as a frame of its own, so such a cache is
    /// measured on its first channel and `CACHE-MAYA-VARIANT` says it interleaves them (FacePrep's
    /// reader alone would refuse it as unreadable until told which channel to read).
    static func framesAsTheFrameworkSees(_ path: String) throws -> CacheFrames {
        do { return try VertexCacheIO.frames(path) } catch let error as FormatError where error.problem.contains("choose one with --channel") {
            let xml = URL(fileURLWithPath: path).deletingPathExtension().path + ".xml"
            guard let first = try? MayaCacheDescription.read(xml).channels.first?.name else { throw error }
            return try VertexCacheIO.frames(path, channel: first)
        }
    }

    private func checkCacheContents(_ caches: [String: CacheSummary], expectedVertices: inout Int?, neutralFile: String) {
        if expectedVertices == nil {
            // No neutral: hold the shots to the vertex count most of them share.
            let counts = Dictionary(grouping: caches.values, by: \.vertexCount).mapValues(\.count)
            expectedVertices = counts.max { ($0.value, $0.key) < ($1.value, $1.key) }?.key
        }
        let hasNeutral = layout.exists(neutralFile)
        for summary in caches.values.sorted(by: { $0.file < $1.file }) {
            let file = summary.file
            if let expected = expectedVertices, summary.vertexCount != expected {
                add(Rules.cacheVertices, file, "\(summary.vertexCount) vertices, \(hasNeutral ? neutralFile : "most shots") has \(expected)")
            }
            if summary.format == .numpy, summary.storedType != "float32" || summary.variant.contains(">") {
                let path = layout.path(file), converted = layout.path(file) + ".f4.npy"
                add(Rules.cacheDtype, file, "stored as \(summary.variant.components(separatedBy: ", ").dropFirst().first ?? summary.storedType), the guide asks for <f4; the framework casts it to float32, the same numbers",
                    fix: "faceprep convert \(shellQuoted(path)) \(shellQuoted(converted)) && mv \(shellQuoted(converted)) \(shellQuoted(path))")
            }
            if let reason = summary.unreadableMayaVariant {
                let folder = URL(fileURLWithPath: layout.path(file)).deletingLastPathComponent().path
                let shot = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
                let staging = layout.root + "/../.faceprep-convert-" + shot
                let channel = summary.channels.count > 1 ? " --channel \(shellQuoted(summary.channels[0]))" : ""
                add(Rules.cacheMayaVariant, file, "\(reason): the training framework \(summary.channels.count > 1 && !summary.variant.hasPrefix("FOR8") && !summary.variant.contains("OneFilePerFrame") ? "interleaves the channels as frames" : "cannot read it")",
                    fix: "mkdir -p \(shellQuoted(staging)) && faceprep convert \(shellQuoted(layout.path(file))) \(shellQuoted(staging + "/" + shot + ".xml"))\(channel) && rm -f \(shellQuoted(folder + "/" + shot)).{xml,mc,mcx} && mv \(shellQuoted(staging))/\(shellQuoted(shot)).{xml,mc} \(shellQuoted(folder))/"
                        + (summary.channels.count > 1 ? " (choose the channel: \(summary.channels.joined(separator: ", ")))" : ""))
            }
            let seconds = Double(summary.frameCount) / framesPerSecond
            if !file.hasPrefix("cache/tongue") {
                if summary.frameCount <= 1 {
                    add(Rules.cacheTooShort, file, "\(summary.frameCount) frame\(summary.frameCount == 1 ? "" : "s")")
                } else if seconds <= thresholds.diffusionMinSeconds + 1e-9 {
                    add(Rules.cacheTooShortDiffusion, file, String(format: "%.3f s (%d frames at %@ fps)", seconds, summary.frameCount, format(framesPerSecond)))
                }
                if seconds < thresholds.shotMinSeconds || seconds > thresholds.shotMaxSeconds {
                    add(Rules.cacheDuration, file, String(format: "%.2f s (%d frames), recommended %@–%@ s", seconds, summary.frameCount,
                                                          format(thresholds.shotMinSeconds), format(thresholds.shotMaxSeconds)))
                }
            }
            // A shot in another scale, place or vertex order is reported as such; its "motion" would only echo that.
            let comparisonProblem = summary.comparison?.problem(scaleRatio: thresholds.cacheScaleRatio, offset: thresholds.cacheOffsetFraction,
                                                                reorder: thresholds.cacheReorderFraction)
            if let head = summary.headMotion, head.maxRotationDegrees >= thresholds.headRotationDegrees || head.maxTranslationPercent >= thresholds.headTranslationPercent,
               comparisonProblem == nil {
                add(Rules.headMotion, file, String(format: "the head moves rigidly: up to %.2f° of rotation and %.3g mesh units (%.2f%% of the head height) of translation of its centre, worst at frame %d (0-based); limits %.2f° and %.2f%%",
                                                   head.maxRotationDegrees, head.maxTranslation, head.maxTranslationPercent, head.worstFrame,
                                                   thresholds.headRotationDegrees, thresholds.headTranslationPercent),
                    fix: stabilizeFix)
            }
            if let comparison = summary.comparison, let problem = comparisonProblem {
                // A tongue is compared after its rigid motion is removed (it rides the jaw).
                let tongueNote: String
                switch summary.tongueAlignment {
                case .rigidVertices?: tongueNote = " after removing the tongue's rigid motion (Kabsch on \(DatasetFiles.tongueRigid), as the framework stabilises it)"
                case .allVertices?: tongueNote = " after removing the tongue's rigid motion (Kabsch on all its vertices: \(DatasetFiles.tongueRigid) is missing or unusable)"
                case nil: tongueNote = ""
                }
                let whose = summary.tongueAlignment == nil ? "the neutral's" : "the tongue neutral's"
                switch problem {
                case .rescaled:
                    add(Rules.cacheScale, file, String(format: "bounding box %.3g× %@%@%@", comparison.scaleRatio, whose, tongueNote,
                                                       abs(log10(comparison.scaleRatio) - 2) < 0.2 || abs(log10(comparison.scaleRatio) + 2) < 0.2 ? " (metres vs centimetres?)" : ""))
                case .offset:
                    add(Rules.cacheOffset, file, String(format: "mean frame's centre is %.0f%% of the %@ size away from %@%@", comparison.centroidOffset * 100,
                                                        summary.tongueAlignment == nil ? "head" : "tongue", whose, tongueNote))
                case .reordered:
                    add(Rules.cacheOrder, file, String(format: "half the vertices are over %.0f%% of the %@ size from their neutral positions%@, the bounding box agrees: the vertex order differs",
                                                       comparison.medianVertexDistance * 100, summary.tongueAlignment == nil ? "head" : "tongue", tongueNote))
                }
            }
        }
    }

    /// The diffusion model resamples targets by the whole factor round(60 / fps) and then treats them
    /// as 60 fps: the time error of every target against its audio, over the longest shot.
    private func checkDiffusionFrameRate() {
        let factor = Self.pythonRound(60 / framesPerSecond)
        let error = Double(factor) * framesPerSecond / 60 - 1
        let longest = Double(skinCaches.values.map(\.frameCount).max() ?? 0) / framesPerSecond
        // Harmless while the drift over the longest shot stays under one frame.
        guard abs(error) * longest >= 1 / framesPerSecond || factor == 0 else { return }
        let message = factor == 0
            ? "\(format(framesPerSecond)) fps: round(60 / fps) is 0, the diffusion data path cannot resample the targets"
            : String(format: "%@ fps: the diffusion data path resamples targets ×%d and treats them as 60 fps, so every target is %.1f%% %@ than its audio (%.2f s over the longest shot, %.1f s)",
                     format(framesPerSecond), factor, abs(error) * 100, error < 0 ? "shorter" : "longer", abs(error) * longest, longest)
        add(Rules.fpsDiffusion, "cache/", message)
    }

    /// Python 3's round(): halves to even (round(2.5) is 2), as the framework computes factors.
    static func pythonRound(_ x: Double) -> Int { Int(x.rounded(.toNearestOrEven)) }

    /// The command that removes the head motion, for this dataset.
    private var stabilizeFix: String {
        var root = layout.root
        while root.count > 1, root.hasSuffix("/") { root.removeLast() }
        let output = shellQuoted(root + "-stabilized")
        return "faceprep stabilize \(shellQuoted(root)) --out \(output) writes a copy with every skin shot stabilised against \(DatasetFiles.skinNeutral) (each tongue moved with its head); then faceprep validate \(output)"
    }

    private func checkTongueShots() {
        guard layout.hasTongueFolder else { return }
        let skinShots = Set(shots), tongueShots = Set(layout.tongue.map(\.shot))
        for shot in shots where !tongueShots.contains(shot) {
            add(Rules.tongueMissing, "cache/tongue/\(shot)/", "skin shot '\(shot)' has no tongue cache")
        }
        for shot in layout.tongue.map(\.shot) where !skinShots.contains(shot) {
            add(Rules.tongueExtra, "cache/tongue/\(shot)/", "no skin shot named '\(shot)'")
        }
        for (shot, tongue) in tongueCaches {
            if let skin = skinCaches[shot], skin.frameCount != tongue.frameCount {
                add(Rules.tongueFrames, tongue.file, "\(tongue.frameCount) frames, the skin cache has \(skin.frameCount)")
            }
        }
        summary.tongueShots = tongueCaches.count
        summary.tongueVertices = tongueVertexCount
    }

    func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(format: "%.3f", value)
    }
}

/// A thread-safe counter for progress lines.
public final class Counter: Sendable {
    private let value = Mutex<Int>(0)
    public init() {}
    public func increment() -> Int { value.withLock { $0 += 1; return $0 } }
}

import Synchronization
