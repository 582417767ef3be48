import Linalg

/// SplitMix64: a small seeded generator so every test run sees the same "random" matrices.
public struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

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

/// A fresh empty directory under the system temporary directory, removed by the caller when done.
public func makeTemporaryDirectory(_ label: String = "faceprep-test") throws -> String {
    let path = NSTemporaryDirectory() + "\(label)-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}
