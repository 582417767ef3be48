import TestSupport
import Testing
@testable import Linalg

@Suite("Bounded quadratic (active set with Cholesky updates)")
struct BoundedQuadraticTests {
    /// Brute force over every free/lower/upper assignment: exact for small n.
    private func bruteForce(h: Matrix<Double>, q: [Double], upper: [Double]) throws -> [Double] {
        let n = q.count
        var best: (value: Double, x: [Double])?
        for code in 0..<(0..<n).reduce(1, { p, _ in p * 3 }) {
            var assignment = [Int](), c = code
            for _ in 0..<n { assignment.append(c % 3); c /= 3 }
            var x = assignment.enumerated().map { $0.element == 2 ? upper[$0.offset] : 0 }
            let free = (0..<n).filter { assignment[$0] == 0 }
            if !free.isEmpty {
                var block = Matrix<Double>(rows: free.count, columns: free.count)
                var rhs = [Double]()
                for (r, i) in free.enumerated() {
                    for (k, j) in free.enumerated() { block[r, k] = h[i, j] }
                    rhs.append(q[i] - (0..<n).filter { assignment[$0] == 2 }.reduce(0) { $0 + h[i, $1] * upper[$1] })
                }
                let y = try CholeskyFactorization(block).solve(rhs)
                guard y.enumerated().allSatisfy({ $0.element >= 0 && $0.element <= upper[free[$0.offset]] }) else { continue }
                for (r, i) in free.enumerated() { x[i] = y[r] }
            }
            let hx = try h.multiplied(by: x)
            let value = 0.5 * zip(x, hx).reduce(0) { $0 + $1.0 * $1.1 } - zip(q, x).reduce(0) { $0 + $1.0 * $1.1 }
            if value < (best?.value ?? .infinity) - 1e-12 { best = (value, x) }
        }
        return best?.x ?? []
    }

    @Test("warm-started sequences of problems match brute force, with bounds changing between calls")
    func matchesBruteForce() throws {
        var rng = SeededGenerator(seed: 31)
        let n = 6
        let a = try Matrix<Double>(rows: n + 3, columns: n, elements: (0..<((n + 3) * n)).map { _ in Double.random(in: -1...1, using: &rng) })
        let h = try a.gram()
        var solver = try BoundedQuadratic(hessian: h)
        for call in 0..<40 {
            let q = (0..<n).map { _ in Double.random(in: -3...3, using: &rng) }
            var upper = [Double](repeating: 1, count: n)
            if call % 3 == 0 { upper[call % n] = 1e-10 }
            try solver.solve(q: q, upper: upper)
            let expected = try bruteForce(h: h, q: q, upper: upper)
            for i in 0..<n { #expect(abs(solver.x[i] - expected[i]) < 1e-9, "call \(call) variable \(i)") }
        }
    }

    @Test("52 variables, warm-started frame after frame: every answer meets the optimality (KKT) conditions")
    func meetsOptimalityConditions() throws {
        // Too many variables for brute force; the KKT conditions of a convex box problem are necessary
        // and sufficient: 0 ≤ x ≤ u, and the gradient g = Hx − q is 0 on free variables, ≥ 0 at 0 and
        // ≤ 0 at the upper bound. Slowly drifting q with noise, as animation frames give.
        var rng = SeededGenerator(seed: 7)
        let n = 52
        let a = try Matrix<Double>(rows: 3 * n, columns: n, elements: (0..<(3 * n * n)).map { _ in Double.random(in: -1...1, using: &rng) })
        let h = try a.gram()
        var solver = try BoundedQuadratic(hessian: h)
        var centre = (0..<n).map { _ in Double.random(in: -20...40, using: &rng) }
        var seen = (free: 0, lower: 0, upper: 0)
        for call in 0..<60 {
            for i in 0..<n { centre[i] += Double.random(in: -4...4, using: &rng) }
            let q = centre.map { 4 * $0 + Double.random(in: -8...8, using: &rng) }
            var upper = [Double](repeating: 1, count: n)
            if call % 2 == 1 { upper[(call * 7) % n] = 1e-10 }   // a cancel pair's bound, as the solver sets it
            try solver.solve(q: q, upper: upper)
            let x = solver.x, g = try h.multiplied(by: x)
            let scale = q.map(abs).max() ?? 1
            for i in 0..<n {
                let gradient = g[i] - q[i], tolerance = 1e-9 * scale
                #expect(x[i] >= 0 && x[i] <= upper[i], "call \(call) variable \(i) outside the box")
                if x[i] > 0 && x[i] < upper[i] {
                    seen.free += 1
                    #expect(abs(gradient) < tolerance, "call \(call) free variable \(i): gradient \(gradient)")
                } else if x[i] == 0 {
                    seen.lower += 1
                    #expect(gradient > -tolerance, "call \(call) variable \(i) at 0 pulls inward: \(gradient)")
                } else {
                    seen.upper += 1
                    #expect(gradient < tolerance, "call \(call) variable \(i) at its bound pulls inward: \(gradient)")
                }
            }
        }
        // The problems exercise every kind of variable: free, held at 0 and held at the upper bound.
        #expect(seen.free > 300 && seen.lower > 300 && seen.upper > 30, "\(seen)")
    }

    @Test("a singular H is handled while the gradient never pulls a dependent variable free; wrong shapes are refused")
    func singularAndShapes() throws {
        // Columns 1 and 2 of H are identical: at the optimum the gradient along the dependent variable
        // is 0, so it is never released and the free block stays non-singular.
        let h = try Matrix<Double>([[2, 0, 0], [0, 1, 1], [0, 1, 1]])
        var solver = try BoundedQuadratic(hessian: h)
        try solver.solve(q: [1, 0.5, 0.5], upper: [1, 1, 1])
        #expect(abs(solver.x[0] - 0.5) < 1e-12 && abs(solver.x[1] + solver.x[2] - 0.5) < 1e-12)
        #expect(throws: LinalgError.self) { try BoundedQuadratic(hessian: Matrix(rows: 2, columns: 3)) }
        #expect(throws: LinalgError.self) { try solver.solve(q: [1, 1], upper: [1, 1, 1]) }
    }
}
