import Dataset

/// Which files of a dataset a run reads: each shot's own (its skin and tongue caches, its audio and
/// augmented voices) and the shared ones (geometry, transforms, blendshapes, `faceprep.toml`). Output
/// files (`xform/jaw_rigid_transforms.npz`, `solve/…`) are none of them, so a run writing into the
/// dataset does not change the identity the next shard sees.
public struct DatasetInputs: Sendable {
    public let layout: DatasetLayout

    public init(_ layout: DatasetLayout) { self.layout = layout }

    /// Every shot name: the skin shots, then tongue-only ones, in name order.
    public var shots: [String] {
        Array(Set(layout.skin.map(\.shot)).union(layout.tongue.map(\.shot))).sorted()
    }

    /// The files of `shot` (relative paths).
    public func files(of shot: String) -> [String] {
        var files: [String] = []
        for entry in layout.skin + layout.tongue where entry.shot == shot {
            for candidate in entry.candidates {
                files.append(candidate)
                // A Maya cache's description names its data file beside it.
                if candidate.lowercased().hasSuffix(".xml") {
                    let stem = String(candidate.dropLast(4))
                    for ext in [".mc", ".mcx"] where layout.exists(stem + ext) { files.append(stem + ext) }
                }
            }
        }
        if let audio = layout.audio[shot] { files.append(audio) }
        for voice in layout.augmentedVoices.keys.sorted() {
            if let track = layout.augmentedVoices[voice]?[shot] { files.append(track) }
        }
        return files
    }

    /// The files every shot's result may depend on.
    public var sharedFiles: [String] {
        [DatasetFiles.skinNeutral, DatasetFiles.eyeClose, DatasetFiles.lipOpen, DatasetFiles.eyeList, DatasetFiles.lipList,
         DatasetFiles.lipSizeList, DatasetFiles.tongueNeutral, DatasetFiles.tongueRigid, DatasetFiles.jawNeutral,
         DatasetFiles.jawCache, DatasetFiles.eyeRotations, DatasetFiles.saccade, DatasetFiles.blinks, DatasetFiles.bsSkin,
         DatasetFiles.bsSkinConfig, DatasetFiles.bsTongue, DatasetFiles.bsTongueConfig, ProjectConfig.fileName]
    }

    /// The identity of one shot's result's inputs: its files and the shared ones, plus `extra` (files
    /// named on the command line, e.g. `--config`).
    public func identity(of shot: String, extra: [String] = []) -> InputIdentity {
        .of(files(of: shot) + sharedFiles + extra, root: layout.root)
    }

    /// The identity of the whole dataset's inputs.
    public func identity(extra: [String] = []) -> InputIdentity {
        .of(shots.flatMap(files(of:)) + sharedFiles + extra, root: layout.root)
    }
}
