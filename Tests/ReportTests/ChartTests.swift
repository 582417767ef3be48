import Foundation
import Testing
@testable import Report

@Suite("report drawing: scales, charts and escaping against their own numbers")
struct ChartTests {
    /// The numbers of every `points` attribute of the polylines in `svg`.
    func polylinePoints(_ svg: String) -> [[(Double, Double)]] {
        let pattern = try! NSRegularExpression(pattern: #"<polyline[^>]* points="([^"]*)""#)
        return pattern.matches(in: svg, range: NSRange(svg.startIndex..., in: svg)).compactMap { match in
            Range(match.range(at: 1), in: svg).map { range in
                svg[range].split(separator: " ").map { pair in
                    let parts = pair.split(separator: ",").compactMap { Double($0) }
                    return (parts[0], parts[1])
                }
            }
        }
    }

    @Test("a scale maps its domain onto its range (inverted for screen y) and ticks at round numbers inside it")
    func scale() {
        let x = LinearScale(domain: 0...10, range: 100...300)
        #expect(x(0) == 100 && x(10) == 300 && x(2.5) == 150)
        let y = LinearScale(domain: -1...1, range: 20...220, inverted: true)
        #expect(y(1) == 20 && y(-1) == 220 && y(0) == 120)
        let ticks = LinearScale(domain: 0.13...0.87, range: 0...1).ticks(4)
        #expect(ticks == [0.2, 0.4, 0.6, 0.8], "\(ticks)")
        #expect(LinearScale(domain: 3...3, range: 0...1).domain == 2.5...3.5)   // an empty domain is widened
        #expect(LinearScale.extent([1, 3, .nan], including: [5], padding: 0) == 1...5)
    }

    @Test("a line chart's polyline passes through every value through the chart's scales; a gap breaks it")
    func lineChart() throws {
        var chart = LineChart(title: "t", xLabel: "s", yLabel: "deg")
        let values = (0..<50).map { (Double($0) / 10, sin(Double($0) / 7)) }
        chart.series = [.init(name: "a", colour: "#000", points: values)]
        chart.limits = [(2.0, "limit")]
        let svg = chart.render()
        let (x, y) = chart.scales
        let drawn = try #require(polylinePoints(svg).first)
        #expect(drawn.count == values.count)
        for ((px, py), (vx, vy)) in zip(drawn, values) {
            #expect(abs(px - x(vx)) <= 0.005 && abs(py - y(vy)) <= 0.005)
        }
        #expect(y.domain.upperBound >= 2)   // the limit is inside the plot
        var gapped = chart
        gapped.series = [.init(name: "a", colour: "#000", points: [(0, 1), (1, 2), (2, .nan), (3, 1), (4, 2)])]
        #expect(polylinePoints(gapped.render()).map(\.count) == [2, 2])
    }

    @Test("bars are as long as their values; a histogram counts every value once")
    func bars() throws {
        let chart = BarChart(title: "b", bars: [.init(label: "one", value: 1), .init(label: "three", value: 3)])
        let svg = chart.render()
        let widths = try NSRegularExpression(pattern: #"<rect class="bar"[^>]* width="([0-9.]+)""#)
            .matches(in: svg, range: NSRange(svg.startIndex..., in: svg)).compactMap { Range($0.range(at: 1), in: svg).flatMap { Double(svg[$0]) } }
        #expect(widths.count == 2 && abs(widths[1] / widths[0] - 3) < 0.01, "\(widths)")
        let bins = BarChart.histogram([1, 1.5, 2, 2.5, 3, 9.9, 10], bins: 3, unit: "s")
        #expect(bins.map(\.value) == [5, 0, 2] && bins.map(\.value).reduce(0, +) == 7)
    }

    @Test("text is escaped in content and attributes")
    func escaping() {
        #expect(escapeHTML(#"<a href="x">&'</a>"#) == "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;")
        var svg = SVG(width: 10, height: 10, title: "<t>")
        svg.text(1, 2, "a<b & c>", class: "x")
        #expect(svg.render().contains("a&lt;b &amp; c&gt;") && svg.render().contains("<title>&lt;t&gt;</title>"))
    }
}
