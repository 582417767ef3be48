/// Every rule `faceprep validate` checks, grouped as the guide is. `faceprep validate --rules`
/// prints them with their severity, source and what happens in the framework or SDK.
/// Facts: the Audio2Face-3D Training Framework v1.0.1 (TF) and SDK sources, and runs of the
/// framework's own code on faulty datasets.
public enum Rules {
    // MARK: Layout
    static let layoutNoAudio = Rule("LAYOUT-NO-AUDIO", .error, "The dataset needs an audio/ folder with one WAV per shot.",
        sources: [.guide, .framework], effect: "training reads each clip's WAV from AUDIO_ROOT and stops at the first that does not exist",
        fix: "create audio/ and put <shot>.wav there")
    static let layoutNoSkin = Rule("LAYOUT-NO-SKIN", .error, "The dataset needs cache/skin/ with one vertex cache per shot.",
        sources: [.guide, .framework], effect: "preprocessing stops: RuntimeError \"Unable to find any shot cache at the directory\"",
        fix: "export the skin caches to cache/skin/<shot>/<shot>.xml+.mc (or .pc2/.npy)")
    static let layoutStray = Rule("LAYOUT-STRAY", .error, "cache/skin/ and cache/tongue/ may hold only shot folders (and dot-files).",
        sources: [.framework], effect: "shot discovery globs cache/<kind>/* (files too), so the file becomes a shot and preprocessing stops: RuntimeError \"Unable to get cache file path for shot\" (TF utils.py)",
        fix: "move the file out of the cache folder")
    static let layoutFlat = Rule("LAYOUT-FLAT", .error, "A cache must lie in a folder named after its shot: cache/<kind>/<shot>/<shot>.{npy,xml,pc2}.",
        sources: [.guide, .framework], effect: "a file directly in cache/<kind>/ is taken for a shot named like the file, whose cache is not found: preprocessing stops with RuntimeError",
        fix: "move it into a folder named after the shot")
    static let shotNameGlob = Rule("SHOT-NAME-GLOB", .error, "Shot names must not act as glob patterns: a [class], or a * or ? that matches another shot.",
        sources: [.framework], effect: "the cache lookup globs cache/<kind>/<shot>/<shot>.{npy,xml,pc2} with the name as a pattern (TF utils.get_cache_fpath): a bracket class misses the shot's own files (RuntimeError), a wildcard that matches another shot's folder silently trains on that shot's animation",
        fix: "rename the shot (folder, cache, WAV and npz keys) without [ ] * ?")
    static let shotNameQuote = Rule("SHOT-NAME-QUOTE", .error, "Shot names must not contain \" or \\ (or control characters).",
        sources: [.framework], effect: "names are pasted into the generated deploy/shots.json and clips_template.py, which then do not parse: training stops with JSONDecodeError",
        fix: "rename the shot (folder, cache, WAV and npz keys) without \" or \\")

