import Linalg

/// A blendshape rig: the neutral mesh, one delta per pose and the frontal mask.
public struct BlendshapeRig: Sendable {
    /// `[V, 3]`, mesh units (centimetres in the guide).
    public let neutral: [Float]
    /// `[K, 3V]`: row k is pose k's displacement from the neutral.
    public let deltas: Matrix<Float>
    /// Vertex indices the solve fits (the frontal mask), or nil for every vertex.
    public let mask: [Int]?

    public var vertexCount: Int { neutral.count / 3 }
    public var poseCount: Int { deltas.rows }

    public init(neutral: [Float], deltas: Matrix<Float>, mask: [Int]?) throws {
        guard neutral.count % 3 == 0, !neutral.isEmpty, deltas.columns == neutral.count else {
            throw BlendshapeSolverError.shape("\(neutral.count) neutral values and deltas [\(deltas.rows), \(deltas.columns)] do not describe one mesh")
        }
        if let mask {
            guard !mask.isEmpty, mask.allSatisfy({ $0 >= 0 && $0 < neutral.count / 3 }), Set(mask).count == mask.count else {
                throw BlendshapeSolverError.shape("the frontal mask must hold distinct vertex indices in [0, \(neutral.count / 3))")
            }
        }
        self.neutral = neutral
        self.deltas = deltas
        self.mask = mask
    }
}

/// Why a blendshape solve cannot run.
public enum BlendshapeSolverError: Error, CustomStringConvertible, Equatable {
    case shape(String)
    case settings(String)
    case notConverged(frame: Int, iterations: Int)
    case singular(String)

    public var description: String {
        switch self {
        case let .shape(detail): return "blendshape solve: \(detail)"
        case let .settings(detail): return "blendshape solve settings: \(detail)"
        case let .notConverged(frame, iterations): return "blendshape solve: frame \(frame) did not converge in \(iterations) active-set steps"
        case let .singular(detail): return "blendshape solve: \(detail)"
        }
    }
}
