import CBLAS
import CFFTW
import CLAPACKE
import ComplexModule
import RealModule

extension Float: LinalgScalar {
    public static var lapackPrefix: String { "s" }

    public static func _gemm(
        transposeA: Bool, transposeB: Bool, m: Int32, n: Int32, k: Int32, alpha: Float,
        a: UnsafePointer<Float>, lda: Int32, b: UnsafePointer<Float>, ldb: Int32,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int32
    ) {
        cblas_sgemm(CblasRowMajor, cblasTranspose(transposeA), cblasTranspose(transposeB),
                    m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
    }

    public static func _gemv(
        transpose: Bool, m: Int32, n: Int32, alpha: Float, a: UnsafePointer<Float>, lda: Int32,
        x: UnsafePointer<Float>, beta: Float, y: UnsafeMutablePointer<Float>
    ) {
        cblas_sgemv(CblasRowMajor, cblasTranspose(transpose), m, n, alpha, a, lda, x, 1, beta, y, 1)
    }

    public static func _syrkUpper(
        transpose: Bool, n: Int32, k: Int32, alpha: Float, a: UnsafePointer<Float>, lda: Int32,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int32
    ) {
        cblas_ssyrk(CblasRowMajor, CblasUpper, cblasTranspose(transpose), n, k, alpha, a, lda, beta, c, ldc)
    }

    public static func _potrfLower(n: Int32, a: UnsafeMutablePointer<Float>, lda: Int32) -> Int32 {
        LAPACKE_spotrf(LAPACK_ROW_MAJOR, lapackChar("L"), n, a, lda)
    }

    public static func _potrsLower(
        n: Int32, nrhs: Int32, a: UnsafePointer<Float>, lda: Int32, b: UnsafeMutablePointer<Float>, ldb: Int32
    ) -> Int32 {
        LAPACKE_spotrs(LAPACK_ROW_MAJOR, lapackChar("L"), n, nrhs, a, lda, b, ldb)
    }

    public static func _syevdUpper(n: Int32, a: UnsafeMutablePointer<Float>, lda: Int32,
                                   w: UnsafeMutablePointer<Float>) -> Int32 {
        LAPACKE_ssyevd(LAPACK_ROW_MAJOR, lapackChar("V"), lapackChar("U"), n, a, lda, w)
    }

    public static func _gesddThin(
        m: Int32, n: Int32, a: UnsafeMutablePointer<Float>, lda: Int32, s: UnsafeMutablePointer<Float>,
        u: UnsafeMutablePointer<Float>, ldu: Int32, vt: UnsafeMutablePointer<Float>, ldvt: Int32
    ) -> Int32 {
        LAPACKE_sgesdd(LAPACK_ROW_MAJOR, lapackChar("S"), m, n, a, lda, s, u, ldu, vt, ldvt)
    }

    public static func _gels(
        m: Int32, n: Int32, nrhs: Int32, a: UnsafeMutablePointer<Float>, lda: Int32,
        b: UnsafeMutablePointer<Float>, ldb: Int32
    ) -> Int32 {
        LAPACKE_sgels(LAPACK_ROW_MAJOR, lapackChar("N"), m, n, nrhs, a, lda, b, ldb)
    }

    public static func _fftPlanForward(count: Int32) -> OpaquePointer? {
        let input = fftwf_alloc_real(Int(count))
        let output = fftwf_alloc_complex(Int(count / 2 + 1))
        defer { fftwf_free(input); fftwf_free(output) }
        return fftwf_plan_dft_r2c_1d(count, input, output, fftwPlannerFlags)
    }

    public static func _fftPlanInverse(count: Int32) -> OpaquePointer? {
        let input = fftwf_alloc_complex(Int(count / 2 + 1))
        let output = fftwf_alloc_real(Int(count))
        defer { fftwf_free(input); fftwf_free(output) }
        return fftwf_plan_dft_c2r_1d(count, input, output, fftwPlannerFlags)
    }

    public static func _fftExecuteForward(_ plan: OpaquePointer, _ input: UnsafeMutablePointer<Float>,
                                          _ output: UnsafeMutablePointer<Complex<Float>>) {
        output.withMemoryRebound(to: fftwf_complex.self, capacity: 1) { fftwf_execute_dft_r2c(plan, input, $0) }
    }

    public static func _fftExecuteInverse(_ plan: OpaquePointer, _ input: UnsafeMutablePointer<Complex<Float>>,
                                          _ output: UnsafeMutablePointer<Float>) {
        input.withMemoryRebound(to: fftwf_complex.self, capacity: 1) { fftwf_execute_dft_c2r(plan, $0, output) }
    }
}
