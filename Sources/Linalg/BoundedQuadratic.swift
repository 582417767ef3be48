/// Minimises ½·xᵀHx − qᵀx over the box 0 ≤ x ≤ u for a symmetric positive-definite H: the normal
/// form of a bounded least-squares problem min ‖A·x − b‖² (H = AᵀA, q = Aᵀb).
///
/// A primal active-set method. Each variable is free or held at a bound; the free block is solved
/// exactly through a Cholesky factor of H_FF; a step that would leave the box stops at the first
/// bound it meets (that variable is then held); a held variable whose gradient points into the box
/// is released. Each change of the free set moves to a strictly better point, so the method ends, at
/// the exact optimum of the final free set (the KKT conditions hold to rounding).
///
/// The factor is not recomputed when the free set changes: releasing a variable appends a row
/// (one triangular solve), holding one deletes a row and restores the triangle with Givens rotations
/// — O(k²) per step instead of O(k³). The state is kept between calls: consecutive animation frames
/// share their active sets, so a warm-started frame usually needs a single solve with the factor it
/// already has. These are k×k problems (k ≤ a few hundred) solved thousands of times a second, so
/// the loops run over raw buffers: a BLAS call would cost more than its arithmetic.
public struct BoundedQuadratic: Sendable {
    enum Status: UInt8 { case free, lower, upper }

    public let n: Int
    /// H, `[n, n]` row-major.
    private let h: [Double]
    /// The solution of the last call.
    public private(set) var x: [Double]
    private var status: [Status]
    /// The bounds of the previous call: a variable held at an upper bound that has since changed
    /// (e.g. 1e-10 back to 1) restarts at 0.
    private var lastUpper: [Double]
    /// Free variables in the order of the factor's rows.
    private var free: [Int] = []
    /// Lower-triangular L with L·Lᵀ = H[free, free], row r at `r·n`.
    private var factor: [Double]
    private var rhs: [Double], solution: [Double]
    /// The variables held at their upper bound, refilled each step (kept to avoid an allocation per step).
    private var heldUpper: [Int] = []
    /// The variables not held at 0, ascending, refilled each step.
    private var support: [Int] = []

    /// - Parameter hessian: H, symmetric positive definite `[n, n]`.
    public init(hessian: Matrix<Double>) throws {
        guard hessian.rows == hessian.columns else {
            throw LinalgError.shapeMismatch(operation: "BoundedQuadratic", detail: "H is [\(hessian.rows), \(hessian.columns)], not square")
        }
        n = hessian.rows
        h = hessian.elements
        x = [Double](repeating: 0, count: n)
        status = [Status](repeating: .lower, count: n)
        lastUpper = [Double](repeating: .infinity, count: n)
        factor = [Double](repeating: 0, count: n * n)
        rhs = [Double](repeating: 0, count: n)
        solution = [Double](repeating: 0, count: n)
    }

    /// The minimiser for `q` `[n]` and upper bounds `upper` `[n]` (≥ 0), warm-started from the previous
    /// call; it is left in `x`.
    /// - Returns: the number of active-set steps taken.
    /// - Throws: `LinalgError.rankDeficient` (index of the variable) when a variable's column of H
    ///   depends on the free ones', `LinalgError.noConvergence` when the step limit is reached.
    @discardableResult
    public mutating func solve(q: [Double], upper: [Double]) throws -> Int {
        guard q.count == n, upper.count == n else {
            throw LinalgError.shapeMismatch(operation: "BoundedQuadratic.solve", detail: "q has \(q.count), upper \(upper.count) values for \(n) variables")
        }
        // Feasible start that keeps the previous free set.
        for i in 0..<n {
            switch status[i] {
            case .lower: x[i] = 0
            case .upper where upper[i] != lastUpper[i]:
                status[i] = .lower
                x[i] = 0
            case .upper: x[i] = upper[i]
            case .free: x[i] = Swift.min(Swift.max(x[i], 0), upper[i])
            }
        }
        lastUpper = upper
        var largestQ = 1.0
        for value in q { largestQ = Swift.max(largestQ, Swift.abs(value)) }
        let tolerance = 1e-12 * largestQ
        let limit = 10 * n + 20
        let n = self.n
        for step in 1...limit {
            let m = free.count
            // H_FF·y = q_F − H_FU·u_U (variables held at 0 contribute nothing).
            heldUpper.removeAll(keepingCapacity: true)
            for j in 0..<n where status[j] == .upper { heldUpper.append(j) }
            h.withUnsafeBufferPointer { h in
                heldUpper.withUnsafeBufferPointer { held in
                    for r in 0..<m {
                        let i = free[r]
                        var sum = q[i]
                        for j in held { sum -= h[i * n + j] * upper[j] }
                        rhs[r] = sum
                    }
                }
            }
            solveFactor(m)
            // Walk towards the solution; stop at the first bound in the way.
            var alpha = 1.0
            var blocking = -1
            for r in 0..<m {
                let i = free[r], target = solution[r]
                if target < 0, x[i] - target > 0 {
                    let t = x[i] / (x[i] - target)
                    if t < alpha { alpha = t; blocking = r }
                } else if target > upper[i], target - x[i] > 0 {
                    let t = (upper[i] - x[i]) / (target - x[i])
                    if t < alpha { alpha = t; blocking = r }
                }
            }
            if blocking >= 0 {
                let blockedAtUpper = solution[blocking] > upper[free[blocking]]
                for r in 0..<m { x[free[r]] += alpha * (solution[r] - x[free[r]]) }
                // Hold the blocking variable and any other that reached a bound, last rows first.
                for r in stride(from: m - 1, through: 0, by: -1) {
                    let i = free[r]
                    guard r == blocking || x[i] <= 0 || x[i] >= upper[i] else { continue }
                    let atUpper = r == blocking ? blockedAtUpper : x[i] >= upper[i]
                    status[i] = atUpper ? .upper : .lower
                    x[i] = atUpper ? upper[i] : 0
                    removeFromFactor(at: r)
                }
                continue
            }
            for r in 0..<m { x[free[r]] = solution[r] }
            // Optimal for this free set: release the held variable whose gradient pulls hardest inward.
            // The gradient (Hx − q)ᵢ over the variables off zero only (free or at an upper bound), in index
            // order: the same sums as over every j, without the n − m terms that add exactly zero.
            support.removeAll(keepingCapacity: true)
            for j in 0..<n where status[j] != .lower { support.append(j) }
            let release: Int = h.withUnsafeBufferPointer { h in
                x.withUnsafeBufferPointer { x in
                    support.withUnsafeBufferPointer { support in
                    var release = -1, strongest = tolerance
                    for i in 0..<n where status[i] != .free && upper[i] > 0 {
                        var g = -q[i]
                        let row = i * n
                        for j in support { g += h[row + j] * x[j] }
                        let pull = status[i] == .lower ? -g : g
                        if pull > strongest { strongest = pull; release = i }
                    }
                    return release
                    }
                }
            }
            guard release >= 0 else { return step }
            try appendToFactor(release)
            status[release] = .free
        }
        throw LinalgError.noConvergence(routine: "BoundedQuadratic", info: limit)
    }

