import ArgumentParser

/// `lumbung inspect`: placeholder until the readers land.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "inspect", abstract: "Describe data files.")
    func run() throws { throw ValidationError("not implemented yet") }
}