    // MARK: Caches
    static let cacheMissing = Rule("CACHE-MISSING", .error, "Every shot folder must hold a vertex cache named after the folder (<shot>.xml+.mc, <shot>.pc2 or <shot>.npy).",
        sources: [.guide, .framework], effect: "preprocessing stops: RuntimeError \"Unable to get cache file path for shot\"",
        fix: "export the shot's cache into its folder, named after the shot")
    static let cacheMultiple = Rule("CACHE-MULTIPLE", .warning, "One cache per shot.",
        sources: [.guide, .framework], effect: "the framework takes the first of <shot>.npy, .xml, .pc2 and ignores the others",
        fix: "delete the caches that are not the shot")
    static let cacheName = Rule("CACHE-NAME", .warning, "Files in a shot folder should be the shot's cache only.",
        sources: [.guide, .framework], effect: "the framework looks only for <shot>.{npy,xml,pc2}; other files in the folder are ignored",
        fix: "remove the file or rename it after its folder")
    static let cacheUnreadable = Rule("CACHE-UNREADABLE", .error, "Every cache must be complete and readable.",
        sources: [.framework], effect: "the framework's reader raises (tag, buffer-size or reshape errors) and preprocessing stops",
        fix: "re-export the cache")
    static let cacheNonFinite = Rule("CACHE-NONFINITE", .error, "Vertex positions must be finite.",
        sources: [.framework], effect: "a NaN or infinity enters the skin PCA: every component and coefficient becomes NaN, silently",
        fix: "re-export the shot; check the rig for degenerate deformers at the frame named")
    static let cacheVertices = Rule("CACHE-VERTICES", .error, "Every shot and the neutral must have the same vertex count and order.",
        sources: [.guide, .framework], effect: "vertex counts are never compared; preprocessing stops in np.vstack or the neutral broadcast with a numpy shape error",
        fix: "re-export from the same mesh as geom/*/neutral_pose.npy")
    static let cacheFrameRate = Rule("CACHE-FPS", .warning, "All shots should state one frame rate.",
        sources: [.guide], effect: "the framework ignores cache headers and reads every shot at the one CACHE_FPS of the dataset config: a header that disagrees changes nothing, but check the shot was exported at that rate",
        fix: "re-export the shot at the dataset's frame rate, or faceprep convert --fps to correct a wrong header")
    static let cacheFrameRateLow = Rule("CACHE-FPS-LOW", .warning, "The guide recommends about 30 fps or more.",
        sources: [.guide], effect: "fewer targets per second of speech", fix: "export at 30 fps or higher if the source allows")
    static let fpsDiffusion = Rule("FPS-DIFFUSION", .error, "For the diffusion model the frame rate must divide 60 (or nearly).",
        sources: [.framework], effect: "the diffusion data path resamples targets by round(60 / fps) and treats them as 60 fps (dataset.get_resampling_factor; only a log line): at other rates every target is shorter or longer than its audio",
        model: .diffusion, fix: "export at 30 or 60 fps (or 20, 15, 12, 10)")
    static let cacheDtype = Rule("CACHE-DTYPE", .warning, "The guide asks for little-endian float32 .npy caches.",
        sources: [.guide], effect: "the framework reads any dtype and byte order with np.load and casts to float32 in the PCA: the same numbers, at twice the disk for float64",
        fix: "faceprep convert the file to a float32 .npy")
    static let cacheDuration = Rule("CACHE-DURATION", .warning, "The guide recommends shots of 3 to 30 seconds.",
        sources: [.guide], effect: "none in the framework", fix: "split long shots; merge or drop very short ones")
    static let cacheTooShort = Rule("CACHE-TOO-SHORT", .error, "A shot needs at least 2 frames.",
        sources: [.framework], effect: "a 1-frame shot passes preprocessing, then training stops with ValueError \"All the channels are placeholders or have length 1\" (dataset.py trim_channel_data)",
        fix: "remove the shot or export more frames")
    static let cacheTooShortDiffusion = Rule("CACHE-TOO-SHORT-DIFFUSION", .error, "For the diffusion model a shot must last more than 0.2 s.",
        sources: [.framework], effect: "a clip of 0.2 s or less (6 frames at 30 fps) crashes the audio encoder's training-time masking",
        model: .diffusion, fix: "remove the shot or export a longer range")
    static let cacheScale = Rule("CACHE-SCALE", .error, "A shot must be in the neutral pose's units.",
        sources: [.framework], effect: "the skin PCA is taken of frame − neutral (custom mean): a rescaled shot trains as an enormous expression, silently",
        fix: "re-export with the scene's units, or rescale the cache")
    static let cacheOffset = Rule("CACHE-OFFSET", .error, "A shot must be in the neutral pose's space: its centroid far from the neutral's means a different world position or pivot.",
        sources: [.framework], effect: "the skin PCA is taken of frame − neutral: the offset trains as an expression, silently (a tongue is first stabilised on its rigid vertices, so only what remains after that counts)",
        fix: "re-export in object space (pre-transform), like the neutral pose")
    static let cacheOrder = Rule("CACHE-ORDER", .error, "A shot must keep the neutral's vertex order.",
        sources: [.framework], effect: "the skin PCA is taken of frame − neutral vertex by vertex: another order trains garbage, silently",
        fix: "re-export from the same mesh as the neutral pose (no topology changes, no reordering)")
    static let cacheMayaVariant = Rule("CACHE-MAYA-VARIANT", .error, "Maya caches must be OneFile FOR4 (<shot>.xml + <shot>.mc) with a single channel.",
        sources: [.framework], effect: "the framework's reader raises on FOR8 (\"expected FOR4\") and OneFilePerFrame (\"Unsupported cache type\"); several channels are interleaved as frames (wrong data, or a stack error)",
        fix: "faceprep convert <shot>.xml <new>/<shot>.xml (add --channel NAME for multi-channel caches)")
    static let tongueMissing = Rule("TONGUE-MISSING", .warning, "With tongue caches, every skin shot should have a tongue cache of the same name.",
        sources: [.guide, .framework], effect: "the shot silently gets a placeholder tongue channel and trains without tongue targets",
        fix: "export the tongue cache for this shot")
    static let tongueExtra = Rule("TONGUE-EXTRA", .warning, "A tongue cache should match a skin shot by name.",
        sources: [.guide], effect: "the tongue PCA includes it; no clip trains on it", fix: "rename it to its skin shot or remove it")
    static let tongueFrames = Rule("TONGUE-FRAMES", .warning, "A tongue cache should have as many frames as its skin cache.",
        sources: [.guide, .framework], effect: "training trims every channel of the shot to the shortest, with a log warning (\"Trimming ... data len\")",
        fix: "re-export the tongue over the same frame range")

