import Dataset
import Foundation

/// Validation options as validate would use them for `dataset` by default: its faceprep.toml (unless
/// `noConfig`), the frame rate given.
func projectValidationOptions(dataset: String, framesPerSecond: Double?, noConfig: Bool) throws -> ValidationOptions {
    var options = ValidationOptions(framesPerSecond: framesPerSecond)
    var settings = ValidationSettings()
    let config = dataset + "/" + ProjectConfig.fileName
    if !noConfig, FileManager.default.fileExists(atPath: config) { try ProjectConfig.apply(config, to: &settings) }
    if let names = settings.emotions { options.emotions = names }
    options.model = settings.model ?? .both
    options.settings = settings
    return options
}
