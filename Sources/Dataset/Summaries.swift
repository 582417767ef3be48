import Analysis
import Foundation
import Formats
import Linalg

/// What validation keeps of a cache after reading it once: counts, rates and the comparison with the
/// neutral — never the positions, so a 54-shot dataset needs memory for one cache per core only.
public struct CacheSummary: Sendable, Codable {
    public let file: String
    public let frameCount: Int
    public let vertexCount: Int
    public let framesPerSecond: Double?
    public let format: CacheFormat
    public let storedType: String
    public let variant: String
    public let channels: [String]
    /// Mean frame against the neutral pose, when a neutral of the same vertex count exists. For a
    /// tongue, the mean of its frames after each is rigidly aligned to the neutral (`tongueAlignment`).
    public let comparison: PoseComparison?
    /// Rigid head motion against the neutral (skin caches with a matching neutral).
    public let headMotion: HeadMotion.Summary?
    /// Mouth opening per frame, for the sync rules (skin caches): from the lip list when it fits
    /// this mesh, else from the lower face when the neutral matches.
    public let mouth: MouthSignal?
    /// How a tongue cache was aligned before the comparison (nil for skin caches).
    public let tongueAlignment: TongueAlignment?
    /// Median L2 distance, over all coordinates, of a frame from the frame the framework's pose
    /// pruning compares it with (every 10th frame is an anchor), mesh units: estimated from the head
    /// sample (skin caches with a neutral and more than one frame).
    public let pruneDistance: Double?

    /// How a tongue is put back on its neutral before comparing: it rides the jaw (25° in a wide
    /// open mouth), so only what is left after the rigid motion says anything about scale or order.
    /// The training framework stabilises it the same way, from the rigid vertex list.
    public enum TongueAlignment: Sendable, Equatable, Codable {
        /// Kabsch on `geom/tongue/rigid_vertex_list.json`.
        case rigidVertices([Int])
        /// Kabsch on every (sampled) vertex: no usable rigid list.
        case allVertices
    }

    /// Streams the cache in blocks of frames, so memory stays at one block whatever its length.
    /// `head` measures the head motion of a skin cache; `tongue` aligns a tongue cache first.
    init(file: String, frames: CacheFrames, neutral: [Float]?, head: HeadReference?, tongue: TongueAlignment? = nil,
         lipList: UpperLowerVertexList? = nil) throws {
        self.file = file
        frameCount = frames.frameCount
        vertexCount = frames.vertexCount
        framesPerSecond = frames.framesPerSecond
        format = frames.source.format
        storedType = frames.source.storedType
        variant = frames.source.variant
        channels = frames.source.channels
        let matching = neutral.flatMap { $0.count == frames.valuesPerFrame && frames.frameCount > 0 ? $0 : nil }
        let isSkin = tongue == nil
        let headReference = matching == nil ? nil : head.flatMap { $0.neutral.count == frames.valuesPerFrame ? $0 : nil }
        let mouthSampling = isSkin
            ? MouthSampling.lips(lipList, vertexCount: frames.vertexCount) ?? matching.flatMap { MouthSampling.lowerFace(neutral: $0) } : nil
        // The tongue's alignment needs its rigid vertices and a sample of all of them in every frame.
        let rigid: [Int]
        switch tongue {
        case let .rigidVertices(list)?: rigid = list
        default: rigid = []
        }
        let tongueSample = matching != nil && !isSkin ? HeadMotion.sampleIndices(vertexCount: frames.vertexCount, limit: 4000) : []
        // One pass reads every sample: the head's vertices of each frame, the mouth's, the tongue's.
        // The pruning distance is over the whole face: an even sample of the mesh, not the rigid set.
        let meshSample = matching != nil && isSkin ? HeadMotion.sampleIndices(vertexCount: frames.vertexCount, limit: 500) : []
        let (mean, samples) = try CacheSummary.stream(frames, samplings: [headReference?.candidates ?? [], mouthSampling?.indices ?? [],
                                                                          tongueSample, tongueSample.isEmpty ? [] : rigid, meshSample])
        mouth = mouthSampling?.signal(sampled: samples[1], frames: frames.frameCount)
        tongueAlignment = tongue
        if let neutral = matching {
            if isSkin {
                comparison = PoseComparison(frame: mean[...], neutral: neutral[...])
            } else {
                comparison = CacheSummary.alignedComparison(neutral: neutral, sample: tongueSample, positions: samples[2],
                                                            rigid: rigid, rigidPositions: samples[3], frameCount: frames.frameCount)
            }
            headMotion = try headReference.map { try $0.estimate(candidatePositions: samples[0], frameCount: frames.frameCount).summary }
            pruneDistance = CacheSummary.anchorDistance(samples[4], sampled: meshSample.count, vertexCount: frames.vertexCount, frameCount: frames.frameCount)
        } else {
            comparison = nil
            headMotion = nil
            pruneDistance = nil
        }
    }

