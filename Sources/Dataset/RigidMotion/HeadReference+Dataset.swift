import Analysis
import Formats
import Linalg

extension HeadReference {
    /// The dataset's skin neutral and, when `bs_data/bs_skin.npz` is readable and describes the same
    /// mesh, the rig's rigid set; without it each shot teaches its own.
    public static func load(_ layout: DatasetLayout) throws -> HeadReference {
        let neutralPath = layout.path(DatasetFiles.skinNeutral)
        guard layout.exists(DatasetFiles.skinNeutral) else {
            throw FormatError.unreadable(neutralPath, "missing: the head is measured against the neutral pose")
        }
        let neutral = try NumpyNeutral.read(neutralPath)
        let archive = layout.exists(DatasetFiles.bsSkin) ? try? NpzArchive.read(layout.path(DatasetFiles.bsSkin)) : nil
        return HeadReference(neutral: neutral, rigidSet: archive.flatMap { rigidSet(of: $0, vertexCount: neutral.count / 3) })
    }

    /// The rigid set of a blendshape archive in the runtime's layout (`poseNames`, one `[V, 3]` delta
    /// per pose); nil when it cannot be read whole or describes another mesh.
    static func rigidSet(of archive: NpzArchive, vertexCount: Int) -> RigidVertexSet? {
        guard let names = try? archive.array("poseNames").strings().dropFirst(), !names.isEmpty else { return nil }
        // Every pose decoded straight into its row, on every core (not a fresh array per pose, appended).
        guard let poses = try? names.map({ try archive.array($0) }),
              let deltas = try? NpyArray.rows(poses, width: vertexCount * 3, threads: ComputeThreads.count) else { return nil }
        guard let matrix = try? Matrix(rows: names.count, columns: vertexCount * 3, elements: deltas),
              let neutral = try? archive.array("neutral").floats(), neutral.count == vertexCount * 3 else { return nil }
        return RigidVertexSet.fromBlendshapes(deltas: matrix, neutral: neutral)
    }
}
