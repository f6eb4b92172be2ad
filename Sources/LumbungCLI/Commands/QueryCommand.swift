import ArgumentParser
import Foundation
import LumbungCore
import LumbungEngine
import LumbungIO
import LumbungQuery
import LumbungWriters

/// `lumbung query`: runs one LQ query and prints its result.
struct QueryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Run an LQ query over gzip or plain CSV, NDJSON and JSON files.",
        discussion: """
            Sources are named with --source NAME=PATH (or every data file of a folder with --data DIR),
            then used by name: from layanan | where … | summarize … by …
            Exit status: 0 on success (warnings go to stderr), 2 for an error in the query,
            1 for a data or I/O error. Nothing is printed on stdout unless the query succeeds.
            The language: docs/query-language.md; a tutorial: docs/tutorial.md.
            """)

    @Option(name: .long, help: ArgumentHelp("A source: NAME=PATH (repeatable).", valueName: "NAME=PATH"))
    var source: [String] = []

    @Option(name: .long, help: ArgumentHelp(
        "A folder whose data files (*.csv, *.ndjson, *.json, gzip or not) become sources named after them.",
        valueName: "DIR"))
    var data: [String] = []

    @Option(name: .long, help: ArgumentHelp("The sources of a nightly pipeline spec.", valueName: "SPEC.yml"))
    var pipeline: String?

    @Option(name: .long, help: ArgumentHelp("A parameter value for $NAME (repeatable).", valueName: "NAME=VALUE"))
    var param: [String] = []

    @Option(name: .long, help: "Output: table, csv, json, ndjson or markdown (default: table on a terminal, csv otherwise).")
    var format: String?

    @Option(name: .long, help: "Numbers in the table: plain (1234567.5) or id (1.234.567,5).")
    var numbers: String = "plain"

    @Option(name: .long, help: "Table output: the most rows shown (first and last half); 0 shows all.")
    var maxRows: Int = 40

    @Flag(name: .long, help: "Print the plan (operators, columns read, filters run during the scan) instead of running.")
    var explain = false

    @Flag(name: .long, help: "Print timings, rows and columns read, and the peak memory on stderr.")
    var stats = false

    @Option(name: .long, help: "Threads for reading and the engine (default: the number of cores).")
    var threads: Int?

    @Option(name: .long, help: "Fail the query past this much memory, e.g. 2G or 500M.")
    var memoryLimit: String?

    @Option(name: .long, help: "Folder for rejected rows (<file name>.rejects.ndjson).")
    var rejectsDir: String = "."

    @Option(name: .long, help: "Fail the read when more than this share of a file's rows is rejected (0 to 1).")
    var maxRejectRatio: Double = 0.05

    @Option(name: [.customShort("f"), .long], help: ArgumentHelp("Read the query from a .lq file.", valueName: "FILE.lq"))
    var file: String?

    @Flag(name: .long, help: "Read every column even when the query uses few (to measure projection pushdown).")
    var noPushdown = false

    @Argument(help: "The query (or use -f FILE.lq).")
    var query: String?

    func validate() throws {
        if query == nil && file == nil { throw ValidationError("give a query, or a file with -f FILE.lq") }
        if query != nil && file != nil { throw ValidationError("give either a query or -f FILE.lq, not both") }
        if let format, ResultFormat(rawValue: format) == nil {
            throw ValidationError("--format must be table, csv, json, ndjson or markdown")
        }
        if !["plain", "id", "indonesian"].contains(numbers) { throw ValidationError("--numbers must be plain or id") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
        guard (0...1).contains(maxRejectRatio) else { throw ValidationError("--max-reject-ratio must be between 0 and 1") }
    }

    func run() throws {
        let (text, name) = try queryText()
        let session = try QuerySession(
            sources: source, folders: data, pipeline: pipeline, threads: threads, memoryLimit: memoryLimit,
            rejectsDir: rejectsDir, maxRejectRatio: maxRejectRatio, pushdown: !noPushdown)
        let parameters = try Self.parameters(param)
        let renderer = DiagnosticRenderer(source: text, file: name)
        let prepared: PreparedQuery
        do {
            prepared = try session.runner.prepare(text, parameters: parameters)
        } catch let error as QueryError {
            FileHandle.standardError.write(Data(renderer.render(error.diagnostics).utf8))
            throw ExitCode(2)
        }
        if explain {
            FileHandle.standardError.write(Data(renderer.render(prepared.warnings).utf8))
            print(prepared.explain)
            return
        }
        let result: QueryResult
        do {
            result = try session.runner.run(prepared)
        } catch let error as EngineError {
            FileHandle.standardError.write(Data("error: \(error.description)\n".utf8))
            throw ExitCode(1)
        }
        if !result.warnings.isEmpty {
            FileHandle.standardError.write(Data(renderer.render(result.warnings).utf8))
        }
        for warning in result.readWarnings {
            FileHandle.standardError.write(Data("warning: \(warning)\n".utf8))
        }
        let format = self.format.flatMap(ResultFormat.init(rawValue:)) ?? (isatty(1) != 0 ? .table : .csv)
        var options = ResultWriter.Options(numberStyle: numbers == "plain" ? .plain : .indonesian)
        if maxRows > 0 { options.rowWindow = RowWindow(first: (maxRows + 1) / 2, last: maxRows / 2) }
        try ResultWriter(format: format, options: options).write(result.table, to: FileHandle.standardOutput)
        if stats { QuerySession.printStats(result.stats, rows: result.table.rowCount) }
    }

    private func queryText() throws -> (String, String) {
        if let file {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw CLIError.report(LumbungError.io(path: file, message: "cannot read the query file"))
            }
            return (String(decoding: data, as: UTF8.self), file)
        }
        return (query ?? "", "query")
    }

    static func parameters(_ pairs: [String]) throws -> [String: String] {
        var values: [String: String] = [:]
        for pair in pairs {
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
