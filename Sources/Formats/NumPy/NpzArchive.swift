import Foundation
import Linalg
import ZIPFoundation

/// A NumPy .npz archive: named arrays in a zip file (`np.savez` stores them, `np.savez_compressed`
/// deflates them; both, and zip64, are read). Members are decompressed in memory, never to disk.
public struct NpzArchive: Sendable {
    public let path: String
    /// Member names without the `.npy` suffix, in archive order.
    public let keys: [String]
    /// Members that parsed as arrays, by key.
    public let arrays: [String: NpyArray]
    /// Members that could not be parsed, with the reason (kept so a validator can report all of them).
    public let failures: [String: FormatError]
    /// Members stored deflated (the others are stored as they are, as np.savez writes them).
    public internal(set) var deflated: [String: Bool] = [:]

    /// The array named `key`.
    /// - Throws: `FormatError` naming the member when it is missing or unreadable.
    public func array(_ key: String) throws -> NpyArray {
        if let array = arrays[key] { return array }
        if let failure = failures[key] { throw failure }
        throw FormatError(file: path, .element(key), "no member '\(key)' (members: \(keys.joined(separator: ", ")))")
    }

    /// Reads every member of the archive at `path`.
    public static func read(_ path: String) throws -> NpzArchive {
        let archive: Archive
        do {
            archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
        } catch {
            if !FileManager.default.fileExists(atPath: path) { throw FormatError.unreadable(path, "no such file") }
            throw FormatError(file: path, .wholeFile, "not a readable zip archive (.npz): \(error)")
        }
        var keys: [String] = []
        var arrays: [String: NpyArray] = [:]
        var failures: [String: FormatError] = [:]
        var deflated: [String: Bool] = [:]
        for entry in archive where entry.type == .file {
            let key = entry.path.hasSuffix(".npy") ? String(entry.path.dropLast(4)) : entry.path
            keys.append(key)
            deflated[key] = entry.isCompressed
            let origin = "\(path)[\(key)]"
            do {
                var data = Data()
                data.reserveCapacity(Int(clamping: min(entry.uncompressedSize, 1 << 30)))
                _ = try archive.extract(entry, skipCRC32: false) { data.append($0) }
                arrays[key] = try NpyArray.parse(ByteBuffer(data), origin: origin)
            } catch let error as FormatError {
                failures[key] = error
            } catch {
                failures[key] = FormatError(file: path, .element(key), "cannot extract member: \(error)")
            }
        }
        var result = NpzArchive(path: path, keys: keys, arrays: arrays, failures: failures)
        result.deflated = deflated
        return result
    }

    /// Writes `members` (key → .npy bytes, see `NpyWriter`) as a stored (uncompressed) archive, the
    /// layout `np.savez` produces, atomically.
    public static func write(_ members: [(key: String, npy: [UInt8])], to path: String) throws {
        try AtomicFile.write(to: path) { temporary in
            let archive = try Archive(url: URL(fileURLWithPath: temporary), accessMode: .create)
            for member in members {
                let bytes = member.npy
                try archive.addEntry(with: member.key + ".npy", type: .file, uncompressedSize: Int64(bytes.count),
                                     compressionMethod: .none) { position, size in
                    Data(bytes[Int(position)..<(Int(position) + size)])
                }
            }
        }
    }
}
