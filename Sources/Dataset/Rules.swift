/// Every rule `faceprep validate` checks, grouped as the guide is. `faceprep validate --rules` prints them.
public enum Rules {
    // MARK: Layout
    static let layoutNoAudio = Rule(.error, "LAYOUT-NO-AUDIO", "The dataset needs an audio/ folder with one WAV per shot (the guide's minimal dataset is audio/ plus cache/skin/).", fix: "create audio/ and put <shot>.wav there")
    static let layoutNoSkin = Rule(.error, "LAYOUT-NO-SKIN", "The dataset needs cache/skin/ with one vertex cache per shot.", fix: "export the skin caches to cache/skin/<shot>/<shot>.xml+.mc (or .pc2/.npy)")
    static let layoutStray = Rule(.warning, "LAYOUT-STRAY", "The training framework treats every entry of cache/skin/ and cache/tongue/ as a shot, so a stray file or folder (a README, a backup) becomes a broken shot.", fix: "move it out of the cache folder")
    static let layoutFlat = Rule(.error, "LAYOUT-FLAT", "The training framework reads only cache/<skin|tongue>/<shot>/<shot>.{npy,xml,pc2}; a cache lying directly in cache/skin/ is not found.", fix: "move it into a folder named after the shot")

    // MARK: Caches
    static let cacheMissing = Rule(.error, "CACHE-MISSING", "Every shot folder must hold one vertex cache named after the folder (<shot>.xml+.mc, <shot>.pc2 or <shot>.npy).", fix: "export the shot's cache into its folder, named after the shot")
    static let cacheMultiple = Rule(.error, "CACHE-MULTIPLE", "Exactly one cache per shot: with several, the training framework silently takes the first of .npy, .xml, .pc2.", fix: "delete the caches that are not the shot")
    static let cacheName = Rule(.error, "CACHE-NAME", "A cache file's name must equal its folder's (cache/skin/shot1/shot1.mc); the framework looks only for that name.", fix: "rename the cache after its folder")
    static let cacheUnreadable = Rule(.error, "CACHE-UNREADABLE", "Every cache must be complete and readable.", fix: "re-export the cache")
    static let cacheNonFinite = Rule(.error, "CACHE-NONFINITE", "Vertex positions must be finite: a NaN or infinity poisons every training batch that touches the shot.", fix: "re-export the shot; check the rig for degenerate deformers at the frame named")
    static let cacheVertices = Rule(.error, "CACHE-VERTICES", "The mesh topology must be identical in every shot and in the neutral pose: same vertex count and order.", fix: "re-export from the same mesh as geom/*/neutral_pose.npy")
    static let cacheFrameRate = Rule(.error, "CACHE-FPS", "All shots must share one frame rate.", fix: "re-export the shot at the dataset's frame rate (or faceprep convert --fps to fix a wrong header)")
    static let cacheFrameRateLow = Rule(.warning, "CACHE-FPS-LOW", "The guide recommends about 30 fps or more.", fix: "export at 30 fps or higher if the source allows")
    static let cacheDtype = Rule(.error, "CACHE-DTYPE", ".npy caches must be little-endian float32 [frames, vertices, 3]; other dtypes are misread by the framework.", fix: "faceprep convert the file to a float32 .npy (or a Maya cache)")
    static let cacheDuration = Rule(.warning, "CACHE-DURATION", "The guide recommends shots of 3 to 30 seconds.", fix: "split long shots; merge or drop very short ones")
    static let cacheScale = Rule(.error, "CACHE-SCALE", "A shot must be in the neutral pose's units: a bounding box 100× or 0.01× the neutral's means metres against centimetres.", fix: "re-export with the scene's units, or rescale the cache")
    static let cacheOffset = Rule(.error, "CACHE-OFFSET", "A shot must be in the neutral pose's space: its centroid far from the neutral's means a different world position or pivot.", fix: "re-export in object space (pre-transform), like the neutral pose")
    static let cacheOrder = Rule(.error, "CACHE-ORDER", "A shot must keep the neutral's vertex order: most vertices far from their neutral positions, with the same bounding box, means the order differs.", fix: "re-export from the same mesh as the neutral pose (no topology changes, no reordering)")
    static let cacheMayaVariant = Rule(.error, "CACHE-MAYA-VARIANT", "The training framework reads only OneFile FOR4 Maya caches (<shot>.xml + <shot>.mc) with a single channel.", fix: "faceprep convert <shot>.xml <new>/<shot>.xml (add --channel NAME for multi-channel caches)")
    static let tongueMissing = Rule(.error, "TONGUE-MISSING", "With tongue caches, every skin shot needs a tongue cache of the same name.", fix: "export the tongue cache for this shot (or synthesize it, see the guide)")
    static let tongueExtra = Rule(.warning, "TONGUE-EXTRA", "A tongue cache must match a skin shot by name; this one has no skin shot.", fix: "rename it to its skin shot or remove it")
    static let tongueFrames = Rule(.error, "TONGUE-FRAMES", "A tongue cache must have as many frames as its skin cache.", fix: "re-export the tongue over the same frame range")

