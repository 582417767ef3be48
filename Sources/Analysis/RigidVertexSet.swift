import Linalg

/// The vertices of a head that only ever move rigidly — skull, neck, ears — on which a head's rigid
/// motion can be measured without expressions leaking into it.
///
/// From a blendshape rig it is exact: a vertex that no pose moves cannot deform whatever the weights.
/// Each vertex's *mobility* is `Σₖ ‖dₖᵢ‖` (centimetres), the largest displacement any combination of
/// weights in [0, 1] can give it; the rigid set is every vertex whose mobility is at most
/// `relativeTolerance` of the rig's largest single delta. A rig whose every vertex moves a little
/// (a sculpted rig with smooth falloffs) gets its least mobile `fallbackFraction` instead.
public struct RigidVertexSet: Sendable, Equatable, Codable {
    /// Where the set came from.
    public enum Source: String, Sendable, Codable {
        /// Vertices no blendshape moves (or moves least).
        case blendshapes
        /// Learned from the shot: the vertices that deform least once the motion is removed.
        case shots
    }

    public let source: Source
    /// Vertex indices into the mesh, ascending. Empty for `.shots` (chosen per shot).
    public let vertices: [Int]
    /// The largest mobility among `vertices`, mesh units (0 when no pose moves them at all).
    public let maxMobility: Double

    /// A vertex whose mobility is at most this fraction of the rig's largest delta counts as rigid.
    public static let relativeTolerance = 1e-3
    /// Taken when too few vertices are rigid by the tolerance: this fraction of the mesh, least mobile first.
    public static let fallbackFraction = 0.05
    /// Fewer vertices than this (or than 1 % of the mesh) do not make a rigid set.
    public static let minimumCount = 24

    /// Learned from the shots themselves (no usable rig).
    public static let learned = RigidVertexSet(source: .shots, vertices: [], maxMobility: .nan)

    public init(source: Source, vertices: [Int], maxMobility: Double) {
        self.source = source
        self.vertices = vertices
        self.maxMobility = maxMobility
    }

    /// The rigid set of a rig with `deltas` `[K, 3V]` over `neutral` `[V, 3]`; nil when the rig moves
    /// every vertex or its least mobile vertices lie on a plane or line (they could not fix a
    /// rotation) — then the shots must tell.
    public static func fromBlendshapes(deltas: Matrix<Float>, neutral: [Float]) -> RigidVertexSet? {
        let v = neutral.count / 3
        guard v > 0, deltas.columns == neutral.count, deltas.rows > 0 else { return nil }
        var mobility = [Double](repeating: 0, count: v)
        var largest = 0.0
        for k in 0..<deltas.rows {
            let row = deltas.row(k)
            for i in 0..<v {
                let x = Double(row[3 * i]), y = Double(row[3 * i + 1]), z = Double(row[3 * i + 2])
                let norm = (x * x + y * y + z * z).squareRoot()
                mobility[i] += norm
                largest = max(largest, norm)
            }
        }
        guard largest.isFinite, largest > 0, mobility.allSatisfy(\.isFinite) else { return nil }
        let needed = max(minimumCount, v / 100)
        var chosen = (0..<v).filter { mobility[$0] <= relativeTolerance * largest }
        if chosen.count < needed {
            let count = max(needed, Int(fallbackFraction * Double(v)))
            chosen = Array((0..<v).sorted { (mobility[$0], $0) < (mobility[$1], $1) }.prefix(count)).sorted()
        }
        guard chosen.count >= needed, spansSpace(chosen, neutral: neutral) else { return nil }
        return RigidVertexSet(source: .blendshapes, vertices: chosen, maxMobility: chosen.map { mobility[$0] }.max() ?? 0)
    }

    /// Whether the points are spread in all three directions (σ₁/σ₃ ≤ 50), so the set fixes every
    /// rotation well.
    static func spansSpace(_ indices: [Int], neutral: [Float]) -> Bool {
        let points = indices.flatMap { neutral[(3 * $0)..<(3 * $0 + 3)] }
        guard let shape = try? PointSetShape(points: points) else { return false }
        return shape.planeCondition <= 50
    }
}
