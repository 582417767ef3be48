import Foundation
import Formats
import Linalg
import TestSupport
@testable import Dataset

/// A small synthetic dataset written once per test run; each test works on its own copy.
let templateDataset: String = {
    let root = temporaryPath("faceprep-template")
    var options = SynthesisOptions()
    options.shots = 6
    options.vertices = 400
    options.poses = 12
    options.frames = 95...100
    options.voices = 1
    // A crash here fails every test that uses the template, with this message.
    do { try DatasetSynthesizer.write(to: root, options: options) } catch { fatalError("cannot write the template dataset: \(error)") }
    return root
}()

/// A fresh copy of the template dataset.
func datasetCopy() throws -> String {
    let copy = try makeTemporaryDirectory("faceprep-dataset") + "/ds"
    try FileManager.default.copyItem(atPath: templateDataset, toPath: copy)
    return copy
}

/// (rule, file) pairs of a report.
func findingKeys(_ report: ValidationReport) -> Set<String> {
    Set(report.findings.map { "\($0.code) \($0.file)" })
}

/// Validates `root` before and after `fault`, returning the findings the fault added.
func findingsAdded(by fault: (String) throws -> Void) throws -> Set<String> {
    let root = try datasetCopy()
    defer { try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: root).deletingLastPathComponent().path) }
    let before = findingKeys(try DatasetValidator.validate(root))
    try fault(root)
    let after = findingKeys(try DatasetValidator.validate(root))
    return after.subtracting(before)
}

let firstShot = "shot01_neutral"
let secondShot = "shot02_amazement"

/// Rewrites a shot's skin cache through `change` (positions `[F, V, 3]` → new cache).
func rewriteSkin(_ root: String, shot: String = firstShot, to newName: String? = nil,
                 _ change: (VertexCache) throws -> VertexCache) throws {
    let path = "\(root)/cache/skin/\(shot)/\(shot).xml"
    let cache = try VertexCacheIO.read(path)
    let changed = try change(cache)
    for ext in ["xml", "mc"] { try FileManager.default.removeItem(atPath: "\(root)/cache/skin/\(shot)/\(shot).\(ext)") }
    try VertexCacheIO.write(changed, to: "\(root)/cache/skin/\(shot)/\(newName ?? "\(shot).xml")")
}

func withPositions(_ cache: VertexCache, vertexCount: Int? = nil, _ positions: [Float]) throws -> VertexCache {
    try VertexCache(frameCount: cache.frameCount, vertexCount: vertexCount ?? cache.vertexCount, positions: positions,
                    framesPerSecond: cache.framesPerSecond, source: cache.source)
}

/// Rewrites a WAV through `change`.
func rewriteAudio(_ path: String, _ change: (WavAudio) -> WavAudio, as format: WavAudio.OutputFormat = .pcm16) throws {
    try change(try WavAudio.read(path)).write(to: path, as: format)
}

/// Rewrites bs_data/bs_skin_config.json through `change`.
func editSkinConfig(_ root: String, _ change: (inout BlendshapeConfig) -> Void) throws {
    let path = "\(root)/\(DatasetFiles.bsSkinConfig)"
    var config = try JSONFile.read(BlendshapeConfigFile.self, from: path)
    change(&config.blendshapeParams)
    try JSONFile.write(config, to: path)
}
