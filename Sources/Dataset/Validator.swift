import Analysis
import Foundation
import Formats

/// Checks a whole dataset against every rule of the guide in one pass: each cache and WAV is read
/// once (shots in parallel), then the rules run on what was learned.
public enum DatasetValidator {
    public static func validate(_ root: String, options: ValidationOptions = ValidationOptions()) throws -> ValidationReport {
        let layout = try DatasetLayout.discover(root)
        let context = ValidationContext(layout: layout, options: options)
        context.run()
        return ValidationReport(root: root, findings: context.sortedFindings, summary: context.summary)
    }

    /// A shard's share of a validation: reads the caches of `shots` (skin and tongue) as `validate`
    /// does — the per-shot work — and nothing dataset-wide; `validate` with the results in
    /// `options.knownCaches` gives the whole report. `record` gets each shot as soon as it is read.
    public static func readCaches(_ root: String, shots: [String], options: ValidationOptions = ValidationOptions(),
                                  record: @escaping @Sendable (String, ShotCacheReadings) -> Void = { _, _ in }) throws -> [String: ShotCacheReadings] {
        let layout = try DatasetLayout.discover(root)
        let context = ValidationContext(layout: layout, options: options)
        context.loadNeutrals()
        let wanted = Set(shots)
        let jobs = context.cacheJobs().filter { wanted.contains($0.shot) }
        var readings: [String: ShotCacheReadings] = [:]
        for (job, reading) in zip(jobs, context.readCaches(jobs, record: record)) {
            if job.tongue { readings[job.shot, default: ShotCacheReadings()].tongue = reading } else { readings[job.shot, default: ShotCacheReadings()].skin = reading }
        }
        return readings
    }
}

/// The state of one validation run: the layout, what has been read, the findings so far.
final class ValidationContext {
    let layout: DatasetLayout
    let options: ValidationOptions
    private(set) var findings: [Finding] = []
    var summary = ValidationReport.Summary()

    /// geom/skin/neutral_pose.npy and geom/tongue/neutral_pose.npy when readable as [V, 3] floats.
    var skinNeutral: [Float]?
    var tongueNeutral: [Float]?
    /// The skin vertex count the dataset should have (the neutral's, else the most common).
    var skinVertexCount: Int?
    var tongueVertexCount: Int?
    /// Readable skin caches by shot.
    var skinCaches: [String: CacheSummary] = [:]
    var tongueCaches: [String: CacheSummary] = [:]
    /// Readable WAV files by path relative to the root.
    var audioSummaries: [String: AudioSummary] = [:]
    /// geom/skin/lip_dist_vertex_list.json when it parses (its rules are checked with the geometry).
    var lipList: UpperLowerVertexList?
    /// The dataset frame rate.
    var framesPerSecond = 30.0
    /// What the head motion of skin caches is measured against (with the rig's rigid set when
    /// bs_data/bs_skin.npz describes the skin mesh).
    var headReference: HeadReference?
    /// bs_data/bs_skin.npz as read for the rigid set (nil when missing or unreadable as a whole): the
    /// blendshape rules check this same copy.
    var skinArchive: NpzArchive?
    /// geom/tongue/rigid_vertex_list.json when it can align the tongue (≥ 3 distinct valid indices).
    var tongueRigidVertices: [Int]?

    init(layout: DatasetLayout, options: ValidationOptions) {
        self.layout = layout
        self.options = options
    }

    func add(_ rule: Rule, _ file: String, _ message: String, fix: String? = nil) {
        guard rule.applies(to: options.model), options.settings.reports(rule, file: file) else { return }
        var finding = Finding(rule, file: file, message, fix: fix)
        finding.severity = options.settings.severity(of: rule)
        findings.append(finding)
    }

    /// The thresholds in force.
    var thresholds: ValidationThresholds { options.settings.thresholds }

    var sortedFindings: [Finding] {
        findings.sorted { ($0.severity, $0.file, $0.rule, $0.message) < ($1.severity, $1.file, $1.rule, $1.message) }
    }

    /// Shot names, from cache/skin.
    var shots: [String] { layout.skin.map(\.shot) }

    func run() {
        checkLayout()
        loadNeutrals()
        readAndCheckCaches()
        checkAudio()
        checkSync()
        checkGeometry()
        checkTransforms()
        checkBlendshapes()
        checkDataset()
    }

    /// Relative path for messages about files given absolutely.
    func relative(_ path: String) -> String {
        path.hasPrefix(layout.root + "/") ? String(path.dropFirst(layout.root.count + 1)) : path
    }

    /// A FormatError's message with the file made relative.
    func describe(_ error: Error) -> String {
        (error as? FormatError)?.locatedProblem ?? "\(error)"
    }