    /// The median distance of non-anchor frames from their anchor (the last multiple of 10 before
    /// them), from `sampled` of `vertexCount` vertices `[F, sampled, 3]`, scaled by √(V / sampled)
    /// to the whole mesh's coordinates.
    static func anchorDistance(_ positions: [Float], sampled: Int, vertexCount: Int, frameCount: Int) -> Double? {
        guard sampled > 0, frameCount > 1 else { return nil }
        let width = 3 * sampled
        guard positions.count >= frameCount * width else { return nil }
        var distances: [Double] = []
        positions.withUnsafeBufferPointer { all in
            for f in 0..<frameCount where f % 10 != 0 {
                distances.append(Summation.squaredDistance(all, f * width, (f - f % 10) * width, count: width).squareRoot())
            }
        }
        guard !distances.isEmpty else { return nil }
        distances.sort()
        return distances[distances.count / 2] * (Double(vertexCount) / Double(sampled)).squareRoot()
    }

    /// The comparison of the mean of rigidly aligned frames with the neutral, over `sample`:
    /// each frame `[F, sample, 3]` is moved onto the neutral by Kabsch on `rigid` (or on the whole
    /// sample when `rigid` is empty), as the training framework stabilises a tongue.
    static func alignedComparison(neutral: [Float], sample: [Int], positions: [Float], rigid: [Int], rigidPositions: [Float],
                                  frameCount: Int) -> PoseComparison? {
        let useRigid = !rigid.isEmpty
        let anchor = useRigid ? rigid : sample
        let reference = anchor.flatMap { i in (0..<3).map { Double(neutral[3 * i + $0]) } }
        guard let fits = try? Kabsch(reference: reference).fit(frames: useRigid ? rigidPositions : positions, frameCount: frameCount) else {
            return nil
        }
        let n = sample.count
        var sums = [Double](repeating: 0, count: 3 * n)
        for (f, fit) in fits.enumerated() {
            for i in 0..<n {
                let k = (f * n + i) * 3
                let p = fit.transform.apply(SIMD3(Double(positions[k]), Double(positions[k + 1]), Double(positions[k + 2])))
                sums[3 * i] += p.x; sums[3 * i + 1] += p.y; sums[3 * i + 2] += p.z
            }
        }
        let aligned = sums.map { Float($0 / Double(max(frameCount, 1))) }
        let neutralSample = sample.flatMap { neutral[(3 * $0)..<(3 * $0 + 3)] }
        return PoseComparison(frame: aligned[...], neutral: neutralSample[...])
    }

    /// One pass over the cache: the average of all frames, `[V, 3]` — each frame added to Double sums
    /// as it is read, which also finds any NaN or infinity (named with its place in the file) — and,
    /// for each list of `samplings`, the positions of its vertices in every frame, `[F, S, 3]`, decoded
    /// in the same read.
    static func stream(_ frames: CacheFrames, samplings: [[Int]]) throws -> (mean: [Float], sampled: [[Float]]) {
        let width = frames.valuesPerFrame
        guard frames.frameCount > 0, width > 0 else { return ([Float](repeating: 0, count: width), samplings.map { _ in [] }) }
        // Every sampled vertex once, ascending: one selection decoded per frame, then shared out.
        let unique = Array(Set(samplings.joined())).sorted()
        guard unique.allSatisfy({ $0 >= 0 && 3 * $0 + 2 < width }) else {
            throw FormatError(file: frames.source.path, .wholeFile, "a sampled vertex lies outside the cache's \(frames.vertexCount) vertices")
        }
        let runs = unique.isEmpty ? nil : CoordinateRuns(vertices: unique)
        var sums: [Double] = [], packed: [Float] = []
        if let bad = try frames.accumulate(into: &sums, sampling: runs, into: &packed) {
            // The frame holding it, decoded whole for the first non-finite value and its place.
            var row: [Float] = []
            try frames.decode(bad..<(bad + 1), into: &row)
            let offset = row.firstIndex { !$0.isFinite } ?? 0
            let index = bad * width + offset
            let place = "frame \(bad), vertex \(offset / 3), \(["x", "y", "z"][offset % 3])"
            let problem = "\(place) is \(row[offset]); vertex positions must be finite numbers"
            if let (file, byteOffset) = frames.place(ofValue: index) { throw FormatError(file: file, .byteOffset(byteOffset), problem) }
            throw FormatError(file: frames.source.path, .element(place), problem)
        }
        let count = Double(frames.frameCount)
        let mean = (0..<width).map { Float(sums[$0] / count) }
        let slot = Dictionary(uniqueKeysWithValues: unique.enumerated().map { ($1, $0) })
        let stride = 3 * unique.count
        let sampled = samplings.map { vertices -> [Float] in
            let positions = vertices.map { 3 * (slot[$0] ?? 0) }
            var values = [Float](repeating: 0, count: frames.frameCount * 3 * vertices.count)
            values.withUnsafeMutableBufferPointer { out in
                packed.withUnsafeBufferPointer { source in
                    guard let to = out.baseAddress, let from = source.baseAddress else { return }
                    for f in 0..<frames.frameCount {
                        let row = from + f * stride, target = to + f * 3 * positions.count
                        for (i, p) in positions.enumerated() {
                            target[3 &* i] = row[p]; target[3 &* i &+ 1] = row[p &+ 1]; target[3 &* i &+ 2] = row[p &+ 2]
                        }
                    }
                }
            }
            return values
        }
        return (mean, sampled)
    }

