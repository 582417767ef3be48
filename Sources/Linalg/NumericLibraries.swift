import CBLAS
import CLAPACKE
import Foundation

/// What the process actually loaded for BLAS, LAPACK and FFTW: versions, the shared objects that
/// provide each routine, and the BLAS thread count. `faceprep doctor` prints it.
public struct NumericLibraries: Sendable, Codable {
    /// A library and where its symbols come from.
    public struct Library: Sendable, Codable {
        /// Human name, e.g. `"BLAS"`.
        public let role: String
        /// Version string as the library reports it.
        public let version: String
        /// Path of the shared object that provides `symbol`, or nil when the loader cannot tell.
        public let path: String?
        /// The routine looked up to find `path`.
        public let symbol: String
    }

    public let libraries: [Library]
    /// OpenBLAS's build configuration, e.g. `"OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Haswell MAX_THREADS=64"`.
    public let openBLASConfiguration: String
    /// The CPU kernel set OpenBLAS chose at run time.
    public let openBLASCore: String
    /// Threads one heavy call may use (`ComputeThreads`).
    public let blasThreads: Int
    /// Threads OpenBLAS itself uses per call (1 in the CLI: `ComputeThreads.keepOpenBLASSingleThreaded`).
    public let openBLASThreads: Int
    /// `OPENBLAS_NUM_THREADS` as set in the environment, if at all.
    public let openBLASNumThreadsVariable: String?
    /// The vector code FacePrep's own C kernels run on this CPU (`VectorKernels`).
    public let vectorKernels: String

    /// Reads everything from the running process.
    public static func current() -> NumericLibraries {
        let config = openblas_get_config().map { String(cString: $0) } ?? "unknown"
        let core = openblas_get_corename().map { String(cString: $0) } ?? "unknown"
        let openBLASVersion = config.split(separator: " ").dropFirst().first.map(String.init) ?? config

        var major: Int32 = 0, minor: Int32 = 0, patch: Int32 = 0
        LAPACKE_ilaver(&major, &minor, &patch)
        let lapackVersion = "\(major).\(minor).\(patch)"

        let libraries = [
            Library(role: "BLAS (CBLAS)", version: "OpenBLAS \(openBLASVersion)",
                    path: sharedObject(defining: "cblas_sgemm"), symbol: "cblas_sgemm"),
            Library(role: "LAPACK", version: lapackVersion,
                    path: sharedObject(defining: "dgesdd_"), symbol: "dgesdd_"),
            Library(role: "LAPACKE", version: lapackVersion,
                    path: sharedObject(defining: "LAPACKE_dgesdd"), symbol: "LAPACKE_dgesdd"),
            Library(role: "FFTW (double)", version: cString(named: "fftw_version") ?? "unknown",
                    path: sharedObject(defining: "fftw_execute"), symbol: "fftw_execute"),
            Library(role: "FFTW (float)", version: cString(named: "fftwf_version") ?? "unknown",
                    path: sharedObject(defining: "fftwf_execute"), symbol: "fftwf_execute"),
        ]
        return NumericLibraries(
            libraries: libraries, openBLASConfiguration: config, openBLASCore: core,
            blasThreads: ComputeThreads.count, openBLASThreads: ComputeThreads.openBLAS,
            openBLASNumThreadsVariable: getenv("OPENBLAS_NUM_THREADS").map { String(cString: $0) },
            vectorKernels: VectorKernels.name)
    }

    /// The loaded shared object whose export `symbol` the dynamic linker resolves to, found by locating
    /// the symbol's address among the process's mappings (glibc's `dladdr` is not visible to Swift).
    private static func sharedObject(defining symbol: String) -> String? {
        guard let handle = dlopen(nil, RTLD_NOW), let address = dlsym(handle, symbol) else { return nil }
        let target = UInt(bitPattern: address)
        // /proc files report size 0, so read to end of file rather than by size.
        guard let data = try? FileHandle(forReadingFrom: URL(fileURLWithPath: "/proc/self/maps")).readToEnd()
        else { return nil }
        let maps = String(decoding: data, as: UTF8.self)
        for line in maps.split(separator: "\n") {
            // "start-end perms offset dev inode path"
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 6 else { continue }
            let bounds = fields[0].split(separator: "-")
            guard bounds.count == 2, let start = UInt(bounds[0], radix: 16), let end = UInt(bounds[1], radix: 16),
                  start <= target, target < end else { continue }
            return realpathString(fields[5...].joined(separator: " "))
        }
        return nil
    }

    /// A NUL-terminated string exported as data (FFTW exports its version as `const char[]`).
    private static func cString(named symbol: String) -> String? {
        guard let handle = dlopen(nil, RTLD_NOW), let address = dlsym(handle, symbol) else { return nil }
        return String(cString: address.assumingMemoryBound(to: CChar.self))
    }

    private static func realpathString(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
