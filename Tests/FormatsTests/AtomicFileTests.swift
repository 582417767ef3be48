import Foundation
import Testing
import TestSupport
@testable import Formats
@testable import Linalg

@Suite("Atomic writes: whole files, the umask's mode, temporaries of killed runs swept")
struct AtomicFileTests {
    /// A pid no process has: a child that has exited and been waited for.
    private func deadPid() throws -> Int32 {
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/bin/true")
        try child.run()
        child.waitUntilExit()
        return child.processIdentifier
    }

    @Test("the bytes land whole, with mode 0666 less the umask, and replace an older file")
    func writesWhole() throws {
        let dir = try makeTemporaryDirectory()
        let path = dir + "/weights.npy"
        let bytes = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        try AtomicFile.write(Array(bytes.prefix(10)), to: path)
        try AtomicFile.write(bytes, to: path)
        #expect(Array(try Data(contentsOf: URL(fileURLWithPath: path))) == bytes)
        let mask = umask(0o022)
        umask(mask)
        let mode = try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
        #expect(mode == 0o666 & ~Int(mask))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["weights.npy"])
        // Empty files too.
        try AtomicFile.write([], to: dir + "/empty.csv")
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir + "/empty.csv")).isEmpty)
    }

    @Test("a killed run's temporaries (any name, dots in it) go on the first write into their folder; a live process's stay")
    func sweepsAbandoned() throws {
        let dir = try makeTemporaryDirectory()
        let dead = try deadPid()
        let abandoned = [".shot01.npy.\(dead).1-abc.tmp", ".solve_report.json.\(dead).0-zz9.tmp", ".a.b.c.csv.\(dead).7-x.tmp"]
        let kept = [".shot02.npy.\(getpid()).3-live.tmp", ".notes.tmp", "shot03.npy"]
        for name in abandoned + kept { try Data([1]).write(to: URL(fileURLWithPath: dir + "/" + name)) }
        try AtomicFile.write([42], to: dir + "/other.npy")
        let left = Set(try FileManager.default.contentsOfDirectory(atPath: dir))
        #expect(left == Set(kept + ["other.npy"]))
    }

    @Test("a missing folder is named in the error, and nothing is written")
    func missingFolder() throws {
        let dir = try makeTemporaryDirectory()
        #expect {
            try AtomicFile.write([1, 2, 3], to: dir + "/absent/weights.npy")
        } throws: { error in
            "\(error)".contains("\(dir)/absent") && "\(error)".contains("does not exist")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
    }

    @Test("NewFile refuses an existing path (O_EXCL) with its errno")
    func exclusive() throws {
        let path = temporaryPath("newfile", extension: "bin")
        try NewFile.write([1], to: path)
        #expect(throws: SystemCallFailure(code: EEXIST)) { try NewFile.write([2], to: path) }
        #expect(Array(try Data(contentsOf: URL(fileURLWithPath: path))) == [1])
    }
}
