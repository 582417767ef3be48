import ArgumentParser
import Foundation

/// `--json` and `--quiet`, on every command.
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print one JSON envelope on stdout instead of text (progress still goes to stderr).")
    var json = false

    @Flag(name: .long, help: "No progress on stderr.")
    var quiet = false
}

/// `--shot`, on every command that works shot by shot.
struct ShotOptions: ParsableArguments {
    @Option(name: .long, parsing: .singleValue, help: ArgumentHelp("Only this shot; repeat the option or separate names with commas.", valueName: "shot"))
    var shot: [String] = []

    /// The shots named, commas split.
    var shots: [String] { commaSeparated(shot) }
}

/// The values of a repeatable option whose values may also be comma-separated, trimmed, empty ones dropped.
func commaSeparated(_ values: [String]) -> [String] {
    values.flatMap { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } }.filter { !$0.isEmpty }
}

/// `--jobs`: how many shots are worked on at once.
struct JobsOptions: ParsableArguments {
    @Option(name: .long, help: "Shots worked on at once (default: one per core).")
    var jobs: Int?

    func validate() throws {
        if let jobs, !(1...256).contains(jobs) { throw ValidationError("--jobs must be between 1 and 256") }
    }
}

/// `--fps`: the frame rate of caches that state none.
struct FrameRateOptions: ParsableArguments {
    @Option(name: .long, help: "Frame rate of caches that state none (.npy, .pc2); default 30.")
    var fps: Double?

    func validate() throws {
        if let fps, !(fps > 0 && fps <= 1000 && fps.isFinite) { throw ValidationError("--fps must be a number in (0, 1000]") }
    }
}

/// A dataset folder, the first argument of most commands.
struct DatasetArgument: ParsableArguments {
    @Argument(help: "The dataset folder (holding audio/ and cache/skin/).", completion: .directory)
    var dataset: String
}

/// `A-B` (1 ≤ A ≤ B) or one number, as `--shot-frames` takes it; nil otherwise.
func frameCountRange(_ text: String) -> ClosedRange<Int>? {
    let parts = text.split(separator: "-").compactMap { Int($0) }
    if parts.count == 1, parts[0] >= 1 { return parts[0]...parts[0] }
    guard parts.count == 2, parts[0] >= 1, parts[0] <= parts[1] else { return nil }
    return parts[0]...parts[1]
}
