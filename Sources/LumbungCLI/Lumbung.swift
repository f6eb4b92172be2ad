import ArgumentParser
import Foundation

@main
struct Lumbung: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lumbung",
        abstract: "Analytics for Indonesian civil-service (ASN) data: ingest, query, publish.",
        version: "0.1.0-dev",
        subcommands: [QueryCommand.self, ReplCommand.self, InspectCommand.self, SampleCommand.self]
    )

    /// Runs the command; an error Lumbung has already described is printed as `error: …` with its
    /// exit status (1 data and I/O, 2 usage), the rest as ArgumentParser prints them.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let error as CLIError {
            Diagnostics.printError(error)
            Foundation.exit(Diagnostics.exitCode(for: error))
        } catch {
            exit(withError: error)
        }
    }
}
