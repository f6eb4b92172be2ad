import LumbungCore

@testable import LumbungWriters

/// Tables shared by the format tests.
enum Fixtures {
    static let schema = Schema([
        Field(name: "id", type: .int64),
        Field(name: "skor", type: .float64),
        Field(name: "aktif", type: .bool),
        Field(name: "nama", type: .string),
        Field(name: "lahir", type: .date),
        Field(name: "dibuat", type: .timestamp),
    ])

    static let day20240131 = Int32(CivilDate.days(year: 2024, month: 1, day: 31))
    static let micros20240131T0830 = Int64(day20240131) * 86_400_000_000 + (8 * 3600 + 30 * 60) * 1_000_000

    /// Every type, a row of nulls, awkward strings, a fractional timestamp and a pre-1970 one.
    static let everyType = Table(
        schema: schema,
        rows: [
            [
                .int(1), .float(3.75), .bool(true), .string("Budi Santoso"), .date(day20240131),
                .timestamp(micros20240131T0830),
            ],
            [
                .int(-42), .float(0.1), .bool(false), .string("kata \"baik\", koma"), .date(0),
                .timestamp(micros20240131T0830 + 500_000),
            ],
            [.null, .null, .null, .null, .null, .null],
            [
                .int(1_234_567), .float(-2.5e-7), .bool(true), .string("baris\nbaru\ttab|pipa"), .date(-1),
                .timestamp(-1),
            ],
            [.int(0), .float(1e20), .null, .string("Café 東京 \u{1}"), .null, .null],
        ])

    /// The same strings, nulls included, as a plain and as a dictionary-encoded column.
    static let awkwardStrings: [String?] = [
        "", " ", "NULL", "null", "a,b", "\"", "\"\"", "kata \"baik\"", "baris\nbaru", "cr\r\nlf", "\r", "tab\there",
        "Rp5.000.000", "12,5", "café", "cafe\u{301}", "東京都", "😀 emoji", "|pipa|", "\\", "\\\"", "{\"json\": 1}",
        "\u{0}\u{1}\u{1F}\u{7F}", "\u{2028}", "0", "true", nil, "2024-01-31", "  spasi  ",
    ]

    static func stringColumn(_ strings: [String?]) -> Column {
        Column.from(strings.map { $0.map(Value.string) ?? .null }, type: .string)
    }

    /// A dictionary-encoded string column (codes in first-seen order).
    static func dictionaryColumn(_ strings: [String?]) -> Column {
        var dictionary: [String] = []
        var codes: [UInt32] = []
        var validity = Bitmap()
        for string in strings {
            validity.append(string != nil)
            guard let string else {
                codes.append(0)
                continue
            }
            if let code = dictionary.firstIndex(of: string) {
                codes.append(UInt32(code))
            } else {
                codes.append(UInt32(dictionary.count))
                dictionary.append(string)
            }
        }
        let hasNull = strings.contains { $0 == nil }
        return Column(
            type: .string, values: .dictionary(codes: codes, dictionary: StringArray(dictionary)),
            validity: hasNull ? validity : nil, count: strings.count)
    }

    /// Two chunks of (`n`, `teks`): the first with plain strings, the second dictionary-encoded.
    static func awkwardTwoChunks() -> Table {
        let strings = awkwardStrings
        let numbers = Column.from(strings.indices.map { .int(Int64($0)) }, type: .int64)
        return Table(
            schema: Schema([Field(name: "n", type: .int64), Field(name: "teks", type: .string)]),
            chunks: [
                Chunk(columns: [numbers, stringColumn(strings)], count: strings.count),
                Chunk(columns: [numbers, dictionaryColumn(strings)], count: strings.count),
            ])
    }

    static let empty = Table(schema: schema, chunks: [])
    static let noColumns = Table(schema: Schema([]), chunks: [Chunk(columns: [], count: 2)])

    static func render(_ format: ResultFormat, _ table: Table, _ options: ResultWriter.Options = .init()) -> String {
        ResultWriter(format: format, options: options).render(table)
    }
}
