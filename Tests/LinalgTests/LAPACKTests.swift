import TestSupport
import Testing
@testable import Linalg

@Suite("LAPACK wrappers against closed forms and residuals")
struct LAPACKTests {
    /// A symmetric positive-definite matrix BᵀB + n·I.
    private func spd(_ n: Int, seed: UInt64) throws -> Matrix<Double> {
        var rng = SeededGenerator(seed: seed)
        let b: Matrix<Double> = randomMatrix(n + 3, n, &rng)
        var a = try b.gram()
        for i in 0..<n { a[i, i] += Double(n) }
        return a
    }

    @Test("Cholesky: L·Lᵀ = A and the solve residual is tiny")
    func choleskySolve() throws {
        let a = try spd(8, seed: 5)
        let chol = try CholeskyFactorization(a)
        let l = chol.factor
        // Only the lower triangle of the factor is meaningful.
        var lower = l
        for i in 0..<8 { for j in (i + 1)..<8 { lower[i, j] = 0 } }
        let llt = try lower.multiplied(by: lower, transposeOther: .transposed)
        #expect(maxAbs(zip(llt.elements, a.elements).map { $0 - $1 }) < 1e-12)

        var rng = SeededGenerator(seed: 9)
        let b: Matrix<Double> = randomMatrix(8, 3, &rng)
        let x = try chol.solve(b)
        let residual = try a.multiplied(by: x)
        #expect(maxAbs(zip(residual.elements, b.elements).map { $0 - $1 }) < 1e-12)
    }

    @Test("Cholesky of a non-positive-definite matrix throws and names the failing minor")
    func choleskyNotPositiveDefinite() throws {
        // Leading 1×1 minor 1 > 0; the 2×2 minor 1·1 − 2·2 < 0.
        let a = try Matrix<Double>([[1, 2, 0], [2, 1, 0], [0, 0, 1]])
        #expect(throws: LinalgError.notPositiveDefinite(order: 2)) { try CholeskyFactorization(a) }
        let f = try Matrix<Float>([[-1, 0], [0, 1]])
        #expect(throws: LinalgError.notPositiveDefinite(order: 1)) { try CholeskyFactorization(f) }
        #expect(throws: LinalgError.self) { try CholeskyFactorization(Matrix<Double>(rows: 2, columns: 3)) }
    }

    @Test("symmetric eigenpairs: A·v = λ·v, orthonormal V, ascending λ")
    func eigenpairs() throws {
        let a = try spd(6, seed: 21)
        let eig = try SymmetricEigenDecomposition(a)
        #expect(eig.eigenvalues == eig.eigenvalues.sorted())
        for i in 0..<6 {
            let v = eig.eigenvectors.column(i)
            let av = try a.multiplied(by: v)
            #expect(maxAbs(zip(av, v).map { $0 - eig.eigenvalues[i] * $1 }) < 1e-10)
        }
        let vtv = try eig.eigenvectors.multiplied(by: eig.eigenvectors, transposeSelf: .transposed)
        #expect(maxAbs(zip(vtv.elements, Matrix<Double>.identity(6).elements).map { $0 - $1 }) < 1e-12)
        // Closed form: [[2,1],[1,2]] has eigenvalues 1 and 3.
        let small = try SymmetricEigenDecomposition(try Matrix<Double>([[2, 1], [1, 2]]))
        #expect(abs(small.eigenvalues[0] - 1) < 1e-14 && abs(small.eigenvalues[1] - 3) < 1e-14)
    }

    @Test("SVD: U·Σ·Vᵀ reconstructs A, U and V orthonormal, σ descending", arguments: [(9, 4), (4, 9), (5, 5)])
    func svd(rows: Int, columns: Int) throws {
        var rng = SeededGenerator(seed: UInt64(rows * 31 + columns))
        let a: Matrix<Double> = randomMatrix(rows, columns, &rng)
        let svd = try SingularValueDecomposition(a)
        let k = min(rows, columns)
        #expect(svd.singularValues == svd.singularValues.sorted(by: >))
        var us = svd.u
        for i in 0..<rows { for j in 0..<k { us[i, j] *= svd.singularValues[j] } }
        let rebuilt = try us.multiplied(by: svd.vt)
        #expect(maxAbs(zip(rebuilt.elements, a.elements).map { $0 - $1 }) < 1e-12)
        let utu = try svd.u.multiplied(by: svd.u, transposeSelf: .transposed)
        let vvt = try svd.vt.multiplied(by: svd.vt, transposeOther: .transposed)
        let eye = Matrix<Double>.identity(k).elements
        #expect(maxAbs(zip(utu.elements, eye).map { $0 - $1 }) < 1e-12)
        #expect(maxAbs(zip(vvt.elements, eye).map { $0 - $1 }) < 1e-12)
    }

    @Test("SVD of a known matrix: [[3,0],[4,5]] has σ = 3√5, √5")
    func svdClosedForm() throws {
        let s = try SingularValueDecomposition(try Matrix<Float>([[3, 0], [4, 5]])).singularValues
        #expect(abs(Double(s[0]) - 3 * 5.0.squareRoot()) < 1e-5)
        #expect(abs(Double(s[1]) - 5.0.squareRoot()) < 1e-5)
    }

    @Test("least squares agrees with the normal equations solved independently")
    func leastSquaresMatchesNormalEquations() throws {
        var rng = SeededGenerator(seed: 77)
        let a: Matrix<Double> = randomMatrix(20, 4, &rng)
        let b: Matrix<Double> = randomMatrix(20, 2, &rng)
        let x = try leastSquares(a, b)
        #expect(x.shape == [4, 2])
        // Normal equations AᵀA·x = Aᵀb by naive Gauss-Jordan elimination.
        let ata = naiveProduct(a, a, transposeA: true, transposeB: false)
        let atb = naiveProduct(a, b, transposeA: true, transposeB: false)
        var aug = (0..<4).map { ata[$0] + atb[$0] }
        for col in 0..<4 {
            let pivot = (col..<4).max { abs(aug[$0][col]) < abs(aug[$1][col]) }!
            aug.swapAt(col, pivot)
            for r in 0..<4 where r != col {
                let f = aug[r][col] / aug[col][col]
                for c in 0..<6 { aug[r][c] -= f * aug[col][c] }
            }
        }
        for i in 0..<4 {
            for j in 0..<2 { #expect(abs(x[i, j] - aug[i][4 + j] / aug[i][i]) < 1e-10) }
        }
    }

    @Test("least squares: an exact system is solved exactly; rank deficiency throws")
    func leastSquaresEdgeCases() throws {
        let a = try Matrix<Double>([[1, 0], [0, 2], [0, 0]])
        let b = try Matrix<Double>([[3], [4], [0]])
        let x = try leastSquares(a, b)
        #expect(abs(x[0, 0] - 3) < 1e-14 && abs(x[1, 0] - 2) < 1e-14)
        let deficient = try Matrix<Double>([[1, 2], [2, 4], [3, 6]])
        #expect(throws: LinalgError.self) { try leastSquares(deficient, b) }
        #expect(throws: LinalgError.self) { try leastSquares(try Matrix<Double>([[1, 2]]), try Matrix<Double>([[1]])) }
    }
}
