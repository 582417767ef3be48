import Linalg

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
/// the loops are plain Swift over flat arrays: a BLAS call would cost more than its arithmetic.
struct BoundedQuadratic {
    enum Status: Equatable { case free, lower, upper }

    let n: Int
    /// H, `[n, n]` row-major.
    private let h: [Double]
    private(set) var x: [Double]
    private(set) var status: [Status]
    /// The bounds of the previous call: a variable held at an upper bound that has since changed
    /// (a cancelled pose's 1e-10 back to 1) restarts at 0.
    private var lastUpper: [Double]
    /// Free variables in the order of the factor's rows.
    private var free: [Int] = []
    /// Lower-triangular L with L·Lᵀ = H[free, free], row r at `r·n`.
    private var factor: [Double]
    private var rhs: [Double], solution: [Double]

    init(hessian: Matrix<Double>) {
        n = hessian.rows
        h = hessian.elements
        x = [Double](repeating: 0, count: n)
        status = [Status](repeating: .lower, count: n)
        lastUpper = [Double](repeating: .infinity, count: n)
        factor = [Double](repeating: 0, count: n * n)
        rhs = [Double](repeating: 0, count: n)
        solution = [Double](repeating: 0, count: n)
    }

    /// The minimiser for `q` and upper bounds `upper`, warm-started from the previous call.
    /// - Returns: the number of active-set steps taken.
    @discardableResult
    mutating func solve(q: [Double], upper: [Double]) throws -> Int {
        // A feasible start that keeps the previous free set.
        for i in 0..<n {
            switch status[i] {
            case .lower: x[i] = 0
            case .upper where upper[i] != lastUpper[i]:
                status[i] = .lower
                x[i] = 0
            case .upper: x[i] = upper[i]
            case .free: x[i] = min(max(x[i], 0), upper[i])
            }
        }
        lastUpper = upper
        var largestQ = 1.0
        for value in q { largestQ = max(largestQ, abs(value)) }
        let tolerance = 1e-12 * largestQ
        let limit = 10 * n + 20
        for step in 1...limit {
            let m = free.count
            // H_FF·y = q_F − H_FU·u_U (variables held at 0 contribute nothing).
            for r in 0..<m {
                let i = free[r]
                var sum = q[i]
                for j in 0..<n where status[j] == .upper { sum -= h[i * n + j] * upper[j] }
                rhs[r] = sum
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
            var release = -1, strongest = tolerance
            for i in 0..<n where status[i] != .free && upper[i] > 0 {
                var g = -q[i]
                for j in 0..<n { g += h[i * n + j] * x[j] }
                let pull = status[i] == .lower ? -g : g
                if pull > strongest { strongest = pull; release = i }
            }
            guard release >= 0 else { return step }
            try appendToFactor(release)
            status[release] = .free
        }
        throw BlendshapeSolverError.notConverged(frame: -1, iterations: limit)
    }

    /// `solution[0..<m]` = H_FF⁻¹·`rhs[0..<m]` by forward and back substitution with L.
    private mutating func solveFactor(_ m: Int) {
        for r in 0..<m {
            var sum = rhs[r]
            for c in 0..<r { sum -= factor[r * n + c] * solution[c] }
            solution[r] = sum / factor[r * n + r]
        }
        for r in stride(from: m - 1, through: 0, by: -1) {
            var sum = solution[r]
            for c in (r + 1)..<max(m, r + 1) { sum -= factor[c * n + r] * solution[c] }
            solution[r] = sum / factor[r * n + r]
        }
    }

    /// Adds variable `j` as the factor's last row: L·l = H[free, j], d = √(H_jj − ‖l‖²).
    private mutating func appendToFactor(_ j: Int) throws {
        let m = free.count
        var norm = 0.0
        for r in 0..<m {
            var sum = h[free[r] * n + j]
            for c in 0..<r { sum -= factor[r * n + c] * factor[m * n + c] }
            let value = sum / factor[r * n + r]
            factor[m * n + r] = value
            norm += value * value
        }
        let pivot = h[j * n + j] - norm
        guard pivot > 1e-13 * h[j * n + j], pivot.isFinite else {
            throw BlendshapeSolverError.singular("pose \(j) is a linear combination of the free poses (pivot \(pivot)); add L2 regularisation or deactivate dependent poses")
        }
        factor[m * n + m] = pivot.squareRoot()
        free.append(j)
    }

    /// Deletes the factor's row `p` and restores the triangle: Givens rotations on columns k, k+1 zero
    /// the element each later row gains above the diagonal (L·Lᵀ is unchanged by them).
    private mutating func removeFromFactor(at p: Int) {
        let m = free.count
        for r in (p + 1)..<max(m, p + 1) {
            for c in 0...r { factor[(r - 1) * n + c] = factor[r * n + c] }
        }
        for k in p..<max(m - 1, p) {
            let a = factor[k * n + k], b = factor[k * n + k + 1]
            let radius = (a * a + b * b).squareRoot()
            guard radius > 0 else { continue }
            let c = a / radius, s = b / radius
            for i in k..<(m - 1) {
                let u = factor[i * n + k], v = factor[i * n + k + 1]
                factor[i * n + k] = c * u + s * v
                factor[i * n + k + 1] = -s * u + c * v
            }
            factor[k * n + k + 1] = 0
        }
        free.remove(at: p)
    }
}