    // MARK: Static head
    static let headMotion = Rule(.error, "HEAD-MOTION", "The head must be completely static: rigid rotation or translation of the whole head (estimated robustly, so expressions do not count) contaminates training.", fix: "faceprep stabilize DATASET --out NEW writes a copy of the dataset with every skin shot stabilised against the neutral")

    // MARK: Audio
    static let audioMissing = Rule(.error, "AUDIO-MISSING", "Every shot needs audio/<shot>.wav with exactly the shot's name.", fix: "export the shot's audio as audio/<shot>.wav")
    static let audioOrphan = Rule(.warning, "AUDIO-ORPHAN", "Every WAV should belong to a shot; this one has no cache and is ignored.", fix: "add its cache or remove it")
    static let audioFormat = Rule(.error, "AUDIO-FORMAT", "Only WAV audio is supported.", fix: "convert it to WAV (e.g. sox in.mp3 -b 16 out.wav)")
    static let audioUnreadable = Rule(.error, "AUDIO-UNREADABLE", "Every WAV must be complete and readable.", fix: "re-export the audio")
    static let audioRate = Rule(.error, "AUDIO-RATE", "The sampling rate must be at least 16000 Hz.", fix: "re-export at 16 kHz or more (resampling up adds no detail; use the original recording)")
    static let audioDepth = Rule(.error, "AUDIO-DEPTH", "The bit depth must be at least 16 bits (float is fine).", fix: "re-export at 16 or 24 bits from the original recording")
    static let audioDuration = Rule(.error, "AUDIO-DURATION", "The audio must last as long as the animation (frames ÷ fps) to within one frame.", fix: "trim or pad the audio, or re-export the animation over the audio's range")
    static let audioChannels = Rule(.warning, "AUDIO-CHANNELS", "Multi-channel audio is averaged to mono by the framework; phase differences between channels can cancel speech.", fix: "export mono")
    static let audioSilent = Rule(.warning, "AUDIO-SILENT", "A track quieter than −60 dBFS holds no usable speech.", fix: "check the export; re-record or remove the shot")
    static let audioClipped = Rule(.warning, "AUDIO-CLIPPED", "More than 0.1% of samples at full scale: the recording is clipped and distorted.", fix: "re-export at a lower gain")
    static let augMissing = Rule(.error, "AUG-MISSING", "Each augmented voice (audio/aug/<voice>/) must cover every shot.", fix: "generate the missing shot for this voice")
    static let augExtra = Rule(.warning, "AUG-EXTRA", "An augmented track must be named after a shot exactly.", fix: "rename it after its shot or remove it")
    static let augSubstring = Rule(.warning, "AUG-SUBSTRING", "The framework pairs augmented tracks with shots by substring, so a shot named like the start of another (shot1, shot10) also grabs the other's tracks.", fix: "rename shots so that no name contains another")
    static let syncOffset = Rule(.warning, "SYNC-OFFSET", "Audio and animation must be synchronised: a mouth that opens a few frames before or after the speech trains a model that lip-syncs early or late (measured by cross-correlating speech loudness with mouth opening; only confident results are reported).", fix: "check the DCC's audio offset and the cache's start frame; faceprep sync shows every shot's lag")
    static let augDrift = Rule(.warning, "AUG-DRIFT", "An augmented voice must keep its original's timing exactly: a shifted track teaches the wrong timing.", fix: "regenerate the track from the original without padding or trimming its start")
    static let augDuration = Rule(.error, "AUG-DURATION", "An augmented track must last as long as its shot's animation (and so its original) to within one frame: same content, same timing.", fix: "regenerate the track with the original's timing")

