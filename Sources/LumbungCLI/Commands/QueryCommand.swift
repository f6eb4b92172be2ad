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
            1 for a data or I/O error (an integer overflow while running included).
            Nothing is printed on stdout unless the query succeeds.
            The language: docs/query-language.md; a tutorial: docs/tutorial.md.
            """)

    @OptionGroup var sources: SourceFlags

    @Option(name: .long, help: ArgumentHelp("The sources of a nightly pipeline spec.", valueName: "SPEC.yml"))
    var pipeline: String?

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
    }

    func run() throws {
        let (text, name) = try queryText()
        let session = try sources.session(pipeline: pipeline, pushdown: !noPushdown)
        let parameters = try sources.parameters()
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
        } catch let error as QueryRuntimeError {
            // A data error (an overflow at a place in the query): shown like a query error.
            FileHandle.standardError.write(Data(renderer.render([error.diagnostic]).utf8))
            throw ExitCode(1)
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
}
