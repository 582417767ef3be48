import Linalg

/// The tests' seeded generator (SplitMix64, from Linalg).
public typealias SeededGenerator = SeededRandomGenerator

public func randomMatrix<S: LinalgScalar>(_ rows: Int, _ columns: Int, _ rng: inout SeededGenerator) -> Matrix<S>
where S.RawSignificand: FixedWidthInteger {
    let values = (0..<(rows * columns)).map { _ in S.random(in: -1...1, using: &rng) }
    return try! Matrix(rows: rows, columns: columns, elements: values)
}

/// The textbook triple loop, in Double whatever the input precision: the independent truth for BLAS.
public func naiveProduct<S: LinalgScalar>(_ a: Matrix<S>, _ b: Matrix<S>, transposeA: Bool, transposeB: Bool) -> [[Double]] {
    let m = transposeA ? a.columns : a.rows
    let k = transposeA ? a.rows : a.columns
    let n = transposeB ? b.rows : b.columns
    var c = [[Double]](repeating: [Double](repeating: 0, count: n), count: m)
    for i in 0..<m {
        for j in 0..<n {
            var sum = 0.0
            for p in 0..<k {
                let x = transposeA ? a[p, i] : a[i, p]
                let y = transposeB ? b[j, p] : b[p, j]
                sum += Double(x) * Double(y)
            }
            c[i][j] = sum
        }
    }
    return c
}

public func maxAbs(_ values: [Double]) -> Double { values.map(abs).max() ?? 0 }

import Foundation
import Synchronization

/// Every directory `makeTemporaryDirectory` made in this process, removed when the process exits:
/// many tests hand theirs to a helper or fail before their own clean-up, and dozens were left in
/// /tmp after each run.
private let madeDirectories = Mutex<[String]>([])
private let removeMadeDirectoriesAtExit: Void = {
    atexit {
        for path in madeDirectories.withLock({ $0 }) { try? FileManager.default.removeItem(atPath: path) }
    }
}()

/// A fresh empty directory under the system temporary directory. The caller may remove it when done;
/// whatever is left is removed when the test process exits.
public func makeTemporaryDirectory(_ label: String = "faceprep-test") throws -> String {
    _ = removeMadeDirectoriesAtExit
    let path = NSTemporaryDirectory() + "\(label)-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    madeDirectories.withLock { $0.append(path) }
    return path
}

/// A fresh path under the system temporary directory (nothing made there yet) for a file or a folder
/// the caller writes; whatever is there when the test process exits is removed.
public func temporaryPath(_ label: String = "faceprep-test", extension ext: String? = nil) -> String {
    _ = removeMadeDirectoriesAtExit
    let path = NSTemporaryDirectory() + "\(label)-\(UUID().uuidString)" + (ext.map { "." + $0 } ?? "")
    madeDirectories.withLock { $0.append(path) }
    return path
}
