import Testing
@testable import Analysis

@Suite("Bounding box")
struct BoundingBoxTests {
    @Test("box, size and 3-D diagonal of a point set")
    func box() throws {
        let points: [Float] = [0, 0, 0, 3, -1, 2, 1, 4, -2]
        let box = try #require(BoundingBox(points: points))
        #expect(box.minimum == SIMD3(0, -1, -2))
        #expect(box.maximum == SIMD3(3, 4, 2))
        #expect(box.size == SIMD3(3, 5, 4))
        #expect(abs(box.diagonal - 50.0.squareRoot()) < 1e-12)
    }

    @Test("no points, a ragged array or a NaN give no box")
    func invalid() {
        #expect(BoundingBox(points: [Float]()) == nil)
        #expect(BoundingBox(points: [Float](repeating: 0, count: 4)) == nil)
        #expect(BoundingBox(points: [0, .nan, 0] as [Double]) == nil)
    }
}
