import ComplexModule

/// A quick check that the loaded BLAS, LAPACK and FFTW compute correctly: each routine solves a tiny
/// problem whose answer is known in closed form. Catches a broken or mismatched library install
/// (e.g. an ILP64 LAPACK under a 32-bit LAPACKE) before any dataset is processed.
public struct NumericSelfCheck: Sendable, Codable {
    public struct Result: Sendable, Codable {
        public let name: String
        public let passed: Bool
        public let detail: String
    }

    public let results: [Result]
    public var passed: Bool { results.allSatisfy(\.passed) }

    public static func run() -> NumericSelfCheck {
        NumericSelfCheck(results: [
            check("sgemm [[1,2],[3,4]]·[[5,6],[7,8]] = [[19,22],[43,50]]") {
                let a = try Matrix<Float>([[1, 2], [3, 4]])
                let b = try Matrix<Float>([[5, 6], [7, 8]])
                return try a.multiplied(by: b).elements == [19, 22, 43, 50]
            },
            check("dpotrf/dpotrs solve [[4,2],[2,3]]·x = [2,1] → x = [0.5, 0]") {
                let x = try CholeskyFactorization(try Matrix<Double>([[4, 2], [2, 3]])).solve([2, 1])
                return Swift.abs(x[0] - 0.5) < 1e-12 && Swift.abs(x[1]) < 1e-12
            },
            check("dgesdd singular values of diag(3, -2) = [3, 2]") {
                let s = try SingularValueDecomposition(try Matrix<Double>([[3, 0], [0, -2]])).singularValues
                return Swift.abs(s[0] - 3) < 1e-12 && Swift.abs(s[1] - 2) < 1e-12
            },
            check("fftw r2c of an impulse is flat (n = 8)") {
                let spectrum = try RealFFT.forward([1.0, 0, 0, 0, 0, 0, 0, 0])
                return spectrum.allSatisfy { Swift.abs($0.real - 1) < 1e-12 && Swift.abs($0.imaginary) < 1e-12 }
            },
        ])
    }

    private static func check(_ name: String, _ body: () throws -> Bool) -> Result {
        do {
            let ok = try body()
            return Result(name: name, passed: ok, detail: ok ? "ok" : "wrong result")
        } catch {
            return Result(name: name, passed: false, detail: "\(error)")
        }
    }
}
