/// Euclidean distances between the first `count` corresponding points of two `[N, 3]` arrays: `[count]`.
public func pointDistances(_ a: [Float], _ b: [Float], count: Int) -> [Float] {
    let count = Swift.max(0, Swift.min(count, a.count / 3, b.count / 3))
    return [Float](unsafeUninitializedCapacity: count) { out, initialized in
        a.withUnsafeBufferPointer { p in
            b.withUnsafeBufferPointer { q in
                for v in 0..<count {
                    let dx = p[3 * v] - q[3 * v], dy = p[3 * v + 1] - q[3 * v + 1], dz = p[3 * v + 2] - q[3 * v + 2]
                    out[v] = (dx * dx + dy * dy + dz * dz).squareRoot()
                }
            }
        }
        initialized = count
    }
}
