import Foundation
import LumbungCore
import LumbungIO
import LumbungQuery
import Testing

/// The LQ conformance suite: every `Conformance/**/*.lqt` golden file is one case (format:
/// `Conformance/README.md`). Expected rows come from DuckDB (`scripts/golden-from-duckdb.py`),
/// expected errors from the spec; Lumbung's output is only ever compared, never recorded.
///
/// Run one file: `swift test --filter Conformance` and look for its path, or set
/// `LQT_FILTER=joins/` to run only the files whose path contains the text.
@Suite("LQ conformance")
struct ConformanceTests {
    @Test("golden file", arguments: ConformanceSuite.files)
    func golden(_ path: String) throws {
        let file = try GoldenFile(
            path: path, text: String(contentsOf: ConformanceSuite.root.appendingPathComponent(path), encoding: .utf8))
        ConformanceCheck(file: file).run()
        // A case over a file larger than the smallest block is run again in 4 KiB blocks, so that
        // what the reader does per block (filters and top-k during the scan) meets block edges.
        let data = ConformanceSuite.root.appendingPathComponent("data")
        let sizes = file.sources.map(\.file).map {
            (try? FileManager.default.attributesOfItem(atPath: data.appendingPathComponent($0).path)[.size] as? Int) ?? 0
        }
        if sizes.contains(where: { $0 > 4096 }) { ConformanceCheck(file: file, blockSize: 4096).run() }
    }

    @Test("the suite is there and large")
    func suiteIsThere() {
        guard ProcessInfo.processInfo.environment["LQT_FILTER"] == nil else { return }
        #expect(ConformanceSuite.files.count >= 150, "only \(ConformanceSuite.files.count) golden files found")
    }

    @Test("every diagnostic of the catalogue has a golden file")
    func catalogueCovered() throws {
        guard ProcessInfo.processInfo.environment["LQT_FILTER"] == nil else { return }
        var covered = Set<String>()
        for path in ConformanceSuite.files {
            let file = try GoldenFile(
                path: path,
                text: String(contentsOf: ConformanceSuite.root.appendingPathComponent(path), encoding: .utf8))
            covered.formUnion((file.errors + file.warnings).map(\.id))
        }
        let missing = DiagnosticID.catalogue.map(\.description).filter { !covered.contains($0) }
        #expect(missing.isEmpty, "no golden file expects \(missing.joined(separator: ", "))")
    }
}

enum ConformanceSuite {
    /// The copied `Conformance` resource folder.
    static let root: URL = {
        guard let url = Bundle.module.url(forResource: "Conformance", withExtension: nil) else {
            fatalError("the Conformance resource folder is missing from the test bundle")
        }
        return url
    }()

    /// Where the files live in the source tree (for failures that point at `file:line`).
    static let sourceRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
        "Conformance")

    /// Paths of every `.lqt` file relative to `root`, sorted.
    static let files: [String] = {
        let filter = ProcessInfo.processInfo.environment["LQT_FILTER"]
        var paths: [String] = []
        let base = root.standardizedFileURL.path
        if let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) {
            for case let url as URL in enumerator where url.pathExtension == "lqt" {
                var relative = url.standardizedFileURL.path
                if relative.hasPrefix(base) { relative.removeFirst(base.count) }
                while relative.hasPrefix("/") { relative.removeFirst() }
                if let filter, !filter.isEmpty, !relative.contains(filter) { continue }
                paths.append(relative)
            }
        }
        return paths.sorted()
    }()
}

// MARK: - The file format

/// One diagnostic a golden file expects: `error: lq.unknownColumn at 2:7` plus `message:` lines.
struct ExpectedDiagnostic: CustomStringConvertible {
    /// `lq.unknownColumn`, or `*` for any error.
    var id: String
    var line: Int?
    var column: Int?
    /// Substrings of the English message.
    var messages: [String] = []
    /// Line of the golden file.
    var fileLine: Int

    var description: String {
        var text = id
        if let line { text += " at \(line)" + (column.map { ":\($0)" } ?? "") }
        for message in messages { text += " [message contains \"\(message)\"]" }
        return text
    }
}

/// A parsed `.lqt` file.
struct GoldenFile {
    var path: String
    var sources: [(name: String, file: String)] = []
    var parameters: [String: String] = [:]
    var query = ""
    var errors: [ExpectedDiagnostic] = []
    var warnings: [ExpectedDiagnostic] = []
    var absentWarnings: [(id: String, fileLine: Int)] = []
    var columns: [(name: String, type: String)]?
    var rows: [[String]] = []
    /// File lines of the expected rows (parallel to `rows`), and of the `expect:` header.
    var rowLines: [Int] = []
    var expectLine = 1
    var queryLine = 1

