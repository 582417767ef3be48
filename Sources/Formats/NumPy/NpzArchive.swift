import Foundation
import Linalg

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
        try parse(try ByteBuffer.mapFile(path), origin: path)
    }

    /// Parses archive bytes; `origin` names them in errors.
    public static func parse(_ buffer: ByteBuffer, origin path: String) throws -> NpzArchive {
        let archive = try ZipArchive(buffer, path: path)
        let entries = archive.entries.filter { !$0.name.hasSuffix("/") }
        func key(_ entry: ZipArchive.Entry) -> String { entry.name.hasSuffix(".npy") ? String(entry.name.dropLast(4)) : entry.name }
        // Members are independent: checked (CRC-32, inflated) and parsed on every core when there are
        // megabytes of them (a rig's 52 poses), one after another otherwise.
        let bytes = entries.reduce(0) { $0 + $1.uncompressedSize }
        let parsed = concurrentMap(entries.count, minimumPerChunk: bytes >= 1 << 22 ? 1 : Int.max) { index -> Result<NpyArray, FormatError> in
            let entry = entries[index]
            do { return .success(try NpyArray.parse(try archive.data(of: entry), origin: "\(path)[\(key(entry))]")) } catch let error as FormatError {
                return .failure(error)
            } catch {
                return .failure(FormatError(file: path, .element(key(entry)), "\(error)"))
            }
        }
        var keys: [String] = []
        var arrays: [String: NpyArray] = [:]
        var failures: [String: FormatError] = [:]
        var deflated: [String: Bool] = [:]
        for (entry, result) in zip(entries, parsed) {
            let key = key(entry)
            guard arrays[key] == nil, failures[key] == nil else {
                failures[key + " (repeated)"] = FormatError(file: path, .element(key), "the archive holds two members named '\(entry.name)'")
                continue
            }
            keys.append(key)
            deflated[key] = entry.isDeflated
            switch result {
            case .success(let array): arrays[key] = array
            case .failure(let error): failures[key] = error
            }
        }
        var result = NpzArchive(path: path, keys: keys, arrays: arrays, failures: failures)
        result.deflated = deflated
        return result
    }

    /// Every member's .npy bytes (inflated, CRC-32 checked) in the archive's order, keyed as `arrays`:
    /// for rewriting some members and keeping the others byte for byte.
    public static func memberBytes(_ path: String) throws -> [(key: String, npy: [UInt8])] {
        let archive = try ZipArchive(try ByteBuffer.mapFile(path), path: path)
        return try archive.entries.filter { !$0.name.hasSuffix("/") }.map { entry in
            let key = entry.name.hasSuffix(".npy") ? String(entry.name.dropLast(4)) : entry.name
            let data = try archive.data(of: entry)
            guard let bytes = data.bytes(at: 0, count: data.count) else {
                throw FormatError(file: path, .element(key), "member '\(entry.name)' cannot be read")
            }
            return (key, bytes)
        }
    }

    /// Writes `members` (key → .npy bytes, see `NpyWriter`) as a stored (uncompressed) archive, the
    /// layout `np.savez` produces, atomically.
    public static func write(_ members: [(key: String, npy: [UInt8])], to path: String) throws {
        try AtomicFile.write(ZipArchive.stored(members.map { (name: $0.key + ".npy", bytes: $0.npy) }), to: path)
    }
}
