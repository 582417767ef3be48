import Analysis
import Dataset
import Formats
import Foundation
import Linalg

/// The report's view of a blendshape solve (`faceprep solve`'s output folder): per shot, the weight
/// curves of the poses it uses most, the fit error over time, and the fit error per vertex drawn on
/// the neutral seen from the front.
struct SolveView {
    let folder: String
    let report: SolveRun.Report
    /// The skin neutral `[V, 3]`, for the mesh picture.
    let neutral: [Float]?

    /// The solve at `folder`, or nil when it holds no readable `solve_report.json`.
    init?(folder: String, layout: DatasetLayout) {
        guard let data = FileManager.default.contents(atPath: folder + "/solve_report.json"),
              let report = try? JSONDecoder().decode(SolveRun.Report.self, from: data) else { return nil }
        self.folder = folder
        self.report = report
        neutral = try? NumpyNeutral.read(layout.path(DatasetFiles.skinNeutral))
    }

    /// How many of the most used poses get a curve.
    static let posesShown = 6

    /// The charts of `shot` (HTML), and how many.
    func section(shot: String, framesPerSecond fps: Double, colours: [String]) -> (html: String, charts: Int) {
        guard let result = report.shots.first(where: { $0.shot == shot }), result.error == nil else { return ("", 0) }
        var html = "<h4>Blendshape solve</h4>"
        var charts = 0
        if let weights = try? NpyArray.read("\(folder)/\(shot).npy"), weights.shape.count == 2, let values = try? weights.floats() {
            let frames = weights.shape[0], poses = weights.shape[1]
            let used = result.poses.enumerated().filter { $0.element.active }.sorted { $0.element.mean > $1.element.mean }.prefix(Self.posesShown)
            var chart = LineChart(title: "Weights of the \(used.count) most used poses", xLabel: "seconds", yLabel: "weight")
            chart.series = used.enumerated().compactMap { rank, entry in
                guard entry.offset < poses else { return nil }
                return .init(name: entry.element.pose, colour: colours[rank % colours.count],
                             points: (0..<frames).map { (Double($0) / fps, Double(values[$0 * poses + entry.offset])) })
            }
            chart.height = 200
            html += chart.render()
            charts += 1
        }
        guard let archive = try? NpzArchive.read("\(folder)/fit/\(shot).npz") else { return (html, charts) }
        if let frameRMS = try? archive.array("frameRMS").floats() {
            var chart = LineChart(title: "Fit error over time (RMS over the \(report.fit == "mask" ? "mask" : "mesh"))", xLabel: "seconds", yLabel: "mesh units")
            chart.series = [.init(name: "RMS distance", colour: colours[4 % colours.count], points: frameRMS.enumerated().map { (Double($0) / fps, Double($1)) })]
            chart.height = 170
            html += chart.render()
            charts += 1
        }
        if let neutral, let vertexRMS = try? archive.array("vertexRMS").floats(), vertexRMS.count * 3 == neutral.count,
           let picture = try? meshPicture(neutral: neutral, error: vertexRMS.map(Double.init), title: "Fit error per vertex (RMS over the shot), front view") {
            html += picture
            charts += 1
        }
        return (html, charts)
    }

    /// The neutral seen from the front (+Z towards the viewer, +Y up), each vertex a dot coloured by
    /// `error` (NaN: not measured, grey), with the colour scale in mesh units: an SVG holding a PNG.
    func meshPicture(neutral: [Float], error: [Double], title: String, size: Int = 360) throws -> String {
        let count = neutral.count / 3
        let xs = (0..<count).map { Double(neutral[3 * $0]) }, ys = (0..<count).map { Double(neutral[3 * $0 + 1]) }
        guard let minX = xs.min(), let maxX = xs.max(), let minY = ys.min(), let maxY = ys.max() else { throw FormatError.unreadable("neutral", "empty") }
        let span = max(maxX - minX, maxY - minY, 1e-12), pad = 8.0, scale = (Double(size) - 2 * pad) / span
        // The colour scale's top: the 99th percentile, so one wild vertex does not grey out the rest.
        let finite = error.filter(\.isFinite).sorted()
        let top = max(finite.isEmpty ? 1 : finite[min(finite.count - 1, Int(Double(finite.count) * 0.99))], 1e-12)
        var raster = Raster(width: size, height: size)
        let radius = count > 20_000 ? 1 : (count > 3_000 ? 1 : 2)
        // Back to front, so the face hides the back of the head.
        for v in (0..<count).sorted(by: { neutral[3 * $0 + 2] < neutral[3 * $1 + 2] }) {
            let px = pad + (xs[v] - minX) * scale + (Double(size) - 2 * pad - (maxX - minX) * scale) / 2
            let py = Double(size) - pad - (ys[v] - minY) * scale - (Double(size) - 2 * pad - (maxY - minY) * scale) / 2
            raster.dot(px, py, radius: radius, colour: error[v].isFinite ? viridis(error[v] / top) : (210, 214, 220))
        }
        let png = Data(try raster.png()).base64EncodedString()
        let width = Double(size) + 170, height = Double(size) + 30
        var svg = SVG(width: width, height: height, classes: ["chart", "mesh-picture"], title: title)
        svg.text(8, 16, title, class: "chart-title")
        var body = svg.render()
        // The picture and the scale go inside the <svg> (as an <image>), before its closing tag.
        body.removeLast("</svg>".count)
        body += "<image class=\"mesh\" x=\"0\" y=\"24\" width=\"\(size)\" height=\"\(size)\" href=\"data:image/png;base64,\(png)\"/>"
        var legend = SVG(width: 0, height: 0)
        let barX = Double(size) + 20, barTop = 40.0, barHeight = Double(size) - 60
        for step in 0..<40 {
            let t = Double(step) / 39
            legend.rect(barX, barTop + (1 - t) * barHeight - barHeight / 40, 16, barHeight / 40 + 0.5, class: "scale", fill: hexColour(viridis(t)))
        }
        let axis = LinearScale(domain: 0...top, range: barTop...(barTop + barHeight), inverted: true)
        let ticks = axis.ticks(5), step = ticks.count > 1 ? ticks[1] - ticks[0] : top
        for tick in ticks { legend.text(barX + 22, axis(tick) + 4, tickLabel(tick, step: step), class: "tick") }
        legend.text(barX, barTop - 8, "mesh units", class: "axis-label")
        legend.rect(barX, barTop + barHeight + 10, 16, 10, class: "scale", fill: "#d2d6dc")
        legend.text(barX + 22, barTop + barHeight + 19, "not measured", class: "tick")
        let inner = legend.render()
        if let start = inner.range(of: "role=\"img\">")?.upperBound, let end = inner.range(of: "</svg>", options: .backwards)?.lowerBound {
            body += inner[start..<end]
        }
        return body + "</svg>"
    }
}