    static let sectionNames = [
        "sources", "params", "param", "query", "sql", "expect", "error", "message", "warning", "nowarning",
    ]

    struct FormatError: Error, CustomStringConvertible {
        var description: String
    }

    init(path: String, text: String) throws {
        self.path = path
        var lines = text.components(separatedBy: "\n")
        if lines.last == "" { lines.removeLast() }
        lines = lines.map { $0.hasSuffix("\r") ? String($0.dropLast()) : $0 }
        enum Section { case none, query, sql, expect }
        var section = Section.none
        var queryLines: [String] = []
        var lastDiagnostic: (isError: Bool, index: Int)?
        for (index, line) in lines.enumerated() {
            let fileLine = index + 1
            let key = Self.sectionNames.first { line.hasPrefix($0 + ":") }
            if key == nil {
                switch section {
                case .query:
                    queryLines.append(line)
                    continue
                case .sql: continue
                case .expect:
                    let cells = line.components(separatedBy: "\t")
                    if columns == nil {
                        columns = try cells.map { cell in
                            guard let colon = cell.lastIndex(of: ":") else {
                                throw FormatError(
                                    description: "\(path):\(fileLine): header cell '\(cell)' is not name:type")
                            }
                            return (Self.unescape(String(cell[..<colon])), String(cell[cell.index(after: colon)...]))
                        }
                    } else {
                        rows.append(cells)
                        rowLines.append(fileLine)
                    }
                    continue
                case .none:
                    if line.hasPrefix("#") || line.trimmingCharacters(in: .whitespaces).isEmpty { continue }
                    throw FormatError(description: "\(path):\(fileLine): unexpected line '\(line)'")
                }
            }
            guard let key else { continue }
            if section == .expect {
                throw FormatError(description: "\(path):\(fileLine): '\(key):' after the expect: block")
            }
            let rest = line.dropFirst(key.count + 1).trimmingCharacters(in: .whitespaces)
            section = .none
            switch key {
            case "sources":
                for item in rest.split(separator: " ") {
                    let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
                    guard parts.count == 2 else {
                        throw FormatError(description: "\(path):\(fileLine): bad source '\(item)'")
                    }
                    sources.append((parts[0], parts[1]))
                }
            case "params":
                for item in rest.split(separator: " ") {
                    let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
                    guard parts.count == 2 else {
                        throw FormatError(description: "\(path):\(fileLine): bad param '\(item)'")
                    }
                    parameters[parts[0]] = parts[1]
                }
            case "param":
                let parts = rest.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2 else {
                    throw FormatError(description: "\(path):\(fileLine): bad param '\(rest)'")
                }
                parameters[parts[0]] = parts[1]
            case "query":
                section = .query
                queryLine = fileLine + 1
            case "sql":
                section = .sql
            case "expect":
                section = .expect
                expectLine = fileLine
            case "error", "warning":
                let expected = try Self.diagnostic(rest, fileLine: fileLine, path: path)
                if key == "error" {
                    errors.append(expected)
                    lastDiagnostic = (true, errors.count - 1)
                } else {
                    warnings.append(expected)
                    lastDiagnostic = (false, warnings.count - 1)
                }
            case "message":
                guard let last = lastDiagnostic else {
                    throw FormatError(description: "\(path):\(fileLine): message: without an error: or warning: line")
                }
                if last.isError {
                    errors[last.index].messages.append(rest)
                } else {
                    warnings[last.index].messages.append(rest)
                }
            case "nowarning":
                absentWarnings.append((rest, fileLine))
            default:
                break
            }
        }
        query = queryLines.joined(separator: "\n")
        if errors.isEmpty && columns == nil {
            throw FormatError(
                description: "\(path): no expect: block and no error: line (run scripts/golden-from-duckdb.py)")
        }
        if !errors.isEmpty && columns != nil {
            throw FormatError(description: "\(path): both error: lines and an expect: block")
        }
    }

    /// `lq.unknownColumn at 2:7`, `lq.typeMismatch at 2`, `lq.emptyQuery`, `*`.
    static func diagnostic(_ text: String, fileLine: Int, path: String) throws -> ExpectedDiagnostic {
        let parts = text.split(separator: " ").map(String.init)
        guard let id = parts.first else { throw FormatError(description: "\(path):\(fileLine): missing id") }
        var expected = ExpectedDiagnostic(id: id, fileLine: fileLine)
        if parts.count >= 3, parts[1] == "at" {
            let position = parts[2].split(separator: ":").map { Int($0) }
            guard let line = position.first ?? nil else {
                throw FormatError(description: "\(path):\(fileLine): bad position '\(parts[2])'")
            }
            expected.line = line
            if position.count > 1 { expected.column = position[1] }
        } else if parts.count != 1 {
            throw FormatError(description: "\(path):\(fileLine): expected 'ID [at LINE[:COLUMN]]'")
        }
        return expected
    }

