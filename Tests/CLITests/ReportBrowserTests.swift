import Foundation
import Testing
import TestSupport

/// `faceprep report` rendered by a real browser: Debian's Chromium, headless (CI installs it).
@Suite("report in headless Chromium")
struct ReportBrowserTests {
    /// Chromium from PATH.
    static var chromium: String? {
        for name in ["chromium", "chromium-browser", "google-chrome"] {
            for folder in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":") {
                let path = "\(folder)/\(name)"
                if FileManager.default.isExecutableFile(atPath: path) { return path }
            }
        }
        return nil
    }

    static let flags = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--enable-logging=stderr", "--v=0"]

    @Test("the sample's report with its solve loads without console errors, every chart has drawn marks, and the screenshot is a picture")
    func sample() throws {
        let browser = try #require(Self.chromium, "Chromium is needed for this test: apt-get install chromium")
        let out = try makeTemporaryDirectory("faceprep-report")
        let page = out + "/report.html"
        let solve = try CLI.run(["solve", "Samples/sample-dataset", "--out", out + "/solve", "--quiet"], in: CLI.packageRoot)
        #expect(solve.status == 0, "\(solve.stderr)")
        let run = try CLI.run(["report", "Samples/sample-dataset", "--solve", out + "/solve", "--out", page, "--json", "--quiet"], in: CLI.packageRoot)
        #expect(run.status == 0, "\(run.stderr)")
        let results = try #require(try run.json()["results"] as? [String: Any])
        let charts = try #require(results["charts"] as? Int)
        let html = try String(contentsOfFile: page, encoding: .utf8)
        // 3 dataset charts; per shot speech and mouth, correlation, head rotation and translation, tongue, jaw, the solve's weights,
        // fit over time and fit on the mesh.
        #expect(charts == 3 + 3 * 9, "\(charts) charts for 3 shots")
        #expect(html.contains("class=\"chart mesh-picture\"") && html.contains("data:image/png;base64,"))
        #expect(!html.contains("http://") || html.components(separatedBy: "http://").dropFirst().allSatisfy { $0.hasPrefix("www.w3.org/2000/svg") },
                "the page must not load anything")

        let dom = try CLI.run(Self.flags + ["--dump-dom", "file://" + page], timeout: 120, executable: browser)
        let console = dom.stderr.split(separator: "\n").filter { $0.contains(":CONSOLE") }
        #expect(console.isEmpty, "console: \(console)")
        #expect(dom.stdout.contains("data-charts=\"\(charts)\"") && dom.stdout.contains("data-drawn=\"\(charts)\""),
                "\(dom.stdout.firstMatch(of: /<body[^>]*>/).map { String($0.output) } ?? "no body")")

        let png = out + "/report.png"
        let shot = try CLI.run(Self.flags + ["--window-size=1000,2400", "--screenshot=" + png, "file://" + page], timeout: 120, executable: browser)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: png))
        #expect(bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]) && bytes.count > 50_000, "\(bytes.count) bytes; \(shot.stderr.suffix(300))")
    }

    @Test("a broken page is caught: a script error shows on the console, an empty chart is counted as not drawn")
    func detects() throws {
        let browser = try #require(Self.chromium, "Chromium is needed for this test: apt-get install chromium")
        let out = try makeTemporaryDirectory("faceprep-report-broken")
        // The report's own load check, on a page with one drawn chart, one empty chart and a script error.
        let run = try CLI.run(["report", "Samples/sample-dataset", "--out", out + "/report.html", "--quiet"], in: CLI.packageRoot)
        #expect(run.status == 0, "\(run.stderr)")
        let report = try String(contentsOfFile: out + "/report.html", encoding: .utf8)
        let check = try #require(report.firstMatch(of: /<script>(.*)<\/script>/.dotMatchesNewlines())).output.1
        let page = out + "/broken.html"
        let drawn = "<svg class=\"chart\" width=\"100\" height=\"50\"><rect class=\"bar\" x=\"0\" y=\"0\" width=\"40\" height=\"10\"/></svg>"
        let empty = "<svg class=\"chart\" width=\"100\" height=\"50\"><polyline points=\"\"/></svg>"
        try Data("<html><body>\(drawn)\(empty)<script>notDefined();</script><script>\(check)</script></body></html>".utf8).write(to: URL(fileURLWithPath: page))
        let dom = try CLI.run(Self.flags + ["--dump-dom", "file://" + page], timeout: 120, executable: browser)
        #expect(dom.stderr.contains(":CONSOLE") && dom.stderr.contains("notDefined"))
        #expect(dom.stdout.contains("data-charts=\"2\"") && dom.stdout.contains("data-drawn=\"1\""), "\(dom.stdout.suffix(400))")
    }
}