    func checkLayout() {
        if !layout.hasAudioFolder { add(Rules.layoutNoAudio, "audio/", "folder missing") }
        if !layout.hasSkinFolder { add(Rules.layoutNoSkin, "cache/skin/", "folder missing") }
        for stray in layout.strays {
            add(Rules.layoutStray, stray, "a file directly in \(URL(fileURLWithPath: stray).deletingLastPathComponent().relativePath)/: the framework takes it for a shot named '\(URL(fileURLWithPath: stray).lastPathComponent)' and stops",
                fix: "mv \(shellQuoted(layout.path(stray))) \(shellQuoted(layout.root + "/"))")
        }
        checkShotNames()
    }

    /// What a `[V, 3]` pose file is used for, which decides what its dtype and shape may be.
    enum PoseRole {
        /// geom/skin/neutral_pose.npy: the PCA mean, cast to float32; a flat [3V] array is reshaped.
        case skinNeutral
        /// geom/tongue/neutral_pose.npy: cast to float32; must be [V, 3] for the tongue stabilisation.
        case tongueNeutral
        /// eye_close / lip_open deltas: copied unchanged into network_data.npz, read by the SDK as float32.
        case sdkDelta
    }

    /// Reads a `[V, 3]` float pose and reports its dtype and shape by what `role` tolerates.
    func readPose(_ file: String, role: PoseRole, vertices expected: Int?) -> [Float]? {
        guard layout.exists(file) else { return nil }
        do {
            let array = try NpyArray.read(layout.path(file))
            let isGrid = array.shape.count == 2 && array.shape[1] == 3
            let isFlat = array.shape.count == 1 && array.shape[0] % 3 == 0 && array.shape[0] > 0
            guard isGrid || (isFlat && role != .tongueNeutral) else {
                add(Rules.geomShape, file, "shape \(array.shape), expected [vertices, 3]\(isFlat ? ": the tongue stabilisation needs [vertices, 3] and stops on a flat array" : "")")
                return nil
            }
            guard array.dtype.kind == .float else {
                add(Rules.geomShape, file, "dtype \(array.dtype) (\(array.dtype.name)), expected float32")
                return nil
            }
            let vertexCount = isGrid ? array.shape[0] : array.shape[0] / 3
            if isFlat {
                if role == .skinNeutral {
                    add(Rules.geomDtype, file, "flat shape \(array.shape): the framework reshapes it to [\(vertexCount), 3], the same numbers")
                } else {
                    add(Rules.geomShape, file, "flat shape \(array.shape), expected [\(vertexCount), 3]")
                    return nil
                }
            }
            if array.dtype != .float32 {
                if role == .sdkDelta {
                    add(Rules.geomSdkDtype, file, "dtype \(array.dtype) (\(array.dtype.name)): copied unchanged into network_data.npz, where the SDK reads it as little-endian float32",
                        fix: "python3 -c \"import numpy as np; p='\(layout.path(file))'; np.save(p, np.load(p).astype('<f4'))\"")
                } else {
                    add(Rules.geomDtype, file, "dtype \(array.dtype) (\(array.dtype.name)): the framework casts it to float32, the same numbers")
                }
            }
            if let expected, vertexCount != expected {
                add(Rules.geomShape, file, "\(vertexCount) vertices, the dataset's mesh has \(expected)")
            }
            let values = try array.floats()
            if let bad = values.firstIndex(where: { !$0.isFinite }) {
                add(Rules.geomShape, file, "vertex \(bad / 3) is \(values[bad]); positions must be finite")
                return nil
            }
            return values
        } catch {
            add(Rules.geomShape, file, describe(error))
            return nil
        }
    }

    func loadNeutrals() {
        skinNeutral = readPose(DatasetFiles.skinNeutral, role: .skinNeutral, vertices: nil)
        skinVertexCount = skinNeutral.map { $0.count / 3 }
        lipList = try? JSONFile.read(UpperLowerVertexList.self, from: layout.path(DatasetFiles.lipList))
        if let skinNeutral {
            skinArchive = layout.exists(DatasetFiles.bsSkin) ? try? NpzArchive.read(layout.path(DatasetFiles.bsSkin)) : nil
            let reference = HeadReference(neutral: skinNeutral,
                                          rigidSet: skinArchive.flatMap { HeadReference.rigidSet(of: $0, vertexCount: skinNeutral.count / 3) })
            headReference = reference
            summary.headRigidSet = reference.description
        }
        if layout.hasTongueFolder {
            tongueNeutral = readPose(DatasetFiles.tongueNeutral, role: .tongueNeutral, vertices: nil)
            tongueVertexCount = tongueNeutral.map { $0.count / 3 }
            if let count = tongueVertexCount, let list = try? JSONFile.read([Int].self, from: layout.path(DatasetFiles.tongueRigid)),
               Set(list).count >= 3, list.allSatisfy({ $0 >= 0 && $0 < count }) {
                tongueRigidVertices = list
            }
        }
    }
}
