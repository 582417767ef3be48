import Foundation

/// Text escaped for HTML and SVG content and attribute values.
public func escapeHTML(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.count)
    for character in text {
        switch character {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&#39;"
        default: out.append(character)
        }
    }
    return out
}

/// A number as SVG writes it: at most two decimals, no exponent, no "-0".
func svgNumber(_ value: Double) -> String {
    guard value.isFinite else { return "0" }
    let rounded = (value * 100).rounded() / 100
    if rounded == rounded.rounded() { return String(Int(rounded)) }
    return String(format: "%.2f", rounded == 0 ? 0 : rounded).replacingOccurrences(of: #"0+$"#, with: "", options: .regularExpression)
}

/// An SVG drawing built element by element; `render` gives the `<svg>` markup.
public struct SVG {
    public let width: Double
    public let height: Double
    /// CSS classes of the `<svg>` element.
    public var classes: [String]
    public var title: String
    private var body: [String] = []

    public init(width: Double, height: Double, classes: [String] = [], title: String = "") {
        self.width = width
        self.height = height
        self.classes = classes
        self.title = title
    }

    public mutating func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, class name: String) {
        body.append("<line class=\"\(name)\" x1=\"\(svgNumber(x1))\" y1=\"\(svgNumber(y1))\" x2=\"\(svgNumber(x2))\" y2=\"\(svgNumber(y2))\"/>")
    }

    /// A polyline through `points`; non-finite points break it into separate lines.
    public mutating func polyline(_ points: [(Double, Double)], class name: String, stroke: String? = nil) {
        var run: [String] = []
        func flush() {
            if run.count > 1 {
                body.append("<polyline class=\"\(name)\"\(stroke.map { " stroke=\"\(escapeHTML($0))\"" } ?? "") points=\"\(run.joined(separator: " "))\"/>")
            }
            run.removeAll()
        }
        for (x, y) in points {
            if x.isFinite && y.isFinite { run.append("\(svgNumber(x)),\(svgNumber(y))") } else { flush() }
        }
        flush()
    }

    public mutating func rect(_ x: Double, _ y: Double, _ width: Double, _ height: Double, class name: String, fill: String? = nil, title: String? = nil) {
        let tooltip = title.map { "<title>\(escapeHTML($0))</title>" } ?? ""
        let fillAttribute = fill.map { " fill=\"\(escapeHTML($0))\"" } ?? ""
        body.append("<rect class=\"\(name)\" x=\"\(svgNumber(x))\" y=\"\(svgNumber(y))\" width=\"\(svgNumber(max(width, 0)))\" height=\"\(svgNumber(max(height, 0)))\"\(fillAttribute)>\(tooltip)</rect>")
    }

    public mutating func circle(_ x: Double, _ y: Double, radius: Double, fill: String) {
        body.append("<circle cx=\"\(svgNumber(x))\" cy=\"\(svgNumber(y))\" r=\"\(svgNumber(radius))\" fill=\"\(escapeHTML(fill))\"/>")
    }

    /// Text at (x, y); `vertical` turns it a quarter counter-clockwise about that point (a y-axis label).
    public mutating func text(_ x: Double, _ y: Double, _ content: String, class name: String, anchor: String = "start", vertical: Bool = false) {
        let turn = vertical ? " transform=\"rotate(-90 \(svgNumber(x)) \(svgNumber(y)))\"" : ""
        body.append("<text class=\"\(name)\" x=\"\(svgNumber(x))\" y=\"\(svgNumber(y))\" text-anchor=\"\(anchor)\"\(turn)>\(escapeHTML(content))</text>")
    }

    public func render() -> String {
        let label = title.isEmpty ? "" : "<title>\(escapeHTML(title))</title>"
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"\(classes.joined(separator: " "))\" viewBox=\"0 0 \(svgNumber(width)) \(svgNumber(height))\" width=\"\(svgNumber(width))\" height=\"\(svgNumber(height))\" role=\"img\">\(label)"
            + body.joined() + "</svg>"
    }
}
