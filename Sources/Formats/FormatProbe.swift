import Foundation
import Linalg

/// Every reader on bytes in memory, decoding every value: what the fuzzer and the malformed-input
/// tests drive. Each throws `FormatError` for anything malformed, and must never crash, hang or
/// allocate more than the bytes justify.
public enum FormatProbe: String, CaseIterable, Sendable {
    case mayaDescription = "maya-xml"
    case mayaBinary = "maya-binary"
    case npy, npz, pc2, wav, json

    static let origin = "<memory>"

    /// Parses `bytes` as this format and decodes everything in it; returns a one-line summary.
    @discardableResult
    public func parse(_ bytes: [UInt8]) throws -> String {
        let buffer = ByteBuffer(bytes)
        switch self {
        case .mayaDescription:
            let d = try MayaCacheDescription.parse(buffer, origin: Self.origin)
            return "\(d.cacheType.rawValue) \(d.frameCount) frames, \(d.channels.count) channels"
        case .mayaBinary:
            let binary = try MayaCacheBinary.parse(buffer, path: Self.origin)
            var values = 0
            for frame in binary.frames {
                for channel in frame.channels where channel.dataTag == "FVCA" || channel.dataTag == "DVCA" {
                    let width = channel.dataTag == "FVCA" ? 4 : 8
                    guard let floats = buffer.decodeFloats(at: channel.dataOffset, count: channel.elementCount * 3, as: .float(bytes: width, .bigEndian)) else {
                        throw FormatError(file: Self.origin, .byteOffset(channel.dataOffset), "channel data out of range")
                    }
                    values += floats.count
                }
            }
            return "\(binary.container.rawValue) \(binary.frames.count) frames, \(values) values"
        case .npy:
            let array = try NpyArray.parse(buffer, origin: Self.origin)
            try decodeAll(array)
            return "\(array.dtype) \(array.shape)"
        case .npz:
            let archive = try NpzArchive.parse(buffer, origin: Self.origin)
            for array in archive.arrays.values { try decodeAll(array) }
            return "\(archive.keys.count) members, \(archive.failures.count) unreadable"
        case .pc2:
            let cache = try PointCache2.frames(buffer, origin: Self.origin).readAll()
            return "\(cache.frameCount) frames × \(cache.vertexCount) vertices"
        case .wav:
            let audio = try WavAudio.parse(buffer, path: Self.origin)
            return "\(audio.sampleRate) Hz, \(audio.channelCount) channels, \(audio.frameCount) frames"
        case .json:
            let data = Data(bytes)
            try JSONFile.requireStrictSyntax(data, path: Self.origin)
            let lists = try? JSONFile.decodeIndices(UpperLowerVertexList.self, from: data, origin: Self.origin)
            let size = try? JSONFile.decodeIndices(LipSizeVertexList.self, from: data, origin: Self.origin)
            let indices = try? JSONFile.decodeIndices([Int].self, from: data, origin: Self.origin)
            let config = try? JSONFile.decodeIndices(BlendshapeConfigFile.self, from: data, origin: Self.origin)
            _ = FileInfo.jsonContent(try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]))
            return [lists.map { _ in "vertex list" }, size.map { _ in "lip size" }, indices.map { _ in "indices" }, config.map { _ in "config" }]
                .compactMap { $0 }.joined(separator: ", ")
        }
    }

    private func decodeAll(_ array: NpyArray) throws {
        switch array.dtype.kind {
        case .bytes, .unicode: _ = try array.strings()
        case .float: _ = try array.doubles()
        default: _ = try array.integers()
        }
    }
}