    // MARK: Static head
    static let headMotion = Rule("HEAD-MOTION", .error, "The head must be completely static: no rigid rotation or translation of the whole head (measured on the skull and neck, so expressions do not count).",
        sources: [.guide, .framework], effect: "the skin PCA is taken of frame − neutral: head motion trains as expression, silently",
        fix: "faceprep stabilize DATASET --out NEW writes a copy of the dataset with every skin shot stabilised against the neutral")

    // MARK: Units
    static let scaleUnits = Rule("SCALE-UNITS", .error, "The dataset must be in centimetres, the framework's unit.",
        sources: [.framework], effect: "the framework has absolute thresholds in centimetres: EyeOpenMask counts eyes open above 0.35, pose pruning uses an L2 radius of 4.0, the lip-distance loss weighs exp(−gap): in metres every sample is masked out as eyes-closed and pruning keeps ~2 frames a shot; in millimetres pruning keeps far too many frames and the lip loss weight falls to ~1e-9 — silently",
        fix: "re-export in centimetres (scale every cache, neutral and delta by the factor given)")
    static let eyeGap = Rule("EYE-GAP", .error, "The neutral's eyes must be open wider than the regression model's eyes-closed threshold (mean upper − lower lid gap on +Y > 0.35).",
        sources: [.framework], effect: "layers.EyeOpenMask drops every training sample whose mean lid gap over eye_dist_vertex_list is ≤ 0.35: samples with eyes as open as the neutral train nothing, silently",
        model: .regression, fix: "check eye_dist_vertex_list.json picks the lid centres, and the dataset's units")

