import Analysis
import Formats
import Linalg

/// A dataset's blendshape archive and solver config, checked with validate's rules and loaded as a
/// rig and solver settings.
public struct BlendshapeSetup: Sendable {
    public let archiveFile: String
    public let configFile: String
    /// Pose names without the neutral, in the archive's order: the output's columns.
    public let poseNames: [String]
    public let rig: BlendshapeRig
    public let settings: BlendshapeSolverSettings

    /// Why a setup cannot be used: validate's findings for it.
    public struct Problems: Error, CustomStringConvertible {
        public let findings: [Finding]
        public var description: String {
            "the blendshape setup breaks \(findings.count) rule\(findings.count == 1 ? "" : "s"):\n"
                + findings.map { "  \($0.rule) \($0.file): \($0.message)" }.joined(separator: "\n")
        }
    }

    /// Loads `archive` and `config` (paths relative to the dataset, or absolute) after running
    /// validate's blendshape rules on them; any error among those findings stops the load.
    public static func load(layout: DatasetLayout, archive: String, config: String, neutralFile: String) throws -> BlendshapeSetup {
        let context = ValidationContext(layout: layout, options: ValidationOptions())
        let neutral = layout.exists(neutralFile) ? try? NumpyNeutral.read(layout.path(neutralFile)) : nil
        if !layout.exists(archive) { context.add(Rules.bsPoseNames, archive, "missing: the solve needs the blendshapes") }
        if !layout.exists(config) { context.add(Rules.bsConfig, config, "missing: the solve needs the solver settings") }
        let checked = context.checkBlendshapeSetup(archive: archive, config: config, neutral: neutral, neutralFile: neutralFile,
                                                   vertices: neutral.map { $0.count / 3 })
        let errors = context.sortedFindings.filter { $0.severity == .error }
        guard errors.isEmpty else { throw Problems(findings: errors) }

        // The archive the checks read (decompressed once); read again only if they could not.
        let npz = try checked ?? NpzArchive.read(layout.path(archive))
        let names = Array(try npz.array("poseNames").strings().dropFirst())
        let bsNeutral = try npz.array("neutral").floats()
        // Every pose fills its row (the checks above made sure each holds the neutral's shape).
        let deltas = try NpyArray.rows(try names.map { try npz.array($0) }, width: bsNeutral.count, threads: ComputeThreads.count)
        let mask = try npz.arrays["frontalMask"].map { try $0.integers().map { Int($0) } }
        let rig = try BlendshapeRig(neutral: bsNeutral, deltas: Matrix(rows: names.count, columns: bsNeutral.count, elements: deltas), mask: mask)

        let file = try JSONFile.read(BlendshapeConfigFile.self, from: layout.path(config)).blendshapeParams
        var settings = BlendshapeSolverSettings(poseCount: names.count)
        settings.l1 = file.strengthL1regularization
        settings.l2 = file.strengthL2regularization
        settings.temporal = file.strengthTemporalSmoothing
        settings.symmetry = file.strengthSymmetry
        settings.active = file.bsSolveActivePoses.map { $0 != 0 }
        settings.cancelPairIDs = file.bsSolveCancelPoses
        settings.symmetryPairIDs = file.bsSolveSymmetryPoses
        settings.multipliers = file.bsWeightMultipliers
        settings.offsets = file.bsWeightOffsets
        settings.templateBBSize = file.effectiveTemplateBBSize
        return BlendshapeSetup(archiveFile: archive, configFile: config, poseNames: names, rig: rig, settings: settings)
    }
}
