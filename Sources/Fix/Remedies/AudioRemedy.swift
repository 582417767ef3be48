import Dataset
import Formats
import Foundation
import Linalg

/// One WAV rewritten as the training framework needs it: at least 16 kHz (resampled by libsoxr) and
/// 16 bits, shifted by a confident sync lag (`--apply-sync`; the audio moves, never the animation),
/// and as long as its shot's animation (silence padded, or samples trimmed, at the end).
enum AudioRemedy {
    /// What to do to one track.
    struct Work: Sendable {
        /// The WAV read (relative); a case variant when the shot's own name is missing.
        var source: String
        /// Where it goes in FIXED (relative): `audio/<shot>.wav` or `audio/aug/<voice>/<track>`.
        var target: String
        var shot: String
        var rules: [String] = []
        var resample = false
        var requantise = false
        var conformLength = false
        /// The source is not WAV (FLAC, MP3, …, or such data in a .wav): decoded with libsndfile, as the
        /// framework reads it, and conformed to the animation's length when more than a frame off.
        var decode = false
        /// Several channels averaged to one (what the framework does itself).
        var downmix = false
        /// Frames the animation is late (positive) or early; the audio is shifted by as much.
        var lagFrames: Int?
    }

    static let minimumRate = 16_000

    static func repair(_ work: Work) -> Repair {
        var parts: [String] = []
        if work.decode { parts.append("decoded with libsndfile and written as WAV") } else if work.source != work.target { parts.append("renamed to \(work.target)") }
        if work.downmix { parts.append("channels averaged to mono") }
        if work.resample { parts.append("resampled to \(minimumRate) Hz (\(AudioResampler.description))") }
        if work.requantise { parts.append("written as 16-bit PCM") }
        if let lag = work.lagFrames { parts.append("shifted \(abs(lag)) frame\(abs(lag) == 1 ? "" : "s") \(lag > 0 ? "later" : "earlier") (the animation was \(lag > 0 ? "late" : "early"))") }
        if work.conformLength { parts.append("padded or trimmed at the end to the animation's length") }
        return Repair(rules: work.rules.sorted(), file: work.source, action: "\(work.target): " + parts.joined(separator: "; "), replaces: [work.source]) { context in
            try run(work, context: context)
        }
    }

    private static func run(_ work: Work, context: RepairContext) throws -> RepairOutcome {
        let wav: WavAudio
        var before: String
        if work.decode {
            let decoded = try SoundFileDecoder.decode(context.layout.path(work.source))
            wav = WavAudio(sampleRate: decoded.sampleRate, channelCount: decoded.channels, bitsPerSample: decoded.bitsPerSample ?? 32,
                           encoding: (decoded.bitsPerSample ?? 32) <= 16 ? .pcm : .float, samples: decoded.samples)
            before = "\(decoded.format), \(decoded.sampleRate) Hz, " + String(format: "%.3f s", Double(wav.frameCount) / Double(max(decoded.sampleRate, 1)))
        } else {
            wav = try WavAudio.read(context.layout.path(work.source))
            before = describe(rate: wav.sampleRate, bits: wav.bitsPerSample, encoding: wav.encoding, frames: wav.frameCount, channels: max(wav.channelCount, 1))
        }
        var channels = max(wav.channelCount, 1)
        var samples = wav.samples, rate = wav.sampleRate
        if work.downmix, channels > 1 {
            samples = wav.mono()
            channels = 1
        }
        if (work.resample || work.decode), rate < minimumRate {
            samples = try AudioResampler.resample(samples, channels: channels, from: Double(rate), to: Double(minimumRate))
            rate = minimumRate
        }
        let originalFrames = samples.count / channels
        var notes: [String] = []
        // The animation's length and rate, from its cache header.
        let animation = try animationLength(shot: work.shot, context: context)
        if let lag = work.lagFrames, lag != 0 {
            let shift = Int((Double(abs(lag)) / animation.fps * Double(rate)).rounded())
            if lag > 0 {
                samples = [Float](repeating: 0, count: shift * channels) + samples
            } else {
                samples = Array(samples.dropFirst(min(shift, samples.count / channels) * channels))
            }
            notes.append(String(format: "shifted %.0f ms %@", Double(shift) / Double(rate) * 1000, lag > 0 ? "later" : "earlier"))
        }
        // After a shift the track keeps its length unless the length is being fixed too.
        let matching = Int((Double(animation.frames) / animation.fps * Double(rate)).rounded())
        // Decoded audio was never checked: conformed when more than a frame off, as validate would ask.
        let conform = work.conformLength || (work.decode && abs(matching - originalFrames) > Int(Double(rate) / animation.fps))
        let wanted = conform ? matching : originalFrames
        let current = samples.count / channels
        if conform, wanted == current { notes.append("already the animation's length") }
        if wanted != current {
            let change = Double(wanted - current) / Double(rate)
            if conform, abs(change) > context.options.maxAudioChange {
                throw RepairRefused(description: String(format: "%@ would need %.0f ms %@ at the end, more than --max-audio-change %.2f s: check that it is the right take",
                                                        work.source, abs(change) * 1000, change > 0 ? "of silence" : "cut", context.options.maxAudioChange))
            }
            if wanted > current { samples += [Float](repeating: 0, count: (wanted - current) * channels) } else { samples.removeLast((current - wanted) * channels) }
            if conform { notes.append(String(format: "%@ %.0f ms at the end", change > 0 ? "padded" : "trimmed", abs(change) * 1000)) }
        }
        let format: WavAudio.OutputFormat = wav.encoding == .pcm && wav.bitsPerSample <= 16 ? .pcm16 : .float32
        try context.write(WavAudio.encode(samples: samples, sampleRate: rate, channelCount: channels, as: format), to: work.target)
        let after = describe(rate: rate, bits: format == .pcm16 ? 16 : 32, encoding: format == .pcm16 ? .pcm : .float,
                             frames: samples.count / channels, channels: channels) + (notes.isEmpty ? "" : " (" + notes.joined(separator: ", ") + ")")
        return RepairOutcome(outputs: [work.target], before: before, after: after)
    }

    /// Frames and rate of the shot's skin animation (the rate the validation assumed when the cache states none).
    static func animationLength(shot: String, context: RepairContext) throws -> (frames: Int, fps: Double) {
        guard let entry = context.layout.skin.first(where: { $0.shot == shot }), let file = entry.candidates.first else {
            throw RepairRefused(description: "shot \(shot) has no skin cache to take the length from")
        }
        let fallback = context.options.validation.framesPerSecond ?? 30
        // A flat .npy cache (which this fix reshapes) has its frames first; it states no rate.
        if CacheFormat(path: file) == .numpy, let array = try? NpyArray.read(context.layout.path(file)), array.shape.count == 2 {
            return (array.shape[0], fallback)
        }
        let frames: CacheFrames
        do { frames = try VertexCacheIO.frames(context.layout.path(file)) } catch {
            guard let channel = context.options.channel else { throw error }
            frames = try VertexCacheIO.frames(context.layout.path(file), channel: channel)
        }
        return (frames.frameCount, frames.framesPerSecond ?? fallback)
    }

    private static func describe(rate: Int, bits: Int, encoding: WavAudio.Encoding, frames: Int, channels: Int) -> String {
        String(format: "%d Hz, %d-bit %@, %.3f s%@", rate, bits, encoding == .pcm ? "PCM" : "float", Double(frames) / Double(max(rate, 1)),
               channels > 1 ? ", \(channels) channels" : "")
    }
}