    // MARK: Audio
    static let audioMissing = Rule("AUDIO-MISSING", .error, "Every shot needs audio/<shot>.wav with exactly the shot's name.",
        sources: [.guide, .framework], effect: "the clip template names <shot>.wav; training stops when soundfile cannot open it",
        fix: "export the shot's audio as audio/<shot>.wav")
    static let audioOrphan = Rule("AUDIO-ORPHAN", .warning, "Every WAV should belong to a shot.",
        sources: [.guide], effect: "unused by the framework", fix: "add its cache or remove it")
    static let audioFormat = Rule("AUDIO-FORMAT", .warning, "Only <shot>.wav files are read.",
        sources: [.guide, .framework], effect: "audio in other files is not referenced by any clip", fix: "convert it to WAV (e.g. sox in.mp3 -b 16 out.wav)")
    static let audioUnreadable = Rule("AUDIO-UNREADABLE", .error, "Every WAV must be complete and readable.",
        sources: [.framework], effect: "soundfile (libsndfile) raises and training stops", fix: "re-export the audio")
    static let audioNonFinite = Rule("AUDIO-NONFINITE", .error, "Audio samples must be finite numbers.",
        sources: [.framework], effect: "libsndfile hands NaN or infinite float samples to the resampler and the network: every feature window that touches them is NaN, silently",
        fix: "re-export the audio (as 16- or 24-bit PCM, which cannot hold NaN)")
    static let audioNotWav = Rule("AUDIO-NOT-WAV", .warning, "A .wav file should hold WAV data.",
        sources: [.guide], effect: "libsndfile reads FLAC, OGG or AIFF by content, so the framework trains on the same samples; FacePrep cannot analyse it",
        fix: "convert it to WAV (sox in.wav -b 16 out.wav)")
    static let audioRate = Rule("AUDIO-RATE", .warning, "The guide asks for a sampling rate of at least 16000 Hz.",
        sources: [.guide], effect: "torchaudio resamples to 16 kHz: training runs, on audio without the detail above the recording's Nyquist frequency",
        fix: "re-export at 16 kHz or more from the original recording")
    static let audioDepth = Rule("AUDIO-DEPTH", .warning, "The guide asks for at least 16 bits (float is fine).",
        sources: [.guide], effect: "libsndfile reads 8-bit PCM; training runs on its coarser samples", fix: "re-export at 16 or 24 bits from the original recording")
    static let audioShort = Rule("AUDIO-SHORT", .error, "The audio must last as long as the animation (frames ÷ fps), to within one frame.",
        sources: [.guide, .framework], effect: "audio length is never compared: frames past the audio's end train on zero-padded silence, silently",
        fix: "re-export the audio over the animation's range (or trim the animation)")
    static let audioLong = Rule("AUDIO-LONG", .warning, "The guide asks for audio as long as the animation, to within one frame.",
        sources: [.guide], effect: "audio past the last frame is never read: the same numbers reach training",
        fix: "trim the audio to the animation's range")
    static let audioChannels = Rule("AUDIO-CHANNELS", .warning, "The guide asks for mono audio.",
        sources: [.guide, .framework], effect: "channels are averaged to mono; phase differences between them can cancel speech", fix: "export mono")
    static let audioSilent = Rule("AUDIO-SILENT", .warning, "A track quieter than −60 dBFS holds no usable speech.",
        sources: [.guide], effect: "the shot trains mouth motion against silence", fix: "check the export; re-record or remove the shot")
    static let audioClipped = Rule("AUDIO-CLIPPED", .warning, "More than 0.1% of samples at full scale: the recording is clipped.",
        sources: [.guide], effect: "distorted input features", fix: "re-export at a lower gain")
    static let augMissing = Rule("AUG-MISSING", .warning, "Each augmented voice (audio/aug/<voice>/) should cover every shot.",
        sources: [.guide], effect: "the framework makes no clip for that voice and shot: less augmentation", fix: "generate the missing shot for this voice")
    static let augExtra = Rule("AUG-EXTRA", .warning, "An augmented track should be named after its shot.",
        sources: [.guide, .framework], effect: "a track whose name contains no shot name is paired with no shot and never used", fix: "rename it after its shot or remove it")
    static let augSuffix = Rule("AUG-SUFFIX", .info, "An augmented track named with more than its shot's name.",
        sources: [.framework], effect: "the framework pairs augmented tracks with shots by substring (preproc_deploy), so it is used for the shot named", fix: "none needed; rename it to <shot>.wav for clarity")
    static let augSubstring = Rule("AUG-SUBSTRING", .error, "No augmented track may contain the name of a shot other than its own.",
        sources: [.framework], effect: "the framework pairs a track with every shot whose name it contains (S in aug_fname): the track also trains as audio for the other shot's animation — extra, wrong clips, silently",
        fix: "rename shots so that no shot name contains another (e.g. neutral_01 … neutral_10)")
    static let augShort = Rule("AUG-SHORT", .error, "An augmented track must last as long as its shot's animation, to within one frame.",
        sources: [.guide, .framework], effect: "frames past the track's end train on zero-padded silence, silently", fix: "regenerate the track with the original's timing")
    static let augLong = Rule("AUG-LONG", .warning, "An augmented track should last as long as its shot's animation.",
        sources: [.guide], effect: "audio past the last frame is never read", fix: "trim the track to the animation's range")
    static let syncOffset = Rule("SYNC-OFFSET", .warning, "Audio and animation must be synchronised (measured by cross-correlating speech loudness with mouth opening; only confident results are reported).",
        sources: [.guide], effect: "a mouth that opens frames before or after the speech trains a model that lip-syncs early or late; this is an estimate, so it stays a warning (real speech shows the mouth a little before the sound)",
        fix: "check the DCC's audio offset and the cache's start frame; faceprep sync shows every shot's lag")
    static let augDrift = Rule("AUG-DRIFT", .warning, "An augmented voice must keep its original's timing exactly (an estimate from the two envelopes).",
        sources: [.guide], effect: "a shifted track trains the wrong timing for its voice", fix: "regenerate the track from the original without padding or trimming its start")