    static func unescape(_ text: String) -> String {
        if text == "(empty)" { return "" }
        guard text.contains("\\") else { return text }
        var result = ""
        var escaping = false
        for character in text {
            if escaping {
                switch character {
                case "t": result.append("\t")
                case "n": result.append("\n")
                case "r": result.append("\r")
                default: result.append(character)
                }
                escaping = false
            } else if character == "\\" {
                escaping = true
            } else {
                result.append(character)
            }
        }
        return result
    }

    static func escape(_ text: String) -> String {
        if text.isEmpty { return "(empty)" }
        return text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\t", with: "\\t")
            .replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(of: "\r", with: "\\r")
    }
}

// MARK: - Running one file

struct ConformanceCheck {
    var file: GoldenFile
    /// Read the sources in blocks of this many bytes (`nil`: the reader's default).
    var blockSize: Int? = nil

    func location(_ line: Int) -> Testing.SourceLocation {
        let path = ConformanceSuite.sourceRoot.appendingPathComponent(file.path).path
        return Testing.SourceLocation(fileID: "LumbungQueryTests/\(file.path)", filePath: path, line: line, column: 1)
    }

    func fail(_ message: String, line: Int? = nil) {
        let blocks = blockSize.map { " (read in \($0)-byte blocks)" } ?? ""
        let text =
            "\(file.path)\(blocks): \(message)\n--- query ---\n\(file.query)\n"
            + (file.parameters.isEmpty ? "" : "--- parameters --- \(file.parameters.sorted { $0.key < $1.key })\n")
        Issue.record(Comment(rawValue: text), sourceLocation: location(line ?? file.queryLine))
    }

    func run() {
        var options = ReadOptions()
        options.writeRejects = false
        if let blockSize { options.blockSize = blockSize }
        let catalog = Catalog(defaultOptions: options)
        let data = ConformanceSuite.root.appendingPathComponent("data")
        for (name, source) in file.sources {
            catalog.register(name, path: data.appendingPathComponent(source).path, options: options)
        }
        let runner = QueryRunner(catalog: catalog, options: QueryOptions(threads: 2))
        do {
            let result = try runner.run(file.query, parameters: file.parameters)
            if !file.errors.isEmpty {
                let rows = "\(result.table.rowCount) rows:\n\(render(result.table))"
                fail(
                    "expected \(expectedErrors), but the query ran and returned \(rows)", line: file.errors[0].fileLine)
                return
            }
            checkWarnings(result.warnings)
            checkTable(result.table)
        } catch let error as QueryError {
            if file.errors.isEmpty {
                let diagnostics = error.diagnostics.map(\.description).joined(separator: "\n")
                fail("expected rows, but the query failed:\n\(diagnostics)")
                return
            }
            checkErrors(error.diagnostics)
            checkWarnings(error.diagnostics.filter { $0.severity == .warning })
        } catch let error as QueryRuntimeError {
            if file.errors.isEmpty {
                fail("expected rows, but the query failed while running:\n\(error.diagnostic)")
                return
            }
            checkErrors([error.diagnostic])
        } catch {
            // Other runtime errors are not diagnostics; only `error: *` accepts them.
            let text = String(describing: error)
            guard let expected = file.errors.first, file.errors.count == 1, expected.id == "*" else {
                let expected = file.errors.isEmpty ? "rows" : expectedErrors
                fail("expected \(expected), but the query threw \(type(of: error)): \(text)")
                return
            }
            for message in expected.messages where !text.contains(message) {
                fail("the error does not mention \"\(message)\": \(text)", line: expected.fileLine)
            }
        }
    }

    private var expectedErrors: String { file.errors.map(\.description).joined(separator: "; ") }

    private func matches(_ expected: ExpectedDiagnostic, _ actual: Diagnostic) -> Bool {
        if expected.id != "*" && actual.id.description != expected.id { return false }
        if let line = expected.line, actual.range?.start.line != line { return false }
        if let column = expected.column, actual.range?.start.column != column { return false }
        return expected.messages.allSatisfy { actual.message.english.contains($0) }
    }

    private func list(_ diagnostics: [Diagnostic]) -> String {
        diagnostics.isEmpty ? "(none)" : diagnostics.map { "  \($0.severity.rawValue) \($0)" }.joined(separator: "\n")
    }

