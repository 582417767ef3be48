import Foundation

/// A child process run to completion, with its wall time and peak resident memory. The peak is the
/// child's own `VmHWM` (/proc/PID/status), read every 2 ms while it runs: `wait4`'s `ru_maxrss` would
/// also count the parent's memory at the moment of the spawn, which Linux records at `execve`.
public struct MeasuredRun: Sendable {
    /// Exit status (128 + signal when killed by one).
    public let status: Int32
    public let seconds: Double
    /// Peak resident set, bytes.
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
        var status: Int32 = 0
        var peak = 0
        while true {
            let done = waitpid(pid, &status, WNOHANG)
            if done == pid { break }
            if done < 0 {
                guard errno == EINTR else { throw ByteBufferError(path: executable, reason: String(cString: strerror(errno))) }
                continue
            }
            peak = max(peak, highWaterMark(of: pid) ?? 0)
            usleep(2000)
        }
        let seconds = Date().timeIntervalSince(started)
        let exited = (status & 0x7F) == 0
        return MeasuredRun(status: exited ? (status >> 8) & 0xFF : 128 + (status & 0x7F), seconds: seconds, peakBytes: peak)
    }

    /// `VmHWM` of a running process, bytes.
    private static func highWaterMark(of pid: pid_t) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return nil }
        return line.split(separator: " ").compactMap { Int($0) }.first.map { $0 * 1024 }
    }
}
