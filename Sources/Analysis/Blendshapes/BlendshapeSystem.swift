import Linalg

/// Everything of the Audio2Face solve that does not depend on the frame, built once per rig and
/// configuration.
///
/// Over the Ka active poses and the masked coordinates (3M of them): D `[3M, Ka]` the deltas, n the
/// neutral, s = (‖max_xyz(N) − min_xyz(N)‖₂ / templateBBSize)² from the whole unmasked neutral N, and
///
///     A = DᵀD + λ1²·0.25s·11ᵀ + (λ2·10s + λT·100s)·I + λS·10s·SᵀS
///
/// with one row e_i − e_j in S per symmetry pair of active poses. A frame's weights minimise
/// ‖A·x − b‖² over 0 ≤ x ≤ u with b = Dᵀ(t − n) + λT·s·x_prev. A is symmetric, so Aᵀb = A·b.
public struct BlendshapeSystem: Sendable {
    public let settings: BlendshapeSolverSettings
    /// Indices of the active poses, ascending; the solve's variables in this order.
    public let activePoses: [Int]
    /// The coordinates the solve reads from each frame (`3·vertex + axis`): the mask's, ascending, or
    /// every one.
    public let selection: CoordinateRuns
    /// `selection`'s coordinates one by one, for projecting them straight out of whole frames.
    let selectedCoordinates: [Int]
    /// Q `[3M, Ka]` of D = QR (rows in `selection` order, or D itself when D has no factor) and n
    /// `[3M]`, packed for the projections: Dᵀ(t − n) = Rᵀ·Qᵀ(t − n), the Float products over Q.
    let projection: CentredProjection
    /// R, nil when `projection` holds D itself.
    let projectionFactor: CholeskyQR?
    /// A `[Ka, Ka]`.
    public let a: Matrix<Double>
    /// AᵀA = A² `[Ka, Ka]`, the Hessian of the box problem.
    let hessian: Matrix<Double>
    /// s.
    public let scale: Double
    /// λT·s, the weight of the previous frame in b.
    public let temporalWeight: Double
    /// Cancel pairs as positions in `activePoses` (first, second by pose index).
    public let cancelPairs: [(Int, Int)]

    public var activeCount: Int { activePoses.count }

    /// The poses `settings` solves for (`bsSolveActivePoses` ≠ 0), ascending: `activePoses` of the
    /// system built with them.
    public static func activePoses(_ settings: BlendshapeSolverSettings) -> [Int] {
        (0..<settings.poseCount).filter { $0 < settings.active.count && settings.active[$0] }
    }

    /// - Parameter threads: threads that form and pack D's factor (the numbers do not depend on it).
    public init(rig: BlendshapeRig, settings: BlendshapeSolverSettings, threads: Int = ComputeThreads.count) throws {
        let k = rig.poseCount
        guard settings.poseCount == k, settings.cancelPairIDs.count == k, settings.symmetryPairIDs.count == k,
              settings.multipliers.count == k, settings.offsets.count == k else {
            throw BlendshapeSolverError.settings("the rig has \(k) poses, the settings describe \(settings.poseCount)")
        }
        guard settings.templateBBSize > 0, [settings.l1, settings.l2, settings.temporal, settings.symmetry].allSatisfy({ $0 >= 0 && $0.isFinite }) else {
            throw BlendshapeSolverError.settings("strengths must be finite and ≥ 0 and templateBBSize > 0")
        }
        let active = Self.activePoses(settings)
        guard !active.isEmpty else { throw BlendshapeSolverError.settings("no active pose") }
        self.settings = settings
        activePoses = active
        let vertexCount = rig.vertexCount
        guard let selection = rig.mask.map({ CoordinateRuns(vertices: $0.sorted()) }) ?? CoordinateRuns(all: 3 * vertexCount) else {
            throw BlendshapeSolverError.shape("the frontal mask must hold distinct vertex indices")
        }
        self.selection = selection
        let rows = selection.indices
        selectedCoordinates = rows

        // D [3M, Ka] (the active poses' deltas on the mask, widened to Double) is formed a block of rows at
        // a time for DᵀD and again for Q, and never stored (`GatheredColumns`).
        let ka = active.count, width = rig.deltas.columns
        let deltas = try GatheredColumns(source: rig.deltas.elements, rowIndices: rows, columnStarts: active.map { $0 * width })
        let gram = deltas.gram(threads: threads)
        let neutral = rows.map { rig.neutral[$0] }
        // Float products over Q rather than D: on the real ICT-FaceKit rig (14,062 vertices, 51 poses) Float
        // products over D in runs of 256 moved the weights by up to 3.4e-6 (runs of 32: 8.2e-7), over Q by
        // 1.1e-6 (runs of 64, the kernel's: 3.5e-7).
        if let factor = CholeskyQR(gram: gram),
           let overQ = try CentredProjection(orthonormalizing: deltas, factor: factor, neutral: neutral, threads: threads) {
            projection = overQ
            projectionFactor = factor
        } else {
            projection = try CentredProjection(deltas: deltas.materialized(), columns: ka, neutral: neutral)
            projectionFactor = nil
        }

        guard let box = BoundingBox(points: rig.neutral) else { throw BlendshapeSolverError.shape("the neutral has no finite points") }
        let diagonal = box.diagonal
        scale = (diagonal / settings.templateBBSize) * (diagonal / settings.templateBBSize)
        temporalWeight = settings.temporal * scale

        var a = gram
        let l1Term = settings.l1 * settings.l1 * 0.25 * scale
        let diagonalTerm = settings.l2 * 10 * scale + settings.temporal * 100 * scale
        for i in 0..<ka {
            for j in 0..<ka { a[i, j] += l1Term }
            a[i, i] += diagonalTerm
        }
        let position = Dictionary(uniqueKeysWithValues: active.enumerated().map { ($1, $0) })
        let symmetryTerm = settings.symmetry * 10 * scale
        for (p, q) in BlendshapeSolverSettings.activePairs(settings.symmetryPairIDs, active: settings.active) {
            guard let i = position[p], let j = position[q] else { continue }
            a[i, i] += symmetryTerm; a[j, j] += symmetryTerm
            a[i, j] -= symmetryTerm; a[j, i] -= symmetryTerm
        }
        self.a = a
        hessian = try a.multiplied(by: a)
        cancelPairs = BlendshapeSolverSettings.activePairs(settings.cancelPairIDs, active: settings.active).compactMap { p, q in
            guard let i = position[p], let j = position[q] else { return nil }
            return (i, j)
        }
    }

