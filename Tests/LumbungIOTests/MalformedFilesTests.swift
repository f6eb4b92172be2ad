import Foundation
import Testing
import LumbungCore
@testable import LumbungIO

/// Every file in sample-data/malformed gives its own, specific error (see scripts/make-malformed.py).
@Suite struct MalformedFilesTests {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("sample-data/malformed")

    static func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    static var backends: [GzipBackend] { GzipBackend.isalStatus.available ? [.zlib, .isal] : [.zlib] }

    @Test("gzip faults stop the read with kind, compressed offset and rows read", arguments: backends)
    func gzipFaults(_ backend: GzipBackend) {
        var options = ReadOptions.testing()
        options.gzipBackend = backend
        let cases: [(String, DataError.Kind)] = [
            ("truncated_gzip.csv.gz", .truncatedGzip),
            ("corrupt_crc.csv.gz", .corruptGzip),
            ("corrupt_length.csv.gz", .corruptGzip),
            ("corrupt_deflate.csv.gz", .corruptGzip),
            ("trailing_garbage.csv.gz", .corruptGzip),
        ]
        for (name, kind) in cases {
            let error = dataError { _ = try readTable(Self.path(name), options) }
            #expect(error?.kind == kind, "\(name) with \(backend)")
            #expect(error?.file.hasSuffix(name) == true)
            #expect(error?.byteOffset != nil)
            #expect(error?.rowsRead != nil, "\(name) should say how many rows were read")
            #expect(error?.description.contains("byte") == true)
        }
        let truncated = dataError { _ = try readTable(Self.path("truncated_gzip.csv.gz"), options) }
        #expect((truncated?.byteOffset ?? 0) > 0)
        // With the default 2 MiB blocks the fault comes while the first block is read: still said.
        var wholeBlocks = ReadOptions()
        wholeBlocks.gzipBackend = backend
        wholeBlocks.writeRejects = false
        for (name, _) in cases {
            let error = dataError { _ = try readTable(Self.path(name), wholeBlocks) }
            #expect(error?.rowsRead == 0, "\(name): \(String(describing: error))")
            #expect(error?.description.contains("[0 rows read before the error]") == true)
        }
    }

    @Test("a gzip bomb stops at the decompressed-bytes ceiling", arguments: backends)
    func gzipBomb(_ backend: GzipBackend) {
        var options = ReadOptions.testing()
        options.gzipBackend = backend
        options.maxDecompressedBytes = 8 << 20
        let error = dataError { _ = try readTable(Self.path("gzip_bomb.csv.gz"), options) }
        #expect(error?.kind == .decompressedTooLarge)
        #expect(error?.message.contains("\(8 << 20)") == true)
    }

    @Test("an empty gzip member is an empty file: header required")
    func emptyFile() {
        let error = dataError { _ = try readTable(Self.path("empty.csv.gz")) }
        #expect(error?.kind == .missingHeader)
    }

    @Test("row faults are rejected at their line and column; the other rows load")
    func rowFaults() throws {
        let cases: [(String, DataError.Kind, Int, Int, Int)] = [
            ("too_many_columns.csv.gz", .tooManyColumns, 11, 9, 99),
            ("too_few_columns.csv.gz", .tooFewColumns, 21, 6, 99),
            ("unexpected_quote.csv.gz", .unexpectedQuote, 31, 2, 99),
            ("unterminated_quote.csv.gz", .unterminatedQuote, 102, 3, 100),
            ("invalid_utf8.csv.gz", .invalidUTF8, 44, 3, 47),
        ]
        for (name, kind, line, column, rows) in cases {
            let result = try readTable(Self.path(name))
            #expect(result.rejects.count == 1, "\(name)")
            #expect(result.rejects.first?.kind == kind, "\(name)")
            #expect(result.rejects.first?.line == line, "\(name)")
            #expect(result.rejects.first?.column == column, "\(name)")
            #expect(result.rowCount == rows, "\(name)")
            #expect(result.rejects.first?.raw.hasPrefix("LYN-3273-") == true, "\(name)")
        }
    }

    @Test("header faults name the columns")
    func headerFaults() {
        let duplicate = dataError { _ = try readTable(Self.path("duplicate_header.csv.gz")) }
        #expect(duplicate?.kind == .duplicateHeaderName)
        #expect(duplicate?.message.contains("'kanal' (columns 3 and 9)") == true)
        let empty = dataError { _ = try readTable(Self.path("empty_header_name.csv.gz")) }
        #expect(empty?.kind == .emptyHeaderName && empty?.column == 3 && empty?.line == 1)
    }

    @Test("a value that does not fit a declared type rejects its row")
    func castFailed() throws {
        var options = ReadOptions.testing()
        let schema = try Data(contentsOf: Self.directory.appendingPathComponent("cast_failed.schema.json"))
        options.schema = try JSONDecoder().decode(Schema.self, from: schema)
        let result = try readTable(Self.path("cast_failed.csv.gz"), options)
        #expect(result.rowCount == 99)
        #expect(result.rejects.map(\.kind) == [.castFailed])
        #expect(result.rejects.first?.line == 51)
        #expect(result.rejects.first?.columnName == "skor_ikm")
        #expect(result.table.schema["skor_ikm"]?.type == .float64)
        #expect(result.table.schema["sla_hari_kerja"]?.type == .int64)
    }
}
