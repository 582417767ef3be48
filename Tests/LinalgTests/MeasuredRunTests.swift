import Foundation
import Testing
import TestSupport
@testable import Linalg

/// `bench e2e`'s child-process measurement: exit status as the shell reports it, and the peak
/// anonymous memory sampled from the child itself (not the parent's at the spawn, nor mapped files).
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

    @Test("a file of 160 MB mapped and read whole is the page cache's, not the child's memory")
    func mappedFileIsNotCounted() throws {
        let path = temporaryPath("mapped", extension: "bin")
        try Data(count: 160 << 20).write(to: URL(fileURLWithPath: path))
        let script = "import mmap, time; f = open('\(path)', 'rb'); m = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ); "
            + "print(sum(m[i] for i in range(0, len(m), 4096))); time.sleep(0.2)"
        let mapping = try MeasuredRun.run("/usr/bin/python3", ["-c", script])
        #expect(mapping.status == 0)
        #expect(mapping.peakBytes > 0 && mapping.peakBytes < 64 << 20)
    }
}
