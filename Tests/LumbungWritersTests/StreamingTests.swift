import Foundation
import LumbungCore
import Testing

@testable import LumbungWriters

/// The sinks of `ResultWriter`: batches, file handles, text streams, failing consumers.
@Suite struct StreamingTests {
    /// `rows` rows over several chunks, one of them with a dictionary-encoded string column.
    static func bigTable(rows: Int) -> Table {
        let schema = Schema([
            Field(name: "n", type: .int64), Field(name: "x", type: .float64), Field(name: "s", type: .string),
            Field(name: "d", type: .date),
        ])
        var chunks: [Chunk] = []
        var start = 0
        while start < rows {
            let count = min(7_000, rows - start)
            let range = start..<(start + count)
            let strings = range.map { $0 % 7 == 0 ? nil : "nilai \($0 % 50) \"kutip\", koma" }
            chunks.append(
                Chunk(
                    columns: [
                        Column.from(range.map { .int(Int64($0)) }, type: .int64),
                        Column.from(range.map { $0 % 11 == 0 ? .null : .float(Double($0) / 8) }, type: .float64),
                        chunks.count % 2 == 0 ? Fixtures.stringColumn(strings) : Fixtures.dictionaryColumn(strings),
                        Column.from(range.map { .date(Int32($0 % 30_000)) }, type: .date),
                    ], count: count))
            start += count
        }
        return Table(schema: schema, chunks: chunks)
    }

    @Test(
        "batches end at row boundaries, stay near the threshold and add up to the whole",
        arguments: [ResultFormat.csv, .ndjson, .json, .markdown])
    func batches(format: ResultFormat) throws {
        let table = Self.bigTable(rows: 30_000)
        let writer = ResultWriter(format: format, options: .init(flushThreshold: 16 * 1024))
        var batches: [[UInt8]] = []
        try writer.write(table) { batches.append(Array($0)) }
        #expect(batches.count > 10)
        for batch in batches.dropLast() {
            #expect(batch.count >= 16 * 1024 && batch.count < 16 * 1024 + 512)
            #expect(batch.last == 0x0a || (format == .json && batch.last == UInt8(ascii: "}")))
        }
        #expect(batches.flatMap { $0 } == writer.renderBytes(table))
    }

    @Test("NDJSON of many rows parses back row by row")
    func manyRowsParse() throws {
        let table = Self.bigTable(rows: 20_000)
        let lines = ResultWriter(format: .ndjson).render(table).split(separator: "\n")
        #expect(lines.count == 20_000)
        for (index, line) in lines.enumerated() where index % 97 == 0 || index == lines.count - 1 {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect((object["n"] as? NSNumber)?.intValue == index)
            if index % 11 == 0 {
                #expect(object["x"] is NSNull)
            } else {
                #expect((object["x"] as? NSNumber)?.doubleValue == Double(index) / 8)
            }
            if index % 7 == 0 {
                #expect(object["s"] is NSNull)
            } else {
                #expect(object["s"] as? String == "nilai \(index % 50) \"kutip\", koma")
            }
            #expect(object["d"] as? String == CivilDate.format(days: Int32(index % 30_000)))
        }
    }

    @Test("writes to a FileHandle", arguments: ResultFormat.allCases)
    func fileHandle(format: ResultFormat) throws {
        let table = Self.bigTable(rows: 10_000)
        let writer = ResultWriter(format: format, options: .init(rowWindow: RowWindow(first: 10, last: 10)))
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "lumbung-writers-\(UUID().uuidString).out"
        ).path
        #expect(FileManager.default.createFile(atPath: path, contents: nil))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try writer.write(table, to: handle, path: path)
        try handle.close()
        let written = try #require(FileManager.default.contents(atPath: path))
        #expect(Array(written) == writer.renderBytes(table))
    }

    @Test("a failed write is a LumbungError.io naming the destination")
    func failedWrite() throws {
        let handle = try #require(FileHandle(forReadingAtPath: "/dev/null"))  // not open for writing
        let error = #expect(throws: LumbungError.self) {
            try ResultWriter(format: .csv).write(Fixtures.everyType, to: handle, path: "hasil.csv")
        }
        guard case .io(let path, let message)? = error else {
            Issue.record("expected LumbungError.io, got \(String(describing: error))")
            return
        }
        #expect(path == "hasil.csv")
        #expect(!message.isEmpty)
    }

    @Test("a consumer's error stops the writer and is rethrown")
    func consumerError() {
        struct Full: Error {}
        let table = Self.bigTable(rows: 30_000)
        var calls = 0
        #expect(throws: Full.self) {
            try ResultWriter(format: .ndjson, options: .init(flushThreshold: 4096)).write(table) { _ in
                calls += 1
                if calls == 2 { throw Full() }
            }
        }
        #expect(calls == 2)
    }

    @Test("writes into a TextOutputStream")
    func textStream() {
        var text = "awal\n"
        ResultWriter(format: .csv, options: .init(flushThreshold: 64)).write(Fixtures.awkwardTwoChunks(), to: &text)
        #expect(text == "awal\n" + Fixtures.render(.csv, Fixtures.awkwardTwoChunks()))
    }

    @Test("CSV floats read back exactly", arguments: [1, 2, 3])
    func floatRoundTrip(seed: UInt64) throws {
        var state = seed
        var values: [Double] = []
        for _ in 0..<3000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let value = Double(bitPattern: state)
            values.append(value.isFinite ? value : Double(state >> 12))
        }
        let table = Table(schema: Schema([Field(name: "x", type: .float64)]), rows: values.map { [.float($0)] })
        let lines = Fixtures.render(.csv, table).split(separator: "\n").dropFirst()
        for (line, value) in zip(lines, values) {
            let parsed = try #require(Double(line))
            #expect(parsed.bitPattern == value.bitPattern, "\(line)")
        }
    }
}