    /// Dᵀ(t − n) for every frame of `frames` `[F, 3V]`: `[F, Ka]`.
    public func projections(of frames: [Float], frameCount: Int, vertexCount: Int) throws -> Matrix<Double> {
        let stride = 3 * vertexCount
        guard frameCount >= 0, frames.count == frameCount * stride, selection.end <= stride else {
            throw BlendshapeSolverError.shape("\(frames.count) values are not \(frameCount) frames of \(vertexCount) vertices")
        }
        var selected = [Float]()
        selected.reserveCapacity(frameCount * selection.count)
        for f in 0..<frameCount {
            for (start, length) in zip(selection.starts, selection.lengths) {
                selected += frames[(f * stride + start)..<(f * stride + start + length)]
            }
        }
        var product = [Double](repeating: 0, count: frameCount * activeCount)
        try projections(ofSelected: selected, frameCount: frameCount, threads: ComputeThreads.count, into: &product)
        return try Matrix(rows: frameCount, columns: activeCount, elements: product)
    }

    /// Dᵀ(t − n) for `frameCount` frames given as their `selection` coordinates (`[F, selection.count]`),
    /// written to `destination[0 ..< F × Ka]`: Rᵀ·Qᵀ(t − n), the products with Q in Float summed in Double
    /// (`CentredProjection`), then R applied in Double.
    /// `threads` > 1 shares the frames out.
    public func projections(ofSelected values: [Float], frameCount: Int, threads: Int = 1, into destination: inout [Double]) throws {
        guard values.count >= frameCount * selection.count, destination.count >= frameCount * activeCount else {
            throw BlendshapeSolverError.shape("\(values.count) values are not \(frameCount) frames of \(selection.count) coordinates")
        }
        try projection.project(values, frames: frameCount, threads: threads, into: &destination)
        projectionFactor?.multiplyRows(&destination, rows: frameCount)
    }

    /// `projections(ofSelected:…)` of the `selection` coordinates of whole frames `values`
    /// (`[frameCount, stride]`, `stride` ≥ `selection.end`), read where they lie: the same numbers, without
    /// gathering them first (the whole-mesh fit reads whole frames anyway).
    public func projections(selectingFrom values: [Float], frameCount: Int, stride: Int, threads: Int = 1, into destination: inout [Double]) throws {
        guard stride >= selection.end, values.count >= frameCount * stride, destination.count >= frameCount * activeCount else {
            throw BlendshapeSolverError.shape("\(values.count) values are not \(frameCount) frames of \(stride) coordinates")
        }
        try projection.project(selecting: selectedCoordinates, of: values, frames: frameCount, stride: stride, threads: threads, into: &destination)
        projectionFactor?.multiplyRows(&destination, rows: frameCount)
    }
}
