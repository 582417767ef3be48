// faceprep-bench: release-built measurements of the numerical core.
//
//   swift run -c release faceprep-bench [--threads N] [--repeat N]
//
// Prints one line per measurement: best and median over the repetitions. Timing lives here, never in tests.
import Foundation
import Analysis
import Formats
import Linalg

struct Options {
    var threads: Int?
    var repetitions = 7
    /// Sections to run: linalg, formats, kabsch (all by default).
    var sections: Set<String> = ["linalg", "formats", "kabsch"]
    init(_ arguments: [String]) {
        var iterator = arguments.dropFirst().makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--threads": threads = iterator.next().flatMap(Int.init)
            case "--repeat": repetitions = iterator.next().flatMap(Int.init) ?? repetitions
            case "linalg", "formats", "kabsch":
                if sections.count == 3 { sections = [] }
                sections.insert(argument)
            default:
                FileHandle.standardError.write(Data("usage: faceprep-bench [linalg] [formats] [kabsch] [--threads N] [--repeat N]\n".utf8))
                exit(2)
            }
        }
    }
}

/// Best and median wall time of `repetitions` runs of `body`, after one warm-up run.
func measure(_ repetitions: Int, _ body: () throws -> Void) rethrows -> (best: Double, median: Double) {
    try body()
    var seconds: [Double] = []
    for _ in 0..<repetitions {
        let start = ContinuousClock.now
        try body()
        let elapsed = ContinuousClock.now - start
        seconds.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
    }
    seconds.sort()
    return (seconds[0], seconds[seconds.count / 2])
}

func report(_ name: String, _ time: (best: Double, median: Double), _ extra: String) {
    let label = name.padding(toLength: 42, withPad: " ", startingAt: 0)
    print(label + String(format: " best %9.3f ms  median %9.3f ms  ", time.best * 1e3, time.median * 1e3) + extra)
}

func randomMatrix(_ rows: Int, _ columns: Int) throws -> Matrix<Float> {
    var generator = SystemRandomNumberGenerator()
    return try Matrix(rows: rows, columns: columns,
                      elements: (0..<(rows * columns)).map { _ in Float.random(in: -1...1, using: &generator) })
}

let options = Options(CommandLine.arguments)
if let threads = options.threads { ComputeThreads.count = threads }
print("faceprep-bench: \(NumericLibraries.current().openBLASConfiguration); BLAS threads \(ComputeThreads.count); \(ProcessInfo.processInfo.activeProcessorCount) cores")

if options.sections.contains("linalg") {
// The solver's batched stage: Dᵀ (poses × 3·masked vertices) times the shot's targets (3·vertices × frames).
let (poses, coordinates, frames) = (52, 72_006, 900)
let dt = try randomMatrix(poses, coordinates)
let targets = try randomMatrix(coordinates, frames)
var product = Matrix<Float>(rows: poses, columns: frames)
let gemmTime = try measure(options.repetitions) { try gemm(dt.view, targets.view, into: &product) }
let flops = 2.0 * Double(poses) * Double(coordinates) * Double(frames)
report("sgemm 52 × 72,006 · 72,006 × 900", gemmTime,
       String(format: "%.1f GFLOP/s (best)", flops / gemmTime.best / 1e9))

// FFT of 2^20 samples, both precisions.
let count = 1 << 20
let signalD = (0..<count).map { sin(Double($0) * 0.001) + 0.25 * cos(Double($0) * 0.37) }
let signalF = signalD.map { Float($0) }
_ = try RealFFT.forward(signalD)  // plan outside the timing, as the cache would
let fftD = try measure(options.repetitions) { _ = try RealFFT.forward(signalD) }
report("FFT r2c 2^20 double", fftD, "")
let fftF = try measure(options.repetitions) { _ = try RealFFT.forward(signalF) }
report("FFT r2c 2^20 float", fftF, "")
let spectrum = try RealFFT.forward(signalD)
let ifft = try measure(options.repetitions) { _ = try RealFFT.inverse(spectrum, count: count) }
report("FFT c2r 2^20 double", ifft, "")

// memcpy bandwidth, the ceiling for reading a page-cached cache file.
let bytes = 24_002 * 3 * 900 * 4
let source = [UInt8](repeating: 1, count: bytes)
var destination = [UInt8](repeating: 0, count: bytes)
let copyTime = measure(options.repetitions) {
    destination.withUnsafeMutableBytes { d in source.withUnsafeBytes { s in d.copyMemory(from: s) } }
}
report("memcpy 259 MB (24,002 × 900 float xyz)", copyTime,
       String(format: "%.2f GB/s (best)", Double(bytes) / copyTime.best / 1e9))

}

