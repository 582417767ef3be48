import Foundation
import Testing
import Linalg
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
        #expect(bins.map(\.label) == ["1.0–4.0 s", "4.0–7.0 s", "7.0–10.0 s"])
        // Shots 12.70–13.30 s long in 10 bins of 0.06 s: every label distinct, edges to two decimals.
        let narrow = BarChart.histogram([12.7, 13.0, 13.3], bins: 10, unit: "s").map(\.label)
        #expect(Set(narrow).count == 10 && narrow.first == "12.70–12.76 s" && narrow.last == "13.24–13.30 s", "\(narrow)")
        #expect(BarChart.histogram([12.7, 12.7], bins: 2, unit: "s").map(\.label) == ["12.7–12.7 s", "12.7–12.7 s"])
    }

    @Test("text is escaped in content and attributes")
    func escaping() {
        #expect(escapeHTML(#"<a href="x">&'</a>"#) == "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;")
        var svg = SVG(width: 10, height: 10, title: "<t>")
        svg.text(1, 2, "a<b & c>", class: "x")
        #expect(svg.render().contains("a&lt;b &amp; c&gt;") && svg.render().contains("<title>&lt;t&gt;</title>"))
    }
}

@Suite("report raster: PNG written by FacePrep, read back by zlib")
struct RasterTests {
    @Test("dots land on their pixels, clipped at the edges; the PNG's chunks, CRCs and rows decode to the same pixels")
    func pngRoundTrip() throws {
        var raster = Raster(width: 5, height: 4)
        raster.dot(1, 1, radius: 0, colour: (10, 20, 30))
        raster.dot(4, 3, radius: 1, colour: (200, 0, 0))   // half outside
        #expect(raster.pixel(1, 1) == (10, 20, 30) && raster.pixel(3, 2) == (200, 0, 0) && raster.pixel(0, 0) == (255, 255, 255))
        let png = try raster.png()
        #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        var offset = 8
        var idat: [UInt8] = []
        var types: [String] = []
        func be32(_ at: Int) -> Int { Int(png[at]) << 24 | Int(png[at + 1]) << 16 | Int(png[at + 2]) << 8 | Int(png[at + 3]) }
        while offset < png.count {
            let length = be32(offset), type = String(decoding: png[(offset + 4)..<(offset + 8)], as: UTF8.self)
            let body = Array(png[(offset + 4)..<(offset + 8 + length)])
            #expect(UInt32(be32(offset + 8 + length)) == Deflate.crc32(body), "\(type) CRC")
            if type == "IHDR" { #expect(be32(offset + 8) == 5 && be32(offset + 12) == 4 && png[offset + 16] == 8 && png[offset + 17] == 2) }
            if type == "IDAT" { idat += png[(offset + 8)..<(offset + 8 + length)] }
            types.append(type)
            offset += 12 + length
        }
        #expect(types == ["IHDR", "IDAT", "IEND"])
        // zlib stream: 2-byte header, raw DEFLATE, Adler-32.
        let rows = try Deflate.inflate(ByteBuffer(Array(idat.dropFirst(2).dropLast(4))), expectedSize: 4 * (1 + 15))
        for y in 0..<4 {
            #expect(rows[y * 16] == 0)
            for x in 0..<5 {
                let i = y * 16 + 1 + 3 * x, p = raster.pixel(x, y)
                #expect((rows[i], rows[i + 1], rows[i + 2]) == p)
            }
        }
    }

    @Test("the colour scale runs dark blue to yellow, clamped outside [0, 1]")
    func colourScale() {
        #expect(viridis(0) == (68, 1, 84) && viridis(1) == (253, 231, 37) && viridis(-3) == viridis(0) && viridis(.nan) == viridis(0))
        let middle = viridis(0.5)
        #expect(middle == (33, 145, 140))
    }
}
