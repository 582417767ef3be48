import Linalg

/// How well solved weights reproduce a shot: per-vertex distances between each frame and its
/// reconstruction N + Σₖ xₖ·Δₖ (mesh units).
public struct BlendshapeFit: Sendable, Codable, Equatable {
    /// Over the frontal mask (every vertex without one).
    public let mask: Distances
    /// Over the whole mesh; nil when only the mask was measured (`Scope.mask`).
    public let mesh: Distances?

    public struct Distances: Sendable, Codable, Equatable {
        /// √(mean of squared per-vertex distances) over all frames and vertices.
        public let rms: Double
        /// Mean per-vertex distance.
        public let mean: Double
        public let max: Double
        public let worstFrame: Int
        public let worstVertex: Int

        init(_ summary: DistanceSummary, vertex: (Int) -> Int = { $0 }) {
            rms = summary.rms
            mean = summary.mean
            max = Swift.max(summary.max, 0)
            worstFrame = summary.worstRow
            worstVertex = vertex(summary.worstPoint)
        }
    }

    /// Which vertices a fit is measured over.
    public enum Scope: String, Sendable, Codable, CaseIterable {
        /// Every vertex, and the mask apart: reads whole frames.
        case mesh
        /// The frontal mask alone: reads only the mask's coordinates.
        case mask
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

    /// What measuring needs of a rig — the active poses' deltas and the neutral over the measured
    /// coordinates — gathered once and used for every shot.
    public struct Measure: Sendable {
        public let scope: Scope
        /// The coordinates `read` must deliver of each frame: all of them, or the mask's (ascending).
        public let selection: CoordinateRuns
        let activePoses: [Int]
        /// `[Ka, selection.count]`.
        let activeDeltas: [Float]
        /// `[selection.count]`.
        let neutral: [Float]
        /// The deltas and the neutral packed for the distance kernel.
        let residual: ResidualDistances
        /// Measured vertex → mesh vertex (mask scope), and the mask's vertices among them (mesh scope).
        let vertices: [Int]?
        let maskVertices: [Int]?

        public init(rig: BlendshapeRig, activePoses: [Int], scope: Scope = .mesh) throws {
            let maskVertices = rig.mask?.sorted()
            let measured = scope == .mask ? maskVertices : nil
            guard let selection = measured.map({ CoordinateRuns(vertices: $0) }) ?? CoordinateRuns(all: rig.neutral.count) else {
                throw BlendshapeSolverError.shape("the frontal mask must hold distinct vertex indices")
            }
            let coordinates = selection.indices, width = rig.neutral.count
            var deltas: [Float]
            if measured == nil, activePoses == Array(0..<rig.poseCount) {
                deltas = rig.deltas.elements   // every pose over every vertex: the rig's own storage, shared
            } else {
                deltas = []
                deltas.reserveCapacity(activePoses.count * coordinates.count)
                for pose in activePoses {
                    if measured == nil {
                        deltas += rig.deltas.elements[(pose * width)..<((pose + 1) * width)]
                    } else {
                        deltas += coordinates.map { rig.deltas.elements[pose * width + $0] }
                    }
                }
            }
            self.scope = scope
            self.selection = selection
            self.activePoses = activePoses
            activeDeltas = deltas
            neutral = measured == nil ? rig.neutral : coordinates.map { rig.neutral[$0] }
            residual = try ResidualDistances(deltas: deltas, columns: activePoses.count, reference: neutral)
            vertices = measured
            self.maskVertices = measured == nil ? maskVertices : nil
        }

        /// The fit of `raw` `[F, Ka]`, reading the frames a block at a time: `read(range, &buffer)` puts
        /// the `selection` coordinates of frames `range` at the start of `buffer`.
        public func callAsFunction(raw: Matrix<Double>, reconstruct: Bool = false,
                                   read: (Range<Int>, inout [Float]) throws -> Void) throws -> (fit: BlendshapeFit, reconstruction: [Float]?) {
            let frameCount = raw.rows, width = selection.count, ka = activePoses.count
            guard raw.columns == ka else {
                throw BlendshapeSolverError.shape("\(raw.columns) weights per frame for \(ka) active poses")
            }
            var accumulation = Accumulation(self, reconstruct: reconstruct)
            let block = Self.framesPerBlock(width: width)
            var values: [Float] = uninitializedBuffer(count: block * width)   // written by `read` before it is read
            var start = 0
            while start < frameCount {
                let count = Swift.min(block, frameCount - start)
                try read(start..<(start + count), &values)
                try accumulation.add(&values, raw: raw.elements, rows: start..<(start + count))
                start += count
            }
            accumulation.recycle()
            return (accumulation.fit, accumulation.reconstruction)
        }

