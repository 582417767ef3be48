/// Why a linear-algebra or FFT operation could not be carried out.
///
/// LAPACK reports failures through its `info` argument; every non-zero `info` is turned into one of
/// these cases instead of a crash, so callers can name the data that caused it.
public enum LinalgError: Error, CustomStringConvertible, Equatable {
    /// Operand shapes do not fit the operation, e.g. `[2, 3] · [4, 5]`.
    case shapeMismatch(operation: String, detail: String)
    /// Cholesky factorisation failed: the leading minor of this order (1-based) is not positive.
    case notPositiveDefinite(order: Int)
    /// An iterative LAPACK routine (eigen-decomposition, SVD) did not converge.
    case noConvergence(routine: String, info: Int)
    /// Least squares on a rank-deficient matrix: diagonal element `index` (1-based) of R is zero.
    case rankDeficient(routine: String, index: Int)
    /// LAPACK rejected an argument (negative `info`): a bug in FacePrep, reported rather than crashing.
    case illegalArgument(routine: String, position: Int)
    /// A size that does not fit LAPACK's or BLAS's 32-bit integers.
    case sizeTooLarge(operation: String, value: Int)
    /// A library other than BLAS/LAPACK (libsoxr) reported an error.
    case library(routine: String, detail: String)

    public var description: String {
        switch self {
        case let .shapeMismatch(operation, detail):
            return "\(operation): shapes do not fit (\(detail))"
        case let .notPositiveDefinite(order):
            return "Cholesky: matrix is not positive definite (leading minor of order \(order) is not positive)"
        case let .noConvergence(routine, info):
            return "\(routine): did not converge (info = \(info))"
        case let .rankDeficient(routine, index):
            return "\(routine): matrix is rank deficient (diagonal element \(index) of the triangular factor is zero)"
        case let .illegalArgument(routine, position):
            return "\(routine): argument \(position) has an illegal value (internal error)"
        case let .sizeTooLarge(operation, value):
            return "\(operation): dimension \(value) exceeds the 32-bit BLAS/LAPACK limit"
        case let .library(routine, detail):
            return "\(routine): \(detail)"
        }
    }
}

/// Converts a Swift size to BLAS/LAPACK's 32-bit integer, throwing rather than trapping on overflow.
@inline(__always)
func blasInt(_ value: Int, _ operation: String) throws -> Int32 {
    guard let narrowed = Int32(exactly: value) else {
        throw LinalgError.sizeTooLarge(operation: operation, value: value)
    }
    return narrowed
}
