import Foundation
import Testing
import LumbungCore
@testable import LumbungIO

@Suite struct CSVReaderTests {
    @Test("RFC 4180: quotes, doubled quotes, newlines in quotes, CRLF and BOM")
    func rfc4180() throws {
        let files = TestFiles()
        defer { files.remove() }
        let text = "\u{FEFF}nama,catatan,n\r\n\"Budi, S.Kom\",\"kata \"\"baik\"\"\",1\r\nSari,\"baris satu\r\nbaris dua\",2\r\n\"\",,3\r\n"
        let result = try readTable(files.write("rfc.csv", text))
        #expect(result.table.schema.names == ["nama", "catatan", "n"])
        #expect(result.table.rows() == [
            [.string("Budi, S.Kom"), .string("kata \"baik\""), .int(1)],
            [.string("Sari"), .string("baris satu\r\nbaris dua"), .int(2)],
            [.string(""), .null, .int(3)],
        ])
        #expect(result.rejects.isEmpty)
    }

    @Test("delimiter is sniffed among , ; tab |", arguments: [",", ";", "\t", "|"])
    func sniffDelimiter(_ delimiter: String) throws {
        let files = TestFiles()
        defer { files.remove() }
        let rows = ["a", "b", "c"].joined(separator: delimiter) + "\n" + ["1", "x y", "2024-01-02"].joined(separator: delimiter) + "\n"
        let result = try readTable(files.write("d.csv", rows))
        #expect(result.dialect?.delimiter == UInt8(ascii: delimiter.unicodeScalars.first!))
        #expect(result.table.rows() == [[.int(1), .string("x y"), dayOf("2024-01-02")]])
    }

    @Test("Indonesian Excel export: semicolons and decimal commas")
    func decimalComma() throws {
        let files = TestFiles()
        defer { files.remove() }
        let result = try readTable(files.write("excel.csv", "instansi;capaian;jumlah\nD-32;12,5;3\nD-33;100,25;4\nP-015;;5\n"))
        #expect(result.dialect?.decimalSeparator == UInt8(ascii: ","))
        #expect(result.table.schema.fields.map(\.type) == [.string, .float64, .int64])
        #expect(result.table.rows().map { $0[1] } == [.float(12.5), .float(100.25), .null])
    }

    @Test("types are inferred: int, float, bool, date (three orders), timestamp, string, identifiers")
    func inference() throws {
        let files = TestFiles()
        defer { files.remove() }
        let text = """
            nip,umur,gaji,aktif,tgl_iso,tgl_id,tgl_dash,ts,nama,kode_wilayah,kosong
            198609262015051001,38,1500.5,true,2024-01-31,31/01/2024,31-01-2024,2024-01-31T08:30:00+07:00,Budi,32.10,
            199001012020012002,34,2000,FALSE,2024-02-29,29/02/2024,29-02-2024,2024-02-01 09:00:00,Sari,31.71,

            """
        let result = try readTable(files.write("types.csv", text))
        #expect(result.table.schema.fields.map(\.type) == [
            .string, .int64, .float64, .bool, .date, .date, .date, .timestamp, .string, .string, .string,
        ])
        let rows = result.table.rows()
        #expect(rows[0][0] == .string("198609262015051001"))
        #expect(rows[0][9] == .string("32.10"))
        #expect(rows[1][2] == .float(2000))
        #expect(rows[0][4] == rows[0][5] && rows[0][5] == rows[0][6])
        #expect(rows[0][7] == .timestamp(ValueParser.parse("2024-01-31T01:30:00Z", ValueParser.timestamp)!))
        #expect(rows[0][10] == .null)
    }

    @Test("identifier hints can be turned off")
    func identifierHintsOff() throws {
        let files = TestFiles()
        defer { files.remove() }
        var options = ReadOptions.testing()
        options.identifierHints = false
        let result = try readTable(files.write("ids.csv", "nip,kode\n198609262015051001,007\n"), options)
        #expect(result.table.schema.fields.map(\.type) == [.int64, .string])
    }

    @Test("nulls: empty cells and NULL/null; quoted values stay strings")
    func nulls() throws {
        let files = TestFiles()
        defer { files.remove() }
        let result = try readTable(files.write("nulls.csv", "s,n\nNULL,null\n\"NULL\",1\n,\n\"\",\"\"\n"))
        #expect(result.table.schema.fields.map(\.type) == [.string, .int64])
        #expect(result.table.rows() == [[.null, .null], [.string("NULL"), .int(1)], [.null, .null], [.string(""), .null]])
    }

    @Test("a later value widens an inferred column: int → float → string")
    func widening() throws {
        let files = TestFiles()
        defer { files.remove() }
        var lines = ["a,b"]
        for index in 0..<2000 { lines.append("\(index),\(index)") }
        lines.append("2.5,x")
        var options = ReadOptions.testing(blockSize: 4096, threads: 3)
        options.sampleRows = 10
        let result = try readTable(files.write("widen.csv", lines.joined(separator: "\n") + "\n"), options)
        #expect(result.table.schema.fields.map(\.type) == [.float64, .string])
        let rows = result.table.rows()
        #expect(rows.count == 2001)
        #expect(rows[1999] == [.float(1999), .string("1999")])
        #expect(rows[2000] == [.float(2.5), .string("x")])
        #expect(result.rejects.isEmpty)
    }

    @Test("a column that becomes string late keeps every value's own text, on any thread count", arguments: [1, 2, 3])
    func lateStringKeepsText(threads: Int) throws {
        let files = TestFiles()
        defer { files.remove() }
        // Indonesian dates for many blocks, then text: blocks parsed as dates before the text is
        // seen must not come back as `2024-01-05` beside `05/01/2024`.
        var lines = ["n,tgl"]
        var expected: [String] = []
        for index in 0..<3000 {
            let text = String(format: "%02d/%02d/2024", index % 28 + 1, index % 12 + 1)
            lines.append("\(index),\(text)")
            expected.append(text)
        }
        lines.append("3000,belum ada")
        expected.append("belum ada")
        var options = ReadOptions.testing(blockSize: 4096, threads: threads)
        options.sampleRows = 10
        let result = try readTable(files.write("late.csv", lines.joined(separator: "\n") + "\n"), options)
        #expect(result.table.schema.fields.map(\.type) == [.int64, .string])
        #expect(result.table.rows().map { $0[1] } == expected.map { Value.string($0) })
        #expect(result.rejects.isEmpty)
        #expect(result.warnings.contains { $0.contains("'tgl'") && $0.contains("read a second time") && $0.contains("date") })
    }

    @Test("one block of many row groups: widening, dictionary fallback and rejects in a later group")
    func rowGroupsInOneBlock() throws {
        let files = TestFiles()
        defer { files.remove() }
        // 3,000 rows in one block (row groups of \(CSVBlockParser.rowGroup)): `a` is int until row
        // 2,100, `b` repeats 5 values until row 1,500 then every value is new, `c` is declared
        // int64 and fails at row 1,700, `d` has invalid UTF-8 at row 2,600.
        var bytes = Array("a,b,c,d\n".utf8)
        var expected: [[Value]] = []
        for row in 0..<3000 {
            let a = row == 2100 ? "2.5" : "\(row)"
            let b = row < 1500 ? "k\(row % 5)" : "unik-\(row)"
            let c = row == 1700 ? "x" : "\(row * 3)"
            bytes += Array("\(a),\(b),\(c),".utf8)
            bytes += row == 2600 ? [0x61, 0xE9] : Array("d\(row % 7)".utf8)
            bytes.append(0x0a)
            if row != 1700 && row != 2600 {
                expected.append([.float(row == 2100 ? 2.5 : Double(row)), .string(b), .int(Int64(row * 3)), .string("d\(row % 7)")])
            }
        }
        var options = ReadOptions.testing(blockSize: 1 << 20, threads: 2)
        options.sampleRows = 10
        options.schema = Schema([Field(name: "c", type: .int64)])
        let result = try readTable(files.write("groups.csv", bytes), options)
        #expect(result.table.schema.fields.map(\.type) == [.float64, .string, .int64, .string])
        #expect(result.table.rows() == expected)
        #expect(result.rejects.map(\.line) == [1702, 2602])
        #expect(result.rejects.map(\.kind) == [.castFailed, .invalidUTF8])
    }

    @Test("declared types reject rows that do not fit, with line, column and raw text")
    func declaredSchema() throws {
        let files = TestFiles()
        defer { files.remove() }
        var options = ReadOptions.testing()
        options.schema = Schema([Field(name: "umur", type: .int64), Field(name: "tgl", type: .date)])
        let text = "nama,umur,tgl\nBudi,38,2024-01-31\nSari,tiga puluh,2024-01-31\nJoko,40,2024-02-30\nAni,41,01/02/2024\n"
        let result = try readTable(files.write("declared.csv", text), options)
        #expect(result.table.rows() == [
            [.string("Budi"), .int(38), dayOf("2024-01-31")],
            [.string("Ani"), .int(41), dayOf("2024-02-01")],
        ])
        #expect(result.rejects.count == 2)
        let first = result.rejects[0]
        #expect(first.line == 3 && first.column == 2 && first.columnName == "umur" && first.kind == .castFailed)
        #expect(first.raw == "Sari,tiga puluh,2024-01-31")
        #expect(first.reason.contains("tiga puluh") && first.reason.contains("int64"))
        #expect(result.rejects[1].line == 4 && result.rejects[1].column == 3)
    }

    @Test("rows with too few or too many fields are rejected, the rest load")
    func fieldCounts() throws {
        let files = TestFiles()
        defer { files.remove() }
        let result = try readTable(files.write("counts.csv", "a,b,c\n1,2,3\n4,5\n6,7,8,9\n10,11,12\n"))
        #expect(result.table.rows().map { $0[0] } == [.int(1), .int(10)])
        #expect(result.rejects.map(\.kind) == [.tooFewColumns, .tooManyColumns])
        #expect(result.rejects.map(\.line) == [3, 4])
        #expect(result.rejects.map(\.column) == [3, 4])
    }

    @Test("line numbers count newlines inside quotes and stay right across blocks")
    func lineNumbersAcrossBlocks() throws {
        let files = TestFiles()
        defer { files.remove() }
        var lines = ["urut,teks"]
        for index in 0..<500 { lines.append("\(index),\"baris\nkedua\"") }
        lines.append("bad")
        for index in 500..<600 { lines.append("\(index),x") }
        let result = try readTable(files.write("lines.csv", lines.joined(separator: "\n") + "\n"), .testing(blockSize: 1024, threads: 3))
        #expect(result.rowCount == 600)
        #expect(result.rejects.count == 1)
        #expect(result.rejects.first?.line == 1 + 500 * 2 + 1)
        #expect(result.table.rows().map { $0[0] } == (0..<600).map { .int(Int64($0)) })
    }

    @Test("a stray quote inside an unquoted field rejects its row only, wherever the blocks end")
    func strayQuoteAcrossBlocks() throws {
        let files = TestFiles()
        defer { files.remove() }
        // Good rows hold a quoted newline; every 250th row has an inch mark in an unquoted field.
        // Counting quote parity to cut blocks would cut inside the next quoted field after it.
        var lines = ["no,ukuran,ket"]
        var expectedLines: [Int] = []
        var line = 2
        for index in 0..<6000 {
            if index % 250 == 7 {
                lines.append("\(index),layar 14\" inci,x")
                expectedLines.append(line)
                line += 1
            } else {
                lines.append("\(index),\"a\nb\",y")
                line += 2
            }
        }
        let path = files.write("stray.csv", lines.joined(separator: "\n") + "\n")
        for (blockSize, threads) in [(1 << 20, 1), (4096, 2), (1000, 3)] {
            let result = try readTable(path, .testing(blockSize: blockSize, threads: threads))
            #expect(result.rowCount == 6000 - 24, "block \(blockSize)")
            #expect(result.rejects.map(\.line) == expectedLines, "block \(blockSize)")
            #expect(Set(result.rejects.map(\.kind)) == [.unexpectedQuote], "block \(blockSize)")
        }
    }

    @Test("CRLF files that quote every field: rows, values and reject lines are right on every path")
    func quotedCRLF() throws {
        let files = TestFiles()
        defer { files.remove() }
        // Plain quoted rows take the fast path; doubled quotes, quoted line breaks and stray quotes
        // take the careful one. Rows 10, 60, … have a stray quote and are rejected.
        var lines = ["\"no\",\"teks\",\"ket\""]
        var expectedLines: [Int] = []
        var expectedRows: [[Value]] = []
        var line = 2
        for index in 0..<300 {
            switch index % 50 {
            case 10:
                lines.append("\"\(index)\",\"a\"b,\"x\"")
                expectedLines.append(line)
            case 20:
                lines.append("\"\(index)\",\"kata \"\"baik\"\"\",\"y\"")
                expectedRows.append([.int(Int64(index)), .string("kata \"baik\""), .string("y")])
            case 30:
                lines.append("\"\(index)\",\"baris\r\nkedua\",\"z\"")
                expectedRows.append([.int(Int64(index)), .string("baris\r\nkedua"), .string("z")])
                line += 1
            default:
                lines.append("\"\(index)\",\"teks \(index)\",\"\"")
                expectedRows.append([.int(Int64(index)), .string("teks \(index)"), .string("")])
            }
            line += 1
        }
        let path = files.write("quoted.csv", lines.joined(separator: "\r\n") + "\r\n")
        for (blockSize, threads) in [(1 << 20, 1), (2048, 3)] {
            let result = try readTable(path, .testing(blockSize: blockSize, threads: threads))
            #expect(result.table.rows() == expectedRows, "block \(blockSize)")
            #expect(result.rejects.map(\.line) == expectedLines, "block \(blockSize)")
        }
    }

    @Test("invalid UTF-8 is rejected with its position")
    func invalidUTF8() throws {
        let files = TestFiles()
        defer { files.remove() }
        let bytes = Array("nama,n\nBudi,1\nJl. Merdeka ".utf8) + [0xE9] + Array(",2\nSari,3\n".utf8)
        let result = try readTable(files.write("latin1.csv", bytes))
        #expect(result.rowCount == 2)
        #expect(result.rejects.count == 1)
        #expect(result.rejects[0].kind == .invalidUTF8 && result.rejects[0].line == 3 && result.rejects[0].column == 1)
        #expect(result.rejects[0].reason.contains("byte 13"))
    }

    @Test("header errors name the offending columns")
    func headerErrors() {
        let files = TestFiles()
        defer { files.remove() }
        let empty = dataError { _ = try readTable(files.write("e.csv", "a,,c\n1,2,3\n")) }
        #expect(empty?.kind == .emptyHeaderName && empty?.column == 2)
        let duplicate = dataError { _ = try readTable(files.write("d.csv", "nip,nama,nip\n1,2,3\n")) }
        #expect(duplicate?.kind == .duplicateHeaderName)
        #expect(duplicate?.message.contains("'nip' (columns 1 and 3)") == true)
        let none = dataError { _ = try readTable(files.write("n.csv", "")) }
        #expect(none?.kind == .missingHeader)
    }

    @Test("an unterminated quote at the end is rejected, earlier rows load")
    func unterminatedQuote() throws {
        let files = TestFiles()
        defer { files.remove() }
        let result = try readTable(files.write("uq.csv", "a,b\n1,x\n2,\"never closed\n3,y\n"))
        #expect(result.rowCount == 1)
        #expect(result.rejects.map(\.kind) == [.unterminatedQuote])
        #expect(result.rejects[0].line == 3)
    }

    @Test("too many rejects fail the read and still write the rejects file")
    func rejectThreshold() throws {
        let files = TestFiles()
        defer { files.remove() }
        var options = ReadOptions.testing(maxRejectRatio: 0.2)
        options.writeRejects = true
        options.rejectsPath = files.path("bad.rejects.ndjson")
        let error = dataError { _ = try readTable(files.write("bad.csv", "a,b\n1,2\n3\n4\n5,6\n"), options) }
        #expect(error?.kind == .tooManyRejects)
        #expect(error?.rowsRead == 2)
        let written = try String(contentsOfFile: files.path("bad.rejects.ndjson"), encoding: .utf8)
        let lines = written.split(separator: "\n")
        #expect(lines.count == 2)
        let decoded = try JSONDecoder().decode(RejectedRow.self, from: Data(lines[0].utf8))
        #expect(decoded.line == 3 && decoded.raw == "3" && decoded.kind == .tooFewColumns && decoded.file.hasSuffix("bad.csv"))
    }

    @Test("past the last projected column a record is still checked: quotes, field counts, CRLF, long rows",
          arguments: ["\n", "\r\n"])
    func projectionSkipsTheRest(_ lineEnd: String) throws {
        let files = TestFiles()
        defer { files.remove() }
        // Rows longer than a 64-byte window, with the awkward cases after the projected columns.
        let filler = String(repeating: "z", count: 70)
        var lines = ["a,b,c,d,e"]
        var expected: [[Value]] = []
        for row in 0..<300 {
            switch row % 6 {
            case 0: lines.append("\(row),k\(row % 3),\(filler),\"q, with comma\",e")  // quote after b
            case 1: lines.append("\(row),k\(row % 3),\(filler),d")  // too few fields
            case 2: lines.append("\(row),k\(row % 3),\(filler),d,e,f")  // too many fields
            case 3: lines.append("\(row),k\(row % 3),\"line\nbreak\",d,e")  // newline inside quotes
            default: lines.append("\(row),k\(row % 3),\(filler),d,\(row)")
            }
            if row % 6 != 1 && row % 6 != 2 { expected.append([.int(Int64(row)), .string("k\(row % 3)")]) }
        }
        let text = lines.joined(separator: lineEnd)  // no line end after the last row
        var options = ReadOptions.testing(blockSize: 4096, threads: 2)
        options.columns = ["a", "b"]
        let projected = try readTable(files.write("skip.csv", text), options)
        #expect(projected.table.rows() == expected)
        #expect(projected.rejects.map(\.kind) == Array(repeating: [DataError.Kind.tooFewColumns, .tooManyColumns], count: 50).flatMap { $0 })
        let full = try readTable(files.write("skip.csv", text), .testing(blockSize: 4096, threads: 2))
        #expect(full.table.rows().map { Array($0.prefix(2)) } == expected)
        #expect(full.rejects.map(\.line) == projected.rejects.map(\.line))
        // Reading every column takes the all-columns fast path: the last field loses its CR.
        let lastValues = full.table.rows().map { $0.last ?? .null }
        let expectedLast: [Value] = (0..<300).compactMap { row in
            switch row % 6 {
            case 0: return .string("e")
            case 1, 2: return nil
            case 3: return .string("e")
            default: return .string("\(row)")
            }
        }
        #expect(lastValues == expectedLast)
    }

    @Test("projection materialises only the named columns, in the order asked")
    func projection() throws {
        let files = TestFiles()
        defer { files.remove() }
        var options = ReadOptions.testing()
        options.columns = ["c", "a"]
        let result = try readTable(files.write("p.csv", "a,b,c\n1,x,2024-01-01\n2,y,2024-01-02\n"), options)
        #expect(result.table.schema.names == ["a", "c"])
        #expect(result.table.rows() == [[.int(1), dayOf("2024-01-01")], [.int(2), dayOf("2024-01-02")]])
    }

    @Test("low-cardinality strings are dictionary-encoded and read back the same")
    func dictionaryEncoding() throws {
        let files = TestFiles()
        defer { files.remove() }
        var lines = ["kanal,id"]
        let channels = ["loket", "mpp", "web", "aplikasi_mobile"]
        for index in 0..<1000 { lines.append("\(channels[index % 4]),id-\(index)") }
        let result = try readTable(files.write("dict.csv", lines.joined(separator: "\n") + "\n"))
        let chunk = try #require(result.table.chunks.first)
        if case .dictionary(_, let dictionary) = chunk.columns[0].values {
            #expect(dictionary.count == 4)
        } else {
            Issue.record("kanal should be dictionary-encoded")
        }
        if case .string = chunk.columns[1].values {} else { Issue.record("unique ids should stay plain strings") }
        #expect(result.table.rows().map { $0[0] } == (0..<1000).map { .string(channels[$0 % 4]) })
    }

    @Test("the same file gives the same table at any block size and thread count")
    func parallelDeterminism() throws {
        let files = TestFiles()
        defer { files.remove() }
        var lines = ["id,nama,nilai,tgl"]
        for index in 0..<3000 { lines.append("\(index),\"nama \(index), \"\"q\"\"\",\(Double(index) / 4),2024-01-\(String(format: "%02d", index % 28 + 1))") }
        let path = files.write("det.csv", lines.joined(separator: "\n") + "\n")
        let reference = try readTable(path, .testing(blockSize: 1 << 20, threads: 1)).table.rows()
        #expect(reference.count == 3000)
        for (blockSize, threads) in [(512, 2), (4096, 7), (100_000, 3)] {
            #expect(try readTable(path, .testing(blockSize: blockSize, threads: threads)).table.rows() == reference)
        }
    }
}

@Suite struct ColumnProfileTests {
    @Test("distinct counts are exact for dictionary-encoded columns, merged across chunks")
    func exactDistinctForDictionaries() throws {
        let files = TestFiles()
        defer { files.remove() }
        // 5,000 distinct values, each 8 rows in a run: every small block dictionary-encodes the
        // column, and the count spans many chunks (a HyperLogLog estimate is off by a few here).
        var lines = ["kode,n"]
        for value in 0..<5000 {
            for copy in 0..<8 { lines.append("K-\(value),\(copy)") }
        }
        let result = try readTable(files.write("distinct.csv", lines.joined(separator: "\n") + "\n"), .testing(blockSize: 4096, threads: 3))
        #expect(result.table.chunks.count > 10)
        #expect(result.table.chunks.allSatisfy { if case .dictionary = $0.columns[0].values { true } else { false } })
        let profiles = ColumnProfile.profile(result.table)
        #expect(profiles[0].distinctEstimate == 5000)
        #expect(profiles[1].distinctEstimate == 8)
    }
}
