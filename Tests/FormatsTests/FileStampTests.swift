import Foundation
import Testing
@testable import Formats

@Suite("FileStamp: size and modification time from one stat")
struct FileStampTests {
    @Test("the same size and time as FileManager's attributes (so identities written by earlier runs still match), nil for a missing file")
    func matchesFileManager() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("filestamp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("a.bin").path
        try Data(repeating: 7, count: 12_345).write(to: URL(fileURLWithPath: file))
        // A time with a fraction of a second, as file systems with nanosecond stamps keep.
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 1_700_000_000.123456)], ofItemAtPath: file)
        // Files stamped now, at the file system's nanoseconds: the rounding of the seconds must match too.
        let now = try (0..<40).map { index -> String in
            let path = folder.appendingPathComponent("now-\(index)").path
            try Data([UInt8(index)]).write(to: URL(fileURLWithPath: path))
            return path
        }
        for path in [file, folder.path] + now {
            let stamp = try #require(FileStamp.of(path))
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            #expect(stamp.size == (attributes[.size] as? NSNumber)?.int64Value)
            #expect(stamp.modified == (attributes[.modificationDate] as? Date)?.timeIntervalSince1970)
        }
        #expect(try #require(FileStamp.of(file)).size == 12_345)
        #expect(FileStamp.of(folder.appendingPathComponent("missing").path) == nil)
    }
}
