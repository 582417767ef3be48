import CBLAS
import CFFTW
import CLAPACKE
import ComplexModule
import RealModule

extension Double: LinalgScalar {
    public static var lapackPrefix: String { "d" }

    public static func _gemm(
        transposeA: Bool, transposeB: Bool, m: Int32, n: Int32, k: Int32, alpha: Double,
        a: UnsafePointer<Double>, lda: Int32, b: UnsafePointer<Double>, ldb: Int32,
        beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int32
    ) {
        cblas_dgemm(CblasRowMajor, cblasTranspose(transposeA), cblasTranspose(transposeB),
                    m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
    }

    public static func _gemv(
        transpose: Bool, m: Int32, n: Int32, alpha: Double, a: UnsafePointer<Double>, lda: Int32,
        x: UnsafePointer<Double>, beta: Double, y: UnsafeMutablePointer<Double>
    ) {
        cblas_dgemv(CblasRowMajor, cblasTranspose(transpose), m, n, alpha, a, lda, x, 1, beta, y, 1)
    }

    public static func _syrkUpper(
        transpose: Bool, n: Int32, k: Int32, alpha: Double, a: UnsafePointer<Double>, lda: Int32,
        beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int32
    ) {
        cblas_dsyrk(CblasRowMajor, CblasUpper, cblasTranspose(transpose), n, k, alpha, a, lda, beta, c, ldc)
    }

    public static func _potrfLower(n: Int32, a: UnsafeMutablePointer<Double>, lda: Int32) -> Int32 {
        LAPACKE_dpotrf(LAPACK_ROW_MAJOR, lapackChar("L"), n, a, lda)
    }

    public static func _potrsLower(
        n: Int32, nrhs: Int32, a: UnsafePointer<Double>, lda: Int32, b: UnsafeMutablePointer<Double>, ldb: Int32
    ) -> Int32 {
        LAPACKE_dpotrs(LAPACK_ROW_MAJOR, lapackChar("L"), n, nrhs, a, lda, b, ldb)
    }

    public static func _syevdUpper(n: Int32, a: UnsafeMutablePointer<Double>, lda: Int32,
                                   w: UnsafeMutablePointer<Double>) -> Int32 {
        LAPACKE_dsyevd(LAPACK_ROW_MAJOR, lapackChar("V"), lapackChar("U"), n, a, lda, w)
    }

    public static func _gesddThin(
        m: Int32, n: Int32, a: UnsafeMutablePointer<Double>, lda: Int32, s: UnsafeMutablePointer<Double>,
        u: UnsafeMutablePointer<Double>, ldu: Int32, vt: UnsafeMutablePointer<Double>, ldvt: Int32
    ) -> Int32 {
        LAPACKE_dgesdd(LAPACK_ROW_MAJOR, lapackChar("S"), m, n, a, lda, s, u, ldu, vt, ldvt)
    }

    public static func _gels(
        m: Int32, n: Int32, nrhs: Int32, a: UnsafeMutablePointer<Double>, lda: Int32,
        b: UnsafeMutablePointer<Double>, ldb: Int32
    ) -> Int32 {
        LAPACKE_dgels(LAPACK_ROW_MAJOR, lapackChar("N"), m, n, nrhs, a, lda, b, ldb)
    }

    public static func _fftPlanForward(count: Int32) -> OpaquePointer? {
        let input = fftw_alloc_real(Int(count))
        let output = fftw_alloc_complex(Int(count / 2 + 1))
        defer { fftw_free(input); fftw_free(output) }
        return fftw_plan_dft_r2c_1d(count, input, output, fftwPlannerFlags)
    }

    public static func _fftPlanInverse(count: Int32) -> OpaquePointer? {
        let input = fftw_alloc_complex(Int(count / 2 + 1))
        let output = fftw_alloc_real(Int(count))
        defer { fftw_free(input); fftw_free(output) }
        return fftw_plan_dft_c2r_1d(count, input, output, fftwPlannerFlags)
    }

    public static func _fftExecuteForward(_ plan: OpaquePointer, _ input: UnsafeMutablePointer<Double>,
                                          _ output: UnsafeMutablePointer<Complex<Double>>) {
        output.withMemoryRebound(to: fftw_complex.self, capacity: 1) { fftw_execute_dft_r2c(plan, input, $0) }
    }

    public static func _fftExecuteInverse(_ plan: OpaquePointer, _ input: UnsafeMutablePointer<Complex<Double>>,
                                          _ output: UnsafeMutablePointer<Double>) {
        input.withMemoryRebound(to: fftw_complex.self, capacity: 1) { fftw_execute_dft_c2r(plan, $0, output) }
    }
}
