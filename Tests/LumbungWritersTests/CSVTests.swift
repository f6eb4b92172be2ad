import LumbungCore
import Testing

@testable import LumbungWriters

@Suite struct CSVTests {
    @Test("header, every type, nulls empty, quotes only when needed")
    func everyType() {
        let expected = """
            id,skor,aktif,nama,lahir,dibuat
            1,3.75,true,Budi Santoso,2024-01-31,2024-01-31T08:30:00Z
            -42,0.1,false,"kata ""baik"", koma",1970-01-01,2024-01-31T08:30:00.500000Z
            ,,,,,
            1234567,-2.5e-07,true,"baris
            baru\ttab|pipa",1969-12-31,1969-12-31T23:59:59.999999Z
            0,1e+20,,Café 東京 \u{1},,

            """
        #expect(Fixtures.render(.csv, Fixtures.everyType) == expected)
    }

    @Test("empty strings, NULL and null are quoted so they stay strings")
    func nullLookalikes() {
        let table = Table(
            schema: Schema([Field(name: "", type: .string), Field(name: "b", type: .string)]),
            rows: [
                [.string(""), .null], [.string("NULL"), .string("null")], [.string("Null"), .string("nul")],
            ])
        #expect(Fixtures.render(.csv, table) == "\"\",b\n\"\",\n\"NULL\",\"null\"\nNull,nul\n")
    }

    @Test("awkward strings round-trip through an RFC 4180 parser, plain and dictionary-encoded")
    func awkwardRoundTrip() throws {
        let text = Fixtures.render(.csv, Fixtures.awkwardTwoChunks())
        let records = try parseCSV(text)
        #expect(records.first == [ParsedField("n", false), ParsedField("teks", false)])
        let strings = Fixtures.awkwardStrings + Fixtures.awkwardStrings
        #expect(records.count == strings.count + 1)
        for (index, (record, expected)) in zip(records.dropFirst(), strings).enumerated() {
            #expect(record.count == 2)
            #expect(record[0].text == String(index % Fixtures.awkwardStrings.count))
            // Null is the only unquoted empty field, and unquoted NULL/null never come from strings.
            let isNull =
                !record[1].quoted && (record[1].text.isEmpty || record[1].text == "NULL" || record[1].text == "null")
            if let expected {
                #expect(!isNull && record[1].text == expected, "row \(index + 1)")
            } else {
                #expect(isNull, "row \(index + 1)")
            }
        }
    }

    @Test("non-finite floats as nan and inf")
    func nonFinite() {
        let table = Table(
            schema: Schema([Field(name: "x", type: .float64)]),
            rows: [[.float(.nan)], [.float(.infinity)], [.float(-.infinity)], [.float(2)]])
        #expect(Fixtures.render(.csv, table) == "x\nnan\ninf\n-inf\n2.0\n")
    }

    @Test("another delimiter")
    func semicolon() {
        let table = Table(
            schema: Schema([Field(name: "a;b", type: .string), Field(name: "c", type: .float64)]),
            rows: [[.string("x;y,z"), .float(1.5)]])
        let options = ResultWriter.Options(csvDelimiter: UInt8(ascii: ";"))
        #expect(Fixtures.render(.csv, table, options) == "\"a;b\";c\n\"x;y,z\";1.5\n")
    }

    @Test("no rows: the header; no columns: nothing")
    func emptyShapes() {
        #expect(Fixtures.render(.csv, Fixtures.empty) == "id,skor,aktif,nama,lahir,dibuat\n")
        #expect(Fixtures.render(.csv, Fixtures.noColumns) == "")
    }

    struct ParsedField: Equatable {
        var text: String
        var quoted: Bool
        init(_ text: String, _ quoted: Bool) {
            self.text = text
            self.quoted = quoted
        }
    }

    struct ParseError: Error {}

    /// A strict RFC 4180 parser (LF or CRLF record ends), independent of the writer.
    func parseCSV(_ text: String) throws -> [[ParsedField]] {
        var records: [[ParsedField]] = []
        var record: [ParsedField] = []
        var field: [UInt8] = []
        var quoted = false
        var bytes = Array(text.utf8)[...]
        func endField() {
            record.append(ParsedField(String(decoding: field, as: UTF8.self), quoted))
            field = []
            quoted = false
        }
        while let byte = bytes.popFirst() {
            switch byte {
            case UInt8(ascii: "\"") where field.isEmpty && !quoted:
                quoted = true
                while true {
                    guard let next = bytes.popFirst() else { throw ParseError() }
                    if next == UInt8(ascii: "\"") {
                        if bytes.first == UInt8(ascii: "\"") {
                            bytes.removeFirst()
                            field.append(next)
                        } else {
                            break
                        }
                    } else {
                        field.append(next)
                    }
                }
                guard let following = bytes.first, following == UInt8(ascii: ",") || following == 0x0a else {
                    throw ParseError()
                }
            case UInt8(ascii: "\""): throw ParseError()
            case UInt8(ascii: ","): endField()
            case 0x0a:
                endField()
                records.append(record)
                record = []
            default: field.append(byte)
            }
        }
        guard record.isEmpty, field.isEmpty else { throw ParseError() }
        return records
    }
}
