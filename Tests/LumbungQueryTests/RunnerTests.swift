import Foundation
import LumbungCore
import LumbungQuery
import LumbungIO
import Testing

/// The binder, the optimizer and the runner, on small tables in memory and on the bundled
/// sample files. Result rows of whole queries are checked against DuckDB by the conformance
/// suite (ConformanceTests); these tests check what DuckDB cannot: diagnostics, warnings,
/// pushdown and determinism. Expected counts are computed from the input rows here.
@Suite("query runner")
struct RunnerTests {
    /// pegawai-like rows: nip, instansi, umur (some null), gaji.
    static let pegawai = Table(
        schema: Schema([
            Field(name: "nip", type: .string), Field(name: "instansi", type: .string),
            Field(name: "umur", type: .int64), Field(name: "gaji", type: .float64),
        ]),
        rows: [
            [.string("1"), .string("A"), .int(30), .float(5.5)],
            [.string("2"), .string("B"), .null, .float(7)],
            [.string("3"), .string("A"), .int(45), .null],
            [.string("4"), .string("C"), .null, .float(3.25)],
            [.string("5"), .string("B"), .int(51), .float(9)],
        ])

    /// kinerja-like rows: nip (3 appears twice, 9 matches nobody), instansi, nilai.
    static let kinerja = Table(
        schema: Schema([
            Field(name: "nip", type: .string), Field(name: "instansi", type: .string), Field(name: "nilai", type: .int64),
        ]),
        rows: [
            [.string("1"), .string("A"), .int(80)],
            [.string("3"), .string("A"), .int(90)],
            [.string("3"), .string("A"), .int(70)],
            [.string("9"), .string("Z"), .int(60)],
        ])

    static func runner(threads: Int = 2) -> QueryRunner {
        let catalog = Catalog()
        catalog.register("pegawai", table: pegawai)
        catalog.register("kinerja", table: kinerja)
        return QueryRunner(catalog: catalog, options: QueryOptions(threads: threads))
    }

    /// A runner over one file registered as `name`, read without a rejects file, in blocks of
    /// `blockSize` bytes (`nil`: the reader's default).
    static func fileRunner(_ name: String, path: String, blockSize: Int? = nil, threads: Int = 2) -> QueryRunner {
        var options = ReadOptions()
        options.writeRejects = false
        if let blockSize { options.blockSize = blockSize }
        let catalog = Catalog(defaultOptions: options)
        catalog.register(name, path: path, options: options)
        return QueryRunner(catalog: catalog, options: QueryOptions(threads: threads))
    }

    static func errors(_ query: String, parameters: [String: String] = [:]) -> [Diagnostic] {
        do {
            _ = try runner().prepare(query, parameters: parameters)
            Issue.record("expected errors for \(query)")
            return []
        } catch let error as QueryError {
            return error.errors
        } catch {
            Issue.record("unexpected error \(error)")
            return []
        }
    }

    static var repository: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    @Test("independent errors are all reported, each at its place")
    func severalErrors() {
        let errors = Self.errors("from pegawai\nwhere umurr > 3\nderive x = lowr(instansi)\nsort -gajii")
        #expect(errors.map(\.id) == [.unknownColumn, .unknownFunction, .unknownColumn])
        #expect(errors.map { $0.range?.start.description } == ["2:7", "3:12", "4:7"])
        #expect(errors[0].message.english == "unknown column 'umurr' — did you mean 'umur'?")
        #expect(errors[1].message.english.contains("did you mean 'lower'?"))
    }

