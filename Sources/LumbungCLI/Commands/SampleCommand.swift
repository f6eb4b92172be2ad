import ArgumentParser

/// `lumbung sample`: placeholder until the generator lands.
struct SampleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "sample", abstract: "Generate synthetic sample exports.")
    func run() throws { throw ValidationError("not implemented yet") }
}
