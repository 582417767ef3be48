import Foundation

/// The page's pieces: tables, sections, the style sheet and the load check.
enum HTML {
    static func table(_ header: [String], _ rows: [[String]], escaped: Bool = false) -> String {
        let head = header.isEmpty ? "" : "<tr>" + header.map { "<th>\(escapeHTML($0))</th>" }.joined() + "</tr>"
        let body = rows.map { "<tr>" + $0.map { "<td>\(escaped ? $0 : escapeHTML($0))</td>" }.joined() + "</tr>" }.joined()
        return "<table>\(head)\(body)</table>"
    }

    /// An id usable in a URL fragment for `name`.
    static func anchor(_ name: String) -> String {
        "shot-" + name.unicodeScalars.map { CharacterSet.alphanumerics.contains($0) || $0 == "-" || $0 == "_" ? String($0) : "-" }.joined()
    }

    static func page(title: String, body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(escapeHTML(title))</title><style>\(style)</style></head>
        <body>\(body)<script>\(script)</script></body></html>
        """
    }

    static let style = """
        body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;max-width:960px;padding:16px 24px;color:#1d2330;background:#fff}
        h1{font-size:22px;margin:8px 0}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #d8dde6;padding-bottom:4px}
        h3{font-size:15px;margin:18px 0 6px}h4{font-size:13px;margin:12px 0 4px}table{border-collapse:collapse;margin:6px 0 12px}th,td{border:1px solid #d8dde6;padding:3px 8px;text-align:left;vertical-align:top}
        th{background:#f2f4f8}.error{color:#b3261e;font-weight:600}.warning{color:#8a5a00;font-weight:600}.info{color:#4a5568}
        .chart{display:block;margin:6px 0 14px;max-width:100%;height:auto}.chart-title{font-weight:600;font-size:12px;fill:#1d2330}
        .tick,.legend,.axis-label{font-size:11px;fill:#4a5568}.grid{stroke:#eceff4}.axis{stroke:#8c96a8}
        .series{fill:none;stroke-width:1.5}.limit{stroke:#b3261e;stroke-dasharray:5 4}.limit-label{font-size:11px;fill:#b3261e}
        .marker{stroke:#1d2330;stroke-dasharray:2 3}.marker-label{font-size:11px;fill:#1d2330}.bar{stroke:none}.shot{break-inside:avoid;page-break-inside:avoid}.muted{color:#6b7280}
        nav a{margin-right:10px}@media print{nav{display:none}h2{break-before:page}}
        """

    /// Counts every chart and the marks drawn in it once the page has loaded: the browser test reads
    /// the counts from the body's data attributes (a chart with nothing drawn is counted as empty).
    static let script = """
        (function(){var charts=document.querySelectorAll('svg.chart'),drawn=0;
        charts.forEach(function(c){var marks=c.querySelectorAll('polyline,rect.bar,circle,image');var ok=false;
        marks.forEach(function(m){var b=m.getBBox();if(b.width>0||b.height>0)ok=true;});if(ok)drawn++;else c.setAttribute('data-empty','true');});
        document.body.setAttribute('data-charts',String(charts.length));document.body.setAttribute('data-drawn',String(drawn));})();
        """
}
