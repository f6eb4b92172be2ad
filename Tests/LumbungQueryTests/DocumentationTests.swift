#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LumbungQuery
import Testing

/// The examples in docs/query-language.md parse as the page says.
@Suite("docs/query-language.md")
struct DocumentationTests {
    static func readDocs() -> String? {
        let testFile = #filePath
        guard let testsRange = testFile.range(of: "/Tests/LumbungQueryTests/") else { return nil }
        let path = String(testFile[..<testsRange.lowerBound]) + "/docs/query-language.md"
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = fread(&buffer, 1, buffer.count, file)
            if count <= 0 { break }
            bytes += buffer[0..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Fenced code blocks that are whole queries (start with a comment, `from` or `param`).
    static func queries(_ text: String) -> [String] {
        var blocks: [String] = []
        var current: [Substring]?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.trimmingPrefix(" ").hasPrefix("```") {
                if let lines = current {
                    blocks.append(lines.joined(separator: "\n"))
                    current = nil
                } else {
                    current = []
                }
            } else if current != nil {
                current?.append(line)
            }
        }
        return blocks.filter { $0.hasPrefix("#") || $0.hasPrefix("from") || $0.hasPrefix("param") }
    }

    @Test("every whole query in the reference parses without diagnostics")
    func examplesParse() throws {
        let text = try #require(Self.readDocs())
        let queries = Self.queries(text)
        #expect(queries.count >= 2)
        for query in queries {
            let result = Parser.parse(query)
            #expect(result.diagnostics.isEmpty, "\(query)\n\(result.diagnostics)")
        }
    }

    @Test("every catalogue id is documented")
    func catalogueDocumented() throws {
        let text = try #require(Self.readDocs())
        for id in DiagnosticID.catalogue {
            #expect(text.contains("| `\(id)` |"), "\(id) is not in the error catalogue")
        }
    }
}
