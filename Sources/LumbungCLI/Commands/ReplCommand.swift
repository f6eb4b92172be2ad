import ArgumentParser
import Dispatch
import Foundation
import LumbungCore
import LumbungEngine
import LumbungQuery
import LumbungWriters

/// `lumbung repl`: an interactive prompt for LQ queries.
struct ReplCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "repl",
        abstract: "Ask LQ questions interactively, with line editing, history and timing.",
        discussion: """
            At the terminal a query runs as soon as it is complete: end a line with '|', ',' or an
            operator, or leave a bracket open, to go on to the next line. Pasted text and scripts on
            stdin are gathered until a blank line, a ';' or the next 'from'.
            Commands: .tables, .schema [NAME], .format FORMAT, .numbers plain|id, .timer on|off,
            .explain QUERY, .help, .quit. History is kept in ~/.lumbung_history.
            """)

    @OptionGroup var sources: SourceFlags

    func run() throws {
        let session = try sources.session()
        let parameters = try sources.parameters()
        let home = ProcessInfo.processInfo.environment["HOME"]
        let reader = LineReader(historyPath: home.map { ($0 as NSString).appendingPathComponent(".lumbung_history") })
        var repl = Repl(session: session, parameters: parameters, interactive: reader.isInteractive)
        if reader.isInteractive {
            print("Lumbung LQ — .help for help, .tables for the sources, Ctrl-D to leave.")
        }
        var buffer: [String] = []
        func flush() {
            guard !buffer.isEmpty else { return }
            let text = buffer.joined(separator: "\n")
            buffer = []
            reader.remember(text)
            repl.query(text)
        }
        while let line = reader.readLine(prompt: buffer.isEmpty ? "lq> " : "..> ") {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix(".") {
                flush()
                reader.remember(trimmed)
                if !repl.command(trimmed) { return }
                continue
            }
            if trimmed.isEmpty {
                flush()  // A blank line ends a query typed over several lines.
                continue
            }
            // Every query starts with `from`: a new one ends the one before.
            if Repl.startsQuery(trimmed) { flush() }
            if trimmed.hasSuffix(";") {
                var withoutSemicolon = line
                while let last = withoutSemicolon.last, last == ";" || last.isWhitespace { withoutSemicolon.removeLast() }
                buffer.append(withoutSemicolon)
                flush()
                continue
            }
            buffer.append(line)
            // Typed at a terminal, a complete query runs at once; pasted lines (more input already
            // waiting) and scripts are gathered until a blank line, a ';', the next 'from' or the end.
            if reader.isInteractive, !reader.hasPendingInput, !Repl.isIncomplete(buffer.joined(separator: "\n")) {
                flush()
            }
        }
        flush()
        if reader.isInteractive { print("") }
    }
}

/// The REPL's state and its commands.
struct Repl {
    let session: QuerySession
    let parameters: [String: String]
    let interactive: Bool
    var format: ResultFormat
    var numbers: NumberStyle = .plain
    var timer = true

    init(session: QuerySession, parameters: [String: String], interactive: Bool) {
        self.session = session
        self.parameters = parameters
        self.interactive = interactive
        format = .table
    }

    /// Whether a line starts a new query (`from …`).
    static func startsQuery(_ line: String) -> Bool {
        let word = line.prefix { $0.isLetter }
        return word.lowercased() == "from" && (line.count == 4 || line.dropFirst(4).first?.isWhitespace == true)
    }

    /// Whether `text` stops mid-query: an open bracket, or a trailing `|`, `,` or operator.
    static func isIncomplete(_ text: String) -> Bool {
        let result = Parser.parse(text)
        let end = text.utf8.count
        let continuing: Set<DiagnosticID> = [.unclosedDelimiter, .expectedStep, .expectedExpression, .expectedName]
        let errors = result.errors
        return !errors.isEmpty && errors.allSatisfy { continuing.contains($0.id) && ($0.range?.end.offset ?? end) >= end - 1 }
            || text.hasSuffix("\\")
    }

