import TestSupport
import Testing
@testable import Linalg

@Suite("Nearest rotation by Newton's polar iteration, and the widened product")
struct PolarRotationTests {
    @Test("matches U·Vᵀ from LAPACK's SVD whenever det > 0; declines reflections and near-singular input")
    func polarAgainstSVD() throws {
        var rng = SeededGenerator(seed: 77)
        var accepted = 0
        for _ in 0..<300 {
            let a = Matrix3(rowMajor: (0..<9).map { _ in Double.random(in: -10...10, using: &rng) })
            let svd = try SingularValueDecomposition(try Matrix<Double>(rows: 3, columns: 3, elements: a.rowMajor))
            let u = Matrix3(rowMajor: svd.u.elements), vt = Matrix3(rowMajor: svd.vt.elements)
            let nearest = u * vt
            if a.determinant <= 0 {
                #expect(a.polarRotation == nil)
                continue
            }
            guard let polar = a.polarRotation else { continue }   // only for near-singular input
            accepted += 1
            #expect(polar.maxAbsDifference(nearest) < 1e-11)
            #expect(abs(polar.determinant - 1) < 1e-13)
        }
        #expect(accepted > 120)
        #expect(Matrix3(rowMajor: [1, 0, 0, 0, 1, 0, 0, 0, 1e-9]).polarRotation == nil)   // planar points
        #expect(Matrix3(rowMajor: [1, 0, 0, 0, 1, 0, 0, 0, -1]).polarRotation == nil)     // a mirror
        #expect(Matrix3(rowMajor: [Double.nan, 0, 0, 0, 1, 0, 0, 0, 1]).polarRotation == nil)
    }

    @Test("widened product equals a Double product of the same rows, norms included, in blocks and across cores")
    func widenedProductMatchesDouble() throws {
        var rng = SeededGenerator(seed: 5)
        for (rows, columns) in [(1, 3), (37, 5), (5000, 24), (9, 40_001)] {
            let values = (0..<(rows * columns)).map { _ in Float.random(in: -100...100, using: &rng) }
            let weights = (0..<columns).map { _ in Double.random(in: 0...2, using: &rng) }
            let right = try Matrix<Double>(rows: columns, columns: 7, elements: (0..<(columns * 7)).map { _ in Double.random(in: -1...1, using: &rng) })
            let (product, norms) = try widenedProduct(values, rowCount: rows, columns: columns, weights: weights, by: right)
            let expected = try Matrix<Double>(rows: rows, columns: columns, elements: values.map(Double.init)).multiplied(by: right)
            let scale = expected.elements.map(abs).max() ?? 1
            #expect(zip(product.elements, expected.elements).allSatisfy { abs($0 - $1) <= 1e-12 * scale })
            for r in [0, rows / 2, rows - 1] {
                let norm = (0..<columns).reduce(0.0) { $0 + weights[$1] * Double(values[r * columns + $1]) * Double(values[r * columns + $1]) }
                #expect(abs(norms[r] - norm) <= 1e-12 * norm)
            }
        }
        #expect(throws: LinalgError.self) { try widenedProduct([Float](repeating: 0, count: 5), rowCount: 2, columns: 3, weights: [1, 1, 1], by: Matrix(rows: 3, columns: 1)) }
    }
}
