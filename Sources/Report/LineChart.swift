import Foundation

/// Series of values over a shared x axis (frames or seconds), with optional limit lines (a threshold
/// drawn dashed), drawn as one SVG. Each series gets its own colour and a legend entry.
public struct LineChart {
    public struct Series {
        public let name: String
        public let colour: String
        /// (x, y); non-finite y leaves a gap.
        public let points: [(Double, Double)]

        public init(name: String, colour: String, points: [(Double, Double)]) {
            self.name = name
            self.colour = colour
            self.points = points
        }
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var series: [Series] = []
    /// Horizontal lines at these y values, labelled (a limit).
    public var limits: [(value: Double, label: String)] = []
    /// Vertical lines at these x values, labelled (the measured lag).
    public var markers: [(value: Double, label: String)] = []
    public var width = 720.0
    public var height = 220.0

    public init(title: String, xLabel: String, yLabel: String) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
    }

    /// Plot area insets: left for y tick labels, bottom for x ticks and label.
    static let margin = (left: 62.0, right: 12.0, top: 26.0, bottom: 36.0)

    /// The scales the chart draws with (the y domain holds every series and limit).
    /// Legend entries per row, and the rows they take (each row pushes the plot down).
    static let legendPerRow = 4
    var legendRows: Int { max(1, (series.count + Self.legendPerRow - 1) / Self.legendPerRow) }
    /// The plot's top edge: below the title and the legend rows.
    var plotTop: Double { Self.margin.top + Double(legendRows) * 13 }

    public var scales: (x: LinearScale, y: LinearScale) {
        let m = Self.margin
        let xs = series.flatMap { $0.points.map(\.0) }, ys = series.flatMap { $0.points.map(\.1) }
        let x = LinearScale(domain: LinearScale.extent(xs, padding: 0), range: m.left...(width - m.right))
        let y = LinearScale(domain: LinearScale.extent(ys, including: limits.map(\.value)), range: plotTop...(height - m.bottom), inverted: true)
        return (x, y)
    }

    public func render() -> String {
        let (x, y) = scales
        let m = Self.margin
        var svg = SVG(width: width, height: height, classes: ["chart", "line-chart"], title: title)
        svg.text(m.left, 14, title, class: "chart-title")
        // Axes with round-number ticks.
        let xTicks = x.ticks(8), yTicks = y.ticks(4)
        let xStep = xTicks.count > 1 ? xTicks[1] - xTicks[0] : 1, yStep = yTicks.count > 1 ? yTicks[1] - yTicks[0] : 1
        let top = plotTop
        for tick in yTicks {
            svg.line(m.left, y(tick), width - m.right, y(tick), class: "grid")
            svg.text(m.left - 6, y(tick) + 4, tickLabel(tick, step: yStep), class: "tick", anchor: "end")
        }
        for tick in xTicks { svg.text(x(tick), height - m.bottom + 16, tickLabel(tick, step: xStep), class: "tick", anchor: "middle") }
        svg.line(m.left, height - m.bottom, width - m.right, height - m.bottom, class: "axis")
        svg.line(m.left, top, m.left, height - m.bottom, class: "axis")
        svg.text((m.left + width - m.right) / 2, height - 4, xLabel, class: "axis-label", anchor: "middle")
        svg.text(12, (top + height - m.bottom) / 2, yLabel, class: "axis-label", anchor: "middle", vertical: true)
        for limit in limits {
            svg.line(m.left, y(limit.value), width - m.right, y(limit.value), class: "limit")
            svg.text(width - m.right - 4, y(limit.value) - 4, limit.label, class: "limit-label", anchor: "end")
        }
        for marker in markers where marker.value >= x.domain.lowerBound && marker.value <= x.domain.upperBound {
            svg.line(x(marker.value), top, x(marker.value), height - m.bottom, class: "marker")
            svg.text(x(marker.value) + 4, top + 10, marker.label, class: "marker-label")
        }
        for (index, s) in series.enumerated() {
            svg.polyline(s.points.map { (x($0.0), y($0.1)) }, class: "series", stroke: s.colour)
            // Legend: rows of four under the title.
            let legendX = Self.margin.left + Double(index % Self.legendPerRow) * 150, legendY = 20 + Double(index / Self.legendPerRow) * 13
            svg.rect(legendX, legendY, 14, 4, class: "legend-swatch", fill: s.colour)
            svg.text(legendX + 18, legendY + 6, s.name, class: "legend")
        }
        return svg.render()
    }
}