    private func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    private func warn(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// Runs one query and prints its result, its warnings and its time.
    func query(_ raw: String) {
        var text = raw
        while text.hasSuffix("\\") { text.removeLast() }
        let renderer = DiagnosticRenderer(source: text, file: "lq")
        let started = DispatchTime.now().uptimeNanoseconds
        do {
            let result = try session.runner.run(text, parameters: parameters)
            if !result.warnings.isEmpty { warn(renderer.render(result.warnings)) }
            for warning in result.readWarnings { warn("warning: \(warning)\n") }
            var options = ResultWriter.Options(numberStyle: numbers)
            if format == .table { options.rowWindow = RowWindow(first: 20, last: 20) }
            write(ResultWriter(format: format, options: options).render(result.table))
            if format != .table && format != .markdown { write("\n") }
            if timer {
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
                let s = result.stats
                write(String(format: "Time: %.3f s (read %.3f s, engine %.3f s), %d rows read\n", seconds,
                             s.readSeconds, s.executeSeconds, s.rowsRead))
            }
        } catch let error as QueryError {
            warn(renderer.render(error.diagnostics))
        } catch let error as QueryRuntimeError {
            warn(renderer.render([error.diagnostic]))
        } catch {
            warn("error: \(Diagnostics.message(for: error))\n")
        }
    }

    /// Runs a dot command; false to leave.
    mutating func command(_ line: String) -> Bool {
        let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
        let argument = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : ""
        switch parts[0] {
        case ".quit", ".exit", ".q":
            return false
        case ".help", ".h":
            write(Self.help)
        case ".tables", ".sources":
            let names = session.catalog.names
            if names.isEmpty { write("No sources: start with --source NAME=PATH or --data DIR.\n") }
            for name in names {
                write("\(name)\t\(session.catalog.location(of: name).map { "\($0)" } ?? "")\n")
            }
        case ".schema":
            let names = argument.isEmpty ? session.catalog.names : [argument]
            for name in names {
                guard let location = session.catalog.location(of: name) else {
                    warn(DiagnosticRenderer(source: line, file: "lq").render([
                        Diagnostic.unknownName(.table, name, range: nil, candidates: session.catalog.names)
                    ]))
                    continue
                }
                do {
                    let schema = try session.catalog.schema(of: location, name: name)
                    write("\(name):\n")
                    let width = schema.names.map(\.count).max() ?? 0
                    for field in schema.fields {
                        write("  \(field.name.padding(toLength: width, withPad: " ", startingAt: 0))  \(field.type)\n")
                    }
                } catch {
                    warn("error: \(Diagnostics.message(for: error))\n")
                }
            }
        case ".format":
            guard let chosen = ResultFormat(rawValue: argument) else {
                warn("usage: .format table|csv|json|ndjson|markdown\n")
                return true
            }
            format = chosen
        case ".numbers":
            switch argument {
            case "plain": numbers = .plain
            case "id", "indonesian": numbers = .indonesian
            default: warn("usage: .numbers plain|id\n")
            }
        case ".timer":
            switch argument {
            case "on": timer = true
            case "off": timer = false
            default: warn("usage: .timer on|off\n")
            }
        case ".explain":
            do {
                write(try session.runner.prepare(argument, parameters: parameters).explain + "\n")
            } catch let error as QueryError {
                warn(DiagnosticRenderer(source: argument, file: "lq").render(error.diagnostics))
            } catch {
                warn("error: \(Diagnostics.message(for: error))\n")
            }
        default:
            let known = [".tables", ".schema", ".format", ".numbers", ".timer", ".explain", ".help", ".quit"]
            let suggestion = NameSuggester(known).result(for: parts[0])
            var message = "unknown command '\(parts[0])'"
            if case .didYouMean(let best) = suggestion { message += " — did you mean '\(best)'?" }
            warn("error: \(message) (.help lists the commands)\n")
        }
        return true
    }

    static let help = """
        Type an LQ query; it runs when it is complete. Continue on the next line by ending a line
        with '|', ',' or an operator, or by leaving a bracket open. Pasted queries of several lines
        run at the blank line, ';' or 'from' that follows them.
          from layanan | summarize n = count() by kanal | sort -n
        Commands:
          .tables              the sources and their files
          .schema [NAME]       the columns and types of a source (or of all)
          .format FORMAT       table, csv, json, ndjson or markdown
          .numbers plain|id    numbers as 1234567.5 or 1.234.567,5 in tables
          .timer on|off        print each query's time
          .explain QUERY       the plan: operators, columns read, filters run during the scan
          .help                this text
          .quit                leave (or Ctrl-D)
        The language: docs/query-language.md; a tutorial: docs/tutorial.md.

        """
}
