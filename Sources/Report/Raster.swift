import Foundation
import Linalg

/// An RGB picture drawn pixel by pixel and written as PNG: what the report uses where thousands of
/// marks (a mesh's vertices) would make SVG too heavy.
public struct Raster {
    public let width: Int
    public let height: Int
    /// `[height, width, 3]`.
    public private(set) var pixels: [UInt8]

    public init(width: Int, height: Int, background: (UInt8, UInt8, UInt8) = (255, 255, 255)) {
        self.width = max(width, 1)
        self.height = max(height, 1)
        pixels = [UInt8](repeating: 0, count: self.width * self.height * 3)
        for i in 0..<(self.width * self.height) { pixels[3 * i] = background.0; pixels[3 * i + 1] = background.1; pixels[3 * i + 2] = background.2 }
    }

    /// A filled square of side `2·radius + 1` centred on (x, y), clipped to the picture.
    public mutating func dot(_ x: Double, _ y: Double, radius: Int, colour: (UInt8, UInt8, UInt8)) {
        guard x.isFinite, y.isFinite else { return }
        let cx = Int(x.rounded()), cy = Int(y.rounded())
        for py in max(0, cy - radius)...min(height - 1, cy + radius) where cy - radius <= height - 1 && cy + radius >= 0 {
            for px in max(0, cx - radius)...min(width - 1, cx + radius) where cx - radius <= width - 1 && cx + radius >= 0 {
                let i = 3 * (py * width + px)
                pixels[i] = colour.0; pixels[i + 1] = colour.1; pixels[i + 2] = colour.2
            }
        }
    }

    public func pixel(_ x: Int, _ y: Int) -> (UInt8, UInt8, UInt8) {
        let i = 3 * (y * width + x)
        return (pixels[i], pixels[i + 1], pixels[i + 2])
    }

    /// The picture as a PNG file: 8-bit RGB, no interlace, each row filtered with "none".
    public func png() throws -> [UInt8] {
        var raw = [UInt8]()
        raw.reserveCapacity(height * (1 + 3 * width))
        for y in 0..<height {
            raw.append(0)
            raw += pixels[(3 * y * width)..<(3 * (y + 1) * width)]
        }
        func be32(_ v: Int) -> [UInt8] { [UInt8(v >> 24 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
        func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
            let body = Array(type.utf8) + data
            return be32(data.count) + body + be32(Int(Deflate.crc32(body)))
        }
        let header = be32(width) + be32(height) + [8, 2, 0, 0, 0]
        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + chunk("IHDR", header) + chunk("IDAT", try Deflate.zlibCompress(raw)) + chunk("IEND", [])
    }
}

/// A perceptually ordered colour scale from dark blue (low) through green to yellow (high), like
/// matplotlib's viridis: `t` in [0, 1].
public func viridis(_ t: Double) -> (UInt8, UInt8, UInt8) {
    let stops: [(Double, Double, Double)] = [(68, 1, 84), (59, 82, 139), (33, 145, 140), (94, 201, 98), (253, 231, 37)]
    let x = min(max(t.isFinite ? t : 0, 0), 1) * Double(stops.count - 1)
    let i = min(Int(x), stops.count - 2), f = x - Double(i)
    func mix(_ a: Double, _ b: Double) -> UInt8 { UInt8((a + (b - a) * f).rounded()) }
    return (mix(stops[i].0, stops[i + 1].0), mix(stops[i].1, stops[i + 1].1), mix(stops[i].2, stops[i + 1].2))
}

/// `(r, g, b)` as CSS `#rrggbb`.
func hexColour(_ c: (UInt8, UInt8, UInt8)) -> String { String(format: "#%02x%02x%02x", c.0, c.1, c.2) }