    /// The positions of `vertices` in every frame, `[F, S, 3]`: only those vertices' coordinates are
    /// read from the file.
    static func sample(_ frames: CacheFrames, vertices: [Int]) throws -> [Float] {
        let unique = Array(Set(vertices)).sorted()
        guard frames.frameCount > 0, !vertices.isEmpty, let runs = CoordinateRuns(vertices: unique), runs.end <= frames.valuesPerFrame else {
            return []
        }
        var packed: [Float] = []
        try frames.decode(0..<frames.frameCount, selecting: runs, into: &packed)
        let slot = Dictionary(uniqueKeysWithValues: unique.enumerated().map { ($1, $0) })
        let positions = vertices.map { slot[$0] ?? 0 }
        var sampled = [Float]()
        sampled.reserveCapacity(frames.frameCount * vertices.count * 3)
        for f in 0..<frames.frameCount {
            let row = f * runs.count
            for p in positions { sampled.append(packed[row + 3 * p]); sampled.append(packed[row + 3 * p + 1]); sampled.append(packed[row + 3 * p + 2]) }
        }
        return sampled
    }

    /// Appends the positions of `vertices` in the first `count` frames (rows `width` wide) of `block`.
    static func gather(_ vertices: [Int], from block: [Float], frames count: Int, width: Int, into sampled: inout [Float]) {
        let stride = 3 * vertices.count, start = sampled.count
        guard stride > 0, count > 0, count * width <= block.count, vertices.allSatisfy({ $0 >= 0 && 3 * $0 + 2 < width }) else { return }
        sampled.append(contentsOf: repeatElement(0, count: count * stride))
        block.withUnsafeBufferPointer { source in
            sampled.withUnsafeMutableBufferPointer { target in
                vertices.withUnsafeBufferPointer { indices in
                    guard let from = source.baseAddress, let to = target.baseAddress.map({ $0 + start }), let index = indices.baseAddress else { return }
                    for f in 0..<count {
                        let row = from + f * width, out = to + f * stride
                        for i in 0..<indices.count {
                            let base = 3 &* index[i]
                            out[3 &* i] = row[base]; out[3 &* i &+ 1] = row[base &+ 1]; out[3 &* i &+ 2] = row[base &+ 2]
                        }
                    }
                }
            }
        }
    }

    /// Why the training framework cannot read this Maya cache variant, if it cannot.
    var unreadableMayaVariant: String? {
        guard format == .mayaCache else { return nil }
        var reasons: [String] = []
        if variant.hasPrefix("FOR8") { reasons.append("FOR8 (.mcx)") }
        if variant.contains("OneFilePerFrame") { reasons.append("OneFilePerFrame") }
        if channels.count > 1 { reasons.append("\(channels.count) channels") }
        return reasons.isEmpty ? nil : reasons.joined(separator: ", ")
    }
}

/// What validation keeps of a WAV file.
public struct AudioSummary: Sendable {
    public let file: String
    public let sampleRate: Int
    public let bitsPerSample: Int
    public let encoding: WavAudio.Encoding
    public let channelCount: Int
    public let duration: Double
    public let levels: AudioLevels
    /// Speech activity per animation frame, for tracks that belong to a shot's animation.
    public let activity: [Double]?
    /// The fine envelope, for comparing augmented tracks with their originals (only kept when the
    /// dataset has augmented voices).
    public let envelope: TrackEnvelope?
    /// Samples that are NaN or infinite (float WAVs can hold them).
    public let nonFiniteSamples: Int
    /// The first of them, as a sample index of the interleaved data.
    public let firstNonFinite: Int?

    /// - Parameters:
    ///   - frames: the shot's animation frames at `framesPerSecond`, when the track has an animation.
    ///   - fineEnvelope: whether to keep the fine envelope.
    init(file: String, audio: WavAudio, frames: Int?, framesPerSecond: Double, fineEnvelope: Bool) {
        self.file = file
        sampleRate = audio.sampleRate
        bitsPerSample = audio.bitsPerSample
        encoding = audio.encoding
        channelCount = audio.channelCount
        duration = audio.duration
        firstNonFinite = audio.samples.firstIndex { !$0.isFinite }
        nonFiniteSamples = firstNonFinite == nil ? 0 : audio.samples.reduce(0) { $0 + ($1.isFinite ? 0 : 1) }
        let mono = audio.mono()
        levels = AudioLevels(samples: mono)
        activity = frames.map { SpeechActivity.perFrame(mono, sampleRate: audio.sampleRate, frames: $0, framesPerSecond: framesPerSecond) }
        envelope = fineEnvelope ? TrackEnvelope(file: file, sampleRate: audio.sampleRate, samples: mono) : nil
    }
}
