import CBLAS
import Synchronization

/// The threads one heavy numeric call may use: FacePrep's own kernels (`CentredProjection`,
/// `ResidualDistances`, `widenedProduct`) share their rows out among this many, and OpenBLAS uses as
/// many per call unless `keepOpenBLASSingleThreaded()` ran.
///
/// It starts at OpenBLAS's own count (`OPENBLAS_NUM_THREADS`, else the core count). Code that already
/// runs one task per core (shots in parallel) sets it to 1 so the two levels of threading do not
/// oversubscribe the machine.
public enum ComputeThreads {
    /// 0 until set: OpenBLAS's count stands.
    private static let budget = Atomic<Int>(0)
    private static let openBLASPinned = Atomic<Bool>(false)

    public static var count: Int {
        get {
            let value = budget.load(ordering: .relaxed)
            return value > 0 ? value : Int(openblas_get_num_threads())
        }
        set {
            let value = Swift.max(newValue, 1)
            budget.store(value, ordering: .relaxed)
            if !openBLASPinned.load(ordering: .relaxed) { openblas_set_num_threads(Int32(clamping: value)) }
        }
    }

    /// Lets FacePrep's own kernels use `threads` from now on, leaving OpenBLAS's count as it is: for
    /// work already spread over the cores whose share grows while it runs (the last shots of a run).
    /// OpenBLAS's count is not changed under calls that may be running.
    public static func widen(to threads: Int) {
        budget.store(Swift.max(threads, 1), ordering: .relaxed)
    }

    /// Runs OpenBLAS on the calling thread from now on and stops its worker threads; `count` keeps its
    /// value for FacePrep's own kernels. For a process whose own code spreads the work (the CLI).
    ///
    /// Why: OpenBLAS starts its workers when it loads (and again whenever its thread count is set), and
    /// a worker without work spins on `sched_yield` for about 2²⁸ cycles (0.1 s) before it sleeps. On a
    /// two-core machine that takes a core away from whatever runs next: a one-shot solve measured
    /// 188 ms of CPU instead of 104, 80 of them in `sched_yield`. FacePrep's OpenBLAS calls are small
    /// (52 × 52 systems, one Gram matrix per run) or already split across cores by FacePrep itself.
    /// Call it before any work is spread over threads: no BLAS call may be running.
    public static func keepOpenBLASSingleThreaded() {
        if budget.load(ordering: .relaxed) == 0 { budget.store(Int(openblas_get_num_threads()), ordering: .relaxed) }
        openBLASPinned.store(true, ordering: .relaxed)
        openblas_set_num_threads(1)
        _ = blas_thread_shutdown_()
    }

    /// Threads OpenBLAS itself uses per call.
    public static var openBLAS: Int { Int(openblas_get_num_threads()) }
}
