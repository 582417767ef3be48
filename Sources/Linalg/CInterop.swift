import CBLAS
import CFFTW

@inline(__always)
func cblasTranspose(_ transpose: Bool) -> CBLAS_TRANSPOSE {
    transpose ? CblasTrans : CblasNoTrans
}

/// LAPACKE takes its option letters as C `char`.
@inline(__always)
func lapackChar(_ letter: Unicode.Scalar) -> CChar {
    CChar(truncatingIfNeeded: letter.value)
}

/// FFTW_ESTIMATE: FFTW_MEASURE would cost seconds per new length. FFTW_UNALIGNED: plans are executed
/// on Swift arrays whose alignment is not guaranteed to match the planning buffers.
let fftwPlannerFlags = UInt32(FFTW_ESTIMATE) | UInt32(FFTW_UNALIGNED)