    // MARK: Geometry
    static let geomMissing = Rule("GEOM-MISSING", .warning, "The guide asks for geom/skin/neutral_pose.npy, eye_close_pose_delta.npy, lip_open_pose_delta.npy and the three vertex lists (and geom/tongue/ files with tongue caches).",
        sources: [.guide, .framework], effect: "the framework logs and turns the feature off: without the neutral the PCA mean is the data mean; without a list its loss or mask is off; without the tongue files the tongue is skipped",
        fix: "export the missing file as the guide describes")
    static let geomShape = Rule("GEOM-SHAPE", .error, "A neutral or delta must be [vertices, 3] with the dataset's vertex count (a skin neutral may be flat [3V]).",
        sources: [.framework], effect: "preprocessing stops with a numpy shape error (a flat tongue neutral crashes the tongue stabilisation)",
        fix: "save the pose as [vertices, 3] from the dataset's mesh")
    static let geomDtype = Rule("GEOM-DTYPE", .warning, "The guide asks for float32 [vertices, 3] neutral poses.",
        sources: [.guide], effect: "the skin and tongue neutrals are cast to float32 in the PCA (a flat [3V] skin neutral is reshaped): the same numbers",
        fix: "np.save(path, array.astype(np.float32).reshape(-1, 3))")
    static let geomSdkDtype = Rule("GEOM-SDK-DTYPE", .error, "eye_close_pose_delta.npy and lip_open_pose_delta.npy must be float32.",
        sources: [.framework, .sdk], effect: "the framework copies them unchanged into network_data.npz, and the SDK reads every array there as float32 without a check: float64 data is misread at inference",
        fix: "np.save(path, array.astype(np.float32))")
    static let geomNotDelta = Rule("GEOM-NOT-DELTA", .error, "eye_close_pose_delta and lip_open_pose_delta are displacements from the neutral, not absolute poses.",
        sources: [.guide, .sdk], effect: "the SDK adds them to the face as correctives (eyelid and lip-open offsets): an absolute pose moves every vertex by a head's width",
        fix: "save pose − neutral")
    static let geomListStructure = Rule("GEOM-LIST-STRUCTURE", .error, "Vertex lists must parse with the guide's keys, and paired lists must have equal, non-zero lengths.",
        sources: [.framework], effect: "training reads them with json.load and indexes y[upper] − y[lower]: a missing key or unequal lengths stop it",
        fix: "re-export the list with the guide's script")
    static let geomListEyeCount = Rule("GEOM-LIST-EYE-COUNT", .warning, "The guide's eye list has one upper and one lower vertex per eye, [left, right].",
        sources: [.guide], effect: "the regression mask averages every pair, and the diffusion mask uses lower[0] and lower[1]; more pairs work, lower[0..1] must then be one per eye",
        fix: "keep one lid-centre pair per eye")
    static let geomListRange = Rule("GEOM-LIST-RANGE", .error, "Vertex indices must lie in [0, vertex count).",
        sources: [.framework], effect: "training stops with IndexError", fix: "re-export the list from the dataset's mesh")
    static let geomListDuplicate = Rule("GEOM-LIST-DUPLICATE", .warning, "A vertex should appear only once in a list.",
        sources: [.guide], effect: "the pair counts twice in its loss or mask", fix: "re-export the list")
    static let geomListOrder = Rule("GEOM-LIST-ORDER", .error, "Upper vertices must lie above lower ones in the neutral, as the framework measures them: the mean upper − lower distance on +Y over all pairs must be positive.",
        sources: [.framework], effect: "distances are y[upper] − y[lower]: with a swapped eye list every sample counts as eyes-closed and is masked out; with a swapped lip list the lip loss loses its weighting on closed lips — silently (single pairs may touch at the lip corners)",
        fix: "swap upper and lower, or check the mesh's up axis is +Y")
    static let geomListFloat = Rule("GEOM-LIST-FLOAT", .error, "The eye list's indices must be JSON integers for the diffusion model.",
        sources: [.framework], effect: "the diffusion setup indexes the PCA mean with the eye list (losses.cal_mask_params) and stops with IndexError on 744.0",
        model: .diffusion, fix: "write the indices as integers (744, not 744.0)")
    static let geomListFloatHarmless = Rule("GEOM-LIST-FLOAT-INDEX", .warning, "The guide's vertex lists hold integers.",
        sources: [.guide], effect: "integer-valued floats (744.0) index correctly where the framework uses this list", fix: "write the indices as integers (744, not 744.0)")
    static let tongueRigid = Rule("TONGUE-RIGID", .error, "rigid_vertex_list.json needs at least 3 distinct, in-range tongue vertices that are not collinear.",
        sources: [.framework], effect: "the tongue is stabilised by Kabsch on these vertices: fewer than 3 or collinear ones give an arbitrary rotation, and the tongue PCA trains on it, silently (an index out of range stops preprocessing)",
        fix: "pick 4 or more rigid vertices spread over the underside of the tongue")
    static let tongueRigidFew = Rule("TONGUE-RIGID-FEW", .warning, "The guide asks for 4 or more rigid tongue vertices.",
        sources: [.guide], effect: "3 non-collinear vertices determine the rotation exactly, with no redundancy against noise",
        fix: "pick 4 or more rigid vertices spread over the underside of the tongue")

