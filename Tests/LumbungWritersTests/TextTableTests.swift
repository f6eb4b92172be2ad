import LumbungCore
import Testing

@testable import LumbungWriters

@Suite struct TextTableTests {
    @Test("header, rule, right-aligned numbers, null, escaped controls, footer")
    func everyType() {
        let expected = """
                  id |     skor | aktif | nama                  | lahir      | dibuat
            ---------+----------+-------+-----------------------+------------+-----------------------------
                   1 |     3.75 | true  | Budi Santoso          | 2024-01-31 | 2024-01-31T08:30:00Z
                 -42 |      0.1 | false | kata "baik", koma     | 1970-01-01 | 2024-01-31T08:30:00.500000Z
                null |     null | null  | null                  | null       | null
             1234567 | -2.5e-07 | true  | baris\\nbaru\\ttab|pipa | 1969-12-31 | 1969-12-31T23:59:59.999999Z
                   0 |    1e+20 | null  | Café 東京 \\u{1}       | null       | null
            (5 rows)

            """
        #expect(Fixtures.render(.table, Fixtures.everyType) == expected)
    }

    @Test("Indonesian numbers and a maximum cell width")
    func indonesianAndTruncated() {
        let expected = """
                    id |     skor | aktif | nama         | lahir      | dibuat
            -----------+----------+-------+--------------+------------+--------------
                     1 |     3,75 | true  | Budi Santoso | 2024-01-31 | 2024-01-31T…
                   -42 |      0,1 | false | kata "baik"… | 1970-01-01 | 2024-01-31T…
                  null |     null | null  | null         | null       | null
             1.234.567 | -2,5e-07 | true  | baris\\nbaru… | 1969-12-31 | 1969-12-31T…
                     0 |    1e+20 | null  | Café 東京 \\… | null       | null
            (5 rows)

            """
        let options = ResultWriter.Options(numberStyle: .indonesian, maxCellWidth: 12)
        #expect(Fixtures.render(.table, Fixtures.everyType, options) == expected)
    }

    @Test("CJK counts two columns, accents (precomposed or combining) one")
    func displayWidths() {
        let table = Table(
            schema: Schema([Field(name: "nama", type: .string), Field(name: "n", type: .int64)]),
            rows: [
                [.string("東京都"), .int(1)],
                [.string("Café"), .int(2)],
                [.string("Cafe\u{301}"), .int(3)],
                [.string("한국어"), .int(4)],
                [.string("ｱｲｳ ＡＢ"), .int(5)],
                [.string("Nguyễn"), .int(6)],
            ])
        let expected = """
             nama     | n
            ----------+---
             東京都   | 1
             Café     | 2
             Cafe\u{301}     | 3
             한국어   | 4
             ｱｲｳ ＡＢ | 5
             Nguyễn   | 6
            (6 rows)

            """
        // Half-width katakana count one, fullwidth Latin two: "ｱｲｳ ＡＢ" is 3 + 1 + 4 = 8.
        let output = Fixtures.render(.table, table)
        #expect(output == expected)
        // String == compares canonically; the combining form must come out as written.
        #expect(Array(output.utf8) == Array(expected.utf8))
    }

    @Test("long cells and headers end with … within the maximum width, CJK never split")
    func truncation() {
        let long = String(repeating: "abcdefghij", count: 5)
        let table = Table(
            schema: Schema([
                Field(name: String(repeating: "h", count: 45), type: .string), Field(name: "cjk", type: .string),
            ]),
            rows: [[.string(long), .string(String(repeating: "東", count: 30))]])
        let expected = """
             \(String(repeating: "h", count: 39))… | cjk
            \(String(repeating: "-", count: 42))+\(String(repeating: "-", count: 41))
             \(String(long.prefix(39)))… | \(String(repeating: "東", count: 19))…
            (1 row)

            """
        #expect(Fixtures.render(.table, table) == expected)
        let unlimited = Fixtures.render(.table, table, .init(maxCellWidth: nil))
        #expect(unlimited.contains(long))
        #expect(!unlimited.contains("…"))
    }

    @Test("a row window shows the first and last rows around a … row")
    func rowWindow() {
        let table = Table(
            schema: Schema([Field(name: "n", type: .int64), Field(name: "teks", type: .string)]),
            rows: (1...100).map { [.int(Int64($0) * 1000), .string("baris \($0)")] })
        let options = ResultWriter.Options(numberStyle: .indonesian, rowWindow: RowWindow(first: 2, last: 2))
        #expect(
            Fixtures.render(.table, table, options) == """
                       n | teks
                ---------+-----------
                   1.000 | baris 1
                   2.000 | baris 2
                       … | …
                  99.000 | baris 99
                 100.000 | baris 100
                (100 rows, 4 shown)

                """)
        // A window as large as the table shows everything.
        let whole = Fixtures.render(.table, table, .init(rowWindow: RowWindow(first: 60, last: 40)))
        #expect(whole.hasSuffix("(100 rows)\n"))
        #expect(!whole.contains("…"))
    }

    @Test("a row window across chunks picks the right rows")
    func rowWindowAcrossChunks() {
        let table = Fixtures.awkwardTwoChunks()
        let output = Fixtures.render(.table, table, .init(rowWindow: RowWindow(first: 3, last: 2)))
        #expect(
            output == """
                  n | teks
                ----+------------
                  0 |
                  1 |  
                  2 | NULL
                  … | …
                 27 | 2024-01-31
                 28 |   spasi  
                (58 rows, 5 shown)

                """)
    }

    @Test("no rows: header and footer; no columns: the footer")
    func emptyShapes() {
        #expect(
            Fixtures.render(.table, Fixtures.empty) == """
                 id | skor | aktif | nama | lahir | dibuat
                ----+------+-------+------+-------+--------
                (0 rows)

                """)
        #expect(Fixtures.render(.table, Fixtures.noColumns) == "(2 rows)\n")
    }
}
