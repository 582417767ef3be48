import Foundation

/// Big-endian and little-endian byte helpers for hand-assembled files.
public func be32(_ v: Int) -> [UInt8] { withUnsafeBytes(of: UInt32(truncatingIfNeeded: v).bigEndian, Array.init) }
public func be64(_ v: Int) -> [UInt8] { withUnsafeBytes(of: UInt64(truncatingIfNeeded: v).bigEndian, Array.init) }
public func le16(_ v: Int) -> [UInt8] { withUnsafeBytes(of: UInt16(truncatingIfNeeded: v).littleEndian, Array.init) }
public func le32(_ v: Int) -> [UInt8] { withUnsafeBytes(of: UInt32(truncatingIfNeeded: v).littleEndian, Array.init) }
public func le64(_ v: Int) -> [UInt8] { withUnsafeBytes(of: UInt64(truncatingIfNeeded: v).littleEndian, Array.init) }
public func ascii(_ s: String) -> [UInt8] { Array(s.utf8) }
public func beFloats(_ values: [Float]) -> [UInt8] { values.flatMap { be32(Int($0.bitPattern)) } }
public func beDoubles(_ values: [Double]) -> [UInt8] { values.flatMap { be64(Int(bitPattern: UInt(truncatingIfNeeded: $0.bitPattern))) } }

