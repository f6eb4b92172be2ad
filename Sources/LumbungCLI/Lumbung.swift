import ArgumentParser

@main
struct Lumbung: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lumbung",
        abstract: "Analytics for Indonesian civil-service (ASN) data: ingest, query, publish.",
        subcommands: [QueryCommand.self, ReplCommand.self, InspectCommand.self, SampleCommand.self]
    )
}
