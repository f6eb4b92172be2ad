import Foundation
import LumbungCore
import Testing

@testable import LumbungWriters

@Suite struct NDJSONTests {
    @Test("one object per row, keys in column order, every type")
    func everyType() {
        let expected = """
            {"id":1,"skor":3.75,"aktif":true,"nama":"Budi Santoso","lahir":"2024-01-31","dibuat":"2024-01-31T08:30:00Z"}
            {"id":-42,"skor":0.1,"aktif":false,"nama":"kata \\"baik\\", koma","lahir":"1970-01-01","dibuat":"2024-01-31T08:30:00.500000Z"}
            {"id":null,"skor":null,"aktif":null,"nama":null,"lahir":null,"dibuat":null}
            {"id":1234567,"skor":-2.5e-07,"aktif":true,"nama":"baris\\nbaru\\ttab|pipa","lahir":"1969-12-31","dibuat":"1969-12-31T23:59:59.999999Z"}
            {"id":0,"skor":1e+20,"aktif":null,"nama":"Café 東京 \\u0001","lahir":null,"dibuat":null}

            """
        #expect(Fixtures.render(.ndjson, Fixtures.everyType) == expected)
    }

    @Test("each line parses back with JSONSerialization to the same values")
    func parsesBack() throws {
        let text = Fixtures.render(.ndjson, Fixtures.everyType)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 6)
        #expect(lines.last == "")
        let objects = try lines.dropLast().map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
        #expect(objects.count == 5)
        #expect((objects[0]["id"] as? NSNumber)?.int64Value == 1)
        #expect((objects[0]["skor"] as? NSNumber)?.doubleValue == 3.75)
        #expect(objects[0]["aktif"] as? Bool == true)
        #expect(objects[0]["nama"] as? String == "Budi Santoso")
        #expect(objects[0]["lahir"] as? String == "2024-01-31")
        #expect(objects[0]["dibuat"] as? String == "2024-01-31T08:30:00Z")
        #expect((objects[1]["id"] as? NSNumber)?.int64Value == -42)
        #expect((objects[1]["skor"] as? NSNumber)?.doubleValue == 0.1)
        #expect(objects[1]["aktif"] as? Bool == false)
        #expect(objects[1]["nama"] as? String == "kata \"baik\", koma")
        for key in Fixtures.schema.names {
            #expect(objects[2][key] is NSNull, "row 3, \(key)")
        }
        #expect((objects[3]["id"] as? NSNumber)?.int64Value == 1_234_567)
        #expect((objects[3]["skor"] as? NSNumber)?.doubleValue == -2.5e-7)
        #expect(objects[3]["nama"] as? String == "baris\nbaru\ttab|pipa")
        #expect((objects[4]["skor"] as? NSNumber)?.doubleValue == 1e20)
        #expect(objects[4]["nama"] as? String == "Café 東京 \u{1}")
        #expect(objects[4]["aktif"] is NSNull)
    }

    @Test("awkward strings round-trip through JSONSerialization, plain and dictionary-encoded")
    func awkwardStringsRoundTrip() throws {
        let text = Fixtures.render(.ndjson, Fixtures.awkwardTwoChunks())
        let lines = text.split(separator: "\n")
        let strings = Fixtures.awkwardStrings
        #expect(lines.count == strings.count * 2)
        for (index, line) in lines.enumerated() {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let expected = strings[index % strings.count]
            #expect((object["n"] as? NSNumber)?.intValue == index % strings.count)
            if let expected {
                #expect(object["teks"] as? String == expected, "line \(index + 1): \(line)")
            } else {
                #expect(object["teks"] is NSNull, "line \(index + 1)")
            }
        }
    }

    @Test("control characters are escaped, other bytes kept as UTF-8")
    func escaping() {
        let every = String(String.UnicodeScalarView((0..<0x20).compactMap(Unicode.Scalar.init)))
        let table = Table(
            schema: Schema([Field(name: "k\"ey\n", type: .string)]), rows: [[.string(every + "\"\\/é東\u{7F}")]])
        let expected =
            #"{"k\"ey\n":"\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\t\n\u000b\u000c\r\u000e\u000f"#
            + #"\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001b\u001c\u001d\u001e\u001f\"\\/é東"#
            + "\u{7F}\"}\n"
        #expect(Fixtures.render(.ndjson, table) == expected)
    }

    @Test("floats: shortest round trip, NaN and infinities as null")
    func floats() throws {
        let values: [Double] = [
            0.1, 1.0 / 3.0, 3, -0.0, .leastNonzeroMagnitude, .greatestFiniteMagnitude, 123456.789, 1e16, .nan,
            .infinity, -.infinity,
        ]
        let table = Table(schema: Schema([Field(name: "x", type: .float64)]), rows: values.map { [.float($0)] })
        let text = Fixtures.render(.ndjson, table)
        #expect(
            text.split(separator: "\n").map(String.init) == [
                #"{"x":0.1}"#, #"{"x":0.3333333333333333}"#, #"{"x":3.0}"#, #"{"x":-0.0}"#, #"{"x":5e-324}"#,
                #"{"x":1.7976931348623157e+308}"#, #"{"x":123456.789}"#, #"{"x":1e+16}"#,
                #"{"x":null}"#, #"{"x":null}"#, #"{"x":null}"#,
            ])
        for (line, value) in zip(text.split(separator: "\n"), values) where value.isFinite {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect((object["x"] as? NSNumber)?.doubleValue == value, "\(line)")
        }
    }

    @Test("integers at the extremes")
    func integerExtremes() {
        let table = Table(
            schema: Schema([Field(name: "n", type: .int64)]),
            rows: [[.int(.min)], [.int(.max)], [.int(-9)], [.int(10)]])
        #expect(
            Fixtures.render(.ndjson, table) == """
                {"n":-9223372036854775808}
                {"n":9223372036854775807}
                {"n":-9}
                {"n":10}

                """)
    }

    @Test("dates and timestamps outside years 0-9999 fall back to the canonical text")
    func farDates() {
        let table = Table(
            schema: Schema([Field(name: "d", type: .date), Field(name: "t", type: .timestamp)]),
            rows: [[.date(Int32(CivilDate.days(year: 10000, month: 1, day: 1))), .timestamp(.min)]])
        let expected =
            "{\"d\":\"\(CivilDate.format(days: Int32(CivilDate.days(year: 10000, month: 1, day: 1))))\","
            + "\"t\":\"\(CivilDate.formatTimestamp(micros: .min))\"}\n"
        #expect(Fixtures.render(.ndjson, table) == expected)
    }

    @Test("dates and timestamps agree with LumbungCore's canonical text")
    func agreesWithCore() {
        var rows: [[Value]] = []
        var state: UInt64 = 12345
        for _ in 0..<2000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let day = Int32(truncatingIfNeeded: Int64(state >> 40) % 2_000_000 - 700_000)
            let micros = Int64(bitPattern: state) / 1000
            rows.append([.date(day), .timestamp(micros), .timestamp(micros / 1_000_000 * 1_000_000)])
        }
        let schema = Schema([
            Field(name: "d", type: .date), Field(name: "t", type: .timestamp), Field(name: "s", type: .timestamp),
        ])
        let text = Fixtures.render(.ndjson, Table(schema: schema, rows: rows))
        let expected = rows.map { row in
            "{\"d\":\"\(row[0])\",\"t\":\"\(row[1])\",\"s\":\"\(row[2])\"}\n"
        }.joined()
        #expect(text == expected)
    }

    @Test("no rows: nothing; no columns: empty objects")
    func emptyShapes() {
        #expect(Fixtures.render(.ndjson, Fixtures.empty) == "")
        #expect(Fixtures.render(.ndjson, Fixtures.noColumns) == "{}\n{}\n")
    }
}
