import Foundation
import Linalg

/// Maya geometry caches: an .xml description plus one binary (`OneFile`) or one binary per frame
/// (`OneFilePerFrame`, `<name>Frame<N>.mc`, sub-frames `<name>Frame<N>Tick<M>.mc`), FOR4 or FOR8,
/// float (FVCA) or double (DVCA) channels.
public enum MayaCache {
    /// Reads a Maya cache given its .xml (or the .mc/.mcx beside it). `channel` selects a channel by
    /// name; without it the cache must have exactly one.
    public static func read(_ path: String, channel requested: String? = nil) throws -> VertexCache {
        try frames(path, channel: requested).readAll()
    }

    /// Opens a Maya cache for frame-by-frame decoding; all structure and description checks happen here.
    public static func frames(_ path: String, channel requested: String? = nil) throws -> CacheFrames {
        let url = URL(fileURLWithPath: path)
        let base = url.deletingPathExtension().path
        let ext = url.pathExtension.lowercased()
        let xmlPath = ext == "xml" ? path : base + ".xml"
        var notes: [String] = []
        let description: MayaCacheDescription?
        if FileManager.default.fileExists(atPath: xmlPath) {
            description = try MayaCacheDescription.read(xmlPath)
        } else if ext == "xml" {
            throw FormatError.unreadable(path, "no such file")
        } else {
            description = nil
            notes.append("no \(URL(fileURLWithPath: xmlPath).lastPathComponent) beside it: frame rate unknown, and the training framework needs the .xml")
        }

        // Locate and parse the binaries.
        var parsed: [(path: String, buffer: ByteBuffer, binary: MayaCacheBinary)] = []
        if description?.cacheType == .oneFilePerFrame {
            parsed = try perFrameFiles(base: base, xmlPath: xmlPath).map { try parseBinary($0) }
            notes.append("OneFilePerFrame: the training framework reads only OneFile caches — run `faceprep convert \(URL(fileURLWithPath: xmlPath).lastPathComponent) OUT.xml`")
        } else {
            let binaryPath = try oneFileBinary(path: path, base: base, ext: ext, description: description)
            parsed = [try parseBinary(binaryPath)]
            if URL(fileURLWithPath: binaryPath).pathExtension.lowercased() != "mc" {
                notes.append("the training framework reads only <name>.mc (FOR4) next to <name>.xml")
            }
        }
        guard let container = parsed.first?.binary.container else {
            throw FormatError(file: xmlPath, .wholeFile, "no cache data files found")
        }
        if container == .for8 {
            notes.append("FOR8 (.mcx): the training framework reads only FOR4 .mc — run `faceprep convert … OUT.xml`")
        }

        // Frames, in time order, with the file each came from.
        var frames: [(file: String, buffer: ByteBuffer, time: Int, block: MayaCacheBinary.FrameBlock)] = []
        for (file, buffer, binary) in parsed {
            for block in binary.frames { frames.append((file, buffer, block.time ?? binary.startTime, block)) }
        }
        frames.sort { $0.time < $1.time }
        if let duplicate = zip(frames, frames.dropFirst()).first(where: { $0.0.time == $0.1.time }) {
            throw FormatError(file: duplicate.1.file, .byteOffset(duplicate.1.block.channels.first?.dataOffset ?? 0),
                              "two frame blocks share time \(duplicate.1.time): the training framework would read both as frames")
        }
        if let description {
            // Sub-frame samples (…Frame<N>Tick<M>.mc, or extra samples in one file) are not frames of the shot.
            let onGrid = frames.filter {
                let (offset, overflow) = $0.time.subtractingReportingOverflow(description.startTime)
                return !overflow && offset % description.timePerFrame == 0
            }
            if onGrid.count < frames.count {
                notes.append("\(frames.count - onGrid.count) sub-frame samples skipped: only whole frames are read")
                frames = onGrid
            }
        }
        guard let firstFrame = frames.first else {
            throw FormatError(file: parsed[0].path, .wholeFile, "holds no frames")
        }

        // Channel selection.
        let names = firstFrame.block.channels.map(\.name)
        let chosen: String
        if let requested {
            guard names.contains(requested) else {
                throw FormatError(file: firstFrame.file, .element("channel '\(requested)'"), "no such channel; the cache has: \(names.joined(separator: ", "))")
            }
            chosen = requested
        } else {
            guard names.count == 1, let only = names.first else {
                throw FormatError(file: firstFrame.file, .element("channels"),
                                  "\(names.count) channels (\(names.joined(separator: ", "))); choose one with --channel")
            }
            chosen = only
        }
        if names.count > 1 {
            notes.append("\(names.count) channels: the training framework reads only single-channel caches — run `faceprep convert --channel \(chosen)`")
        }

        // Locate the chosen channel in every frame.
        guard let firstBlock = firstFrame.block.channels.first(where: { $0.name == chosen }) else {
            throw FormatError(file: firstFrame.file, .element("frame 0"), "channel '\(chosen)' missing")
        }
        let vertexCount = firstBlock.elementCount
        guard vertexCount > 0 else {
            throw FormatError(file: firstFrame.file, .byteOffset(firstBlock.dataOffset), "channel '\(chosen)' holds 0 vertices (0-byte frames are refused)")
        }
        var segments: [CacheFrames.Segment] = []
        segments.reserveCapacity(frames.count)
        var storedType = ""
        for (index, frame) in frames.enumerated() {
            guard let block = frame.block.channels.first(where: { $0.name == chosen }) else {
                throw FormatError(file: frame.file, .element("frame \(index) (time \(frame.time))"), "channel '\(chosen)' is missing")
            }
            guard block.elementCount == vertexCount else {
                throw FormatError(file: frame.file, .byteOffset(block.dataOffset),
                                  "frame \(index) has \(block.elementCount) vertices, frame 0 has \(vertexCount)")
            }
            let encoding: NumericEncoding
            switch block.dataTag {
            case "FVCA": encoding = .float(bytes: 4, .bigEndian); storedType = "float32"
            case "DVCA": encoding = .float(bytes: 8, .bigEndian); storedType = "float64"
            default:
                throw FormatError(file: frame.file, .byteOffset(block.dataOffset), "channel '\(chosen)' holds \(block.dataTag) data, not vertex positions (FVCA/DVCA)")
            }
            segments.append(.init(buffer: frame.buffer, file: frame.file, offset: block.dataOffset, encoding: encoding))
        }

        // Check the description against what is present.
        var fps: Double?
        var startFrame = Double(frames[0].time)
        if let description {
            fps = description.framesPerSecond
            startFrame = Double(description.startTime) / Double(description.timePerFrame)
            let expected = description.frameCount
            guard expected == frames.count else {
                throw FormatError(file: xmlPath, .element("<time Range=\"\(description.startTime)-\(description.endTime)\">"),
                                  "covers \(expected) frames at \(description.timePerFrame) ticks per frame, but the cache data holds \(frames.count)")
            }
            if let c = description.channels.first(where: { $0.name == chosen }) {
                if c.startTime != description.startTime || c.endTime != description.endTime {
                    throw FormatError(file: xmlPath, .element("channel '\(chosen)' StartTime/EndTime"),
                                      "\(c.startTime)-\(c.endTime) differs from the cache time range \(description.startTime)-\(description.endTime)")
                }
                if c.samplingRate != description.timePerFrame {
                    notes.append("channel SamplingRate \(c.samplingRate) differs from TimePerFrame \(description.timePerFrame)")
                }
            } else {
                notes.append("channel '\(chosen)' is not listed in the .xml")
            }
            func expectedTime(_ index: Int) -> Int? {
                let (step, o1) = index.multipliedReportingOverflow(by: description.timePerFrame)
                let (time, o2) = description.startTime.addingReportingOverflow(step)
                return o1 || o2 ? nil : time
            }
            let irregular = frames.enumerated().first { $0.element.time != expectedTime($0.offset) }
            if let bad = irregular {
                notes.append("frame \(bad.offset) is at time \(bad.element.time), expected \(expectedTime(bad.offset).map(String.init) ?? "a time out of range"): irregular sampling")
            }
        }

        let variant = "\(container.rawValue), \(description?.cacheType.rawValue ?? "OneFile")"
        let source = CacheSource(path: path, format: .mayaCache, variant: variant, storedType: storedType,
                                 channel: chosen, channels: names, notes: notes)
        return CacheFrames(frameCount: frames.count, vertexCount: vertexCount, framesPerSecond: fps, startFrame: startFrame,
                           source: source, segments: segments)
    }

