import Foundation
import LumbungCore
import Testing

@testable import LumbungWriters

@Suite struct JSONTests {
    @Test("one array of row objects, one per line")
    func everyType() {
        let expected = """
            [
            {"id":1,"skor":3.75,"aktif":true,"nama":"Budi Santoso","lahir":"2024-01-31","dibuat":"2024-01-31T08:30:00Z"},
            {"id":-42,"skor":0.1,"aktif":false,"nama":"kata \\"baik\\", koma","lahir":"1970-01-01","dibuat":"2024-01-31T08:30:00.500000Z"},
            {"id":null,"skor":null,"aktif":null,"nama":null,"lahir":null,"dibuat":null},
            {"id":1234567,"skor":-2.5e-07,"aktif":true,"nama":"baris\\nbaru\\ttab|pipa","lahir":"1969-12-31","dibuat":"1969-12-31T23:59:59.999999Z"},
            {"id":0,"skor":1e+20,"aktif":null,"nama":"Café 東京 \\u0001","lahir":null,"dibuat":null}
            ]

            """
        #expect(Fixtures.render(.json, Fixtures.everyType) == expected)
    }

    @Test("parses back with JSONSerialization to the same values")
    func parsesBack() throws {
        let data = Data(Fixtures.render(.json, Fixtures.everyType).utf8)
        let rows = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        let expected = Fixtures.everyType.rows()
        #expect(rows.count == expected.count)
        for (row, values) in zip(rows, expected) {
            #expect(Set(row.keys) == Set(Fixtures.schema.names))
            for (name, value) in zip(Fixtures.schema.names, values) {
                let parsed = row[name]
                switch value {
                case .null: #expect(parsed is NSNull, "\(name)")
                case .int(let v): #expect((parsed as? NSNumber)?.int64Value == v, "\(name)")
                case .float(let v): #expect((parsed as? NSNumber)?.doubleValue == v, "\(name)")
                case .bool(let v): #expect(parsed as? Bool == v, "\(name)")
                case .string(let v): #expect(parsed as? String == v, "\(name)")
                case .date, .timestamp: #expect(parsed as? String == value.description, "\(name)")
                }
            }
        }
    }

    @Test("awkward strings in two chunks (plain, then dictionary) parse back")
    func awkwardStrings() throws {
        let data = Data(Fixtures.render(.json, Fixtures.awkwardTwoChunks()).utf8)
        let rows = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        let strings = Fixtures.awkwardStrings + Fixtures.awkwardStrings
        #expect(rows.count == strings.count)
        for (row, expected) in zip(rows, strings) {
            if let expected { #expect(row["teks"] as? String == expected) } else { #expect(row["teks"] is NSNull) }
        }
    }

    @Test("no rows is [], no columns gives empty objects")
    func emptyShapes() throws {
        #expect(Fixtures.render(.json, Fixtures.empty) == "[]\n")
        #expect(try JSONSerialization.jsonObject(with: Data("[]\n".utf8)) as? [Any] != nil)
        #expect(Fixtures.render(.json, Fixtures.noColumns) == "[\n{},\n{}\n]\n")
    }

    @Test("a table of many chunks is one valid array")
    func manyChunks() throws {
        let chunks = (0..<5).map { chunkIndex in
            Chunk(columns: [Column.from((0..<3).map { .int(Int64(chunkIndex * 3 + $0)) }, type: .int64)], count: 3)
        }
        let table = Table(
            schema: Schema([Field(name: "n", type: .int64)]),
            chunks: chunks + [Chunk(columns: [Column.from([], type: .int64)], count: 0)])
        let rows = try #require(
            try JSONSerialization.jsonObject(with: Data(Fixtures.render(.json, table).utf8)) as? [[String: Int]])
        #expect(rows.map { $0["n"] } == (0..<15).map { $0 })
    }
}
