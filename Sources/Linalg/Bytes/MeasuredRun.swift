import Dispatch
import Foundation
import Synchronization

/// A child process run to completion, with its wall time and peak memory. The peak is the largest
/// `RssAnon` (/proc/PID/status) sampled every 2 ms while it runs: the memory the process allocated,
/// without the pages of the files it maps, which are the page cache `cat` reads too (a mapped cache
/// read whole would otherwise count as the process's own). `wait4`'s `ru_maxrss` would also count
/// the parent's memory at the moment of the spawn, which Linux records at `execve`.
public struct MeasuredRun: Sendable {
    /// Exit status (128 + signal when killed by one).
    public let status: Int32
    public let seconds: Double
    /// Peak anonymous resident memory, bytes (sampled).
    public let peakBytes: Int

    /// Runs `executable` with `arguments`, stdout and stderr to /dev/null (or to `outputPath`).
    /// - Throws: `ByteBufferError` when the process cannot be started.
    public static func run(_ executable: String, _ arguments: [String], outputPath: String? = nil) throws -> MeasuredRun {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, outputPath ?? "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        var argv = ([executable] + arguments).map { strdup($0) }
        argv.append(nil)
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let started = Date()
        let spawned = posix_spawnp(&pid, executable, &actions, nil, argv, environ)
        guard spawned == 0 else { throw ByteBufferError(path: executable, reason: String(cString: strerror(spawned))) }
        // The exit is taken by a blocking wait, at once; the peak is sampled beside it from
        // /proc/<pid>/status, through one descriptor opened once. Polling with waitpid(WNOHANG) and
        // reading the file anew every 2 ms saw the exit up to 2 ms late and took CPU from the child on
        // a two-core machine.
        let status = Atomic<Int32>(-1)
        let exited = DispatchSemaphore(value: 0)
        let child = pid
        DispatchQueue.global().async {
            var code: Int32 = 0
            while waitpid(child, &code, 0) < 0, errno == EINTR {}
            status.store(code, ordering: .relaxed)
            exited.signal()
        }
        var peak = 0
        let statusFile = open("/proc/\(pid)/status", O_RDONLY)
        defer { if statusFile >= 0 { close(statusFile) } }
        repeat {
            if statusFile >= 0, let bytes = anonymousResident(statusFile) { peak = max(peak, bytes) }
        } while exited.wait(timeout: .now() + .milliseconds(2)) == .timedOut
        let seconds = Date().timeIntervalSince(started)
        let code = status.load(ordering: .relaxed)
        let normal = (code & 0x7F) == 0
        return MeasuredRun(status: normal ? (code >> 8) & 0xFF : 128 + (code & 0x7F), seconds: seconds, peakBytes: peak)
    }

    /// `RssAnon` from an open /proc/<pid>/status, bytes; nil once the process is gone.
    private static func anonymousResident(_ file: Int32) -> Int? {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = buffer.withUnsafeMutableBytes { pread(file, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return nil }
        let key = Array("RssAnon:".utf8)
        guard let start = (0...(max(0, count - key.count))).first(where: { buffer[$0..<($0 + key.count)].elementsEqual(key) }) else { return nil }
        var value = 0, index = start + key.count
        while index < count, buffer[index] == UInt8(ascii: " ") || buffer[index] == UInt8(ascii: "\t") { index += 1 }
        while index < count, (48...57).contains(buffer[index]) { value = value * 10 + Int(buffer[index]) - 48; index += 1 }
        return value * 1024   // the file gives kB
    }
}