    // MARK: Transforms
    static let jawNeutral = Rule("XFORM-JAW-NEUTRAL", .error, "jaw_keypoints_neutral.npy must be float32 [N, 3] with N ≥ 3 points that are not collinear (the guide uses 5).",
        sources: [.framework, .sdk], effect: "copied unchanged into network_data.npz (the SDK reads float32 blindly, so float64 is misread); the SDK's jaw transform is Kabsch on these points, undetermined when collinear",
        fix: "pick 5 rigid, well-spread jaw vertices and save them as float32")
    static let xformKeys = Rule("XFORM-KEYS", .error, "jaw_keypoints_cache_all.npz and eye_rotations_all.npz need one member per skin shot, named exactly as the shot.",
        sources: [.framework], effect: "training looks each shot up by name: a missing member stops it with KeyError",
        fix: "rebuild the archive with the shot names as keys")
    static let xformExtraKey = Rule("XFORM-EXTRA-KEY", .warning, "Per-shot archives should hold members for shots only.",
        sources: [.guide], effect: "members that match no shot are never read", fix: "remove the extra members")
    static let xformShape = Rule("XFORM-SHAPE", .error, "Jaw members must be [frames, N, 3] with N the jaw neutral's points; eye members [frames, 2, 2] (or [frames, 4]); every value finite.",
        sources: [.framework], effect: "training stops: ValueError \"Channel size mismatch for \\\"jaw\\\"\" (or \"eye\")",
        fix: "re-export the shot's transforms")
    static let xformFrames = Rule("XFORM-FRAMES", .warning, "Per-shot transforms should have the shot's frame count.",
        sources: [.guide, .framework], effect: "training trims every channel of the shot to the shortest, with a log warning: a longer member loses its tail, a shorter one shortens the shot",
        fix: "re-export the shot's transforms over its frame range")
    static let xformDtype = Rule("XFORM-DTYPE", .warning, "The guide asks for float32 per-shot transforms, eye rotations as [frames, 2, 2].",
        sources: [.guide], effect: "training casts them to float32 and flattens each frame: float64 or [frames, 4] gives the same numbers",
        fix: "save them as float32 [frames, N, 3] / [frames, 2, 2]")
    static let xformCombineMistake = Rule("XFORM-COMBINE-MISTAKE", .error, "A member holds the string 'anim' or 'rotations' instead of an array: the guide's combine script saved np.load(file) (an NpzFile) rather than its array.",
        sources: [.guide, .framework], effect: "training reads a string array as the shot's channel and stops",
        fix: "combine with shots_caches[name] = np.load(file)['anim'] (or ['rotations'])")
    static let xformSaccade = Rule("XFORM-SACCADE", .error, "eye_saccade_rotations.npy must be float32 [frames, 2] of finite values.",
        sources: [.framework, .sdk], effect: "copied unchanged into network_data.npz as saccade_rot_matrix; the SDK reads it as float32 [N, 2] without a check",
        fix: "np.save(path, array.astype(np.float32))")
    static let xformBlink = Rule("XFORM-BLINK", .error, "eye_blink_keys.npy must be float32 [frames] with values in [0, 1].",
        sources: [.framework, .sdk], effect: "copied unchanged into network_data.npz as blink_keys, which is read as float32 without a check",
        fix: "re-export the blink curve as float32, clamped to [0, 1]")

