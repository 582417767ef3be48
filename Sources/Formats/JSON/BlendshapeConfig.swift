/// `bs_data/bs_skin_config.json` / `bs_tongue_config.json`: the blendshape solver's settings, under a
/// top-level `"blendshape_params"` key.
public struct BlendshapeConfig: Codable, Sendable, Equatable {
    /// The Audio2Face runtime's value when `templateBBSize` is absent.
    public static let defaultTemplateBBSize = 54.7

    public var strengthL2regularization: Double
    public var strengthL1regularization: Double
    public var strengthTemporalSmoothing: Double
    public var strengthSymmetry: Double
    /// Number of blendshapes, excluding the neutral.
    public var numPoses: Int
    /// 1 = solved for, 0 = removed from the system; `[numPoses]`.
    public var bsSolveActivePoses: [Int]
    /// Same non-negative id = mutually exclusive pair; -1 = unpaired; `[numPoses]`.
    public var bsSolveCancelPoses: [Int]
    /// Same non-negative id = symmetric pair; -1 = unpaired; `[numPoses]`.
    public var bsSolveSymmetryPoses: [Int]
    public var bsWeightMultipliers: [Double]
    public var bsWeightOffsets: [Double]
    /// Size of the template mesh in centimetres (the runtime divides the neutral's 3-D bounding-box
    /// diagonal by it); nil when the file omits it.
    public var templateBBSize: Double?

    /// `templateBBSize`, or the runtime's default.
    public var effectiveTemplateBBSize: Double { templateBBSize ?? Self.defaultTemplateBBSize }

    public init(numPoses: Int, strengthL1: Double = 0, strengthL2: Double = 0, strengthTemporal: Double = 0,
                strengthSymmetry: Double = 0, templateBBSize: Double? = nil) {
        self.numPoses = numPoses
        strengthL1regularization = strengthL1
        strengthL2regularization = strengthL2
        strengthTemporalSmoothing = strengthTemporal
        self.strengthSymmetry = strengthSymmetry
        bsSolveActivePoses = Array(repeating: 1, count: numPoses)
        bsSolveCancelPoses = Array(repeating: -1, count: numPoses)
        bsSolveSymmetryPoses = Array(repeating: -1, count: numPoses)
        bsWeightMultipliers = Array(repeating: 1, count: numPoses)
        bsWeightOffsets = Array(repeating: 0, count: numPoses)
        self.templateBBSize = templateBBSize
    }
}

/// The file's top level: `{"blendshape_params": {...}}`.
public struct BlendshapeConfigFile: Codable, Sendable, Equatable {
    public var blendshapeParams: BlendshapeConfig

    public init(_ params: BlendshapeConfig) { blendshapeParams = params }

    enum CodingKeys: String, CodingKey {
        case blendshapeParams = "blendshape_params"
    }
}
