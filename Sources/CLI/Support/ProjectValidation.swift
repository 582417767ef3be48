import ArgumentParser
import Dataset
import Foundation

/// `--no-config`, on the commands that validate a dataset on the way (fix, report).
struct ProjectConfigOptions: ParsableArguments {
    @Flag(name: .long, help: "Ignore DATASET/faceprep.toml.")
    var noConfig = false
}

/// Validation options as validate would use them for `dataset` by default: its faceprep.toml (unless
/// `noConfig`), the frame rate given.
func projectValidationOptions(dataset: String, framesPerSecond: Double?, noConfig: Bool) throws -> ValidationOptions {
    var settings = ValidationSettings()
    let config = dataset + "/" + ProjectConfig.fileName
    if !noConfig, FileManager.default.fileExists(atPath: config) { try ProjectConfig.apply(config, to: &settings) }
    return validationOptions(settings, framesPerSecond: framesPerSecond)
}

/// The options a validation runs with under `settings` (emotions, model, rule selection and severities).
func validationOptions(_ settings: ValidationSettings, framesPerSecond: Double?) -> ValidationOptions {
    var options = ValidationOptions(framesPerSecond: framesPerSecond)
    if let names = settings.emotions { options.emotions = names }
    options.model = settings.model ?? .both
    options.settings = settings
    return options
}
