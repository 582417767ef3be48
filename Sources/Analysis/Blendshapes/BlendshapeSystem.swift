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
    /// Masked coordinate indices (`3·vertex + axis`), nil when every vertex is fitted.
    public let coordinates: [Int]?
    /// D `[3M, Ka]` in Double.
    let deltas: Matrix<Double>
    /// Dᵀn `[Ka]`.
    let neutralProjection: [Double]
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

    public init(rig: BlendshapeRig, settings: BlendshapeSolverSettings) throws {
        let k = rig.poseCount
        guard settings.poseCount == k, settings.cancelPairIDs.count == k, settings.symmetryPairIDs.count == k,
              settings.multipliers.count == k, settings.offsets.count == k else {
            throw BlendshapeSolverError.settings("the rig has \(k) poses, the settings describe \(settings.poseCount)")
        }
        guard settings.templateBBSize > 0, [settings.l1, settings.l2, settings.temporal, settings.symmetry].allSatisfy({ $0 >= 0 && $0.isFinite }) else {
            throw BlendshapeSolverError.settings("strengths must be finite and ≥ 0 and templateBBSize > 0")
        }
        let active = (0..<k).filter { settings.active[$0] }
        guard !active.isEmpty else { throw BlendshapeSolverError.settings("no active pose") }
        self.settings = settings
        activePoses = active
        let coordinates = rig.maskCoordinates
        self.coordinates = coordinates
        let rows = coordinates ?? Array(0..<(3 * rig.vertexCount))

        // D [3M, Ka] and n on the mask, in Double.
        var d = Matrix<Double>(rows: rows.count, columns: active.count)
        for (column, pose) in active.enumerated() {
            let base = pose * rig.deltas.columns
            for (row, coordinate) in rows.enumerated() { d[row, column] = Double(rig.deltas.elements[base + coordinate]) }
        }
        let neutral = rows.map { Double(rig.neutral[$0]) }
        deltas = d
        neutralProjection = try d.multiplied(by: neutral, transpose: .transposed)

        guard let box = BoundingBox(points: rig.neutral) else { throw BlendshapeSolverError.shape("the neutral has no finite points") }
        let diagonal = box.diagonal
        scale = (diagonal / settings.templateBBSize) * (diagonal / settings.templateBBSize)
        temporalWeight = settings.temporal * scale

        var a = try d.gram()
        let ka = active.count
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

    /// Dᵀ(t − n) for every frame of `frames` `[F, 3V]` (one gathered, widened GEMM): `[F, Ka]`.
    public func projections(of frames: [Float], frameCount: Int, vertexCount: Int) throws -> Matrix<Double> {
        let width = coordinates?.count ?? 3 * vertexCount
        var (product, _) = try widenedProduct(frames, rowCount: frameCount, columns: 3 * vertexCount, selecting: coordinates,
                                              weights: [Double](repeating: 0, count: width), by: deltas)
        for f in 0..<frameCount {
            for j in 0..<activeCount { product[f, j] -= neutralProjection[j] }
        }
        return product
    }
}
