import Dataset
import Formats
import Foundation

/// validate's findings turned into repairs, one per input file (or per shot for caches), and the
/// findings no mechanical remedy answers, each with why.
enum FixPlanner {
    struct Plan: Sendable {
        var repairs: [Repair] = []
        var unfixed: [Unfixed] = []
        /// A shot's head motion is to be removed: the head reference must be loaded.
        var stabilises = false
    }

    /// Why findings of these rules are left as they are.
    static let reasons: [String: String] = [
        "CACHE-VERTICES": "a mesh with another vertex count cannot be mapped onto the neutral's",
        "CACHE-ORDER": "a changed vertex order cannot be recovered mechanically",
        "CACHE-SCALE": "a unit or scale error FacePrep will not guess: re-export in the neutral's units",
        "CACHE-OFFSET": "a different world position or pivot FacePrep will not guess: re-export in the neutral's space",
        "SCALE-UNITS": "a unit error FacePrep will not guess: re-export in centimetres",
        "CACHE-UNREADABLE": "the file is damaged: re-export it",
        "AUDIO-UNREADABLE": "the file is damaged: re-export it",
        "CACHE-NONFINITE": "values that are not numbers cannot be made up",
        "AUDIO-NONFINITE": "samples that are not numbers cannot be made up",
        "AUDIO-MISSING": "no recording of this shot (and no WAV that differs only in case or extension)",
        "AUG-MISSING": "the augmented voice has no recording of this shot",
        "TONGUE-MISSING": "a tongue animation that was not exported cannot be made up",
        "XFORM-KEYS": "a shot's transforms that were not exported cannot be made up",
        "XFORM-COMBINE-MISTAKE": "the archive holds the string, not the shot's array, and no per-shot .npz was found in xform/ or --per-shot DIR: combine again with np.load(file)['anim'] (or ['rotations'])",
        "GEOM-MISSING": "geometry that was not exported cannot be made up",
        "DATASET-SHOTS": "a property of the whole dataset: record more shots",
        "CACHE-FPS": "changing a frame rate means resampling the animation: re-export at one rate",
        "CACHE-FPS-LOW": "changing a frame rate means resampling the animation: re-export",
        "FPS-DIFFUSION": "changing a frame rate means resampling the animation: re-export",
        "CACHE-DURATION": "a shot's length is the take's",
        "SYNC-OFFSET": "pass --apply-sync to shift the audio by the measured lag",
    ]

