import Foundation
import Formats
import Synchronization

/// Progress on stderr: `done/total`, rate, ETA and the item at hand. On a terminal one line is
/// rewritten in place; otherwise (CI logs, pipes) a line is printed at most every 5 seconds.
/// Off with `--quiet`; on with `--json` (it goes to stderr).
final class Progress: Sendable {
    private struct State {
        var lastText = ""
        var lastPrinted = 0.0
        var drawn = false
    }

    private let enabled: Bool
    private let terminal: Bool
    private let start = Date()
    private let state = Mutex(State())

    init(enabled: Bool) {
        self.enabled = enabled
        terminal = isatty(2) != 0
    }

    /// Seconds since the command's work began (the envelope made this progress then).
    var elapsed: TimeInterval { Date().timeIntervalSince(start) }

    /// The library's progress line, e.g. `head 3/12: shot03`; `N/M` in it gives the rate and ETA.
    func update(_ text: String) {
        guard enabled else { return }
        let elapsed = Date().timeIntervalSince(start)
        var line = text
        if let (done, total) = Self.fraction(in: text), done > 0, elapsed > 0.2 {
            let rate = Double(done) / elapsed
            let remaining = Double(total - done) / max(rate, 1e-9)
            line += String(format: " — %.1f/s, %@ elapsed, ETA %@", rate, Self.clock(elapsed), Self.clock(remaining))
        }
        state.withLock { state in
            state.lastText = line
            if terminal {
                FileHandle.standardError.write(Data(("\r\u{1B}[K" + line.prefix(160)).utf8))
                state.drawn = true
            } else if elapsed - state.lastPrinted >= 5 {
                state.lastPrinted = elapsed
                FileHandle.standardError.write(Data((line + "\n").utf8))
            }
        }
    }

    /// Clears the line (terminal) before results are printed.
    func finish() {
        guard enabled else { return }
        state.withLock { state in
            if terminal, state.drawn { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)); state.drawn = false }
        }
    }

    /// The last line shown, for an interrupt summary.
    var lastText: String { state.withLock { $0.lastText } }

    static func fraction(in text: String) -> (Int, Int)? {
        guard let match = text.firstMatch(of: /(\d+)\/(\d+)/), let done = Int(match.1), let total = Int(match.2), total > 0 else { return nil }
        return (done, total)
    }

    static func clock(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds < 1e9 else { return "?" }
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
    }
}

/// Ctrl-C: a clean line, a summary of what was written (every file is written to a temporary name and
/// renamed, so none is left partial under its final name), exit 130.
enum Interrupt {
    nonisolated(unsafe) private static var source: DispatchSourceSignal?

    static func install(command: String, progress: Progress) {
        signal(SIGINT, SIG_IGN)
        let handler = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        handler.setEventHandler {
            progress.finish()
            let last = progress.lastText.isEmpty ? "" : " during “\(progress.lastText)”"
            let written = Formats.AtomicFile.filesWritten
            FileHandle.standardError.write(Data("\ninterrupted: faceprep \(command) stopped\(last); \(written) file\(written == 1 ? "" : "s") written completely, no partial file left under a final name\n".utf8))
            exit(130)
        }
        handler.resume()
        source = handler
    }
}