    // MARK: Blendshapes
    static let bsPoseNames = Rule("BS-POSENAMES", .error, "The blendshape archive needs poseNames, starting with \"neutral\", stored as fixed-width byte strings (dtype S).",
        sources: [.sdk], effect: "the SDK refuses \"poseNames[0] should be the neutral pose\", and parses a unicode (U) array into wrong names",
        fix: "save poseNames=np.array(names, dtype='S')")
    static let bsPoseMissing = Rule("BS-POSE-MISSING", .error, "Every pose in poseNames needs a member of that name.",
        sources: [.sdk], effect: "the SDK refuses: \"Delta pose (X) is not found\"", fix: "add the pose's delta array or remove the name")
    static let bsArray = Rule("BS-ARRAY", .error, "neutral and every pose must be float32 [vertices, 3] on the dataset's mesh.",
        sources: [.sdk], effect: "the SDK reads the neutral as float32 without a check (float64 is misread) and refuses deltas of another size: \"Delta poses size mismatch\"",
        fix: "save arrays with .astype(np.float32)")
    static let bsMask = Rule("BS-MASK", .error, "frontalMask must be int32 vertex indices, in range, without duplicates.",
        sources: [.sdk], effect: "the SDK reads it as int32 (as_vec<int>): another dtype gives wrong vertices", fix: "save np.array(indices, dtype=np.int32) from the dataset's mesh")
    static let bsNeutral = Rule("BS-NEUTRAL", .error, "The blendshape neutral must equal geom/<skin|tongue>/neutral_pose.npy.",
        sources: [.guide, .sdk], effect: "the SDK solves the model's output (around the training neutral) against the blendshape neutral: the difference becomes weights, silently",
        fix: "rebuild the archive from the dataset's neutral pose")
    static let bsConfig = Rule("BS-CONFIG", .error, "The solver config must have every key, numPoses = poses − 1, per-pose arrays of length numPoses, each cancel/symmetry pair id used exactly twice, at least one active pose, non-negative strengths and templateBBSize ≥ 1.",
        sources: [.sdk], effect: "the SDK refuses the config (\"... size mismatch\", \"Found invalid pair\", \"at least one pose must be set to active\")",
        fix: "edit the config (the Claire configs are templates)")
    static let bsMinusOnePair = Rule("BS-MINUS-ONE-PAIR", .error, "In bsSolveSymmetryPoses and bsSolveCancelPoses, -1 means no pair; but exactly two active poses at -1 form a pair in the SDK.",
        sources: [.sdk], effect: "the SDK builds pairs by id among active poses, and -1 is an id like any other there: exactly two active -1 poses are tied (symmetry) or cancel each other, silently",
        fix: "give every pose a pair id, or make sure the -1 poses are not exactly two active ones (e.g. set one of them inactive or give the pair a real id if intended)")
    static let bsTemplateSize = Rule("BS-BBSIZE", .warning, "templateBBSize should be the neutral's 3-D bounding-box diagonal, which the SDK divides by it.",
        sources: [.sdk], effect: "every regularisation strength is scaled by (diagonal ÷ templateBBSize)²: the solve is regularised more or less than the config's numbers say",
        fix: "set templateBBSize to the neutral's bounding-box diagonal")
    static let bsTemplateHeight = Rule("BS-BBSIZE-HEIGHT", .info, "templateBBSize is the neutral's vertical height, as the guide defines it; the SDK divides the 3-D diagonal by it.",
        sources: [.guide, .sdk], effect: "every strength's effective scale is (diagonal ÷ height)² times what the diagonal would give; the guide's tuned values assume this",
        fix: "none needed if the strengths were tuned with it; set it to the diagonal for strengths at face value")

