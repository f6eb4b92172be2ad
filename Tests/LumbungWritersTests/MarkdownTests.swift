import LumbungCore
import Testing

@testable import LumbungWriters

@Suite struct MarkdownTests {
    @Test("GitHub table: numbers right-aligned, | escaped, line breaks as <br>, null empty")
    func everyType() {
        let expected = """
            | id | skor | aktif | nama | lahir | dibuat |
            | ---: | ---: | --- | --- | --- | --- |
            | 1 | 3.75 | true | Budi Santoso | 2024-01-31 | 2024-01-31T08:30:00Z |
            | -42 | 0.1 | false | kata "baik", koma | 1970-01-01 | 2024-01-31T08:30:00.500000Z |
            |  |  |  |  |  |  |
            | 1234567 | -2.5e-07 | true | baris<br>baru\\ttab\\|pipa | 1969-12-31 | 1969-12-31T23:59:59.999999Z |
            | 0 | 1e+20 |  | Café 東京 \\u{1} |  |  |

            """
        #expect(Fixtures.render(.markdown, Fixtures.everyType) == expected)
    }

    @Test("Indonesian numbers; long cells are never cut")
    func indonesian() {
        let long = String(repeating: "x", count: 100)
        let table = Table(
            schema: Schema([
                Field(name: "gaji|pokok", type: .float64), Field(name: "n", type: .int64),
                Field(name: "s", type: .string),
            ]),
            rows: [
                [.float(4_250_000.5), .int(-1_234_567), .string(long)], [.float(0.12345), .null, .string("a\r\nb\rc")],
            ])
        #expect(
            Fixtures.render(.markdown, table, .init(numberStyle: .indonesian)) == """
                | gaji\\|pokok | n | s |
                | ---: | ---: | --- |
                | 4.250.000,5 | -1.234.567 | \(long) |
                | 0,123 |  | a<br>b<br>c |

                """)
    }

    @Test("no rows: header and alignment; no columns: nothing")
    func emptyShapes() {
        #expect(
            Fixtures.render(.markdown, Fixtures.empty) == """
                | id | skor | aktif | nama | lahir | dibuat |
                | ---: | ---: | --- | --- | --- | --- |

                """)
        #expect(Fixtures.render(.markdown, Fixtures.noColumns) == "")
    }
}
