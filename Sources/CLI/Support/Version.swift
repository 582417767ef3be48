/// FacePrep's version: printed by `--version` on every command and carried by every JSON envelope.
enum FacePrepVersion {
    static let current = "0.8.0"
}
