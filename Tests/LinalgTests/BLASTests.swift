import TestSupport
import Testing
@testable import Linalg

@Suite("BLAS wrappers against a naive triple loop")
struct BLASTests {
    @Test("gemm, every transpose combination", arguments: [(false, false), (true, false), (false, true), (true, true)])
    func gemmDouble(transposeA: Bool, transposeB: Bool) throws {
        try checkGemm(Double.self, transposeA: transposeA, transposeB: transposeB, tolerance: 1e-12)
    }

    @Test("sgemm, every transpose combination", arguments: [(false, false), (true, false), (false, true), (true, true)])
    func gemmFloat(transposeA: Bool, transposeB: Bool) throws {
        try checkGemm(Float.self, transposeA: transposeA, transposeB: transposeB, tolerance: 1e-4)
    }

    private func checkGemm<S: LinalgScalar>(_: S.Type, transposeA: Bool, transposeB: Bool, tolerance: Double) throws
    where S.RawSignificand: FixedWidthInteger {
        var rng = SeededGenerator(seed: 42)
        let (m, k, n) = (7, 13, 5)
        let a: Matrix<S> = transposeA ? randomMatrix(k, m, &rng) : randomMatrix(m, k, &rng)
        let b: Matrix<S> = transposeB ? randomMatrix(n, k, &rng) : randomMatrix(k, n, &rng)
        let c = try a.multiplied(by: b, transposeSelf: transposeA ? .transposed : .none,
                                 transposeOther: transposeB ? .transposed : .none)
        let expected = naiveProduct(a, b, transposeA: transposeA, transposeB: transposeB)
        #expect(c.shape == [m, n])
        for i in 0..<m {
            for j in 0..<n { #expect(abs(Double(c[i, j]) - expected[i][j]) < tolerance) }
        }
    }

    @Test("gemm with alpha, beta and sub-block views read in place")
    func gemmViewsAlphaBeta() throws {
        var rng = SeededGenerator(seed: 7)
        let big: Matrix<Double> = randomMatrix(10, 12, &rng)
        let other: Matrix<Double> = randomMatrix(6, 9, &rng)
        let aView = big.view(rows: 2..<6, columns: 3..<9)      // [4, 6]
        let bView = other.view(rows: 0..<6, columns: 4..<7)    // [6, 3]
        var c: Matrix<Double> = randomMatrix(4, 3, &rng)
        let original = c
        try gemm(aView, bView, alpha: 2, beta: -0.5, into: &c)
        let expected = naiveProduct(aView.copy(), bView.copy(), transposeA: false, transposeB: false)
        for i in 0..<4 {
            for j in 0..<3 {
                #expect(abs(c[i, j] - (2 * expected[i][j] - 0.5 * original[i, j])) < 1e-12)
            }
        }
    }

    @Test("gemm rejects shapes that do not chain")
    func gemmShapeMismatch() throws {
        let a = Matrix<Double>(rows: 2, columns: 3)
        let b = Matrix<Double>(rows: 4, columns: 5)
        #expect(throws: LinalgError.self) { try a.multiplied(by: b) }
    }

    @Test("gemv plain and transposed")
    func gemv() throws {
        var rng = SeededGenerator(seed: 3)
        let a: Matrix<Double> = randomMatrix(6, 4, &rng)
        let x = (0..<4).map { Double($0) - 1.5 }
        let y = try a.multiplied(by: x)
        for i in 0..<6 {
            let truth = (0..<4).reduce(0.0) { $0 + a[i, $1] * x[$1] }
            #expect(abs(y[i] - truth) < 1e-12)
        }
        let z = (0..<6).map { Double($0) * 0.25 }
        let yt = try a.multiplied(by: z, transpose: .transposed)
        for j in 0..<4 {
            let truth = (0..<6).reduce(0.0) { $0 + a[$1, j] * z[$1] }
            #expect(abs(yt[j] - truth) < 1e-12)
        }
        #expect(throws: LinalgError.self) { try a.multiplied(by: [1, 2]) }
    }

    @Test("syrk Gram matrices AᵀA and AAᵀ, both triangles filled", arguments: [true, false])
    func gram(ofColumns: Bool) throws {
        var rng = SeededGenerator(seed: 11)
        let a: Matrix<Float> = randomMatrix(9, 4, &rng)
        let g = try a.gram(ofColumns: ofColumns)
        let expected = naiveProduct(a, a, transposeA: ofColumns, transposeB: !ofColumns)
        let n = ofColumns ? 4 : 9
        #expect(g.shape == [n, n])
        for i in 0..<n {
            for j in 0..<n { #expect(abs(Double(g[i, j]) - expected[i][j]) < 1e-5) }
        }
    }

    @Test("the thread count can be set from code, and OpenBLAS follows it unless kept single-threaded")
    func threadCount() {
        let before = ComputeThreads.count
        ComputeThreads.count = 1
        #expect(ComputeThreads.count == 1)
        #expect(ComputeThreads.openBLAS == 1)
        ComputeThreads.count = before
        #expect(ComputeThreads.count == before)
        #expect(ComputeThreads.openBLAS == before)
    }
}