        /// Frames per block for `width` values a frame: about 16 MB of frames. The distance kernel reads
        /// the packed deltas once per block, so short blocks would read them over and over.
        public static func framesPerBlock(width: Int) -> Int { Swift.max(8, Swift.min(256, (1 << 22) / Swift.max(width, 1))) }

        /// A fit measured block by block.
        public struct Accumulation: Sendable {
            let measure: Measure
            private var tally: DistanceTally
            private var weights: [Float] = []
            /// `[rows, points]` of the block being added.
            private var distances: [Float] = []
            /// `[F, 3V]` when asked for.
            public private(set) var reconstruction: [Float]?

            /// The blocks `add` receives are frames t over the measure's selection.
            public init(_ measure: Measure, reconstruct: Bool) {
                self.measure = measure
                tally = DistanceTally(reference: measure.neutral,
                                      selectedPoints: measure.maskVertices)
                reconstruction = reconstruct ? [] : nil
            }

            /// Adds frames `rows` given as `values` (`[rows.count, selection.count]`, which may be
            /// overwritten), solved as `raw[rows, Ka]` (`raw` holds every frame's weights, `[F, Ka]`).
            public mutating func add(_ values: inout [Float], raw: [Double], rows: Range<Int>) throws {
                let ka = measure.activePoses.count, width = measure.selection.count, count = rows.count
                guard raw.count >= rows.upperBound * ka, values.count >= count * width else {
                    throw BlendshapeSolverError.shape("\(values.count) values or \(raw.count) weights for frames \(rows)")
                }
                if weights.count < count * ka { weights = [Float](repeating: 0, count: count * ka) }
                for i in 0..<(count * ka) { weights[i] = Float(raw[rows.lowerBound * ka + i]) }
                if reconstruction == nil {
                    // The distances straight from t, the weights and the packed deltas: no residual is stored.
                    let points = width / 3
                    if distances.count < count * points {
                        // From the pool: megabytes that a shot before this one already faulted in.
                        ScratchPool.shared.give(distances)
                        distances = ScratchPool.shared.take(count: count * points)
                    }
                    try measure.residual.distances(of: values, rows: count, weights: weights, threads: ComputeThreads.count, into: &distances)
                    if let bad = tally.add(distances: distances, rows: count, firstRow: rows.lowerBound) {
                        throw nonFinite(bad)
                    }
                    return
                }
                do {
                    var recon = [Float](repeating: 0, count: count * width)
                    for f in 0..<count { recon.replaceSubrange((f * width)..<((f + 1) * width), with: measure.neutral) }
                    try gemm(rows: count, columns: width, inner: ka, weights, measure.activeDeltas, beta: 1, into: &recon)
                    reconstruction? += recon
                }
                // values ← t − X·Δ: its distance from N is the one of t from N + X·Δ.
                try gemm(rows: count, columns: width, inner: ka, weights, measure.activeDeltas, alpha: -1, beta: 1, into: &values)
                if let bad = tally.add(values, rows: count, firstRow: rows.lowerBound) { throw nonFinite(bad) }
            }

            /// Gives the block buffers back to `ScratchPool` for the next shot's fit; call it once the last
            /// block is added (`add` would take them again).
            public mutating func recycle() {
                ScratchPool.shared.give(distances)
                distances = []
            }

            private func nonFinite(_ bad: (row: Int, point: Int)) -> Error {
                BlendshapeSolverError.shape("frame \(bad.row), vertex \(measure.vertices?[bad.point] ?? bad.point) holds non-finite positions; vertex positions must be finite numbers")
            }

            /// Per frame, the RMS distance over the measured vertices (mesh units), in frame order.
            public var frameRMS: [Double] { tally.rowRMS }
            /// Per measured vertex, its RMS distance over the frames (mesh units), with the vertex numbers
            /// they belong to (every vertex for the whole-mesh fit).
            public var vertexRMS: (vertices: [Int], rms: [Double]) {
                let rms = tally.pointRMS
                return (measure.vertices ?? Array(0..<rms.count), rms)
            }

            public var fit: BlendshapeFit {
                if let vertices = measure.vertices {
                    return BlendshapeFit(mask: Distances(tally.all) { vertices[$0] }, mesh: nil)
                }
                return BlendshapeFit(mask: Distances(tally.selected), mesh: Distances(tally.all))
            }
        }
    }
}
