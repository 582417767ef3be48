import Analysis
import Dataset
import Formats
import Foundation
import Synchronization

/// `faceprep report`: the dataset's findings, summary and per-shot charts on one page.
public enum DatasetReport {
    public struct Options: Sendable {
        /// Only these shots get a section (empty: all).
        public var shots: [String] = []
        /// A `faceprep solve` output folder; nil: the dataset's `solve/` when it holds a solve.
        public var solve: String?
        public var validation = ValidationOptions()
        public var progress: @Sendable (String) -> Void = { _ in }
        public init() {}
    }

    /// What was put on the page.
    public struct Summary: Sendable, Codable {
        public let output: String
        public let bytes: Int
        public let shots: Int
        public let charts: Int
        public let findings: Int
    }

    static let colours = ["#3b7dd8", "#d9822b", "#2f9e6b", "#9b59b6", "#c0392b", "#16a2b8"]

    /// Builds the page for the dataset at `root`.
    public static func html(_ root: String, options: Options = Options()) throws -> (html: String, charts: Int, shots: Int, findings: Int) {
        let layout = try DatasetLayout.discover(root)
        try layout.requireShots(options.shots)
        options.progress("report: validating")
        let validation = try DatasetValidator.validate(root, options: options.validation)
        options.progress("report: sync")
        var syncOptions = SyncCheck.Options()
        syncOptions.shots = options.shots
        syncOptions.framesPerSecond = options.validation.framesPerSecond
        let sync = try SyncCheck.run(root, options: syncOptions)
        let fps = sync.framesPerSecond
        let entries = layout.skin.filter { options.shots.isEmpty || options.shots.contains($0.shot) }
        let reference = try? HeadReference.load(layout)
        let done = Counter()
        options.progress("report: head motion")
        let heads = parallelMap(entries) { entry -> (HeadMotion?, String?) in
            defer { options.progress("report: head motion \(done.increment())/\(entries.count)") }
            guard let reference, let file = entry.candidates.first else { return (nil, "no cache or no neutral") }
            do { return (try HeadCheck.estimate(try VertexCacheIO.frames(layout.path(file)), reference: reference), nil) } catch {
                return (nil, "\(error)")
            }
        }
        // Tongue and jaw: the commands' rigid fits, their transform files written to a scratch folder.
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("faceprep-report-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        options.progress("report: tongue and jaw")
        let tongue = Dictionary(((try? TongueCheck.run(root, output: scratch, writeStabilized: false))?.shots ?? []).map { ($0.shot, $0) }, uniquingKeysWith: { a, _ in a })
        let jaw = Dictionary(((try? JawCheck.run(root, output: scratch))?.shots ?? []).map { ($0.shot, $0) }, uniquingKeysWith: { a, _ in a })
        let solveView = SolveView(folder: options.solve ?? layout.path("solve"), layout: layout)
        let levels = parallelMap(entries) { entry -> AudioLevels? in
            guard let file = layout.audio[entry.shot], let audio = try? WavAudio.read(layout.path(file)) else { return nil }
            return AudioLevels(samples: audio.mono())
        }

        var charts = 0
        var body = "<h1>\(escapeHTML(URL(fileURLWithPath: root).lastPathComponent))</h1>"
        body += "<p class=\"muted\">\(escapeHTML(root)) · FacePrep report · \(validation.count(.error)) errors, \(validation.count(.warning)) warnings, \(validation.count(.info)) info</p>"
        body += "<nav><a href=\"#findings\">Findings</a><a href=\"#summary\">Summary</a><a href=\"#shots\">Shots</a></nav>"

        // Findings, grouped by rule, each linked to its shot's section.
        body += "<h2 id=\"findings\">Findings</h2>"
        if validation.findings.isEmpty { body += "<p>No findings: the dataset passes every rule.</p>" }
        let shotNames = Set(entries.map(\.shot))
        for (rule, group) in Dictionary(grouping: validation.findings, by: \.rule).sorted(by: { ($0.value[0].severity, $0.key) < ($1.value[0].severity, $1.key) }) {
            let severity = group[0].severity
            body += "<h3><span class=\"\(severity.rawValue)\">\(severity.letter)-\(escapeHTML(rule))</span> · \(group.count)</h3>"
            let rows = group.map { finding -> [String] in
                let shot = shotNames.first { name in finding.file.split(separator: "/").contains { $0 == name || $0.hasPrefix(name + ".") } }
                let file = shot.map { "<a href=\"#\(HTML.anchor($0))\">\(escapeHTML(finding.file))</a>" } ?? escapeHTML(finding.file)
                return [file, escapeHTML(finding.message), escapeHTML(finding.fix)]
            }
            body += HTML.table(["file", "found", "fix"], rows, escaped: true)
        }

        // The dataset at a glance.
        let summary = validation.summary
        body += "<h2 id=\"summary\">Summary</h2>"
        body += HTML.table([], [
            ["shots", "\(summary.shots)"], ["frames", "\(summary.totalFrames)"], ["duration", String(format: "%.1f s", summary.totalSeconds)],
            ["frame rate", summary.framesPerSecond.map { String(format: "%g fps (%@)", $0, summary.frameRateSource) } ?? "unknown"],
            ["sample rates", summary.sampleRates.map { "\($0) Hz" }.joined(separator: ", ")],
            ["skin vertices", summary.skinVertices.map(String.init) ?? "—"], ["tongue", summary.tongueVertices.map { "\($0) vertices, \(summary.tongueShots) shots" } ?? "—"],
            ["augmented voices", summary.augmentedVoices.isEmpty ? "—" : summary.augmentedVoices.joined(separator: ", ")],
            ["head measured on", summary.headRigidSet ?? "—"],
        ])
        if !summary.emotions.isEmpty {
            let bars = summary.emotions.map { BarChart.Bar(label: $0.emotion, value: $0.seconds, text: String(format: "%.1f s, %d shot%@", $0.seconds, $0.shots, $0.shots == 1 ? "" : "s")) }
            body += BarChart(title: "Emotion coverage (seconds)", bars: bars).render()
            charts += 1
        }
        let durations = zip(entries, sync.shots).map { Double($1.frames) / fps }
        if !durations.isEmpty {
            var histogram = BarChart(title: "Shot durations (shots per bin)", bars: BarChart.histogram(durations, bins: min(10, max(1, durations.count)), unit: "s"))
            histogram.rowHeight = 16
            body += histogram.render()
            charts += 1
        }
        let loudness = zip(entries, levels).compactMap { entry, level in level.map { (entry.shot, $0.rmsDecibels) } }
        if !loudness.isEmpty {
            let floor = -60.0
            let bars = loudness.map { BarChart.Bar(label: $0.0, value: max($0.1 - floor, 0), text: String(format: "%.1f dBFS", $0.1), colour: $0.1 < floor ? "#b3261e" : "#2f9e6b") }
            var chart = BarChart(title: "Speech loudness per shot (RMS, dBFS above −60)", bars: bars)
            chart.rowHeight = 14
            body += chart.render()
            charts += 1
        }

        // One section per shot.
        body += "<h2 id=\"shots\">Shots</h2>"
        let syncByShot = Dictionary(sync.shots.map { ($0.shot, $0) }, uniquingKeysWith: { a, _ in a })
        let signalsByShot = Dictionary(sync.signals.map { ($0.shot, $0) }, uniquingKeysWith: { a, _ in a })
        for (index, entry) in entries.enumerated() {
            options.progress("report: shot \(index + 1)/\(entries.count)")
            body += "<section class=\"shot\" id=\"\(HTML.anchor(entry.shot))\"><h3>\(escapeHTML(entry.shot))</h3>"
            let shotSync = syncByShot[entry.shot]
            if let signals = signalsByShot[entry.shot], let activity = signals.activity, let mouth = signals.mouth {
                // Both normalised to their own range: loudness and opening have different units.
                func normalised(_ values: [Double]) -> [Double] {
                    let finite = values.filter(\.isFinite)
                    guard let low = finite.min(), let high = finite.max(), high > low else { return values.map { _ in 0 } }
                    return values.map { ($0 - low) / (high - low) }
                }
                var chart = LineChart(title: "Speech activity and mouth opening", xLabel: "seconds", yLabel: "normalised")
                chart.series = [
                    .init(name: "speech activity", colour: Self.colours[0], points: normalised(activity).enumerated().map { (Double($0) / fps, $1) }),
                    .init(name: "mouth (\(mouth.source.rawValue))", colour: Self.colours[1], points: normalised(mouth.opening).enumerated().map { (Double($0) / fps, $1) }),
                ]
                body += chart.render()
                charts += 1
            }
            if let shotSync, let signals = signalsByShot[entry.shot], let activity = signals.activity, let mouth = signals.mouth,
               let name = shotSync.signal, let lag = shotSync.lagFrames,
               let correlation = try? SignalAlignment.normalizedCorrelation(activity, name.hasSuffix(" rate") ? mouth.rate : mouth.opening, maxLag: sync.maxLagFrames) {
                var chart = LineChart(title: "Correlation of speech with the mouth (\(name)) by lag", xLabel: "lag, frames (positive: the animation is late)", yLabel: "correlation")
                chart.series = [.init(name: "correlation", colour: Self.colours[0], points: correlation.enumerated().map { (Double($0 - sync.maxLagFrames), $1) })]
                chart.markers = [(lag, String(format: "measured %.1f", (lag * 10).rounded() / 10 + 0))]
                chart.height = 170
                body += chart.render()
                charts += 1
            }
            if let shotSync {
                // + 0 turns a −0 from the estimate into 0.
                func shown(_ value: Double, _ scale: Double) -> Double { (value * scale).rounded() / scale + 0 }
                let lag = shotSync.lagFrames.map { String(format: "%.1f frames (%.0f ms), positive = the animation is late", shown($0, 10), shown(shotSync.lagMilliseconds ?? 0, 1)) } ?? "—"
                body += "<p>Sync: <b>\(escapeHTML(shotSync.verdict.rawValue))</b>, lag \(escapeHTML(lag))" + (shotSync.confidence.map { String(format: ", confidence %.2f", $0) } ?? "")
                    + (shotSync.doubt.map { " — \(escapeHTML($0))" } ?? "") + "</p>"
            }
            let (motion, problem) = heads[index]
            if let motion {
                var rotation = LineChart(title: "Head rotation against the neutral", xLabel: "seconds", yLabel: "degrees")
                rotation.series = [.init(name: "rotation", colour: Self.colours[2], points: motion.rotationDegrees.enumerated().map { (Double($0) / fps, $1) })]
                rotation.limits = [(HeadMotion.rotationLimitDegrees, "limit \(HeadMotion.rotationLimitDegrees)°")]
                rotation.height = 180
                var translation = LineChart(title: "Head translation (centre of the head)", xLabel: "seconds", yLabel: "% of head height")
                let height = max(motion.headHeight, 1e-12)
                translation.series = [.init(name: "translation", colour: Self.colours[3], points: motion.translations.enumerated().map { (Double($0) / fps, $1 / height * 100) })]
                translation.limits = [(HeadMotion.translationLimitPercent, "limit \(HeadMotion.translationLimitPercent)%")]
                translation.height = 180
                body += rotation.render() + translation.render()
                charts += 2
            } else if let problem {
                body += "<p class=\"muted\">Head motion not measured: \(escapeHTML(problem))</p>"
            }
            for (part, fits) in [("Tongue rigid vertices", tongue), ("Jaw keypoints", jaw)] {
                guard let fit = fits[entry.shot], !fit.residuals.isEmpty else { continue }
                var chart = LineChart(title: "\(part): residual after the rigid fit", xLabel: "seconds", yLabel: "mesh units")
                chart.series = [.init(name: "RMS residual", colour: Self.colours[4], points: fit.residuals.enumerated().map { (Double($0) / fps, $1) })]
                chart.limits = [(fit.limit, String(format: "limit %.3g", fit.limit))]
                chart.height = 160
                body += chart.render()
                charts += 1
            }
            for track in sync.augmented where track.shot == entry.shot {
                guard let original = layout.audio[entry.shot], let a = try? WavAudio.read(layout.path(original)), let b = try? WavAudio.read(layout.path(track.file)) else { continue }
                let reference = TrackEnvelope(file: original, sampleRate: a.sampleRate, samples: a.mono())
                let voice = TrackEnvelope(file: track.file, sampleRate: b.sampleRate, samples: b.mono())
                var chart = LineChart(title: "Augmented voice \(track.voice) against the original", xLabel: "seconds", yLabel: "envelope")
                chart.series = [.init(name: "original", colour: Self.colours[0], points: Self.thinned(reference.envelope, step: SyncAnalysis.fineHop)),
                                .init(name: track.voice, colour: Self.colours[5], points: Self.thinned(voice.envelope, step: SyncAnalysis.fineHop))]
                chart.height = 160
                body += chart.render()
                body += "<p>\(escapeHTML(track.voice)): <b>\(escapeHTML(track.verdict.rawValue))</b>"
                    + (track.lagMilliseconds.map { String(format: ", lag %.1f ms", $0 + 0) } ?? "")
                    + String(format: ", length %+.0f ms", track.lengthDifferenceMilliseconds + 0) + (track.doubt.map { " — \(escapeHTML($0))" } ?? "") + "</p>"
                charts += 1
            }
            if let solveView {
                let solve = solveView.section(shot: entry.shot, framesPerSecond: fps, colours: Self.colours)
                body += solve.html
                charts += solve.charts
            }
            body += "</section>"
        }
        return (HTML.page(title: "FacePrep report: \(URL(fileURLWithPath: root).lastPathComponent)", body: body), charts, entries.count, validation.findings.count)
    }

    /// An envelope sampled every `step` seconds, as at most 600 points (the largest value of each run):
    /// the page stays small and a peak is never dropped.
    static func thinned(_ envelope: [Double], step: Double) -> [(Double, Double)] {
        let every = max(1, envelope.count / 600)
        return stride(from: 0, to: envelope.count, by: every).map { start in
            (Double(start) * step, envelope[start..<min(start + every, envelope.count)].max() ?? 0)
        }
    }

    /// Writes the page to `output` (through a temporary file).
    public static func write(_ root: String, to output: String, options: Options = Options()) throws -> Summary {
        let page = try html(root, options: options)
        let bytes = Array(page.html.utf8)
        try AtomicFile.write(bytes, to: output)
        return Summary(output: output, bytes: bytes.count, shots: page.shots, charts: page.charts, findings: page.findings)
    }
}
