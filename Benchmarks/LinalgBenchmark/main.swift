// faceprep-bench: release-built measurements of the numerical core.
//
//   swift run -c release faceprep-bench [--threads N] [--repeat N]
//
// Prints one line per measurement: best and median over the repetitions. Timing lives here, never in tests.
import Foundation
import Formats
import Linalg

struct Options {
    var threads: Int?
    var repetitions = 7
    init(_ arguments: [String]) {
        var iterator = arguments.dropFirst().makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--threads": threads = iterator.next().flatMap(Int.init)
            case "--repeat": repetitions = iterator.next().flatMap(Int.init) ?? repetitions
            default:
                FileHandle.standardError.write(Data("usage: faceprep-bench [--threads N] [--repeat N]\n".utf8))
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
if let threads = options.threads { BLASThreads.count = threads }
print("faceprep-bench: \(NumericLibraries.current().openBLASConfiguration); BLAS threads \(BLASThreads.count); \(ProcessInfo.processInfo.activeProcessorCount) cores")

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
