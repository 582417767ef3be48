import ComplexModule
import RealModule

/// The element types Linalg computes with: `Float` and `Double`.
///
/// Each requirement is one BLAS, LAPACK or FFTW routine at raw-pointer level (row-major layout,
/// 32-bit sizes). They are public only because generic code must see them; call the typed wrappers
/// (`gemm`, `CholeskyFactorization`, `RealFFT`, …) instead.
public protocol LinalgScalar: BinaryFloatingPoint, Real, Sendable, CustomStringConvertible {
    /// `"s"` or `"d"`, the BLAS/LAPACK precision prefix, for messages.
    static var lapackPrefix: String { get }

    static func _gemm(
        transposeA: Bool, transposeB: Bool, m: Int32, n: Int32, k: Int32, alpha: Self,
        a: UnsafePointer<Self>, lda: Int32, b: UnsafePointer<Self>, ldb: Int32,
        beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int32)
    static func _gemv(
        transpose: Bool, m: Int32, n: Int32, alpha: Self, a: UnsafePointer<Self>, lda: Int32,
        x: UnsafePointer<Self>, beta: Self, y: UnsafeMutablePointer<Self>)
    static func _syrkUpper(
        transpose: Bool, n: Int32, k: Int32, alpha: Self, a: UnsafePointer<Self>, lda: Int32,
        beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int32)
    static func _potrfLower(n: Int32, a: UnsafeMutablePointer<Self>, lda: Int32) -> Int32
    static func _potrsLower(
        n: Int32, nrhs: Int32, a: UnsafePointer<Self>, lda: Int32,
        b: UnsafeMutablePointer<Self>, ldb: Int32) -> Int32
    static func _syevdUpper(n: Int32, a: UnsafeMutablePointer<Self>, lda: Int32, w: UnsafeMutablePointer<Self>) -> Int32
    static func _gesddThin(
        m: Int32, n: Int32, a: UnsafeMutablePointer<Self>, lda: Int32, s: UnsafeMutablePointer<Self>,
        u: UnsafeMutablePointer<Self>, ldu: Int32, vt: UnsafeMutablePointer<Self>, ldvt: Int32) -> Int32
    static func _gels(
        m: Int32, n: Int32, nrhs: Int32, a: UnsafeMutablePointer<Self>, lda: Int32,
        b: UnsafeMutablePointer<Self>, ldb: Int32) -> Int32

    static func _fftPlanForward(count: Int32) -> OpaquePointer?
    static func _fftPlanInverse(count: Int32) -> OpaquePointer?
    static func _fftExecuteForward(_ plan: OpaquePointer, _ input: UnsafeMutablePointer<Self>,
                                   _ output: UnsafeMutablePointer<Complex<Self>>)
    static func _fftExecuteInverse(_ plan: OpaquePointer, _ input: UnsafeMutablePointer<Complex<Self>>,
                                   _ output: UnsafeMutablePointer<Self>)
}
