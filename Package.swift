// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "FacePrep",
    products: [
        .executable(name: "faceprep", targets: ["CLI"]),
        .executable(name: "faceprep-bench", targets: ["LinalgBenchmark"]),
        .executable(name: "faceprep-fuzz", targets: ["FormatsFuzz"]),
        .library(name: "Linalg", targets: ["Linalg"]),
        .library(name: "Formats", targets: ["Formats"]),
        .library(name: "Analysis", targets: ["Analysis"]),
        .library(name: "Dataset", targets: ["Dataset"]),
        .library(name: "Scale", targets: ["Scale"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-numerics", from: "1.1.1"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
    ],
    targets: [
        // System libraries: Debian's OpenBLAS (CBLAS + its bundled LAPACK), LAPACKE and FFTW3.
        .systemLibrary(
            name: "CBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        .systemLibrary(
            name: "CLAPACKE",
            pkgConfig: "lapacke",
            providers: [.apt(["liblapacke-dev"])]
        ),
        .systemLibrary(
            name: "CFFTW",
            pkgConfig: "fftw3",
            providers: [.apt(["libfftw3-dev"])]
        ),

        .systemLibrary(
            name: "CSoxr",
            pkgConfig: "soxr",
            providers: [.apt(["libsoxr-dev"])]
        ),
        .systemLibrary(
            name: "CSndfile",
            pkgConfig: "sndfile",
            providers: [.apt(["libsndfile1-dev"])]
        ),
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),

        // C kernels for loops Swift cannot vectorise for the baseline CPU (AVX2 chosen at run time).
        .target(name: "CKernels"),
        .target(
            name: "Linalg",
            dependencies: [
                "CBLAS", "CLAPACKE", "CFFTW", "CZlib", "CSoxr", "CSndfile", "CKernels",
                .product(name: "ComplexModule", package: "swift-numerics"),
                .product(name: "RealModule", package: "swift-numerics"),
            ],
            exclude: ["README.md"]
        ),
        .target(
            name: "Formats",
            dependencies: ["Linalg"],
            exclude: ["README.md"]
        ),
        .target(name: "Analysis", dependencies: ["Linalg"], exclude: ["README.md"]),
        .target(name: "Dataset", dependencies: ["Formats", "Analysis", "Linalg", .product(name: "TOMLKit", package: "TOMLKit")],
                exclude: ["README.md", "Config/README.md", "ReportFormats/README.md", "Benchmark/README.md"]),
        .target(name: "Fix", dependencies: ["Dataset", "Formats", "Analysis", "Linalg"], exclude: ["README.md"]),
        .target(name: "Report", dependencies: ["Dataset", "Formats", "Analysis", "Linalg"], exclude: ["README.md"]),
        .target(name: "Scale", dependencies: ["Dataset", "Formats"], exclude: ["README.md"]),
        .executableTarget(
            name: "CLI",
            dependencies: [
                "Linalg", "Formats", "Analysis", "Dataset", "Fix", "Report", "Scale",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // libFuzzer entry point for every reader (Scripts/fuzz.sh builds it with -sanitize=fuzzer,address
        // and -D FUZZING); built normally it replays inputs.
        .executableTarget(name: "FormatsFuzz", dependencies: ["Formats"]),
        .executableTarget(
            name: "LinalgBenchmark",
            dependencies: ["Linalg", "Formats", "Analysis"],
            path: "Benchmarks/LinalgBenchmark"
        ),

        .target(name: "TestSupport", dependencies: ["Linalg"], path: "Tests/TestSupport"),
        .testTarget(name: "LinalgTests", dependencies: ["Linalg", "TestSupport"]),
        .testTarget(name: "FormatsTests", dependencies: ["Formats", "Linalg", "TestSupport"], exclude: ["Fixtures/README.md"], resources: [.copy("Fixtures")]),
        .testTarget(name: "DatasetTests", dependencies: ["Dataset", "Formats", "Linalg", "Analysis", "TestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "AnalysisTests", dependencies: ["Analysis", "Linalg", "TestSupport"]),
        .testTarget(name: "ReportTests", dependencies: ["Report", "Linalg", "TestSupport"]),
        .testTarget(name: "ScaleTests", dependencies: ["Scale", "Dataset", "TestSupport"]),
        .testTarget(name: "FixTests", dependencies: ["Fix", "Dataset", "Formats", "Analysis", "Linalg", "TestSupport", "CSndfile"]),
        // Runs the built `faceprep` binary (SwiftPM builds every product before the tests).
        .testTarget(name: "CLITests", dependencies: ["Formats", "TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
