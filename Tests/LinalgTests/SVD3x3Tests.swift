import TestSupport
import Testing
@testable import Linalg

@Suite("3×3 SVD (one-sided Jacobi)")
struct SVD3x3Tests {
    private func check(_ a: Matrix3, tolerance: Double = 1e-13) throws {
        let svd = SVD3x3(a)
        let s = svd.singularValues
        #expect(s.x >= s.y && s.y >= s.z && s.z >= 0)
        let sigma = Matrix3(rows: SIMD3(s.x, 0, 0), SIMD3(0, s.y, 0), SIMD3(0, 0, s.z))
        let rebuilt = svd.u * sigma * svd.v.transposed
        let scale = max(s.x, 1)
        #expect(rebuilt.maxAbsDifference(a) < tolerance * scale)
        #expect((svd.u.transposed * svd.u).maxAbsDifference(.identity) < 1e-13)
        #expect((svd.v.transposed * svd.v).maxAbsDifference(.identity) < 1e-13)
        // Same singular values as LAPACK's gesdd.
        let lapack = try SingularValueDecomposition(try Matrix<Double>(rows: 3, columns: 3, elements: a.rowMajor)).singularValues
        #expect(abs(lapack[0] - s.x) < 1e-12 * scale && abs(lapack[1] - s.y) < 1e-12 * scale && abs(lapack[2] - s.z) < 1e-12 * scale)
    }

    @Test("random matrices")
    func random() throws {
        var rng = SeededGenerator(seed: 1234)
        for _ in 0..<200 {
            try check(Matrix3(rowMajor: (0..<9).map { _ in Double.random(in: -10...10, using: &rng) }))
        }
    }

    @Test("rank-deficient, zero and diagonal matrices")
    func degenerate() throws {
        try check(Matrix3(rowMajor: [1, 2, 3, 2, 4, 6, 3, 6, 9]))          // rank 1
        try check(Matrix3(rowMajor: [1, 0, 0, 0, 1, 0, 0, 0, 0]))          // rank 2
        try check(Matrix3(rowMajor: [0, 0, 0, 0, 0, 0, 0, 0, 0]))          // zero
        try check(Matrix3(rowMajor: [0, 0, 2, 0, -5, 0, 1, 0, 0]))         // permuted diagonal
        let s = SVD3x3(Matrix3(rowMajor: [0, 0, 2, 0, -5, 0, 1, 0, 0])).singularValues
        #expect(s == SIMD3(5, 2, 1))
    }
}