    // MARK: Geometry
    static let geomMissing = Rule(.error, "GEOM-MISSING", "The framework requires geom/skin/neutral_pose.npy, eye_close_pose_delta.npy, lip_open_pose_delta.npy and the three vertex lists (and geom/tongue/ files when there are tongue caches).", fix: "export the missing file as the guide describes")
    static let geomShape = Rule(.error, "GEOM-SHAPE", "Poses must be float32 [vertices, 3] with the dataset's vertex count (a float64 array is misread).", fix: "save with np.save(path, array.astype(np.float32))")
    static let geomNotDelta = Rule(.warning, "GEOM-NOT-DELTA", "eye_close_pose_delta and lip_open_pose_delta are displacements from the neutral, not absolute poses.", fix: "save pose − neutral")
    static let geomListStructure = Rule(.error, "GEOM-LIST-STRUCTURE", "Vertex lists must have the guide's structure: eyes {\"upper\":[l,r],\"lower\":[l,r]}; lips upper/lower of equal length; lip size top/bottom of equal lengths.", fix: "re-export the list selecting vertices in the order the guide's script expects")
    static let geomListRange = Rule(.error, "GEOM-LIST-RANGE", "Vertex indices must lie in [0, vertex count).", fix: "re-export the list from the dataset's mesh")
    static let geomListDuplicate = Rule(.error, "GEOM-LIST-DUPLICATE", "A vertex may appear only once in a list.", fix: "re-export the list")
    static let geomListOrder = Rule(.error, "GEOM-LIST-ORDER", "Upper vertices must lie above lower ones in the neutral pose: the framework measures distances along +Y.", fix: "swap upper and lower, or check the mesh's up axis is +Y")
    static let tongueRigid = Rule(.error, "TONGUE-RIGID", "rigid_vertex_list.json needs 4 or more distinct, in-range tongue vertices that are not collinear, to determine the tongue's rotation.", fix: "pick more rigid vertices, spread over the underside of the tongue")

    // MARK: Transforms
    static let jawNeutral = Rule(.error, "XFORM-JAW-NEUTRAL", "jaw_keypoints_neutral.npy must be float32 [N, 3] with N ≥ 3 points that are not collinear (the guide uses 5).", fix: "pick 5 rigid, well-spread jaw vertices")
    static let xformKeys = Rule(.error, "XFORM-KEYS", "jaw_keypoints_cache_all.npz and eye_rotations_all.npz need one member per skin shot, named exactly as the shot, and no others.", fix: "rebuild the archive with the shot names as keys")
    static let xformShape = Rule(.error, "XFORM-SHAPE", "Per-shot transforms must be float32 [frames, N, 3] (jaw) or [frames, 2, 2] (eyes) with the shot's frame count; the framework silently trims longer ones.", fix: "re-export the shot's transforms over its frame range")
    static let xformCombineMistake = Rule(.error, "XFORM-COMBINE-MISTAKE", "A member holds the string 'anim' or 'rotations' instead of an array: the guide's combine script saved np.load(file) (an NpzFile) rather than its array.", fix: "combine with shots_caches[name] = np.load(file)['anim'] (or ['rotations'])")
    static let xformSaccade = Rule(.error, "XFORM-SACCADE", "eye_saccade_rotations.npy must be float32 [frames, 2].", fix: "re-export the saccade rotations")
    static let xformBlink = Rule(.error, "XFORM-BLINK", "eye_blink_keys.npy must be float32 [frames] with values in [0, 1].", fix: "re-export the blink curve clamped to [0, 1]")

