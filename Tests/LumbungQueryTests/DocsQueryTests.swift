import Foundation
import LumbungCore
import LumbungQuery
import Testing

/// Every LQ example in docs/tutorial.md and docs/functions.md runs on the bundled sample data.
///
/// The documents mark their examples with the info string of a fenced code block:
///
/// - ```` ```lq ```` — a query that must run without an error.
/// - ```` ```lq-error ```` — a query that must be rejected with a `QueryError` (before it runs).
/// - ```` ```lq-fails ```` — a query that passes the checks but must fail while it runs (an
///   integer overflow, for example): any error other than a `QueryError`.
///
/// After the kind, the info string may list diagnostic ids, separated by spaces:
/// ```` ```lq lq.nullsDropped ```` or ```` ```lq-error lq.unknownColumn ````. For `lq`, these are
/// the warnings the query must give, and it must give no others; for `lq-error`, each must be
/// among the errors. Renderers show only the first word, so readers do not see the ids.
///
/// A query that needs parameters gives them in a comment line of its own, anywhere in the block:
/// `# params: tahun=2025 kanal=web` (values as on the command line, `--param tahun=2025`).
///
/// Any other code block (```` ```text ```` for results, ```` ```sh ```` for commands, plain ```` ``` ````)
/// is not run. The sources are the sample files: `layanan`, `pegawai` and `kinerja`.
@Suite("docs: tutorial and functions examples")
struct DocsQueryTests {
    /// One runnable example of a document.
    struct Example: Sendable, CustomTestStringConvertible {
        enum Kind: String, Sendable {
            case runs = "lq"
            case rejected = "lq-error"
            case failsWhileRunning = "lq-fails"
        }

        var document: String
        /// The 1-based line of the opening fence.
        var line: Int
        var kind: Kind
        var ids: [String]
        var text: String
        var parameters: [String: String]

        var testDescription: String { "\(document):\(line)" }
    }

    static let documents = ["docs/tutorial.md", "docs/functions.md"]

    static var repository: String {
        let testFile = #filePath
        guard let range = testFile.range(of: "/Tests/LumbungQueryTests/") else { return "." }
        return String(testFile[..<range.lowerBound])
    }

    static func read(_ document: String) -> String? {
        guard let data = FileManager.default.contents(atPath: repository + "/" + document) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    /// The runnable examples of `text`, in order.
    static func examples(in text: String, document: String) -> [Example] {
        var examples: [Example] = []
        var open: (line: Int, info: String, lines: [Substring])?
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.drop { $0 == " " }
            if trimmed.hasPrefix("```") {
                if let block = open {
                    let words = block.info.split(separator: " ").map(String.init)
                    if let first = words.first, let kind = Example.Kind(rawValue: first) {
                        examples.append(
                            Example(
                                document: document, line: block.line, kind: kind, ids: Array(words.dropFirst()),
                                text: block.lines.joined(separator: "\n"), parameters: parameters(block.lines)))
                    }
                    open = nil
                } else {
                    open = (index + 1, String(trimmed.dropFirst(3)), [])
                }
            } else {
                open?.lines.append(line)
            }
        }
        return examples
    }

    /// The values of `# params: k=v k=v` comment lines.
    static func parameters(_ lines: [Substring]) -> [String: String] {
        var values: [String: String] = [:]
        for line in lines {
            let trimmed = line.drop { $0 == " " }
            guard trimmed.hasPrefix("#") else { continue }
            let comment = trimmed.dropFirst().drop { $0 == " " }
            guard comment.hasPrefix("params:") else { continue }
            for pair in comment.dropFirst("params:".count).split(separator: " ") {
                guard let equals = pair.firstIndex(of: "=") else { continue }
                values[String(pair[..<equals])] = String(pair[pair.index(after: equals)...])
            }
        }
        return values
    }

    static let allExamples: [Example] = documents.flatMap { document in
        read(document).map { examples(in: $0, document: document) } ?? []
    }

    static func runner() -> QueryRunner {
        let catalog = Catalog()
        for table in ["layanan", "pegawai", "kinerja"] {
            catalog.register(table, path: repository + "/sample-data/\(table).csv.gz")
        }
        return QueryRunner(catalog: catalog, options: QueryOptions(threads: 2))
    }

    @Test("both documents have examples of every kind they promise")
    func documentsHaveExamples() throws {
        for document in Self.documents {
            let text = try #require(Self.read(document), "cannot read \(document)")
            let examples = Self.examples(in: text, document: document)
            #expect(examples.filter { $0.kind == .runs }.count >= 10, "\(document) has few ```lq examples")
            #expect(examples.contains { $0.kind == .rejected }, "\(document) has no ```lq-error example")
        }
    }

    @Test("the block reader finds kinds, ids and parameters")
    func blockReader() {
        let text = """
            ```lq lq.nullsDropped
            # params: tahun=2025 kanal=web
            from layanan
            ```
            ```text
            not a query
            ```
            ```lq-error lq.unknownColumn
            from layanan | where x == 1
            ```
            """
        let examples = Self.examples(in: text, document: "x.md")
        #expect(examples.map(\.kind) == [.runs, .rejected])
        #expect(examples.map(\.line) == [1, 8])
        #expect(examples[0].ids == ["lq.nullsDropped"])
        #expect(examples[0].parameters == ["tahun": "2025", "kanal": "web"])
        #expect(examples[1].text == "from layanan | where x == 1")
    }

    @Test("every example behaves as its block says", arguments: allExamples)
    func example(_ example: Example) {
        let location = "\(example.document):\(example.line)\n\(example.text)"
        do {
            let result = try Self.runner().run(example.text, parameters: example.parameters)
            switch example.kind {
            case .runs:
                let warnings = result.warnings.map { "\($0.id)" }
                #expect(
                    Set(warnings) == Set(example.ids),
                    "warnings \(warnings), the block lists \(example.ids): \(location)")
            case .rejected, .failsWhileRunning:
                Issue.record("expected an error: \(location)")
            }
        } catch let error as QueryError {
            switch example.kind {
            case .rejected:
                let ids = error.errors.map { "\($0.id)" }
                #expect(!ids.isEmpty, "a QueryError without errors: \(location)")
                for id in example.ids {
                    #expect(ids.contains(id), "errors \(ids), the block expects \(id): \(location)")
                }
            case .runs, .failsWhileRunning:
                Issue.record("rejected: \(error)\n\(location)")
            }
        } catch {
            if example.kind != .failsWhileRunning {
                Issue.record("failed: \(error)\n\(location)")
            }
        }
    }
}