if options.sections.contains("formats") {
// Reading a page-cached 24,002-vertex × 900-frame cache in each format (written first, then read once
// to warm the page cache). Throughput counts the file's bytes.
let directory = NSTemporaryDirectory() + "faceprep-bench-\(ProcessInfo.processInfo.processIdentifier)"
try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
var generator = SystemRandomNumberGenerator()
let cache = try VertexCache(
    frameCount: 900, vertexCount: 24_002,
    positions: (0..<(900 * 24_002 * 3)).map { _ in Float.random(in: -20...20, using: &generator) }, framesPerSecond: 30,
    source: CacheSource(path: "bench", format: .numpy, variant: "", storedType: "float32"))
for name in ["cache.npy", "cache.pc2", "cache.xml", "cache.mcx"] {
    let path = directory + "/" + name
    try VertexCacheIO.write(cache, to: path)
    let dataFile = name == "cache.xml" ? directory + "/cache.mc" : path
    let size = (try FileManager.default.attributesOfItem(atPath: dataFile)[.size] as? Int) ?? 0
    _ = try VertexCacheIO.read(path)
    let time = try measure(options.repetitions) { _ = try VertexCacheIO.read(path) }
    report("read \(name) (\(size / 1_000_000) MB)", time, String(format: "%.2f GB/s (best)", Double(size) / time.best / 1e9))
}
try? FileManager.default.removeItem(atPath: directory)
}

if options.sections.contains("kabsch") {
    // Kabsch: 100,000 frames × 8 rigid points, and 900 frames × 24,002 vertices (the head check's size),
    // against the numpy batched-SVD script in the same run.
    var rng = SeededRandomGenerator(seed: 1)
    var numpy: [String: Double] = [:]
    let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("kabsch_numpy.py").path
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", script]
    let pipe = Pipe()
    process.standardOutput = pipe
    if (try? process.run()) != nil {
        process.waitUntilExit()
        for line in String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).split(separator: "\n") {
            let f = line.split(separator: " ")
            if f.count == 5, let seconds = Double(f[4]) { numpy["\(f[2])x\(f[3])"] = seconds }
        }
    }
    for (frames, points) in [(100_000, 8), (900, 24_002)] {
        let reference = (0..<(points * 3)).map { _ in Double.random(in: -10...10, using: &rng) }
        var data = [Float](repeating: 0, count: frames * points * 3)
        for f in 0..<frames { for k in 0..<(points * 3) { data[f * points * 3 + k] = Float(reference[k] + Double.random(in: -0.01...0.01, using: &rng)) } }
        let kabsch = try Kabsch(reference: reference)
        let time = try measure(min(options.repetitions, 5)) { _ = try kabsch.fit(frames: data, frameCount: frames) }
        var extra = String(format: "%.0f frames/s", Double(frames) / time.best)
        if let reference = numpy["\(frames)x\(points)"] {
            extra += String(format: "; numpy %.1f ms = %.0f frames/s; %.1f× numpy", reference * 1e3, Double(frames) / reference, reference / time.best)
        }
        report("Kabsch \(frames) frames × \(points) points", time, extra)
    }
}
