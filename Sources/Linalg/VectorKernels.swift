import CKernels

/// Which vector code the C kernels run (`Sources/CKernels`): chosen once from the CPU at run time.
/// The packed kernels (`CentredProjection`, `ResidualDistances`) record the level they packed for,
/// and every level gives the same numbers except the portable one, which rounds its products apart.
public enum VectorKernels {
    /// 0 portable C, 1 AVX2 + FMA, 2 AVX-512.
    public static var level: Int { Int(fp_kernels_level()) }

    /// `level` in words, for `doctor`.
    public static var name: String { ["portable C", "AVX2 + FMA", "AVX-512"][max(0, min(2, level))] }

    /// Caps the level for kernels packed from now on: tests run every path the CPU has.
    static func limit(_ level: Int) { fp_kernels_limit(Int32(clamping: level)) }
}
