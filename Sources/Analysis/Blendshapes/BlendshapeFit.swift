import Linalg

/// How well solved weights reproduce a shot: per-vertex distances between each frame and its
/// reconstruction N + Σₖ xₖ·Δₖ (mesh units).
public struct BlendshapeFit: Sendable, Codable, Equatable {
    /// Over the frontal mask (every vertex without one), and over the whole mesh.
    public let mask: Distances
    public let mesh: Distances

    public struct Distances: Sendable, Codable, Equatable {
        /// √(mean of squared per-vertex distances) over all frames and vertices.
        public let rms: Double
        /// Mean per-vertex distance.
        public let mean: Double
        public let max: Double
        public let worstFrame: Int
        public let worstVertex: Int
    }

    /// Measures the fit of `raw` `[F, Ka]` (the solver's weights of `activePoses`) to `frames` `[F, 3V]`,
    /// a block of frames at a time (one SGEMM each). With `reconstruct`, also returns the
    /// reconstruction `[F, 3V]`.
    public static func measure(rig: BlendshapeRig, activePoses: [Int], raw: Matrix<Double>, frames: [Float],
                               reconstruct: Bool = false) throws -> (fit: BlendshapeFit, reconstruction: [Float]?) {
        let frameCount = raw.rows, width = rig.neutral.count, vertexCount = rig.vertexCount
        guard frames.count == frameCount * width, raw.columns == activePoses.count else {
            throw BlendshapeSolverError.shape("\(frames.count) values are not \(frameCount) frames of \(vertexCount) vertices")
        }
        var deltaElements: [Float] = []
        deltaElements.reserveCapacity(activePoses.count * width)
        for pose in activePoses { deltaElements += rig.deltas.elements[(pose * width)..<((pose + 1) * width)] }
        let activeDeltas = try Matrix<Float>(rows: activePoses.count, columns: width, elements: deltaElements)
        var inMask = [Bool](repeating: rig.mask == nil, count: vertexCount)
        for v in rig.mask ?? [] { inMask[v] = true }
        var mask = Accumulator(), mesh = Accumulator()
        var reconstruction: [Float] = []
        if reconstruct { reconstruction.reserveCapacity(frames.count) }
        let block = 64
        var start = 0
        while start < frameCount {
            let count = min(block, frameCount - start)
            let weights = try Matrix<Float>(rows: count, columns: activePoses.count,
                                            elements: raw.elements[(start * activePoses.count)..<((start + count) * activePoses.count)].map { Float($0) })
            // R = N + X·Δ for the block.
            var recon = try Matrix<Float>(rows: count, columns: width, elements: Array((0..<count).map { _ in rig.neutral }.joined()))
            try gemm(weights.view, activeDeltas.view, beta: 1, into: &recon)
            recon.elements.withUnsafeBufferPointer { r in
                frames.withUnsafeBufferPointer { t in
                    for f in 0..<count {
                        let base = f * width, frameBase = (start + f) * width
                        for v in 0..<vertexCount {
                            let dx = t[frameBase + 3 * v] - r[base + 3 * v], dy = t[frameBase + 3 * v + 1] - r[base + 3 * v + 1]
                            let dz = t[frameBase + 3 * v + 2] - r[base + 3 * v + 2]
                            let distance = Double((dx * dx + dy * dy + dz * dz).squareRoot())
                            mesh.add(distance, frame: start + f, vertex: v)
                            if inMask[v] { mask.add(distance, frame: start + f, vertex: v) }
                        }
                    }
                }
            }
            if reconstruct { reconstruction += recon.elements }
            start += count
        }
        return (BlendshapeFit(mask: mask.distances, mesh: mesh.distances), reconstruct ? reconstruction : nil)
    }

    private struct Accumulator {
        var sum = 0.0, sumSquares = 0.0, count = 0, max = -1.0, worstFrame = 0, worstVertex = 0
        mutating func add(_ d: Double, frame: Int, vertex: Int) {
            sum += d; sumSquares += d * d; count += 1
            if d > max { max = d; worstFrame = frame; worstVertex = vertex }
        }
        var distances: Distances {
            Distances(rms: count > 0 ? (sumSquares / Double(count)).squareRoot() : 0, mean: count > 0 ? sum / Double(count) : 0,
                      max: Swift.max(max, 0), worstFrame: worstFrame, worstVertex: worstVertex)
        }
    }
}
