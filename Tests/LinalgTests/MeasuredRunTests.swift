import Testing
@testable import Linalg

/// `bench e2e`'s child-process measurement: exit status as the shell reports it, and the peak
/// resident memory sampled from the child itself (not the parent's at the spawn).
@Suite("MeasuredRun: a child's exit status and peak memory")
struct MeasuredRunTests {
    @Test("exit codes pass through, a signal reads as 128 + its number")
    func status() throws {
        #expect(try MeasuredRun.run("/bin/sh", ["-c", "exit 3"]).status == 3)
        #expect(try MeasuredRun.run("/bin/sh", ["-c", "kill -9 $$"]).status == 128 + 9)
        #expect(throws: ByteBufferError.self) { try MeasuredRun.run("/nonexistent/faceprep-test", []) }
    }

    @Test("the peak of a child that holds 160 MB for 0.2 s is at least 160 MB, that of a shell far less")
    func peak() throws {
        let holding = try MeasuredRun.run("/usr/bin/python3", ["-c", "b = bytearray(160 << 20); import time; time.sleep(0.2)"])
        #expect(holding.status == 0)
        #expect(holding.peakBytes >= 160 << 20)
        let shell = try MeasuredRun.run("/bin/sh", ["-c", "sleep 0.1"])
        #expect(shell.peakBytes > 0 && shell.peakBytes < 64 << 20)
    }
}
