import ArgumentParser

/// Where a query's data comes from and how it runs: shared by `lumbung query` and `lumbung repl`.
struct SourceFlags: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("A source: NAME=PATH (repeatable).", valueName: "NAME=PATH"))
    var source: [String] = []

    @Option(name: .long, help: ArgumentHelp(
        "A folder whose data files (*.csv, *.ndjson, *.json, gzip or not) become sources named after them.",
        valueName: "DIR"))
    var data: [String] = []

    @Option(name: .long, help: ArgumentHelp("A parameter value for $NAME (repeatable).", valueName: "NAME=VALUE"))
    var param: [String] = []

    @Option(name: .long, help: "Threads for reading and the engine (default: the number of cores).")
    var threads: Int?

    @Option(name: .long, help: "Fail the query past this much memory, e.g. 2G or 500M.")
    var memoryLimit: String?

    @Option(name: .long, help: "Folder for rejected rows (<file name>.rejects.ndjson).")
    var rejectsDir: String = "."

    @Option(name: .long, help: "Fail the read when more than this share of a file's rows is rejected (0 to 1).")
    var maxRejectRatio: Double = 0.05

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
        guard (0...1).contains(maxRejectRatio) else { throw ValidationError("--max-reject-ratio must be between 0 and 1") }
    }

    /// The catalog of sources and the runner these flags describe.
    func session(pipeline: String? = nil, pushdown: Bool = true) throws -> QuerySession {
        try QuerySession(
            sources: source, folders: data, pipeline: pipeline, threads: threads, memoryLimit: memoryLimit,
            rejectsDir: rejectsDir, maxRejectRatio: maxRejectRatio, pushdown: pushdown)
    }

    /// `--param NAME=VALUE` values by name (a leading `$` is dropped).
    func parameters() throws -> [String: String] {
        var values: [String: String] = [:]
        for pair in param {
            guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex else {
                throw ValidationError("--param needs NAME=VALUE, got '\(pair)'")
            }
            var name = String(pair[..<equals])
            if name.hasPrefix("$") { name.removeFirst() }
            values[name] = String(pair[pair.index(after: equals)...])
        }
        return values
    }
}
