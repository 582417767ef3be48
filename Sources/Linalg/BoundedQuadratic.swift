import CKernels

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
/// share their active sets, so a warm-started frame usually needs few steps with the factor it
/// already has. These are k×k problems (k ≤ a few hundred) solved thousands of times a second, so
/// the loop runs in C over the state's buffers (`fp_bounded_quadratic_solve`): a BLAS call would
/// cost more than its arithmetic, and the Swift loop's checked indexing and dependent sums took twice
/// as long (Claire-size solve: frame stage 0.51 → 0.26 s).
public struct BoundedQuadratic: Sendable {
    public let n: Int
    /// H, `[n, n]` row-major.
    private let h: [Double]
    /// The solution of the last call.
    public private(set) var x: [Double]
    /// Per variable: 0 free, 1 held at 0, 2 held at its upper bound.
    private var status: [UInt8]
    /// The bounds of the previous call: a variable held at an upper bound that has since changed
    /// (e.g. 1e-10 back to 1) restarts at 0.
    private var lastUpper: [Double]
    /// Free variables in the order of the factor's rows: the first `freeCount`.
    private var free: [Int32]
    private var freeCount = 0
    /// Lower-triangular L with L·Lᵀ = H[free, free], row r at `r·n`.
    private var factor: [Double]
    /// Work space of the kernel.
    private var rhs: [Double], solution: [Double]
    private var scratch: [Int32]

    /// - Parameter hessian: H, symmetric positive definite `[n, n]`.
    public init(hessian: Matrix<Double>) throws {
        guard hessian.rows == hessian.columns else {
            throw LinalgError.shapeMismatch(operation: "BoundedQuadratic", detail: "H is [\(hessian.rows), \(hessian.columns)], not square")
        }
        n = hessian.rows
        h = hessian.elements
        x = [Double](repeating: 0, count: n)
        status = [UInt8](repeating: 1, count: n)
        lastUpper = [Double](repeating: .infinity, count: n)
        free = [Int32](repeating: 0, count: n)
        factor = [Double](repeating: 0, count: n * n)
        rhs = [Double](repeating: 0, count: n)
        solution = [Double](repeating: 0, count: n)
        scratch = [Int32](repeating: 0, count: n)
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
        let n = self.n
        guard n > 0 else { return 1 }
        var freeCount = self.freeCount
        let result = h.withUnsafeBufferPointer { h in
            q.withUnsafeBufferPointer { q in
                upper.withUnsafeBufferPointer { upper in
                    x.withUnsafeMutableBufferPointer { x in
                        status.withUnsafeMutableBufferPointer { status in
                            lastUpper.withUnsafeMutableBufferPointer { lastUpper in
                                free.withUnsafeMutableBufferPointer { free in
                                    factor.withUnsafeMutableBufferPointer { factor in
                                        rhs.withUnsafeMutableBufferPointer { rhs in
                                            solution.withUnsafeMutableBufferPointer { solution in
                                                scratch.withUnsafeMutableBufferPointer { scratch in
                                                    fp_bounded_quadratic_solve(h.baseAddress, n, q.baseAddress, upper.baseAddress, x.baseAddress,
                                                                               status.baseAddress, lastUpper.baseAddress, free.baseAddress, &freeCount,
                                                                               factor.baseAddress, rhs.baseAddress, solution.baseAddress,
                                                                               scratch.baseAddress)
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        self.freeCount = freeCount
        if result > 0 { return Int(result) }
        if result < 0 { throw LinalgError.rankDeficient(routine: "BoundedQuadratic", index: Int(-1 - result)) }
        throw LinalgError.noConvergence(routine: "BoundedQuadratic", info: 10 * n + 20)
    }
}
