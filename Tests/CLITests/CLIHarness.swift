import Foundation

/// Runs the built `faceprep` binary as a user does, and captures what it prints.
enum CLI {
    /// The package root (two folders above this file's folder).
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// `faceprep` beside the test bundle (SwiftPM builds every product before it runs the tests).
    static let binary: String = {
        let products = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [products.appendingPathComponent("faceprep").path, packageRoot + "/.build/debug/faceprep"]
        where FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        fatalError("faceprep binary not found beside \(products.path); run `swift build` first")
    }()

    static let schemaPath = packageRoot + "/Schemas/faceprep-output.schema.json"

    struct Run {
        let arguments: [String]
        let status: Int32
        let stdout: String
        let stderr: String

        var firstLine: String {
            (stdout.split(separator: "\n").first.map(String.init) ?? stderr.split(separator: "\n").first.map(String.init)) ?? ""
        }

        /// stdout parsed as JSON.
        func json() throws -> [String: Any] {
            guard let object = try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any] else {
                throw CocoaError(.coderReadCorrupt)
            }
            return object
        }
    }

    /// Runs `faceprep arguments…` to completion (at most `timeout` seconds).
    @discardableResult
    /// Runs `faceprep arguments…` (or another `executable`) and collects its output.
    static func run(_ arguments: [String], in directory: String? = nil, timeout: Double = 300, executable: String? = nil) throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable ?? binary)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        var environment = ProcessInfo.processInfo.environment
        environment["OPENBLAS_NUM_THREADS"] = "1"
        process.environment = environment
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Read both pipes while the process runs, so a full pipe never blocks it.
        let group = DispatchGroup()
        nonisolated(unsafe) var stdoutData = Data(), stderrData = Data()
        DispatchQueue.global().async(group: group) { stdoutData = out.fileHandleForReading.readDataToEndOfFile() }
        DispatchQueue.global().async(group: group) { stderrData = err.fileHandleForReading.readDataToEndOfFile() }
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < deadline { usleep(20_000) }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        group.wait()
        return Run(arguments: arguments, status: process.terminationStatus, stdout: String(decoding: stdoutData, as: UTF8.self),
                   stderr: String(decoding: stderrData, as: UTF8.self))
    }

    /// Starts `faceprep arguments…`, sends SIGINT after `delay` seconds, and waits for it to end.
    static func interrupt(_ arguments: [String], after delay: Double) throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        usleep(UInt32(delay * 1_000_000))
        kill(process.processIdentifier, SIGINT)
        let group = DispatchGroup()
        nonisolated(unsafe) var stdoutData = Data(), stderrData = Data()
        DispatchQueue.global().async(group: group) { stdoutData = out.fileHandleForReading.readDataToEndOfFile() }
        DispatchQueue.global().async(group: group) { stderrData = err.fileHandleForReading.readDataToEndOfFile() }
        process.waitUntilExit()
        group.wait()
        return Run(arguments: arguments, status: process.terminationStatus, stdout: String(decoding: stdoutData, as: UTF8.self),
                   stderr: String(decoding: stderrData, as: UTF8.self))
    }
}
