/// Plain aligned text tables.
enum Table {
    static func render(_ rows: [[String]]) -> String {
        let widths = (0..<(rows.first?.count ?? 0)).map { c in rows.map { $0[c].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { $0.element.padding(toLength: widths[$0.offset], withPad: " ", startingAt: 0) }.joined(separator: "  ")
                .trimmingTrailingSpaces
        }.joined(separator: "\n")
    }
}

/// Numbers in text output: no `-0.00`, units stated by the caller, plurals right.
enum Number {
    /// `String(format:)` of `value`, with a negative zero printed as zero.
    static func format(_ value: Double, _ format: String) -> String {
        let text = String(format: format, value)
        let zero = String(format: format, 0.0)
        return text == "-" + zero ? zero : text
    }

    /// `1 shot`, `3 shots`.
    static func count(_ n: Int, _ singular: String, _ plural: String? = nil) -> String {
        "\(n) \(n == 1 ? singular : (plural ?? singular + "s"))"
    }
}

extension String {
    var trimmingTrailingSpaces: String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}