    private static func parseBinary(_ path: String) throws -> (path: String, buffer: ByteBuffer, binary: MayaCacheBinary) {
        let buffer: ByteBuffer
        buffer = try ByteBuffer.mapFile(path)
        return (path, buffer, try MayaCacheBinary.parse(buffer, path: path))
    }

    private static func oneFileBinary(path: String, base: String, ext: String, description: MayaCacheDescription?) throws -> String {
        if ext == "mc" || ext == "mcx" { return path }
        let preferred = description?.format == "mcx" ? [".mcx", ".mc"] : [".mc", ".mcx"]
        for suffix in preferred where FileManager.default.fileExists(atPath: base + suffix) { return base + suffix }
        throw FormatError(file: path, .wholeFile, "no \(URL(fileURLWithPath: base).lastPathComponent).mc or .mcx beside the description")
    }

    /// `<base>Frame<N>[Tick<M>].mc|mcx`, in no particular order (frames are sorted by their time).
    private static func perFrameFiles(base: String, xmlPath: String) throws -> [String] {
        let directory = URL(fileURLWithPath: base).deletingLastPathComponent().path
        let prefix = URL(fileURLWithPath: base).lastPathComponent + "Frame"
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        let files = entries.filter { name in
            guard name.hasPrefix(prefix) else { return false }
            let ext = URL(fileURLWithPath: name).pathExtension.lowercased()
            guard ext == "mc" || ext == "mcx" else { return false }
            let stem = name.dropFirst(prefix.count).dropLast(ext.count + 1)
            let parts = stem.components(separatedBy: "Tick")
            return parts.count <= 2 && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isNumber) || $0.first == "-" }
        }
        guard !files.isEmpty else {
            throw FormatError(file: xmlPath, .wholeFile, "OneFilePerFrame cache, but no \(prefix)<N>.mc files in \(directory)")
        }
        return files.map { directory + "/" + $0 }
    }
}
