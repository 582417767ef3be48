import Foundation
import Formats

// The readers under libFuzzer, or, built normally, a replay tool for the inputs it found.
//
//   Scripts/fuzz.sh [seconds] [target…]            builds with -sanitize=fuzzer,address and runs each target
//   swift run faceprep-fuzz TARGET FILE…           replays files through one reader (exit 1 on none)
//
// Targets: maya-xml, maya-binary, npy, npz, pc2, wav, json (FormatProbe). A reader may throw
// FormatError for any input; a crash, hang or memory blow-up is the bug.

#if FUZZING
/// The reader this process fuzzes, from FACEPREP_FUZZ_TARGET.
nonisolated(unsafe) let fuzzTarget: FormatProbe = {
    guard let name = ProcessInfo.processInfo.environment["FACEPREP_FUZZ_TARGET"], let probe = FormatProbe(rawValue: name) else {
        FileHandle.standardError.write(Data("set FACEPREP_FUZZ_TARGET to one of \(FormatProbe.allCases.map(\.rawValue).joined(separator: ", "))\n".utf8))
        exit(2)
    }
    return probe
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    _ = try? fuzzTarget.parse(bytes)
    return 0
}
#else
@main
struct FormatsFuzzReplay {
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        guard let name = arguments.first, let probe = FormatProbe(rawValue: name), arguments.count > 1 else {
            print("usage: faceprep-fuzz TARGET FILE…  (targets: \(FormatProbe.allCases.map(\.rawValue).joined(separator: ", ")))")
            exit(2)
        }
        for file in arguments.dropFirst() {
            guard let data = FileManager.default.contents(atPath: file) else { print("\(file): cannot read"); continue }
            do { print("\(file): ok: \(try probe.parse(Array(data)))") } catch { print("\(file): refused: \(error)") }
        }
    }
}
#endif