    /// `solution[0..<m]` = H_FF⁻¹·`rhs[0..<m]` by forward and back substitution with L.
    private mutating func solveFactor(_ m: Int) {
        let n = self.n
        factor.withUnsafeBufferPointer { l in
            rhs.withUnsafeBufferPointer { b in
                solution.withUnsafeMutableBufferPointer { y in
                    for r in 0..<m {
                        var sum = b[r]
                        let row = r * n
                        for c in 0..<r { sum -= l[row + c] * y[c] }
                        y[r] = sum / l[row + r]
                    }
                    for r in stride(from: m - 1, through: 0, by: -1) {
                        var sum = y[r]
                        var c = r + 1
                        while c < m { sum -= l[c * n + r] * y[c]; c += 1 }
                        y[r] = sum / l[r * n + r]
                    }
                }
            }
        }
    }

    /// Adds variable `j` as the factor's last row: L·l = H[free, j], d = √(H_jj − ‖l‖²).
    private mutating func appendToFactor(_ j: Int) throws {
        let m = free.count, n = self.n
        let pivot: Double = h.withUnsafeBufferPointer { h in
            free.withUnsafeBufferPointer { free in
                factor.withUnsafeMutableBufferPointer { l in
                    var norm = 0.0
                    let last = m * n
                    for r in 0..<m {
                        var sum = h[free[r] * n + j]
                        let row = r * n
                        for c in 0..<r { sum -= l[row + c] * l[last + c] }
                        let value = sum / l[row + r]
                        l[last + r] = value
                        norm += value * value
                    }
                    return h[j * n + j] - norm
                }
            }
        }
        guard pivot > 1e-13 * h[j * n + j], pivot.isFinite else { throw LinalgError.rankDeficient(routine: "BoundedQuadratic", index: j) }
        factor[m * n + m] = pivot.squareRoot()
        free.append(j)
    }

    /// Deletes the factor's row `p` and restores the triangle: Givens rotations on columns k, k+1 zero
    /// the element each later row gains above the diagonal (L·Lᵀ is unchanged by them).
    private mutating func removeFromFactor(at p: Int) {
        let m = free.count, n = self.n
        factor.withUnsafeMutableBufferPointer { l in
            var r = p + 1
            while r < m {
                for c in 0...r { l[(r - 1) * n + c] = l[r * n + c] }
                r += 1
            }
            var k = p
            while k < m - 1 {
                let a = l[k * n + k], b = l[k * n + k + 1]
                let radius = (a * a + b * b).squareRoot()
                if radius > 0 {
                    let c = a / radius, s = b / radius
                    for i in k..<(m - 1) {
                        let u = l[i * n + k], v = l[i * n + k + 1]
                        l[i * n + k] = c * u + s * v
                        l[i * n + k + 1] = -s * u + c * v
                    }
                    l[k * n + k + 1] = 0
                }
                k += 1
            }
        }
        free.remove(at: p)
    }
}
