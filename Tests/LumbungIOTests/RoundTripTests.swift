import Foundation
import PropertyBased
import Testing
import LumbungCore
@testable import LumbungIO

/// Random typed tables with nulls and awkward strings, written as CSV (plain, gzip, multi-member gzip)
/// and read back: the same rows and types. Seeds and row counts come from PropertyBased, which
/// shrinks a failure to the smallest table that shows it.
@Suite struct RoundTripTests {
    static let schema = Schema([
        Field(name: "bilangan", type: .int64),
        Field(name: "nilai", type: .float64),
        Field(name: "aktif", type: .bool),
        Field(name: "teks", type: .string),
        Field(name: "kode", type: .string),
        Field(name: "tanggal", type: .date),
        Field(name: "waktu", type: .timestamp),
    ])

    static let awkward = [
        "", " ", "NULL", "null", "a,b", "\"", "\"\"", "kata \"baik\"", "baris\nbaru", "cr\r\nlf", "\r", "tab\there",
        "Rp5.000.000", "12,5", "café", "😀 emoji", "Jl. Merdeka No. 1; RT 02", "  spasi  ", "|pipa|", "\\", "{\"json\": 1}",
        "0", "007", "true", "2024-01-31",
    ]

    /// A deterministic random table from a seed.
    static func table(seed: Int, rows: Int) -> Table {
        var rng = SplitMix(seed: UInt64(bitPattern: Int64(seed)))
        var values: [[Value]] = []
        for _ in 0..<rows {
            func maybe(_ value: Value) -> Value { rng.next() % 5 == 0 ? .null : value }
            let int: Int64 = [Int64.min, .max, 0, -1, Int64(bitPattern: rng.next())][Int(rng.next() % 5)]
            let double: Double = [0.1, -2.5e-300, 1.7976931348623157e308, 123456.789, Double(bitPattern: rng.next() & 0x7FEF_FFFF_FFFF_FFFF),
                                  -0.0, .infinity, -.infinity][Int(rng.next() % 8)]
            let text = (0..<Int(rng.next() % 3)).map { _ in awkward[Int(rng.next() % UInt64(awkward.count))] }.joined()
            let code = "K\(rng.next() % 20)"
            let day = Int32(truncatingIfNeeded: Int64(rng.next() % 80_000) - 20_000)
            let micros = Int64(rng.next() % 4_000_000_000_000_000) - 1_000_000_000_000_000
            values.append([
                maybe(.int(int)), maybe(.float(double)), maybe(.bool(rng.next() & 1 == 0)), maybe(.string(text)),
                maybe(.string(code)), maybe(.date(day)), maybe(.timestamp(micros)),
            ])
        }
        return Table(schema: schema, rows: values)
    }

    static func options(blockSize: Int, threads: Int) -> ReadOptions {
        var options = ReadOptions.testing(blockSize: blockSize, threads: threads)
        options.schema = schema
        options.maxRejectRatio = 0
        return options
    }

    @Test("CSV round trip: plain, gzip and multi-member gzip, any block size")
    func csvRoundTrip() async {
        await propertyCheck(count: 60, input: Gen.int(in: 0...1_000_000), Gen.int(in: 0...400)) { seed, rows in
            let files = TestFiles()
            defer { files.remove() }
            let table = Self.table(seed: seed, rows: rows)
            let bytes = CSVWriter().write(table)
            let cut = bytes.count / 3
            let paths = [
                files.write("t.csv", bytes),
                files.writeGzip("t.csv.gz", members: [bytes]),
                files.writeGzip("m.csv.gz", members: [Array(bytes[..<cut]), Array(bytes[cut...])]),
            ]
            for path in paths {
                for (blockSize, threads) in [(1 << 20, 1), (256, 3)] {
                    do {
                        let result = try TableReader.read(path: path, options: Self.options(blockSize: blockSize, threads: threads))
                        #expect(result.table.schema == table.schema)
                        #expect(result.rejects.isEmpty)
                        #expect(result.table.rows() == table.rows(), "seed \(seed), \(rows) rows, \(path), block \(blockSize)")
                    } catch {
                        Issue.record("seed \(seed): \(error)")
                    }
                }
            }
        }
    }

    @Test("NDJSON round trip: plain, gzip and multi-member gzip, any block size")
    func ndjsonRoundTrip() async {
        await propertyCheck(count: 40, input: Gen.int(in: 0...1_000_000), Gen.int(in: 0...300)) { seed, rows in
            let files = TestFiles()
            defer { files.remove() }
            let table = Self.table(seed: seed, rows: rows)
            // JSON has no NaN or infinity: the writer emits null for them.
            let expected = table.rows().map { row in
                row.map { value -> Value in
                    if case .float(let number) = value, !number.isFinite { return .null }
                    return value
                }
            }
            let bytes = NDJSONWriter().write(table)
            var cut = bytes.count / 2
            while cut < bytes.count, bytes[cut] != 0x0a { cut += 1 }
            let paths = [
                files.write("t.ndjson", bytes),
                files.writeGzip("t.ndjson.gz", members: [bytes]),
                files.writeGzip("m.ndjson.gz", members: [Array(bytes[..<min(cut + 1, bytes.count)]), Array(bytes[min(cut + 1, bytes.count)...])]),
            ]
            for path in paths {
                for (blockSize, threads) in [(1 << 20, 1), (300, 3)] {
                    do {
                        let result = try TableReader.read(path: path, options: Self.options(blockSize: blockSize, threads: threads))
                        #expect(result.rejects.isEmpty)
                        if rows > 0 {
                            #expect(result.table.schema == table.schema)
                            #expect(result.table.rows() == expected, "seed \(seed), \(rows) rows, \(path), block \(blockSize)")
                        } else {
                            #expect(result.rowCount == 0)
                        }
                    } catch {
                        Issue.record("seed \(seed): \(error)")
                    }
                }
            }
        }
    }

    @Test("CSV written by Lumbung infers back to the same types without a schema")
    func csvInference() throws {
        let files = TestFiles()
        defer { files.remove() }
        var rows: [[Value]] = []
        for index in 0..<500 {
            rows.append([.int(Int64(index) * 1_000_003), .float(Double(index) + 0.25), .bool(index % 2 == 0),
                         .string("nama \(index), \"x\""), .date(Int32(19_000 + index)), .timestamp(Int64(index) * 3_600_000_000)])
        }
        let schema = Schema(zip(["a", "b", "c", "d", "e", "f"], [DataType.int64, .float64, .bool, .string, .date, .timestamp])
            .map { Field(name: $0, type: $1) })
        let table = Table(schema: schema, rows: rows)
        let result = try readTable(files.writeGzip("i.csv.gz", members: [CSVWriter().write(table)]))
        #expect(result.table.schema == schema)
        #expect(result.table.rows() == rows)
    }
}

/// SplitMix64: a tiny deterministic generator for test data.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