    // MARK: Dataset
    static let datasetShots = Rule("DATASET-SHOTS", .warning, "The guide recommends at least 50 unique shots.",
        sources: [.guide], effect: "less to learn from", fix: "record more shots, including pangrams")
    static let datasetEmotion = Rule("DATASET-EMOTION", .warning, "Each emotion to be trained needs at least 3 distinct shots.",
        sources: [.guide], effect: "too few shots to learn the emotion", fix: "record more shots of this emotion")
    static let datasetNoEmotion = Rule("DATASET-NO-EMOTION", .info, "Shots are tagged by an emotion in their name (e.g. cp33_anger).",
        sources: [.framework], effect: "the framework tags a shot with the first emotion name it contains, else \"neutral\"", fix: "name shots with their emotion, or pass --emotions")

    /// Every rule, in report order.
    public static let all: [Rule] = [
        layoutNoAudio, layoutNoSkin, layoutStray, layoutFlat, shotNameGlob, shotNameQuote,
        cacheMissing, cacheMultiple, cacheName, cacheUnreadable, cacheNonFinite, cacheVertices, cacheFrameRate,
        cacheFrameRateLow, fpsDiffusion, cacheDtype, cacheDuration, cacheTooShort, cacheTooShortDiffusion, cacheScale, cacheOffset, cacheOrder,
        cacheMayaVariant, tongueMissing, tongueExtra, tongueFrames, headMotion, scaleUnits, eyeGap,
        audioMissing, audioOrphan, audioFormat, audioUnreadable, audioNonFinite, audioNotWav, audioRate, audioDepth, audioShort, audioLong, audioChannels,
        audioSilent, audioClipped, augMissing, augExtra, augSuffix, augSubstring, augShort, augLong, syncOffset, augDrift,
        geomMissing, geomShape, geomDtype, geomSdkDtype, geomNotDelta, geomListStructure, geomListEyeCount, geomListRange, geomListDuplicate,
        geomListOrder, geomListFloat, geomListFloatHarmless, tongueRigid, tongueRigidFew,
        jawNeutral, xformKeys, xformExtraKey, xformShape, xformFrames, xformDtype, xformCombineMistake, xformSaccade, xformBlink,
        bsPoseNames, bsPoseMissing, bsArray, bsMask, bsNeutral, bsConfig, bsMinusOnePair, bsTemplateSize, bsTemplateHeight,
        datasetShots, datasetEmotion, datasetNoEmotion,
    ]
}
