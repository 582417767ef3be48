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

    /// Measures the fit of `raw` `[F, Ka]` (the solver's weights of `activePoses`) to `frames` `[F, 3V]`.
    /// With `reconstruct`, also returns the reconstruction `[F, 3V]`.
    public static func measure(rig: BlendshapeRig, activePoses: [Int], raw: Matrix<Double>, frames: [Float],
                               reconstruct: Bool = false) throws -> (fit: BlendshapeFit, reconstruction: [Float]?) {
        let width = rig.neutral.count
        guard frames.count == raw.rows * width else {
            throw BlendshapeSolverError.shape("\(frames.count) values are not \(raw.rows) frames of \(rig.vertexCount) vertices")
        }
        return try Measure(rig: rig, activePoses: activePoses).callAsFunction(raw: raw, reconstruct: reconstruct) { range, block in
            block.replaceSubrange(0..<(range.count * width), with: frames[(range.lowerBound * width)..<(range.upperBound * width)])
        }
    }

    /// What measuring needs of a rig — the active poses' deltas `[Ka, 3V]` and the mask — gathered
    /// once and used for every shot.
    public struct Measure: Sendable {
        let rig: BlendshapeRig
        let activePoses: [Int]
        let activeDeltas: Matrix<Float>
        let inMask: [Bool]

        public init(rig: BlendshapeRig, activePoses: [Int]) throws {
            let width = rig.neutral.count
            var deltaElements: [Float] = []
            deltaElements.reserveCapacity(activePoses.count * width)
            for pose in activePoses { deltaElements += rig.deltas.elements[(pose * width)..<((pose + 1) * width)] }
            activeDeltas = try Matrix<Float>(rows: activePoses.count, columns: width, elements: deltaElements)
            var inMask = [Bool](repeating: rig.mask == nil, count: rig.vertexCount)
            for v in rig.mask ?? [] { inMask[v] = true }
            self.inMask = inMask
            self.rig = rig
            self.activePoses = activePoses
        }

        /// The fit of `raw` `[F, Ka]`, reading the frames a block at a time (one SGEMM each):
        /// `read(range, &buffer)` puts frames `range` at the start of `buffer`.
        public func callAsFunction(raw: Matrix<Double>, reconstruct: Bool = false,
                                   read: (Range<Int>, inout [Float]) throws -> Void) throws -> (fit: BlendshapeFit, reconstruction: [Float]?) {
            let frameCount = raw.rows, width = rig.neutral.count, vertexCount = rig.vertexCount
            guard raw.columns == activePoses.count else {
                throw BlendshapeSolverError.shape("\(raw.columns) weights per frame for \(activePoses.count) active poses")
            }
            var mask = Accumulator(), mesh = Accumulator()
            var reconstruction: [Float] = []
            if reconstruct { reconstruction.reserveCapacity(frameCount * width) }
            let block = 64
            var targets = [Float](repeating: 0, count: block * width)
            var recon = Matrix<Float>(rows: block, columns: width)
            var start = 0
            while start < frameCount {
                let count = min(block, frameCount - start)
                try read(start..<(start + count), &targets)
                let weights = try Matrix<Float>(rows: count, columns: activePoses.count,
                                                elements: raw.elements[(start * activePoses.count)..<((start + count) * activePoses.count)].map { Float($0) })
                // R = N + X·Δ for the block.
                if count < block { recon = Matrix<Float>(rows: count, columns: width) }
                recon.fillRows(with: rig.neutral)
                try gemm(weights.view, activeDeltas.view, beta: 1, into: &recon)
                var nonFinite: (frame: Int, vertex: Int)?
                let distances = pointDistances(targets, recon.elements, count: count * vertexCount)
                for f in 0..<count {
                    for v in 0..<vertexCount {
                        let distance = Double(distances[f * vertexCount + v])
                        if !distance.isFinite, nonFinite == nil { nonFinite = (start + f, v) }
                        mesh.add(distance, frame: start + f, vertex: v)
                        if inMask[v] { mask.add(distance, frame: start + f, vertex: v) }
                    }
                }
                if let nonFinite {
                    throw BlendshapeSolverError.shape("frame \(nonFinite.frame), vertex \(nonFinite.vertex) holds non-finite positions; vertex positions must be finite numbers")
                }
                if reconstruct { reconstruction += recon.elements[0..<(count * width)] }
                start += count
            }
            return (BlendshapeFit(mask: mask.distances, mesh: mesh.distances), reconstruct ? reconstruction : nil)
        }
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