    @Test("an overflow while running names the operation or aggregate and its place")
    func overflowPlace() throws {
        let minimum = "umur * 0 - 9223372036854775807 - 1"  // Int64.min, without overflowing
        let cases: [(query: String, line: Int, column: Int, text: String)] = [
            ("from pegawai\nderive x = umur * 9223372036854775807", 2, 12, "umur * 9223372036854775807"),
            ("from pegawai | derive a = abs(\(minimum))", 1, 27, "abs(\(minimum))"),
            ("from pegawai | derive a = -(\(minimum))", 1, 27, "-(\(minimum))"),
            ("from pegawai\n| where umur > 0\n| summarize t = sum(umur * 9223372036854775807 / 2)", 3, 21,
             "umur * 9223372036854775807"),
            ("from pegawai\n| summarize t = sum(umur) by instansi\n| derive u = t * 9223372036854775807", 3, 14,
             "t * 9223372036854775807"),
            ("from pegawai\n| derive big = umur + 9223372036854775000\n| summarize t = sum(big) by instansi", 3, 17,
             "sum(big)"),
            ("from pegawai\n| summarize t = sum(umur) * 9223372036854775807", 2, 17, "sum(umur) * 9223372036854775807"),
        ]
        for (query, line, column, text) in cases {
            for threads in [1, 7] {
                do {
                    _ = try Self.runner(threads: threads).run(query)
                    Issue.record("expected an overflow: \(query)")
                } catch let error as QueryRuntimeError {
                    let diagnostic = error.diagnostic
                    #expect(diagnostic.id == .resultOverflow, "\(query)")
                    #expect(diagnostic.range?.start.line == line && diagnostic.range?.start.column == column,
                            "\(query): at \(String(describing: diagnostic.range))")
                    #expect(diagnostic.message.english
                        == "integer overflow in '\(text)': the result does not fit in a 64-bit integer", "\(query)")
                    #expect(error.engineError.kind == .integerOverflow)
                }
            }
        }
        // The rendered form, as the CLI prints it.
        do {
            _ = try Self.runner().run("from pegawai\nderive x = umur * 9223372036854775807")
        } catch let error as QueryRuntimeError {
            let rendered = DiagnosticRenderer(source: "from pegawai\nderive x = umur * 9223372036854775807", file: "q.lq",
                                              language: .english).render([error.diagnostic])
            #expect(rendered.hasPrefix("""
                q.lq:2:12: integer overflow in 'umur * 9223372036854775807': the result does not fit in a 64-bit integer
                 2 | derive x = umur * 9223372036854775807
                   |            ^^^^^^^^^^^^^^^^^^^^^^^^^^
                """), "\(rendered)")
        }
    }

    @Test("type errors name the types")
    func typeErrors() {
        let errors = Self.errors("from pegawai | summarize r = avg(instansi)")
        #expect(errors.map(\.id) == [.typeMismatch])
        #expect(errors.first?.message.english == "avg() needs a number, but 'instansi' is a string")
        #expect(Self.errors("from pegawai | where umur + 1").first?.id == .typeMismatch)
        #expect(Self.errors("from pegawai | derive s = instansi + 1").first?.helps.first?.message == Messages.helpConcat)
        #expect(Self.errors("from pegawai | derive r = round(gaji, 1, 2)").first?.id == .wrongArgumentCount)
    }

    @Test("after a join, a name on both sides must be qualified")
    func ambiguousAfterJoin() throws {
        let errors = Self.errors("from kinerja | join pegawai on nip | select instansi")
        #expect(errors.map(\.id) == [.ambiguousColumn])
        #expect(errors.first?.message.english.contains("kinerja and pegawai") == true)
        let result = try Self.runner().run(
            "from kinerja | join pegawai on nip | select nip, kinerja.instansi, unit = pegawai.instansi, nilai")
        #expect(result.table.schema.names == ["nip", "instansi", "unit", "nilai"])
        #expect(result.table.rows().map { $0[0] } == [.string("1"), .string("3"), .string("3")])
    }

    @Test("aggregates belong in summarize, bare columns in its keys")
    func aggregatePlacement() {
        #expect(Self.errors("from pegawai | where count() > 1").first?.id == .aggregateOutsideSummarize)
        #expect(Self.errors("from pegawai | summarize n = sum(count())").first?.id == .nestedAggregate)
        #expect(Self.errors("from pegawai | summarize n = umur + count() by instansi").first?.id == .notAggregated)
        #expect(Self.errors("from pegawai | summarize q = quantile(umur, 1.5)").first?.id == .invalidArgument)
    }

    @Test("aggregates combine arithmetically, keys may be referred to")
    func aggregateArithmetic() throws {
        let result = try Self.runner().run(
            "from pegawai | summarize rasio = sum(gaji) / count(), n = count(), label = concat(instansi, \"!\") by instansi")
        #expect(result.table.schema.names == ["instansi", "rasio", "n", "label"])
        let rows = result.table.rows()
        // A: gaji 5.5 and null over 2 rows; B: 7 + 9 over 2; C: 3.25 over 1.
        #expect(rows.map { $0[1] } == [.float(2.75), .float(8), .float(3.25)])
        #expect(rows.map { $0[3] } == [.string("A!"), .string("B!"), .string("C!")])
    }

    @Test("parameters: given, declared with a default, missing, or of the wrong type")
    func parameters() throws {
        let query = "param batas: int = 40\nfrom pegawai\nwhere umur > $batas\nselect nip"
        #expect(try Self.runner().run(query).table.rows() == [[.string("3")], [.string("5")]])
        #expect(try Self.runner().run(query, parameters: ["batas": "50"]).table.rows() == [[.string("5")]])
        #expect(Self.errors(query, parameters: ["batas": "empat"]).first?.id == .invalidParameter)
        #expect(Self.errors("from pegawai | where umur > $batas").first?.id == .missingParameter)
        let period = try Self.runner().run("from pegawai | where umur in [$a, 51] | select nip", parameters: ["a": "30"])
        #expect(period.table.rows() == [[.string("1")], [.string("5")]])
    }

    @Test("a where that drops rows on a null says how many")
    func nullsDroppedWarning() throws {
        let result = try Self.runner().run("from pegawai\nwhere umur > 40")
        let expectedNulls = Self.pegawai.rows().filter { $0[2].isNull }.count
        let warning = try #require(result.warnings.first { $0.id == .nullsDropped })
        #expect(warning.severity == .warning)
        #expect(warning.message.english.contains("dropped \(expectedNulls) rows"))
        #expect(warning.range?.start.line == 2)
        // No warning when nothing is null.
        #expect(try Self.runner().run("from pegawai | where instansi == \"A\"").warnings.isEmpty)
    }

    @Test("joins that repeat or lose left rows are reported")
    func joinWarnings() throws {
        let result = try Self.runner().run("from pegawai | join kinerja on nip")
        let ids = Set(result.warnings.map(\.id))
        // nip 3 has two kinerja rows (repeats one pegawai row); nips 2, 4, 5 have none.
        #expect(ids == [.joinMultipliesRows, .joinUnmatchedRows])
        let unmatched = try #require(result.warnings.first { $0.id == .joinUnmatchedRows })
        #expect(unmatched.message.english.hasPrefix("3 of 5 rows"))
        #expect(result.table.rowCount == 3)
        let semi = try Self.runner().run("from pegawai | join semi kinerja on nip")
        #expect(semi.warnings.isEmpty)
        #expect(semi.table.rowCount == 2)
    }

    @Test("filters run during the scan, and not below take")
    func predicatePushdown() throws {
        let pushed = try Self.runner().prepare("from pegawai | derive x = umur * 2 | where instansi == \"A\"")
        #expect(pushed.explain.contains("filter during scan: instansi == \"A\""))
        let kept = try Self.runner().prepare("from pegawai | take 2 | where instansi == \"A\"")
        #expect(!kept.explain.contains("filter during scan"))
        #expect(kept.explain.hasPrefix("Filter"))
        // Through a join, into the side that owns the column.
        let join = try Self.runner().prepare("from kinerja | join pegawai on nip | where umur > 3 and nilai > 1")
        #expect(join.explain.components(separatedBy: "filter during scan").count == 1)
        let split = try Self.runner().prepare("from kinerja | join pegawai on nip | where nilai > 1 | where umur > 3")
        #expect(split.explain.components(separatedBy: "filter during scan").count == 3)
    }

    @Test("sort and take over a file cut each block to its top rows during the scan, not over a derived key")
    func topKPushdown() throws {
        let runner = Self.fileRunner("layanan", path: Self.repository.appendingPathComponent("sample-data/layanan.csv.gz").path)
        let query = "from layanan | sort -durasi_hari_kerja, id_permohonan | take 10"
        #expect(try runner.prepare(query).explain.contains("top 10 of each block during scan: -durasi_hari_kerja, id_permohonan"))
        let derived = "from layanan | derive d = durasi_hari_kerja * 2 | sort d | take 10"
        #expect(!(try runner.prepare(derived).explain.contains("of each block during scan")))
        var plain = runner
        plain.options.topKPushdown = false
        #expect(!(try plain.prepare(query).explain.contains("of each block during scan")))
        let pushed = try runner.run(query)
        #expect(pushed.table.rowCount == 10)
        #expect(pushed.table.rows() == (try plain.run(query)).table.rows())
    }

    @Test("take straight over a file stops the read early, with the rows a whole read gives",
          arguments: ["layanan.csv.gz", "layanan.ndjson.gz"])
    func takePushdown(file: String) throws {
        let runner = Self.fileRunner(
            "layanan", path: Self.repository.appendingPathComponent("sample-data/\(file)").path, blockSize: 4096)
        var whole = runner
        whole.options.takePushdown = false
        for query in ["from layanan | take 25", "from layanan | where kanal == \"web\" and durasi_hari_kerja > 3 | take 40 | select id_permohonan, durasi_hari_kerja"] {
            #expect(try runner.prepare(query).explain.contains("reading stops after the first"))
            let stopped = try runner.run(query)
            let all = try whole.run(query)
            #expect(stopped.table.rows() == all.table.rows(), "\(query)")
            #expect(stopped.table.rowCount == (query.contains("40") ? 40 : 25))
            #expect(stopped.stats.scans.first?.stoppedEarly == true)
            #expect(all.stats.scans.first?.stoppedEarly == false)
            #expect((stopped.stats.scans.first?.rows ?? .max) < (all.stats.scans.first?.rows ?? 0))
        }
        // Not below a derive or a sort: those need every row (the sort is a top-k instead).
        #expect(!(try runner.prepare("from layanan | sort kanal | take 5").explain.contains("reading stops")))
    }

    @Test("a sort column that widens after blocks were cut makes the read start again without cutting")
    func topKPushdownAfterWidening() throws {
        // Column k holds integers for the first 80 KB (the probe and the first blocks read it as
        // int64), then text: the column ends as strings, whose order differs from the numbers'.
        var lines = ["id,k"]
        var values: [String] = []
        for row in 0..<9_000 {
            let value = row == 8_500 ? "x7" : String((row * 7_919) % 10_007)
            values.append(value)
            lines.append("r\(row),\(value)")
        }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("topk-widen-\(UUID().uuidString).csv")
        try (lines.joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        let runner = Self.fileRunner("f", path: url.path, blockSize: 4096)
        let query = "from f | sort k | take 5 | select k"
        #expect(try runner.prepare(query).explain.contains("top 5 of each block during scan"))
        let result = try runner.run(query)
        // Byte order of the texts, ties (none here) in file order.
        let expected = values.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }.prefix(5)
        #expect(result.table.rows() == expected.map { [Value.string($0)] })
    }

    @Test("a query that uses 3 of the sample's columns reads only those 3")
    func projectionPushdownOnFile() throws {
        let runner = Self.fileRunner("layanan", path: Self.repository.appendingPathComponent("sample-data/layanan.csv.gz").path)
        let query = "from layanan | where kanal == \"web\" | summarize n = count(), ikm = avg(skor_ikm) by kode_instansi"
        let narrow = try runner.run(query)
        #expect(narrow.stats.scans.first?.columnsRead == 3)
        #expect(try runner.prepare(query).explain.contains("columns read: 3 of"))
        var wide = runner
        wide.options.projectionPushdown = false
        let all = try wide.run(query)
        #expect(all.stats.scans.first?.columnsRead == all.stats.scans.first?.columns)
        #expect(all.table.rows() == narrow.table.rows())
    }

    @Test("the same rows in the same order at 1, 2 and 7 threads")
    func determinism() throws {
        let path = Self.repository.appendingPathComponent("sample-data/layanan.csv.gz").path
        let query = """
            from layanan
            derive d = days_between(tanggal_permohonan, tanggal_selesai)
            summarize n = count(), rata = avg(skor_ikm), p90 = quantile(d, 0.9) by kanal, status
            sort -n
            """
        var results: [[[Value]]] = []
        for threads in [1, 2, 7] {
            results.append(try Self.fileRunner("layanan", path: path, threads: threads).run(query).table.rows())
        }
        #expect(results[0] == results[1])
        #expect(results[0] == results[2])
    }

    @Test("messages come in Indonesian too, with the same ids")
    func indonesian() {
        let errors = Self.errors("from pegawai | summarize r = avg(instansi)")
        #expect(errors.first?.message.text(.indonesian) == "avg() memerlukan angka, tetapi 'instansi' adalah string")
    }
}