    func checkErrors(_ diagnostics: [Diagnostic]) {
        let actual = diagnostics.filter(\.isError)
        for expected in file.errors where !actual.contains(where: { matches(expected, $0) }) {
            fail("expected error \(expected); got:\n\(list(diagnostics))", line: expected.fileLine)
        }
        let ids = Set(file.errors.map(\.id))
        if !ids.contains("*") {
            for extra in actual where !ids.contains(extra.id.description) {
                fail(
                    "unexpected error \(extra) (expected only \(ids.sorted().joined(separator: ", ")))",
                    line: file.errors[0].fileLine)
            }
        }
    }

    func checkWarnings(_ warnings: [Diagnostic]) {
        for expected in file.warnings
        where !warnings.contains(where: { $0.severity == .warning && matches(expected, $0) }) {
            fail("expected warning \(expected); warnings:\n\(list(warnings))", line: expected.fileLine)
        }
        for (id, line) in file.absentWarnings where warnings.contains(where: { $0.id.description == id }) {
            fail("expected no warning \(id); warnings:\n\(list(warnings))", line: line)
        }
    }

    // MARK: Rows

    func render(_ table: Table) -> String {
        var lines = [
            table.schema.fields.map { "\(GoldenFile.escape($0.name)):\($0.type.rawValue)" }.joined(separator: "\t")
        ]
        for row in table.rows() { lines.append(row.map(Self.text).joined(separator: "\t")) }
        return lines.joined(separator: "\n")
    }

    func renderExpected() -> String {
        var lines = [(file.columns ?? []).map { "\(GoldenFile.escape($0.name)):\($0.type)" }.joined(separator: "\t")]
        for row in file.rows { lines.append(row.joined(separator: "\t")) }
        return lines.joined(separator: "\n")
    }

    /// A value as a golden file writes it.
    static func text(_ value: Value) -> String {
        switch value {
        case .string(let text): return GoldenFile.escape(text)
        default: return value.description
        }
    }

    static func sameCell(_ expected: String, _ actual: Value, type: String) -> Bool {
        if expected == "NULL" { return actual.isNull }
        if type == "float64" {
            guard case .float(let a) = actual, let e = Double(expected) ?? Self.special(expected) else { return false }
            if a.isNaN || e.isNaN { return a.isNaN && e.isNaN }
            if a == e { return true }
            return Swift.abs(a - e) <= 1e-9 * Swift.max(Swift.abs(a), Swift.abs(e)) || Swift.abs(a - e) <= 1e-12
        }
        return text(actual) == expected
    }

    static func special(_ text: String) -> Double? {
        switch text {
        case "NaN": return .nan
        case "Infinity": return .infinity
        case "-Infinity": return -.infinity
        default: return nil
        }
    }

    func checkTable(_ table: Table) {
        guard let columns = file.columns else { return }
        let both = "\n--- expected (from DuckDB) ---\n\(renderExpected())\n--- actual ---\n\(render(table))"
        let actualColumns = table.schema.fields.map { ($0.name, $0.type.rawValue) }
        if actualColumns.map(\.0) != columns.map(\.name) || actualColumns.map(\.1) != columns.map(\.type) {
            let expected = columns.map { "\($0.name):\($0.type)" }
            let actual = actualColumns.map { "\($0.0):\($0.1)" }
            fail("columns differ: expected \(expected), got \(actual)" + both, line: file.expectLine + 1)
            return
        }
        let rows = table.rows()
        var problems: [String] = []
        var firstLine: Int?
        for index in 0..<max(rows.count, file.rows.count) {
            guard index < rows.count else {
                problems.append("row \(index + 1): missing (expected \(file.rows[index].joined(separator: "\t")))")
                firstLine = firstLine ?? file.rowLines[index]
                continue
            }
            guard index < file.rows.count else {
                problems.append("row \(index + 1): unexpected \(rows[index].map(Self.text).joined(separator: "\t"))")
                firstLine = firstLine ?? file.expectLine
                continue
            }
            let expected = file.rows[index]
            let actual = rows[index]
            let same =
                expected.count == actual.count
                && zip(zip(expected, actual), columns).allSatisfy { pair, column in
                    Self.sameCell(pair.0, pair.1, type: column.type)
                }
            if !same {
                let got = actual.map(Self.text).joined(separator: "\t")
                problems.append(
                    "row \(index + 1): expected \(expected.joined(separator: "\t"))\n        got      \(got)")
                firstLine = firstLine ?? file.rowLines[index]
            }
        }
        if !problems.isEmpty {
            let shown =
                problems.prefix(10).joined(separator: "\n")
                + (problems.count > 10 ? "\n… \(problems.count - 10) more" : "")
            fail("rows differ (\(rows.count) rows, expected \(file.rows.count)):\n\(shown)" + both, line: firstLine)
        }
    }
}
