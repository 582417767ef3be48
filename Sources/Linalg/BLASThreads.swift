import CBLAS

/// The number of threads OpenBLAS uses for one BLAS or LAPACK call.
///
/// OpenBLAS reads `OPENBLAS_NUM_THREADS` (else the core count) when it loads; setting `count` overrides
/// that for the rest of the process. Code that already runs one task per core (shots in parallel)
/// sets it to 1 so the two levels of threading do not oversubscribe the machine.
public enum BLASThreads {
    public static var count: Int {
        get { Int(openblas_get_num_threads()) }
        set { openblas_set_num_threads(Int32(clamping: Swift.max(newValue, 1))) }
    }
}
