import Linalg
import Foundation

/// The .xml half of a Maya geometry cache: cache type, time range, sampling and channels.
///
/// Times are in Maya ticks, 6000 per second, so a cache at 30 fps has `timePerFrame` 200.
public struct MayaCacheDescription: Sendable, Equatable {
    public static let ticksPerSecond = 6000.0

    public enum CacheType: String, Sendable {
        case oneFile = "OneFile"
        case oneFilePerFrame = "OneFilePerFrame"
    }

    public struct Channel: Sendable, Equatable {
        public var name: String
        /// `FloatVectorArray` or `DoubleVectorArray` for positions.
        public var type: String
        public var interpretation: String
        public var samplingType: String
        /// Ticks between samples.
        public var samplingRate: Int
        public var startTime: Int
        public var endTime: Int
    }

    public var cacheType: CacheType
    /// `mcc` (FOR4 .mc) or `mcx` (FOR8 .mcx).
    public var format: String
    public var startTime: Int
    public var endTime: Int
    public var timePerFrame: Int
    public var version: String
    public var channels: [Channel]

    /// Frames per second implied by `timePerFrame`.
    public var framesPerSecond: Double { Self.ticksPerSecond / Double(timePerFrame) }

    /// Frames the time range covers (both ends included).
    public var frameCount: Int { (endTime - startTime) / timePerFrame + 1 }

    public init(cacheType: CacheType, format: String, startTime: Int, endTime: Int, timePerFrame: Int,
                version: String = "2.0", channels: [Channel]) {
        self.cacheType = cacheType
        self.format = format
        self.startTime = startTime
        self.endTime = endTime
        self.timePerFrame = timePerFrame
        self.version = version
        self.channels = channels
    }

    /// Descriptions larger than this are refused unread (Maya writes a few kilobytes).
    static let maxDescriptionBytes = 4 << 20

    /// Parses the XML at `path`.
    public static func read(_ path: String) throws -> MayaCacheDescription {
        try parse(try ByteBuffer.mapFile(path), origin: path)
    }

    /// Parses description bytes; `origin` names them in errors.
    public static func parse(_ buffer: ByteBuffer, origin path: String) throws -> MayaCacheDescription {
        guard buffer.count <= maxDescriptionBytes else {
            throw FormatError(file: path, .wholeFile, "\(buffer.count.formatted) bytes; a cache description is a few kilobytes (at most \(maxDescriptionBytes.formatted) accepted)")
        }
        let parsed: (root: String, elements: [StrictXML.Element])
        do { parsed = try StrictXML.elements(buffer.bytes(at: 0, count: buffer.count) ?? []) } catch let failure as StrictXML.Failure {
            throw FormatError(file: path, .element("line \(failure.line)"), "not well-formed XML: \(failure.message)")
        }
        guard parsed.root == "Autodesk_Cache_File" else {
            throw FormatError(file: path, .element("<\(parsed.root)>"), "not a Maya cache description (root element is not <Autodesk_Cache_File>)")
        }
        func attribute(_ element: String, _ name: String) throws -> String {
            guard let value = parsed.elements.first(where: { $0.name == element })?.attributes[name] else {
                throw FormatError(file: path, .element("<\(element) \(name)=…>"), "missing")
            }
            return value
        }
        func integer(_ text: String, _ place: String) throws -> Int {
            guard let value = Int(text.trimmingCharacters(in: .whitespaces)) else {
                throw FormatError(file: path, .element(place), "'\(text)' is not an integer")
            }
            return value
        }
        let typeText = try attribute("cacheType", "Type")
        guard let cacheType = CacheType(rawValue: typeText) else {
            throw FormatError(file: path, .element("<cacheType Type=…>"), "'\(typeText)' is not OneFile or OneFilePerFrame")
        }
        let format = (try? attribute("cacheType", "Format")) ?? "mcc"
        let range = try attribute("time", "Range").split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        guard range.count == 2 else { throw FormatError(file: path, .element("<time Range=…>"), "expected start-end") }
        let start = try integer(String(range[0]), "<time Range=…>")
        let end = try integer(String(range[1]), "<time Range=…>")
        let timePerFrame = try integer(try attribute("cacheTimePerFrame", "TimePerFrame"), "<cacheTimePerFrame>")
        guard timePerFrame > 0 else { throw FormatError(file: path, .element("<cacheTimePerFrame>"), "TimePerFrame must be positive, is \(timePerFrame)") }
        guard end >= start else { throw FormatError(file: path, .element("<time Range=…>"), "end \(end) is before start \(start)") }
        // The frame count must be representable: (end − start) / TimePerFrame + 1 without overflow.
        guard case let (span, false) = end.subtractingReportingOverflow(start), span / timePerFrame < Int.max - 1 else {
            throw FormatError(file: path, .element("<time Range=…>"), "the range \(start)-\(end) is too large")
        }
        let version = (try? attribute("cacheVersion", "Version")) ?? ""
        var channels: [Channel] = []
        for element in parsed.elements where element.parent == "Channels" {
            let a = element.attributes
            let place = "<\(element.name)>"
            guard let name = a["ChannelName"] else { throw FormatError(file: path, .element(place), "has no ChannelName") }
            channels.append(Channel(
                name: name, type: a["ChannelType"] ?? "", interpretation: a["ChannelInterpretation"] ?? "",
                samplingType: a["SamplingType"] ?? "",
                samplingRate: try integer(a["SamplingRate"] ?? "\(timePerFrame)", place + " SamplingRate"),
                startTime: try integer(a["StartTime"] ?? "\(start)", place + " StartTime"),
                endTime: try integer(a["EndTime"] ?? "\(end)", place + " EndTime")))
        }
        guard !channels.isEmpty else { throw FormatError(file: path, .element("<Channels>"), "lists no channel") }
        return MayaCacheDescription(cacheType: cacheType, format: format, startTime: start, endTime: end,
                                    timePerFrame: timePerFrame, version: version, channels: channels)
    }

    /// The XML text Maya writes for this description.
    public var xml: String {
        var lines = [
            "<?xml version=\"1.0\"?>",
            "<Autodesk_Cache_File>",
            "  <cacheType Type=\"\(cacheType.rawValue)\" Format=\"\(format)\"/>",
            "  <time Range=\"\(startTime)-\(endTime)\"/>",
            "  <cacheTimePerFrame TimePerFrame=\"\(timePerFrame)\"/>",
            "  <cacheVersion Version=\"\(version)\"/>",
            "  <extra>written by faceprep</extra>",
            "  <Channels>",
        ]
        for (i, c) in channels.enumerated() {
            lines.append("    <channel\(i) ChannelName=\"\(escaped(c.name))\" ChannelType=\"\(c.type)\" ChannelInterpretation=\"\(c.interpretation)\" SamplingType=\"\(c.samplingType)\" SamplingRate=\"\(c.samplingRate)\" StartTime=\"\(c.startTime)\" EndTime=\"\(c.endTime)\"/>")
        }
        lines += ["  </Channels>", "</Autodesk_Cache_File>", ""]
        return lines.joined(separator: "\n")
    }

    private func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "\"", with: "&quot;")
            .replacingOccurrences(of: "<", with: "&lt;")
    }
}

