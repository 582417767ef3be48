import Foundation
import Linalg

/// Path of a committed fixture (see Fixtures/make_fixtures.sh).
func fixture(_ name: String) -> String {
    Bundle.module.bundleURL.appendingPathComponent("Fixtures").appendingPathComponent(name).path
}

/// The values numpy wrote into every cache fixture: arange(60).reshape(4, 5, 3) * 0.5 - 3.25.
let fixtureCacheValues: [Float] = (0..<60).map { Float($0) * 0.5 - 3.25 }

/// A raw little-endian float32 file, as sox writes with `-t f32`.
func rawFloat32(_ path: String) throws -> [Float] {
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    return ByteBuffer(data).decodeFloats(at: 0, count: data.count / 4, as: .float(bytes: 4, .littleEndian)) ?? []
}

func write(_ bytes: [UInt8], to path: String) throws {
    try Data(bytes).write(to: URL(fileURLWithPath: path))
}
