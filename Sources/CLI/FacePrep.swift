import ArgumentParser

@main
struct FacePrep: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "faceprep",
        abstract: "Prepare, check and measure Audio2Face-3D facial-animation training datasets.",
        discussion: """
            Exit codes: 0 clean, 1 findings or errors in the data, 2 usage or I/O failure.

            Available now: doctor. Planned, each arriving with its own issue: info and convert \
            (file formats), validate and synth (dataset rules), head, stabilize, tongue and jaw \
            (rigid motion), solve (blendshape weights), sync (audio/animation alignment), bench.
            """,
        subcommands: [DoctorCommand.self]
    )
}
