import Foundation
import Testing
@testable import Formats

@Suite("NumPy files written by numpy")
struct NumpyFixtureTests {
    @Test("float caches in every dtype, byte order, memory order and version read as the same values",
          arguments: ["cache_f4.npy", "cache_f8.npy", "cache_be_f4.npy", "cache_fortran_f4.npy", "cache_v2.npy", "cache_v3.npy"])
    func caches(name: String) throws {
        let cache = try NumpyCache.read(fixture(name))
        #expect(cache.frameCount == 4 && cache.vertexCount == 5)
        #expect(cache.positions == fixtureCacheValues)
        let array = try NpyArray.read(fixture(name))
        #expect(array.shape == [4, 5, 3])
        #expect(try array.doubles() == fixtureCacheValues.map(Double.init))
    }

    @Test("rows: arrays written by numpy in every dtype, byte order and memory order decode as the rows of one array, on 1 or 3 threads")
    func rows() throws {
        let names = ["cache_f4.npy", "cache_f8.npy", "cache_be_f4.npy", "cache_fortran_f4.npy", "cache_v3.npy"]
        let arrays = try names.map { try NpyArray.read(fixture($0)) }
        let expected = Array(repeating: fixtureCacheValues, count: names.count).flatMap { $0 }
        #expect(try NpyArray.rows(arrays, width: 60, threads: 1) == expected)
        #expect(try NpyArray.rows(arrays, width: 60, threads: 3) == expected)
        // C-order floats alone take the shared-out path.
        let plain = try [0, 2, 4].map { arrays[$0] }
        #expect(try NpyArray.rows(plain, width: 60, threads: 2) == Array(repeating: fixtureCacheValues, count: 3).flatMap { $0 })
        #expect(throws: FormatError.self) { try NpyArray.rows(arrays, width: 59) }
        #expect(throws: FormatError.self) { try NpyArray.rows([try NpyArray.read(fixture("names_S.npy"))], width: 3) }
    }

    @Test("versions, orders and dtypes are reported")
    func metadata() throws {
        #expect(try NpyArray.read(fixture("cache_v2.npy")).version == "2.0")
        #expect(try NpyArray.read(fixture("cache_v3.npy")).version == "3.0")
        #expect(try NpyArray.read(fixture("cache_fortran_f4.npy")).fortranOrder)
        let be = try NpyArray.read(fixture("cache_be_f4.npy"))
        #expect(be.dtype == NpyDType(kind: .float, itemSize: 4, byteOrder: .bigEndian))
        #expect(try NumpyCache.read(fixture("cache_f8.npy")).source.notes.contains { $0.contains("float32") })
        #expect(try NumpyCache.read(fixture("cache_f4.npy")).source.notes.isEmpty)
    }

    @Test("half floats, including subnormals and the largest finite half")
    func halfFloats() throws {
        let values = try NpyArray.read(fixture("half_f2.npy")).floats()
        #expect(values == [0, 1, -2.5, 65504, 6.1035156e-05, 5.9604645e-08])
    }

    @Test("integers: int64 beyond 32 bits, big-endian int16, uint8")
    func integers() throws {
        let i8 = try NpyArray.read(fixture("int_i8.npy"))
        #expect(i8.shape == [2, 3])
        #expect(try i8.integers() == [-3, 0, 7, 1 << 40, -(1 << 40), 1])
        #expect(try NpyArray.read(fixture("int_be_i2.npy")).integers() == [-300, 300, 1])
        #expect(try NpyArray.read(fixture("uint_u1.npy")).integers() == [0, 255, 128])
        #expect(throws: FormatError.self) { try NpyArray.read(fixture("cache_f4.npy")).integers() }
    }

    @Test("fixed-width byte strings (S) and unicode strings (U)")
    func strings() throws {
        let s = try NpyArray.read(fixture("names_S.npy"))
        #expect(s.dtype.kind == .bytes && s.dtype.itemSize == 12)
        #expect(try s.strings() == ["neutral", "jawOpen", "eyeBlinkLeft"])
        let u = try NpyArray.read(fixture("names_U.npy"))
        #expect(u.dtype.kind == .unicode)
        #expect(try u.strings() == ["neutral", "jawOpen", "Zungé"])
    }

    @Test("pickled object arrays are refused with the reason")
    func objectArray() throws {
        let error = try #require(throws: FormatError.self) { try NpyArray.read(fixture("object.npy")) }
        #expect(error.description.contains("pickled object array"))
        #expect(error.description.contains("object.npy"))
    }

    @Test("npz from savez, savez_compressed and with zip64 records", arguments: ["bs_savez.npz", "bs_savez_compressed.npz", "bs_zip64.npz"])
    func npz(name: String) throws {
        let archive = try NpzArchive.read(fixture(name))
        #expect(Set(archive.keys) == ["neutral", "poseNames", "frontalMask"])
        #expect(archive.failures.isEmpty)
        #expect(try archive.array("neutral").floats() == Array(fixtureCacheValues.prefix(15)))
        #expect(try archive.array("poseNames").strings() == ["neutral", "jawOpen"])
        #expect(try archive.array("frontalMask").integers() == [0, 2, 4])
        #expect(try archive.array("frontalMask").dtype == .int32)
        #expect(throws: FormatError.self) { try archive.array("missing") }
    }
}