    // MARK: Blendshapes
    static let bsPoseNames = Rule(.error, "BS-POSENAMES", "The blendshape archive needs poseNames, starting with \"neutral\", stored as fixed-width byte strings (dtype S): the Audio2Face runtime misreads a unicode (U) array.", fix: "save poseNames=np.array(names, dtype='S')")
    static let bsPoseMissing = Rule(.error, "BS-POSE-MISSING", "Every pose in poseNames needs a member of that name.", fix: "add the pose's delta array or remove the name")
    static let bsArray = Rule(.error, "BS-ARRAY", "neutral and every pose must be float32 [vertices, 3] on the dataset's mesh (a float64 array is misread by the runtime).", fix: "save arrays with .astype(np.float32)")
    static let bsMask = Rule(.error, "BS-MASK", "frontalMask must be int32 vertex indices, in range, without duplicates.", fix: "save np.array(indices, dtype=np.int32) from the dataset's mesh")
    static let bsNeutral = Rule(.error, "BS-NEUTRAL", "The blendshape neutral must equal geom/<skin|tongue>/neutral_pose.npy.", fix: "rebuild the archive from the dataset's neutral pose")
    static let bsConfig = Rule(.error, "BS-CONFIG", "The solver config must have every key, numPoses = poses − 1, per-pose arrays of length numPoses, each cancel/symmetry pair id used exactly twice, at least one active pose, non-negative strengths and templateBBSize ≥ 1.", fix: "edit the config (the Claire configs are templates)")
    static let bsTemplateSize = Rule(.warning, "BS-BBSIZE", "templateBBSize should match the neutral's size: the runtime scales regularisation by (3-D bounding-box diagonal ÷ templateBBSize)².", fix: "set templateBBSize to the neutral's bounding-box diagonal")

    // MARK: Dataset
    static let datasetShots = Rule(.warning, "DATASET-SHOTS", "The guide recommends at least 50 unique shots.", fix: "record more shots, including pangrams")
    static let datasetEmotion = Rule(.warning, "DATASET-EMOTION", "Each emotion to be trained needs at least 3 distinct shots.", fix: "record more shots of this emotion")
    static let datasetNoEmotion = Rule(.info, "DATASET-NO-EMOTION", "Shots are tagged by an emotion in their name (e.g. cp33_anger); untagged shots train no emotion.", fix: "name shots with their emotion, or pass --emotions")

    /// Every rule, in report order.
    public static let all: [Rule] = [
        layoutNoAudio, layoutNoSkin, layoutStray, layoutFlat,
        cacheMissing, cacheMultiple, cacheName, cacheUnreadable, cacheNonFinite, cacheVertices, cacheFrameRate,
        cacheFrameRateLow, cacheDtype, cacheDuration, cacheScale, cacheOffset, cacheOrder, cacheMayaVariant,
        tongueMissing, tongueExtra, tongueFrames, headMotion,
        audioMissing, audioOrphan, audioFormat, audioUnreadable, audioRate, audioDepth, audioDuration, audioChannels,
        audioSilent, audioClipped, augMissing, augExtra, augSubstring, augDuration, syncOffset, augDrift,
        geomMissing, geomShape, geomNotDelta, geomListStructure, geomListRange, geomListDuplicate, geomListOrder, tongueRigid,
        jawNeutral, xformKeys, xformShape, xformCombineMistake, xformSaccade, xformBlink,
        bsPoseNames, bsPoseMissing, bsArray, bsMask, bsNeutral, bsConfig, bsTemplateSize,
        datasetShots, datasetEmotion, datasetNoEmotion,
    ]
}
