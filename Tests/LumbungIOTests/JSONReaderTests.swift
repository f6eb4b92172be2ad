import Foundation
import LumbungCore
import Testing

@testable import LumbungIO

/// A fresh folder per test file write.
private func temporaryDirectory() throws -> String {
    let path = NSTemporaryDirectory() + "lumbung-json-tests-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// Writes `bytes` to a file named `name` in a fresh folder, gzip-compressed when asked.
private func writeFile(_ bytes: [UInt8], name: String, gzip: Bool = false) throws -> String {
    let path = try temporaryDirectory() + "/" + name
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    guard gzip else { return path }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/gzip")
    process.arguments = ["-n", "-f", path]
    try process.run()
    process.waitUntilExit()
    #expect(process.terminationStatus == 0)
    return path + ".gz"
}

private func readJSON(
    _ text: String, name: String = "data.ndjson", gzip: Bool = false, configure: (inout ReadOptions) -> Void = { _ in }
) throws -> ReadResult {
    try readJSON(Array(text.utf8), name: name, gzip: gzip, configure: configure)
}

private func readJSON(
    _ bytes: [UInt8], name: String = "data.ndjson", gzip: Bool = false, configure: (inout ReadOptions) -> Void = { _ in }
) throws -> ReadResult {
    let path = try writeFile(bytes, name: name, gzip: gzip)
    var options = ReadOptions()
    options.writeRejects = false
    options.maxRejectRatio = 1
    configure(&options)
    return try TableReader.read(path: path, options: options)
}

/// Reads small blocks on three threads, so that records straddle blocks.
private func tiny(_ options: inout ReadOptions) {
    options.blockSize = 64
    options.threads = 3
}

private func names(_ result: ReadResult) -> [String] { result.table.schema.fields.map(\.name) }
private func types(_ result: ReadResult) -> [DataType] { result.table.schema.fields.map(\.type) }

private func date(_ text: String) -> Value { .date(ValueParser.parse(text, ValueParser.date)!) }
private func timestamp(_ text: String) -> Value { .timestamp(ValueParser.parse(text, ValueParser.timestamp)!) }

private func dataError(_ body: () throws -> ReadResult) -> DataError? {
    do {
        _ = try body()
        return nil
    } catch LumbungError.data(let error) {
        return error
    } catch {
        Issue.record("unexpected error \(error)")
        return nil
    }
}

/// Records with every kind of value, some keys missing, escapes, nesting and arrays; rendered as
/// NDJSON or as a pretty-printed JSON array.
private func sampleRecords(_ count: Int) -> [[(String, String)]] {
    (0..<count).map { i in
        var fields: [(String, String)] = [
            ("id", "\(i)"),
            ("nip", "\(198_609_262_015_051_001 + i * 7)"),
            ("nama", i % 7 == 0 ? "\"Siti \\\"Nur\\\" Aisyah \\u00e9\\ud83d\\ude00\"" : "\"Pegawai \(i)\""),
            ("gaji", i % 3 == 0 ? "\(i * 1000)" : "\(i).25"),
            ("aktif", i % 2 == 0 ? "true" : "false"),
            ("tanggal_lahir", "\"\(String(format: "%02d", i % 28 + 1))/0\(i % 9 + 1)/19\(60 + i % 40)\""),
        ]
        if i % 5 != 0 {
            fields.append(("alamat", "{\"provinsi\": \"Jawa \(i % 3)\", \"kota\": {\"kode\": \"32.\(i % 90 + 10)\"}}"))
        } else {
            fields.append(("alamat", "null"))
        }
        if i % 4 == 1 { fields.append(("catatan", "null")) }
        if i % 6 == 2 { fields.append(("catatan", "\"cuti \\n tahunan\"")) }
        fields.append(("riwayat", i % 3 == 0 ? "[]" : "[{\"tahun\": \(2000 + i % 20), \"unit\": \"A, B\"}, \(i)]"))
        if i > count / 2 { fields.append(("dibuat", "\"2024-03-\(String(format: "%02d", i % 28 + 1))T08:30:00+07:00\"")) }
        return fields
    }
}

private func ndjson(_ records: [[(String, String)]]) -> String {
    records.map { "{" + $0.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}" }.joined(separator: "\n") + "\n"
}

private func prettyArray(_ records: [[(String, String)]]) -> String {
    "[\n" + records.map { "  {\n" + $0.map { "    \"\($0.0)\" : \($0.1)" }.joined(separator: ",\n") + "\n  }" }.joined(separator: ",\n") + "\n]\n"
}

/// A small deterministic generator for test data.
private struct JSONTestRandom: RandomNumberGenerator {
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

@Suite struct JSONReaderTests {
    @Test func scalarTypesFromNDJSON() throws {
        let text = """
            {"nama": "Budi", "umur": 34, "gaji": 5500000.5, "aktif": true, "tanggal_lahir": "1990-05-17", "dibuat": "2024-01-31T08:30:00Z", "catatan": null}
            {"nama": "Siti", "umur": -28, "gaji": 6000000, "aktif": false, "tanggal_lahir": "17/05/1995", "dibuat": "2024-02-01T09:00:00+07:00", "catatan": "cuti"}

            """
        let result = try readJSON(text)
        #expect(result.format == .ndjson)
        #expect(names(result) == ["nama", "umur", "gaji", "aktif", "tanggal_lahir", "dibuat", "catatan"])
        #expect(types(result) == [.string, .int64, .float64, .bool, .date, .timestamp, .string])
        #expect(result.table.rows() == [
            [.string("Budi"), .int(34), .float(5_500_000.5), .bool(true), date("1990-05-17"), timestamp("2024-01-31T08:30:00Z"), .null],
            [.string("Siti"), .int(-28), .float(6_000_000), .bool(false), date("1995-05-17"), timestamp("2024-02-01T02:00:00Z"), .string("cuti")],
        ])
        #expect(result.rejects.isEmpty)
        #expect(result.warnings.isEmpty)
    }

    @Test func datesInEveryFormatAndTimestamps() throws {
        let text = """
            {"d": "17/08/1945", "t": "2024-01-01", "s": "2024-01-01"}
            {"d": "17-08-1945", "t": "2024-01-01T10:00:00Z", "s": "besok"}
            {"d": "1945-08-17", "t": "2024-01-02 10:00", "s": null}

            """
        let result = try readJSON(text)
        #expect(types(result) == [.date, .timestamp, .string])
        #expect(result.table.rows() == [
            [date("1945-08-17"), timestamp("2024-01-01T00:00:00Z"), .string("2024-01-01")],
            [date("1945-08-17"), timestamp("2024-01-01T10:00:00Z"), .string("besok")],
            [date("1945-08-17"), timestamp("2024-01-02T10:00:00Z"), .null],
        ])
    }

    @Test func nestedObjectsAreDottedAndArraysKeptAsJSONText() throws {
        let text = """
            {"nip": 198609262015051001, "alamat": {"provinsi": "Jawa Barat", "kota": {"nama": "Bandung", "kode": "32.73"}}, "golongan": ["III/a", "III/b"], "nilai": [1,2,{"x":null}]}
            {"nip": 199001012020121002, "alamat": null, "golongan": [], "nilai": [ 1 , 2 ,{ "x" : "a b" } ]}
            {"nip": 199001012020121003, "alamat": {}, "golongan": [[], {}], "nilai": null}

            """
        let result = try readJSON(text)
        #expect(names(result) == ["nip", "alamat.provinsi", "alamat.kota.nama", "alamat.kota.kode", "golongan", "nilai"])
        #expect(types(result) == [.string, .string, .string, .string, .string, .string])
        #expect(result.table.rows() == [
            [.string("198609262015051001"), .string("Jawa Barat"), .string("Bandung"), .string("32.73"), .string("[\"III/a\",\"III/b\"]"), .string("[1,2,{\"x\":null}]")],
            [.string("199001012020121002"), .null, .null, .null, .string("[]"), .string("[1,2,{\"x\":\"a b\"}]")],
            [.string("199001012020121003"), .null, .null, .null, .string("[[],{}]"), .null],
        ])
    }

    @Test func keyThatIsSometimesAScalarKeepsBothColumns() throws {
        let text = """
            {"a": "teks"}
            {"a": {"b": 1}}

            """
        let result = try readJSON(text)
        #expect(names(result) == ["a", "a.b"])
        #expect(result.table.rows() == [[.string("teks"), .null], [.null, .int(1)]])
    }

    @Test func escapesAndSurrogatePairsDecodeToUTF8() throws {
        let text = #"""
            {"s": "a\"b\\c\/d\n\t\b\f\r", "u": "caf\u00e9 \u20AC \ud83d\ude00 \u0000", "k\u0065y": 1, "plain": "Déjà vu ✓"}
            {"s": "\ud800", "u": "x", "key": 2, "plain": "y"}
            {"s": "ok \udc00", "u": "x", "key": 3, "plain": "y"}
            {"s": "bad \q", "u": "x", "key": 4, "plain": "y"}
            {"s": "ctrl 	tab", "u": "x", "key": 5, "plain": "y"}

            """#
        let result = try readJSON(text)
        #expect(names(result) == ["s", "u", "key", "plain"])
        #expect(result.table.rows() == [
            [.string("a\"b\\c/d\n\t\u{08}\u{0C}\r"), .string("café € 😀 \u{0}"), .int(1), .string("Déjà vu ✓")],
        ])
        #expect(result.rejects.map(\.line) == [2, 3, 4, 5])
        #expect(result.rejects.map(\.kind) == [.invalidJSON, .invalidJSON, .invalidJSON, .invalidJSON])
        #expect(result.rejects.map(\.column) == [8, 11, 12, 13])
        #expect(result.rejects[0].reason.contains("lone surrogate"))
        #expect(result.rejects[1].reason.contains("lone surrogate"))
        #expect(result.rejects[2].reason.contains("invalid escape"))
        #expect(result.rejects[3].reason.contains("control character"))
        #expect(result.rejects[0].raw == #"{"s": "\ud800", "u": "x", "key": 2, "plain": "y"}"#)
    }

    @Test func integersTooLargeForInt64BecomeFloat64WithOneWarning() throws {
        var lines = ["{\"n\": 1, \"m\": 9223372036854775807, \"k\": -9223372036854775808}"]
        for _ in 0..<20 { lines.append("{\"n\": 12345678901234567890, \"m\": 1, \"k\": 2}") }
        lines.append("{\"n\": -99999999999999999999, \"m\": 2, \"k\": 3}")
        let result = try readJSON(lines.joined(separator: "\n"), configure: tiny)
        #expect(types(result) == [.float64, .int64, .int64])
        let rows = result.table.rows()
        #expect(rows.count == 22)
        #expect(rows[0] == [.float(1), .int(.max), .int(.min)])
        #expect(rows[1][0] == .float(12_345_678_901_234_567_890))
        #expect(rows[21][0] == .float(-1e20))
        #expect(result.warnings.filter { $0.contains("'n'") && $0.contains("too large for int64") }.count == 1)
        #expect(result.warnings.count == 1)
    }

    @Test func numbersAndStringsWidenToStringKeepingTheJSONText() throws {
        let text = """
            {"v": 1.50, "w": 1, "b": true, "i": 1}
            {"v": "abc", "w": 2.5, "b": false, "i": 20}
            {"v": 2, "w": 3, "b": null, "i": -3}
            {"v": true, "w": 1e2, "b": true, "i": 4}
            {"v": [1, 2], "w": -0.5, "b": false, "i": 5}
            {"v": null, "w": 0, "b": true, "i": 6}

            """
        let result = try readJSON(text)
        #expect(types(result) == [.string, .float64, .bool, .int64])
        #expect(result.table.rows().map { $0[0] } == [.string("1.50"), .string("abc"), .string("2"), .string("true"), .string("[1,2]"), .null])
        #expect(result.table.rows().map { $0[1] } == [.float(1), .float(2.5), .float(3), .float(100), .float(-0.5), .float(0)])
        #expect(result.table.rows().map { $0[2] } == [.bool(true), .bool(false), .null, .bool(true), .bool(false), .bool(true)])
    }

    @Test func widenedToStringAfterEarlierBlocksKeepsOwnText() throws {
        // Bigger than the sample, so that early blocks are typed float64 before the string appears.
        var lines = Array(repeating: "{\"v\": 1.50, \"x\": 1}", count: 8000)
        lines.append("{\"v\": \"teks\", \"x\": 2}")
        let result = try readJSON(lines.joined(separator: "\n")) { options in
            options.blockSize = 4096
            options.threads = 2
        }
        #expect(types(result) == [.string, .int64])
        let values = result.table.rows().map { $0[0] }
        #expect(values.count == 8001)
        #expect(values.last == .string("teks"))
        // Blocks typed float64 before the string was seen are read again: `1.50`, never `1.5`.
        #expect(values.dropLast().allSatisfy { $0 == .string("1.50") })
        #expect(result.warnings.contains { $0.contains("'v'") && $0.contains("read a second time") && $0.contains("float64") })
    }

    @Test func identifierHintsKeepNumericIdentifiersAsStrings() throws {
        let text = """
            {"nip": 198609262015051001, "kode_satker": 123, "id_unit": 7.5, "pegawai_id": 12345678901234567890123, "jumlah": 5}
            {"nip": "199001012020121002", "kode_satker": 45, "id_unit": 8, "pegawai_id": 1, "jumlah": 6}

            """
        let result = try readJSON(text)
        #expect(types(result) == [.string, .string, .string, .string, .int64])
        #expect(result.table.rows() == [
            [.string("198609262015051001"), .string("123"), .string("7.5"), .string("12345678901234567890123"), .int(5)],
            [.string("199001012020121002"), .string("45"), .string("8"), .string("1"), .int(6)],
        ])
        #expect(result.warnings.isEmpty)
        let plain = try readJSON(text) { $0.identifierHints = false }
        #expect(types(plain) == [.string, .int64, .float64, .float64, .int64])
    }

    @Test func declaredSchemaRejectsValuesThatDoNotFit() throws {
        let text = """
            {"umur": 30, "tanggal": "2024-01-02", "kode": 12, "skor": 1}
            {"umur": "31", "tanggal": "2024-01-03", "kode": "A", "skor": "2.5"}
            {"umur": "tiga puluh", "tanggal": "2024-01-04", "kode": "B", "skor": 3}
            {"umur": 32, "tanggal": "kemarin", "kode": "C", "skor": 4}
            {"umur": 32.5, "tanggal": "2024-01-05", "kode": true, "skor": 5}
            {"umur": null, "tanggal": null, "kode": [1], "skor": null, "baru": 1}

            """
        let result = try readJSON(text) { options in
            options.schema = Schema([
                Field(name: "umur", type: .int64), Field(name: "tanggal", type: .date), Field(name: "kode", type: .string),
                Field(name: "skor", type: .float64),
            ])
        }
        #expect(names(result) == ["umur", "tanggal", "kode", "skor", "baru"])
        #expect(types(result) == [.int64, .date, .string, .float64, .int64])
        #expect(result.table.rows() == [
            [.int(30), date("2024-01-02"), .string("12"), .float(1), .null],
            [.int(31), date("2024-01-03"), .string("A"), .float(2.5), .null],
            [.null, .null, .string("[1]"), .null, .int(1)],
        ])
        #expect(result.rejects.map(\.line) == [3, 4, 5])
        #expect(result.rejects.map(\.kind) == [.castFailed, .castFailed, .castFailed])
        #expect(result.rejects.map(\.columnName) == ["umur", "tanggal", "umur"])
        #expect(result.rejects.map(\.column) == [10, 25, 10])
        #expect(result.rejects[0].reason.contains("\"tiga puluh\""))
        #expect(result.rejects[0].reason.contains("int64"))
    }

    @Test func projectionMaterialisesOnlyTheNamedColumns() throws {
        let text = """
            {"nama": "A", "alamat": {"provinsi": "Jabar", "kota": "Bandung"}, "lain": {"x": [1, 2]}, "n": 1}
            {"lain": "teks", "n": 2, "alamat": {"provinsi": "Jatim"}, "nama": "B"}
            {"nama": "C", "alamat": "tidak diketahui", "n": {"bad": tru}}
            {"nama": "D"}

            """
        let result = try readJSON(text) { $0.columns = ["alamat.provinsi", "nama"] }
        #expect(names(result) == ["nama", "alamat.provinsi"])
        #expect(result.table.rows() == [[.string("A"), .string("Jabar")], [.string("B"), .string("Jatim")], [.string("D"), .null]])
        // A record is rejected whatever the projection: the fault is in a key not materialised.
        #expect(result.rejects.map(\.line) == [3])
        #expect(result.rejects[0].kind == .invalidJSON)
        #expect(throws: LumbungError.self) { try readJSON(text) { $0.columns = ["tidak_ada"] } }
        // Many records of one shape (the fast path), with objects and arrays under keys not projected.
        var many = (0..<200).map { "{\"nama\": \"P\($0)\", \"lain\": {\"x\": [1, {\"y\": 2}]}, \"daftar\": [\($0)], \"alamat\": {\"provinsi\": \"J\($0 % 3)\", \"kota\": \"K\"}}" }
        many[150] = "{\"nama\": \"P150\", \"lain\": {\"x\": [1, {\"y\": 2}}, \"daftar\": [150], \"alamat\": {\"provinsi\": \"J0\"}}"
        many[160] = "{\"nama\": \"P160\", \"lain\": {\"x\": 1}, \"daftar\": [1, 2,], \"alamat\": {\"provinsi\": \"J1\"}}"
        let projected = try readJSON(many.joined(separator: "\n")) { $0.columns = ["alamat.provinsi", "nama"] }
        #expect(names(projected) == ["nama", "alamat.provinsi"])
        #expect(projected.rowCount == 198)
        #expect(projected.rejects.map(\.line) == [151, 161])
        #expect(projected.table.rows()[0] == [.string("P0"), .string("J0")])
        #expect(projected.table.rows()[197] == [.string("P199"), .string("J1")])
    }

    @Test func columnsComeInFirstSeenOrderAcrossTheFile() throws {
        var lines = (0..<40).map { "{\"a\": \($0)}" }
        lines.append("{\"b\": \"x\", \"a\": 40}")
        lines += (41..<80).map { "{\"a\": \($0)}" }
        lines.append("{\"c\": {\"d\": true}, \"b\": \"y\"}")
        for options in [{ (_: inout ReadOptions) in }, tiny] {
            let result = try readJSON(lines.joined(separator: "\n"), configure: options)
            #expect(names(result) == ["a", "b", "c.d"])
            #expect(types(result) == [.int64, .string, .bool])
            let rows = result.table.rows()
            #expect(rows.count == 81)
            #expect(rows[0] == [.int(0), .null, .null])
            #expect(rows[40] == [.int(40), .string("x"), .null])
            #expect(rows[80] == [.null, .string("y"), .bool(true)])
        }
    }

    @Test func duplicateKeysKeepTheLastValueWithAWarning() throws {
        let text = """
            {"a": 1, "b": 2, "a": 3}
            {"a": 4, "b": 5}
            {"b": 6, "b": null}

            """
        let result = try readJSON(text)
        #expect(result.table.rows() == [[.int(3), .int(2)], [.int(4), .int(5)], [.null, .null]])
        #expect(result.warnings.contains { $0.contains("duplicate key 'a'") })
        #expect(result.warnings.contains { $0.contains("duplicate key 'b'") })
    }

    @Test func malformedLinesAreRejectedAndTheRestLoads() throws {
        var bytes: [UInt8] = []
        let lines: [[UInt8]] = [
            Array(#"{"a": 1}"#.utf8),
            [],
            Array("   \t".utf8),
            Array(#"{"a": 2, "b": }"#.utf8),
            Array(#"{"a": 3} x"#.utf8),
            Array("[1, 2]".utf8),
            Array(#"{"a": "caf"#.utf8) + [0xE9] + Array(#""}"#.utf8),
            Array(#"{"a": 4}"#.utf8) + [0x0D],
            Array(#""just a string""#.utf8),
            Array(#"{"a" 5}"#.utf8),
            Array(#"{"a": 01}"#.utf8),
            Array("nonsense".utf8),
            Array(#"{"a": 5"#.utf8),
        ]
        for line in lines { bytes += line + [0x0A] }
        let result = try readJSON(bytes)
        #expect(names(result) == ["a"])
        #expect(result.table.rows() == [[.int(1)], [.int(4)]])
        #expect(result.rejects.map(\.line) == [4, 5, 6, 7, 9, 10, 11, 12, 13])
        #expect(result.rejects.map(\.kind) == [
            .invalidJSON, .invalidJSON, .notAnObject, .invalidUTF8, .notAnObject, .invalidJSON, .invalidJSON, .invalidJSON, .invalidJSON,
        ])
        #expect(result.rejects.map(\.column) == [15, 10, 1, 11, 1, 6, 7, 1, 8])
        #expect(result.rejects[0].raw == #"{"a": 2, "b": }"#)
        #expect(result.rejects[0].reason.contains("expected a value"))
        #expect(result.rejects[1].reason.contains("unexpected text after the object"))
        #expect(result.rejects[5].reason.contains("expected ':'"))
        #expect(result.rejects.allSatisfy { $0.file.hasSuffix("data.ndjson") })
        // Byte offsets point at the start of each rejected line.
        let offsets = result.rejects.map { Int($0.byteOffset) }
        var lineStarts: [Int] = [0]
        for (index, byte) in bytes.enumerated() where byte == 0x0A { lineStarts.append(index + 1) }
        #expect(offsets == result.rejects.map { lineStarts[$0.line - 1] })
    }

    @Test func rejectLinesAreAbsoluteAcrossManyBlocks() throws {
        var lines = (1...300).map { "{\"n\": \($0), \"s\": \"baris \($0)\"}" }
        lines[56] = "{\"n\": 57, \"s\": }"
        lines[142] = "[143]"
        lines[299] = "{\"n\": 300, \"s\": \"tidak ditutup}"
        for gzip in [false, true] {
            let result = try readJSON(lines.joined(separator: "\n"), gzip: gzip, configure: tiny)
            #expect(result.rejects.map(\.line) == [57, 143, 300])
            #expect(result.rejects.map(\.kind) == [.invalidJSON, .notAnObject, .invalidJSON])
            #expect(result.table.rowCount == 297)
            let expected: [Value] = (1...299).filter { $0 != 57 && $0 != 143 }.map { Value.int(Int64($0)) }
            #expect(result.table.rows().map { $0[0] } == expected)
        }
    }

    @Test func ndjsonAndArrayGiveIdenticalTablesPlainAndGzipInAnyBlockSize() throws {
        let records = sampleRecords(400)
        let reference = try readJSON(ndjson(records))
        #expect(reference.rejects.isEmpty)
        #expect(reference.rowCount == 400)
        #expect(names(reference) == [
            "id", "nip", "nama", "gaji", "aktif", "tanggal_lahir", "riwayat", "alamat.provinsi", "alamat.kota.kode", "catatan", "dibuat",
        ])
        #expect(types(reference) == [.string, .string, .string, .float64, .bool, .date, .string, .string, .string, .string, .timestamp])
        let rows = reference.table.rows()
        #expect(rows[7][2] == .string("Siti \"Nur\" Aisyah é😀"))
        #expect(rows[1][8] == .string("32.11"))
        #expect(rows[0][7] == .null)
        #expect(rows[1][6] == .string("[{\"tahun\":2001,\"unit\":\"A, B\"},1]"))
        #expect(rows[2][9] == .string("cuti \n tahunan"))
        #expect(rows[399][10] == timestamp("2024-03-08T01:30:00Z"))
        for gzip in [false, true] {
            for configure in [{ (_: inout ReadOptions) in }, tiny, { (options: inout ReadOptions) in options.blockSize = 1000; options.threads = 2 }] {
                let lines = try readJSON(ndjson(records), gzip: gzip, configure: configure)
                let array = try readJSON(prettyArray(records), name: "data.json", gzip: gzip, configure: configure)
                #expect(lines.format == .ndjson)
                #expect(array.format == .jsonArray)
                #expect(lines.compression == (gzip ? .gzip : .none))
                #expect(names(lines) == names(reference))
                #expect(names(array) == names(reference))
                #expect(types(lines) == types(reference))
                #expect(types(array) == types(reference))
                #expect(lines.table.rows() == rows)
                #expect(array.table.rows() == rows)
                #expect(lines.rejects.isEmpty && array.rejects.isEmpty)
            }
        }
    }

    @Test func compactArrayOnOneLine() throws {
        let text = #"[{"a":1,"b":"x"},{"a":2,"b":"y","c":[1,[2]]},{"b":null}]"#
        let result = try readJSON(text, name: "a.json")
        #expect(names(result) == ["a", "b", "c"])
        #expect(result.table.rows() == [[.int(1), .string("x"), .null], [.int(2), .string("y"), .string("[1,[2]]")], [.null, .null, .null]])
        let small = try readJSON(text, name: "a.json", configure: tiny)
        #expect(small.table.rows() == result.table.rows())
        // Rejects on a long line: columns count from the line start whatever the block.
        let bad = #"[{"a":1},{"a":2},{"a":x},{"a":4},{"a":"\ud800"}, 6]"#
        for configure in [{ (_: inout ReadOptions) in }, tiny, { (options: inout ReadOptions) in options.blockSize = 20; options.threads = 1 }] {
            let rejected = try readJSON(bad, name: "b.json", configure: configure)
            #expect(rejected.rejects.map(\.column) == [23, 40, 50])
            #expect(rejected.rejects.map(\.line) == [1, 1, 1])
            #expect(rejected.rejects.map(\.byteOffset) == [17, 33, 49])
            #expect(rejected.table.rows() == [[.int(1)], [.int(2)], [.int(4)]])
        }
    }

    @Test func prettyArraysWithNestedArraysOfObjectsReadExactly() throws {
        // Lines that start with `{` after a line ending in `,` are also inside "riwayat": cuts made
        // there are caught and the file is read again with the exact splitter.
        var elements: [String] = []
        var lines: [String] = []
        for i in 0..<120 {
            elements.append("""
                  {
                    "id_pegawai": \(i),
                    "riwayat": [
                      {
                        "tahun": \(2000 + i % 7)
                      },
                      {
                        "unit": "Dinas \(i % 5)"
                      }
                    ],
                    "alamat": {
                      "kota": "Kota \(i % 3)"
                    }
                  }
                """)
            lines.append("{\"id_pegawai\": \(i), \"riwayat\": [{\"tahun\": \(2000 + i % 7)}, {\"unit\": \"Dinas \(i % 5)\"}], \"alamat\": {\"kota\": \"Kota \(i % 3)\"}}")
        }
        let pretty = "[\n" + elements.joined(separator: ",\n") + "\n]\n"
        let reference = try readJSON(lines.joined(separator: "\n"))
        #expect(names(reference) == ["id_pegawai", "riwayat", "alamat.kota"])
        #expect(reference.table.rows()[3] == [.string("3"), .string("[{\"tahun\":2003},{\"unit\":\"Dinas 3\"}]"), .string("Kota 0")])
        for configure in [{ (_: inout ReadOptions) in }, tiny, { (options: inout ReadOptions) in options.blockSize = 300; options.threads = 2 }] {
            for gzip in [false, true] {
                let result = try readJSON(pretty, name: "p.json", gzip: gzip, configure: configure)
                #expect(names(result) == names(reference))
                #expect(result.table.rows() == reference.table.rows())
                #expect(result.rejects.isEmpty)
            }
        }
        // One element per line, with a bad element: the speculative read keeps its reject.
        var perLine = lines
        perLine[40] = "{\"id_pegawai\": 40, \"riwayat\": [tru]}"
        let bad = try readJSON("[\n" + perLine.joined(separator: ",\n") + "\n]", name: "q.json", configure: tiny)
        #expect(bad.rowCount == 119)
        #expect(bad.rejects.map(\.line) == [42])
        #expect(bad.rejects.map(\.column) == [32])
    }

    @Test func arrayElementFaultsAreRejectedAndReadingContinues() throws {
        let text = """
            [
              {"a": 1},
              {"a": tru},
              {"a": 3},
              5,
              {"a": "\\ud800"},
              {"a": 6} {"a": 7},
              {
                "a": 8,
                "b": 01
              },
              {"a": 9}
            ]
            """
        for configure in [{ (_: inout ReadOptions) in }, tiny] {
            let result = try readJSON(text, name: "a.json", configure: configure)
            #expect(result.table.rows() == [[.int(1)], [.int(3)], [.int(9)]])
            #expect(result.rejects.map(\.line) == [3, 5, 6, 7, 8])
            #expect(result.rejects.map(\.kind) == [.invalidJSON, .notAnObject, .invalidJSON, .invalidJSON, .invalidJSON])
            #expect(result.rejects.map(\.column) == [9, 3, 10, 12, 10])
            #expect(result.rejects[1].raw == "5")
            #expect(result.rejects[3].raw == #"{"a": 6} {"a": 7}"#)
            #expect(result.rejects[4].reason.contains("2 lines below the start of the element"))
            #expect(result.rejects[4].raw.hasPrefix("{\n    \"a\": 8,"))
        }
    }

    @Test func arrayStructureFaultsFailTheReadWithLineAndColumn() throws {
        let cases: [(String, Int, Int, String)] = [
            ("[{\"a\": 1}, {\"a\": [1, 2}, {\"a\": 3}]", 1, 23, "does not match"),
            ("[\n{\"a\": 1},\n{\"a\": 2},\n]", 4, 1, "trailing comma"),
            ("[\n{\"a\": 1},\n,{\"a\": 2}\n]", 3, 1, "expected an element before ','"),
            ("[\n{\"a\": 1}\n]\n{\"b\": 2}\n", 4, 1, "after the end of the JSON array"),
            ("[\n{\"a\": 1},\n{\"a\": \"two\n\"}\n]", 3, 7, "unterminated string"),
            ("[\n{\"a\": 1},\n{\"a\": {\"b\": 2}\n", 3, 1, "the file ends inside an element"),
            ("[\n{\"a\": 1},\n{\"a\": 2}\n", 4, 1, "not closed"),
            ("[\n{\"a\": 1}}\n]", 2, 9, "unmatched '}'"),
            ("  \n {\"a\": 1}", 2, 2, "expected '['"),
        ]
        for (text, line, column, message) in cases {
            for configure in [{ (_: inout ReadOptions) in }, tiny] {
                let error = dataError {
                    try readJSON(text, name: "bad.json") { options in
                        configure(&options)
                        options.format = .jsonArray
                    }
                }
                #expect(error?.kind == .invalidJSON, "\(text)")
                #expect(error?.line == line, "\(text)")
                #expect(error?.column == column, "\(text)")
                #expect(error?.message.contains(message) == true, "\(text): \(error?.message ?? "no error")")
                #expect(error?.file.hasSuffix("bad.json") == true)
            }
        }
    }

    @Test func emptyInputsGiveATableWithNoRowsAndNoColumns() throws {
        for (text, format) in [("[]", FileFormat.jsonArray), (" [ \n ] \n", .jsonArray), ("", .ndjson), ("\n\n  \n", .ndjson)] {
            for gzip in [false, true] {
                let result = try readJSON(text, gzip: gzip) { $0.format = format }
                #expect(result.rowCount == 0)
                #expect(result.table.schema.fields.isEmpty)
                #expect(result.rejects.isEmpty)
            }
        }
        let objects = try readJSON("[{}, {}]", name: "a.json")
        #expect(objects.rowCount == 2)
        #expect(objects.table.schema.fields.isEmpty)
    }

    @Test func nullOnlyColumnsAndSparseBlocksSettleToOneType() throws {
        var lines = (0..<60).map { "{\"a\": null, \"b\": \($0)}" }
        lines.append("{\"a\": 2.5, \"b\": 60}")
        lines += (61..<90).map { "{\"a\": null, \"b\": \($0), \"z\": null}" }
        for configure in [{ (_: inout ReadOptions) in }, tiny] {
            let result = try readJSON(lines.joined(separator: "\n"), configure: configure)
            #expect(names(result) == ["a", "b", "z"])
            #expect(types(result) == [.float64, .int64, .string])
            let rows = result.table.rows()
            #expect(rows[60] == [.float(2.5), .int(60), .null])
            #expect(rows.filter { $0[0] != .null }.count == 1)
            #expect(result.warnings.isEmpty)
        }
    }

    @Test func longRecordsGrowTheBlock() throws {
        let long = String(repeating: "panjang ", count: 2000)
        let text = "{\"a\": 1, \"s\": \"x\"}\n{\"a\": 2, \"s\": \"\(long)\"}\n{\"a\": 3, \"s\": \"y\"}\n"
        let result = try readJSON(text, configure: tiny)
        #expect(result.table.rows() == [[.int(1), .string("x")], [.int(2), .string(long)], [.int(3), .string("y")]])
        let array = try readJSON("[" + text.split(separator: "\n").joined(separator: ",") + "]", name: "a.json", configure: tiny)
        #expect(array.table.rows() == result.table.rows())
    }

    @Test func keysInAnyOrderSpacingAndEscapes() throws {
        let text = #"""
            {"a": 1, "b": "x", "c": true}
            {"a":2,"b":"y","c":false}
            {"c" : true , "a" :3, "b":   "z"}
            {"b": "w", "c": false}
            {"\u0061": 5, "b\u0022q": "kutip", "c":true}
            {"a": 6  ,  "b"  :  "v"  ,  "c"  :  false  }
            {"a"  6, "b": "salah"}
            {"a": 7, "b": "u", "c": true, "d": null}
            {"a": 8, "b"

            """#
        let result = try readJSON(text)
        #expect(names(result) == ["a", "b", "c", "b\"q", "d"])
        #expect(result.table.rows() == [
            [.int(1), .string("x"), .bool(true), .null, .null],
            [.int(2), .string("y"), .bool(false), .null, .null],
            [.int(3), .string("z"), .bool(true), .null, .null],
            [.null, .string("w"), .bool(false), .null, .null],
            [.int(5), .null, .bool(true), .string("kutip"), .null],
            [.int(6), .string("v"), .bool(false), .null, .null],
            [.int(7), .string("u"), .bool(true), .null, .null],
        ])
        #expect(result.rejects.map(\.line) == [7, 9])
        #expect(result.rejects.map(\.column) == [7, 13])
        #expect(result.rejects[0].reason.contains("expected ':'"))
    }

    @Test func fastDateParsersAgreeWithValueParser() {
        var inputs: [String] = []
        for year in [0, 1, 4, 99, 100, 400, 1600, 1900, 1969, 1970, 2000, 2023, 2024, 2100, 9999] {
            for month in [0, 1, 2, 3, 9, 12, 13] {
                for day in [0, 1, 28, 29, 30, 31, 32] {
                    let y = String(format: "%04d", year), m = String(format: "%02d", month), d = String(format: "%02d", day)
                    inputs += ["\(y)-\(m)-\(d)", "\(d)/\(m)/\(y)", "\(d)-\(m)-\(y)", "\(y)/\(m)/\(d)"]
                    inputs += ["\(y)-\(m)-\(d)T08:30:00Z", "\(y)-\(m)-\(d) 23:59:60.123456+07:00", "\(d)/\(m)/\(y)T00:00-0530"]
                }
            }
        }
        inputs += [
            "2024-01-31T08:30", "2024-01-31T24:00:00", "2024-01-31T08:30:00.", "2024-01-31T08:30:00,5", "2024-01-31T08:30:00+19:00",
            "2024-01-31T08:30:00+07", "2024-01-31T08:30:00x", "2024-1-31", "2024-01-3a", "abcd-ef-gh", "", "2024-01-31T08:3",
        ]
        for input in inputs {
            #expect(ValueParser.parse(input, JSONDates.date) == ValueParser.parse(input, ValueParser.date), "\(input)")
            #expect(ValueParser.parse(input, JSONDates.timestamp) == ValueParser.parse(input, ValueParser.timestamp), "\(input)")
        }
    }

    /// The whole-seconds shapes that `JSONDates.timestamp` reads from one word (`Z`, `±HH:MM`, no
    /// offset), their edges, and near misses that take the general path.
    @Test func fastTimestampShapesAgreeWithValueParser() {
        var inputs: [String] = []
        for clock in ["00:00:00", "08:30:15", "23:59:59", "23:59:60", "24:00:00", "23:60:00", "23:59:61", "0a:30:00",
                      "08:3/:00", "08/30:00", "08:30/00", "08:30:0:", ":8:30:00", "08:30", "08:30:5", "\u{7f}8:30:00"] {
            for zone in ["", "Z", "z", "+07:00", "-05:30", "+18:59", "+19:00", "+18:60", "-00:00", "+0700", "+07",
                         "+07:0x", " 07:00", "ZZ", ".5Z", ",25+01:00", "x"] {
                inputs += ["2024-02-29T\(clock)\(zone)", "2023-12-31 \(clock)\(zone)", "31/12/1969T\(clock)\(zone)"]
            }
        }
        for input in inputs {
            #expect(ValueParser.parse(input, JSONDates.timestamp) == ValueParser.parse(input, ValueParser.timestamp), "\(input)")
        }
    }

    /// Random records (shuffled key order, missing keys, nulls, escapes, Unicode, nested and empty
    /// objects, arrays, varied spacing, duplicate keys) against a model built with Foundation's
    /// JSONSerialization: NDJSON and array, block sizes from tiny (records take the general path)
    /// to large (they take the fast path), plain and gzip, must all give the expected table.
    @Test func randomRecordsMatchAReferenceModelInEveryLayout() throws {
        var generator = JSONTestRandom(seed: 42)
        func escaped(_ text: String) -> String {
            var out = "\""
            for scalar in text.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\t": out += "\\t"
                default:
                    if scalar.value < 0x20 || (scalar.value > 0x7E && generator.next() % 3 == 0) {
                        // Escape some non-ASCII as \u (with surrogate pairs above the BMP).
                        for unit in String(scalar).utf16 { out += String(format: "\\u%04x", unit) }
                    } else {
                        out.unicodeScalars.append(scalar)
                    }
                }
            }
            return out + "\""
        }
        let words = ["Budi", "Siti \"Nur\"", "Déjà vu", "😀 emoji", "tab\tdi", "baris\nbaru", "back\\slash", "", "Jl. Merdeka, 1"]
        var lines: [String] = []
        for i in 0..<1500 {
            var fields: [(String, String)] = []
            let r = generator.next()
            if r % 11 != 0 { fields.append(("n", r % 13 == 0 ? "null" : "\(Int64(i) * 7 - 3000)")) }
            if r % 7 != 1 { fields.append(("x", "\(Double(i % 400) / 4 - 20)")) }
            if r % 5 != 2 { fields.append(("ok", ["true", "false", "null"][Int(r % 3)])) }
            fields.append(("s", generator.next() % 9 == 0 ? "null" : escaped(words[Int(generator.next() % UInt64(words.count))])))
            if r % 3 != 0 {
                let day = String(format: "%02d", i % 28 + 1)
                fields.append(("tgl", generator.next() % 4 == 0 ? "\"\(day)/0\(i % 9 + 1)/1990\"" : "\"2001-0\(i % 9 + 1)-\(day)\""))
            }
            switch r % 4 {
            case 0: fields.append(("alamat", "{\"kota\": \(escaped(words[i % words.count])), \"rt\": {\"no\": \(i % 20)}}"))
            case 1: fields.append(("alamat", "{}"))
            case 2: fields.append(("alamat", "null"))
            default: break
            }
            if r % 6 == 0 { fields.append(("daftar", generator.next() % 2 == 0 ? "[1,\"a\",{\"b\":null}]" : "[ 1 , [ ] ]")) }
            if generator.next() % 5 == 0 { fields.shuffle(using: &generator) }
            if generator.next() % 50 == 0 { fields.append(("n", "\(i)")) }
            let separator = generator.next() % 4 == 0 ? "," : ", "
            let colon = generator.next() % 4 == 0 ? ":" : ": "
            lines.append("{" + fields.map { "\"\($0.0)\"\(colon)\($0.1)" }.joined(separator: separator) + "}")
        }
        // The model: each line parsed by Foundation, flattened, typed by column.
        func flatten(_ object: [String: Any], _ prefix: String, into row: inout [String: Any]) {
            for (key, value) in object {
                let name = prefix.isEmpty ? key : prefix + "." + key
                if let nested = value as? [String: Any] { flatten(nested, name, into: &row) } else { row[name] = value }
            }
        }
        var expectedRows: [[String: Any]] = []
        for line in lines {
            var row: [String: Any] = [:]
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            flatten(object, "", into: &row)
            expectedRows.append(row)
        }
        func expectedValue(_ name: String, _ value: Any?) -> Value {
            guard let value, !(value is NSNull) else { return .null }
            switch name {
            case "n": return .int((value as! NSNumber).int64Value)
            case "x": return .float((value as! NSNumber).doubleValue)
            case "ok": return .bool((value as! NSNumber).boolValue)
            case "tgl": return date(value as! String)
            case "alamat.rt.no": return .int((value as! NSNumber).int64Value)
            case "daftar": return .string((value as! [Any]).isEmpty ? "[]" : (value as! [Any]).count == 2 ? "[1,[]]" : "[1,\"a\",{\"b\":null}]")
            default: return .string(value as! String)
            }
        }
        let ndjsonText = lines.joined(separator: "\n") + "\n"
        let arrayText = "[\n" + lines.joined(separator: ",\n") + "\n]"
        let layouts: [(Int, Int)] = [(64, 3), (700, 2), (1 << 20, 1)]
        for (blockSize, threads) in layouts {
            for gzip in [false, true] {
                for (text, name) in [(ndjsonText, "r.ndjson"), (arrayText, "r.json")] {
                    let result = try readJSON(text, name: name, gzip: gzip) { options in
                        options.blockSize = blockSize
                        options.threads = threads
                    }
                    let columns = names(result)
                    #expect(Set(columns) == ["n", "x", "ok", "s", "tgl", "alamat.kota", "alamat.rt.no", "daftar"], "\(columns)")
                    #expect(result.rejects.isEmpty)
                    let rows = result.table.rows()
                    #expect(rows.count == expectedRows.count)
                    var mismatches = 0
                    for (index, row) in rows.enumerated() where index < expectedRows.count {
                        for (position, column) in columns.enumerated() {
                            let expected = expectedValue(column, expectedRows[index][column])
                            if row[position] != expected {
                                mismatches += 1
                                if mismatches < 5 { Issue.record("\(name) block \(blockSize) row \(index) \(column): \(row[position]) != \(expected)") }
                            }
                        }
                    }
                    #expect(mismatches == 0)
                }
            }
        }
    }

    @Test func typeChangesMidRecordRollBackTheFastPath() throws {
        // Rows of one shape (the fast path), then one whose last value widens its column, one whose
        // middle value is a new kind, one with a new key; string columns outgrow their dictionaries.
        var lines = (0..<300).map { "{\"a\": \($0), \"u\": \"kode-\($0)\", \"k\": \"k\($0 % 3)\", \"c\": \($0 % 7)}" }
        lines.append("{\"a\": 300, \"u\": \"kode-300\", \"k\": \"k0\", \"c\": 2.5}")
        lines.append("{\"a\": 301, \"u\": 12, \"k\": \"k1\", \"c\": 1}")
        lines.append("{\"a\": 302, \"u\": \"kode-302\", \"baru\": true, \"k\": \"k2\", \"c\": 1}")
        lines += (303..<400).map { "{\"a\": \($0), \"u\": \"kode-\($0)\", \"k\": \"k\($0 % 3)\", \"c\": \($0 % 7)}" }
        for configure in [{ (_: inout ReadOptions) in }, tiny, { (options: inout ReadOptions) in options.blockSize = 5000; options.threads = 2 }] {
            let result = try readJSON(lines.joined(separator: "\n"), configure: configure)
            #expect(names(result) == ["a", "u", "k", "c", "baru"])
            #expect(types(result) == [.int64, .string, .string, .float64, .bool])
            let rows = result.table.rows()
            #expect(rows.count == 400)
            #expect(rows.map { $0[0] } == (0..<400).map { .int(Int64($0)) })
            #expect(rows[299] == [.int(299), .string("kode-299"), .string("k2"), .float(5), .null])
            #expect(rows[300] == [.int(300), .string("kode-300"), .string("k0"), .float(2.5), .null])
            #expect(rows[301] == [.int(301), .string("12"), .string("k1"), .float(1), .null])
            #expect(rows[302] == [.int(302), .string("kode-302"), .string("k2"), .float(1), .bool(true)])
            #expect(rows[399] == [.int(399), .string("kode-399"), .string("k0"), .float(0), .null])
        }
    }

    @Test func sampleMalformedFiles() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("sample-data/malformed").path
        var options = ReadOptions()
        options.writeRejects = false
        let invalid = try TableReader.read(path: root + "/invalid_json.ndjson.gz", options: options)
        #expect(invalid.rowCount == 48)
        #expect(invalid.rejects.map(\.line) == [10, 20])
        #expect(invalid.rejects.map(\.kind) == [.invalidJSON, .invalidJSON])
        #expect(names(invalid) == ["id_permohonan", "kanal", "sla_hari_kerja"])
        #expect(types(invalid) == [.string, .string, .int64])
        let notObject = try TableReader.read(path: root + "/not_an_object.ndjson.gz", options: options)
        #expect(notObject.rowCount == 49)
        #expect(notObject.rejects.map(\.line) == [5])
        #expect(notObject.rejects.map(\.kind) == [.notAnObject])
        let error = dataError { try TableReader.read(path: root + "/truncated_array.json.gz", options: options) }
        #expect(error?.kind == .invalidJSON)
        #expect(error?.line == 51)
    }
}