    static func plan(layout: DatasetLayout, findings: [Finding], options: FixOptions, syncLags: [String: Int]) -> Plan {
        var plan = Plan()
        var caches: [String: (skin: CacheRemedy.Target?, tongue: CacheRemedy.Target?, stabilise: Bool)] = [:]
        var audio: [String: AudioRemedy.Work] = [:]
        var arrays: [String: [String]] = [:]
        var transforms: [String: (rules: [String], trim: Bool, unwrap: Bool)] = [:]
        var blendshapes: [String: [String]] = [:]
        var setAside: [String: (rules: [String], why: String)] = [:]
        let audioNames = (try? FileManager.default.contentsOfDirectory(atPath: layout.path("audio"))) ?? []

        func unfixed(_ finding: Finding, _ why: String? = nil) {
            let rule = Rules.all.first { $0.id == finding.rule }
            plan.unfixed.append(Unfixed(rule: finding.rule, severity: finding.severity, file: finding.file, message: finding.message,
                                        why: why ?? reasons[finding.rule] ?? "no mechanical remedy: \(rule?.fix ?? finding.fix)"))
        }
        func cache(_ finding: Finding, stabilise: Bool = false, file: String? = nil) {
            guard let (kind, shot) = shotOf(cache: file ?? finding.file, layout: layout) else { return unfixed(finding, "not a shot's cache") }
            var entry = caches[shot] ?? (nil, nil, false)
            var target = (kind == "skin" ? entry.skin : entry.tongue) ?? CacheRemedy.Target(kind: kind, file: file ?? finding.file, rules: [])
            target.rules.append(finding.rule)
            if kind == "skin" { entry.skin = target } else { entry.tongue = target }
            entry.stabilise = entry.stabilise || stabilise
            caches[shot] = entry
        }
        func track(_ finding: Finding, source: String? = nil, _ change: (inout AudioRemedy.Work) -> Void) {
            guard let shot = shotOf(audio: finding.file, layout: layout) else { return unfixed(finding, "not a shot's audio") }
            var work = audio[finding.file] ?? AudioRemedy.Work(source: source ?? finding.file, target: finding.file, shot: shot)
            work.rules.append(finding.rule)
            change(&work)
            audio[finding.file] = work
        }

        for finding in findings where finding.severity != .info {
            guard options.allows(finding.rule, severity: finding.severity) else {
                unfixed(finding, "left as it is by --only/--skip")
                continue
            }
            switch finding.rule {
            case "LAYOUT-STRAY":
                setAside[finding.file] = ((setAside[finding.file]?.rules ?? []) + [finding.rule], "not a shot")
            case "CACHE-NAME":
                setAside[finding.file] = ((setAside[finding.file]?.rules ?? []) + [finding.rule], "not the shot's cache")
            case "CACHE-MISSING":
                let folder = finding.file.hasSuffix("/") ? String(finding.file.dropLast()) : finding.file
                let files = CacheRemedy.cacheFiles(in: folder, layout: layout)
                let loose = ((try? FileManager.default.contentsOfDirectory(atPath: layout.path(folder))) ?? []).filter { !$0.hasPrefix(".") }
                let shot = (folder as NSString).lastPathComponent
                // One cache named after the shot in another case (Shot01.xml + Shot01.mc): renamed.
                let stems = Set(files.map { (($0 as NSString).lastPathComponent as NSString).deletingPathExtension })
                if loose.isEmpty || files.isEmpty {
                    setAside[finding.file] = ((setAside[finding.file]?.rules ?? []) + [finding.rule], "a shot folder without a cache")
                } else if stems.count == 1, let stem = stems.first, stem.lowercased() == shot.lowercased(),
                          let source = files.first(where: { !$0.lowercased().hasSuffix(".mc") && !$0.lowercased().hasSuffix(".mcx") }) {
                    cache(finding, file: source)
                } else {
                    unfixed(finding, "the folder holds other files: which one is the shot's cache is for you to say")
                }
            case "LAYOUT-FLAT", "CACHE-DTYPE":
                cache(finding)
            case "CACHE-UNREADABLE" where finding.message.contains("choose one with --channel"):
                // A Maya cache with several channels: the framework interleaves them as frames.
                if options.channel == nil { unfixed(finding, "several channels: name the one to keep with --channel") } else { cache(finding) }
            case "CACHE-UNREADABLE" where finding.file.hasSuffix(".npy") && finding.message.contains("is not [frames, vertices, 3]"):
                // A flat [F, 3V] array: the same numbers, in the shape the framework reads.
                if let array = try? NpyArray.read(layout.path(finding.file)), array.shape.count == 2, array.shape[1] % 3 == 0 {
                    cache(finding)
                } else {
                    unfixed(finding)
                }
            case "CACHE-MAYA-VARIANT":
                if options.channel == nil, finding.message.contains("channel") {
                    unfixed(finding, "several channels: name the one to keep with --channel")
                } else {
                    cache(finding)
                }
            case "HEAD-MOTION":
                cache(finding, stabilise: true)
                plan.stabilises = true
            case "AUDIO-RATE":
                track(finding) { $0.resample = true }
            case "AUDIO-DEPTH":
                track(finding) { $0.requantise = true }
            case "AUDIO-CHANNELS":
                track(finding) { $0.downmix = true }
            case "AUDIO-NOT-WAV":
                track(finding) { $0.decode = true }
            case "AUDIO-FORMAT":
                setAside[finding.file] = ((setAside[finding.file]?.rules ?? []) + [finding.rule], "not WAV, and not read by the framework")
            case "AUDIO-SHORT", "AUDIO-LONG", "AUG-SHORT", "AUG-LONG":
                track(finding) { $0.conformLength = true }
            case "SYNC-OFFSET":
                guard options.applySync else { unfixed(finding); continue }
                guard let shot = shotOf(audio: finding.file, layout: layout), let lag = syncLags[shot] else {
                    unfixed(finding, "the lag is not confident enough to apply")
                    continue
                }
                track(finding) { $0.lagFrames = lag }
                // Augmented voices keep their original's timing: each of the shot's tracks moves by as much.
                for (_, tracks) in layout.augmentedVoices.sorted(by: { $0.key < $1.key }) {
                    guard let file = tracks[shot] else { continue }
                    var work = audio[file] ?? AudioRemedy.Work(source: file, target: file, shot: shot)
                    work.rules.append(finding.rule)
                    work.lagFrames = lag
                    audio[file] = work
                }
            case "AUDIO-MISSING":
                let name = (finding.file as NSString).lastPathComponent
                let stem = (name as NSString).deletingPathExtension.lowercased()
                let variants = audioNames.filter {
                    $0 != name && ($0.lowercased() == name.lowercased()
                        || (($0 as NSString).deletingPathExtension.lowercased() == stem && ["wav", "wave"].contains(($0 as NSString).pathExtension.lowercased())))
                }
                let otherFormat = layout.nonWavAudio.filter { ($0 as NSString).deletingPathExtension.lowercased() == ("audio/" + stem) }
                if variants.count == 1, let variant = variants.first {
                    track(finding, source: "audio/" + variant) { _ in }
                } else if variants.isEmpty, otherFormat.count == 1, let other = otherFormat.first {
                    track(finding, source: other) { $0.decode = true }
                } else {
                    unfixed(finding, variants.count > 1 ? "several WAVs differ from the shot's name only in case: which one is for you to say" : nil)
                }
            case "GEOM-SDK-DTYPE", "GEOM-DTYPE", "XFORM-SACCADE", "XFORM-BLINK", "XFORM-JAW-NEUTRAL":
                if finding.file.hasSuffix(".npy"), let array = try? NpyArray.read(layout.path(finding.file)), array.dtype != .float32,
                   array.dtype.kind == .float {
                    arrays[finding.file, default: []].append(finding.rule)
                } else {
                    unfixed(finding, "not a dtype problem: the values or the shape are wrong")
                }
            case "XFORM-DTYPE":
                let entry = transforms[finding.file]
                transforms[finding.file] = ((entry?.rules ?? []) + [finding.rule], entry?.trim ?? false, entry?.unwrap ?? false)
            case "XFORM-COMBINE-MISTAKE":
                // The message names the member ("member 'shot01' holds …"): its shot's own archive must be at hand.
                let shot = finding.message.split(separator: "'").dropFirst().first.map(String.init) ?? ""
                guard ArrayRemedy.perShotArchive(for: shot, layout: layout, options: options) != nil else { unfixed(finding); continue }
                let entry = transforms[finding.file]
                transforms[finding.file] = ((entry?.rules ?? []) + [finding.rule], entry?.trim ?? false, true)
            case "XFORM-FRAMES":
                if finding.message.contains("training trims") {
                    let entry = transforms[finding.file]
                    transforms[finding.file] = ((entry?.rules ?? []) + [finding.rule], true, entry?.unwrap ?? false)
                } else {
                    unfixed(finding, "fewer frames than the shot: the missing frames cannot be made up")
                }
            case "BS-POSENAMES":
                if finding.message.contains("unicode") || finding.message.contains("expected 'neutral'") {
                    blendshapes[finding.file, default: []].append(finding.rule)
                } else {
                    unfixed(finding)
                }
            case "BS-MASK", "BS-ARRAY":
                if finding.message.contains("expected <i4") || finding.message.contains("expected <f4") {
                    blendshapes[finding.file, default: []].append(finding.rule)
                } else {
                    unfixed(finding)
                }
            default:
                unfixed(finding)
            }
        }

        // Findings about a shot whose folder is set aside go with it (its missing audio, transforms, tongue).
        let setAsideShots = setAside.keys.compactMap { key -> String? in
            // A shot folder (cache/<kind>/<shot>/), not a stray file.
            let parts = key.split(separator: "/").map(String.init)
            guard key.hasSuffix("/"), parts.count == 3, parts[0] == "cache" else { return nil }
            return parts[2]
        }.filter { shot in layout.skin.contains { $0.shot == shot } || layout.tongue.contains { $0.shot == shot } }
        if !setAsideShots.isEmpty {
            plan.unfixed.removeAll { item in
                setAsideShots.contains { shot in
                    item.file.split(separator: "/").contains { ($0 as Substring).hasPrefix(shot) && ($0 == shot || $0.dropFirst(shot.count).first == ".") }
                        || item.message.contains("shot '\(shot)'") || item.message.contains("shot \(shot):") || item.message.hasSuffix("shot \(shot)")
                }
            }
        }
        for (file, entry) in setAside.sorted(by: { $0.key < $1.key }) {
            plan.repairs.append(SetAside.repair(file, rules: Array(Set(entry.rules)).sorted(), why: entry.why))
        }
        for (shot, entry) in caches.sorted(by: { $0.key < $1.key }) {
            var tongue = entry.tongue
            // The tongue rides on the head: when the head is stabilised, its tongue cache moves with it.
            if entry.stabilise, tongue == nil, let file = layout.tongue.first(where: { $0.shot == shot })?.candidates.first {
                tongue = CacheRemedy.Target(kind: "tongue", file: file, rules: [])
            }
            plan.repairs.append(CacheRemedy.repair(shot: shot, skin: entry.skin, tongue: tongue, stabilize: entry.stabilise, layout: layout))
        }
        for (_, work) in audio.sorted(by: { $0.key < $1.key }) { plan.repairs.append(AudioRemedy.repair(work)) }
        for (file, rules) in arrays.sorted(by: { $0.key < $1.key }) { plan.repairs.append(ArrayRemedy.npy(file, rules: rules)) }
        for (file, entry) in transforms.sorted(by: { $0.key < $1.key }) {
            plan.repairs.append(ArrayRemedy.transforms(file, rules: Array(Set(entry.rules)).sorted(), trim: entry.trim, unwrap: entry.unwrap))
        }
        for (file, rules) in blendshapes.sorted(by: { $0.key < $1.key }) { plan.repairs.append(ArrayRemedy.blendshapes(file, rules: Array(Set(rules)).sorted())) }
        return plan
    }

    /// `(kind, shot)` of a cache path `cache/<kind>/<shot>/<file>` or `cache/<kind>/<file>` (flat).
    static func shotOf(cache file: String, layout: DatasetLayout) -> (String, String)? {
        let parts = file.split(separator: "/").map(String.init)
        guard parts.count >= 3, parts[0] == "cache", parts[1] == "skin" || parts[1] == "tongue" else { return nil }
        let shot = parts.count >= 4 ? parts[2] : (parts[2] as NSString).deletingPathExtension
        return (parts[1], shot)
    }

    /// The shot of `audio/<shot>.wav` or of an augmented track `audio/aug/<voice>/<track>`.
    static func shotOf(audio file: String, layout: DatasetLayout) -> String? {
        let parts = file.split(separator: "/").map(String.init)
        if parts.count == 2, parts[0] == "audio" { return (parts[1] as NSString).deletingPathExtension }
        if parts.count == 4, parts[0] == "audio", parts[1] == "aug", let tracks = layout.augmentedVoices[parts[2]] {
            return tracks.first(where: { $0.value == file })?.key
        }
        return nil
    }
}
