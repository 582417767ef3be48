import Foundation

/// Labelled horizontal bars, one per row (emotions, shots, histogram bins), with the value printed at
/// the end of each bar.
public struct BarChart {
    public struct Bar {
        public let label: String
        public let value: Double
        /// Printed after the bar; the value itself when nil.
        public let text: String?
        public let colour: String

        public init(label: String, value: Double, text: String? = nil, colour: String = "#3b7dd8") {
            self.label = label
            self.value = value
            self.text = text
            self.colour = colour
        }
    }

    public var title: String
    public var bars: [Bar]
    public var width = 720.0
    public var rowHeight = 18.0
    /// Vertical lines at these values, labelled (a recommended minimum).
    public var marks: [(value: Double, label: String)] = []

    public init(title: String, bars: [Bar]) {
        self.title = title
        self.bars = bars
    }

    static let labelWidth = 180.0

    public var height: Double { 30 + Double(bars.count) * rowHeight + 22 }

    /// The value scale (0 to the largest value or mark).
    public var scale: LinearScale {
        let top = max((bars.map(\.value) + marks.map(\.value)).filter(\.isFinite).max() ?? 1, 1e-12)
        return LinearScale(domain: 0...(top * 1.1), range: Self.labelWidth...(width - 70))
    }

    public func render() -> String {
        let x = scale
        var svg = SVG(width: width, height: height, classes: ["chart", "bar-chart"], title: title)
        svg.text(8, 16, title, class: "chart-title")
        for (row, bar) in bars.enumerated() {
            let top = 28 + Double(row) * rowHeight
            svg.text(Self.labelWidth - 6, top + rowHeight * 0.7, bar.label, class: "tick", anchor: "end")
            let value = bar.value.isFinite ? max(bar.value, 0) : 0
            svg.rect(x(0), top + 2, x(value) - x(0), rowHeight - 4, class: "bar", fill: bar.colour, title: "\(bar.label): \(bar.text ?? tickLabel(bar.value, step: 0.01))")
            svg.text(x(value) + 4, top + rowHeight * 0.7, bar.text ?? tickLabel(bar.value, step: 0.01), class: "tick")
        }
        let bottom = 28 + Double(bars.count) * rowHeight
        for mark in marks {
            svg.line(x(mark.value), 24, x(mark.value), bottom, class: "limit")
            svg.text(x(mark.value), bottom + 14, mark.label, class: "limit-label", anchor: "middle")
        }
        return svg.render()
    }

    /// Counts of `values` in `bins` equal bins over their range: a histogram's bars.
    public static func histogram(_ values: [Double], bins: Int, unit: String, colour: String = "#3b7dd8") -> [Bar] {
        let finite = values.filter(\.isFinite)
        guard let low = finite.min(), let high = finite.max(), bins > 0 else { return [] }
        let width = max((high - low) / Double(bins), 1e-9)
        var counts = [Int](repeating: 0, count: bins)
        for value in finite { counts[min(bins - 1, Int((value - low) / width))] += 1 }
        // Enough decimals that neighbouring bins' edges differ (shots 12.7–13.3 s long in 10 bins need two);
        // one when every value is the same, as the bins then have no real width to resolve.
        let decimals = high > low ? min(6, max(1, Int((-log10(width)).rounded(.up)))) : 1
        return counts.enumerated().map { index, count in
            let from = low + Double(index) * width, to = from + width
            return Bar(label: String(format: "%.*f–%.*f %@", decimals, from, decimals, to, unit), value: Double(count), text: "\(count)", colour: colour)
        }
    }
}
