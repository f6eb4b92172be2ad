import LumbungCore
import LumbungEngine

/// A small deterministic generator (SplitMix64), so every case reproduces from its seed.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &self) < p }
    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &self) }
    mutating func pick<T>(_ items: [T]) -> T { items[int(0...(items.count - 1))] }
}

/// Random tables with nulls, duplicates, extreme values, empty strings, non-ASCII text, random
/// chunk boundaries and per-chunk choice of plain or dictionary strings (with unused and
/// duplicate dictionary entries).
enum RandomData {
    static let schema = Schema([
        Field(name: "k1", type: .string),  // low-cardinality string
        Field(name: "k2", type: .int64),  // small integers
        Field(name: "i", type: .int64),  // wide integers, extremes
        Field(name: "f", type: .float64),
        Field(name: "b", type: .bool),
        Field(name: "d", type: .date),
        Field(name: "s", type: .string),  // higher-cardinality string
        Field(name: "t", type: .timestamp),
    ])

    static let lowStrings = ["a", "b", "B", "ab", "", "é", "zz", "Kab. Bandung", " a "]
    static let highStrings = [
        "12", " 7 ", "3.5", "x", "2024-02-29", "2023-02-29", "abc", "ABC", "aBc", "Ünïcode", "日本", "a b c", "-4",
        "1e3", "nan", "2024-01-31T08:00:00", "", "loket", "mpp", "web",
    ]

    static func value(_ type: DataType, column: String, _ rng: inout SplitMix, nullRate: Double) -> Value {
        if rng.chance(nullRate) { return .null }
        switch column {
        case "k1": return .string(rng.pick(lowStrings))
        case "k2": return .int(Int64(rng.int(-3...5)))
        case "i":
            if rng.chance(0.02) { return .int(rng.pick([Int64.max, Int64.min, Int64.max - 1, Int64.min + 1])) }
            if rng.chance(0.3) { return .int(Int64(rng.int(-1_000_000_000...1_000_000_000)) * 1_000_003) }
            return .int(Int64(rng.int(-50...50)))
        case "f":
            if rng.chance(0.03) { return .float(rng.pick([-0.0, 0.0, 1e300, -1e300])) }
            return .float(Double(rng.int(-4000...4000)) / 4)
        case "b": return .bool(rng.chance(0.5))
        case "d": return .date(Int32(rng.int(-800...20_000)))
        case "s":
            if rng.chance(0.5) { return .string(rng.pick(highStrings)) }
            return .string("s\(rng.int(0...60))")
        default:
            return .timestamp(Int64(rng.int(-100_000...2_000_000)) * 1_000_000_007)
        }
    }

    /// A table of `rows` random rows over `schema`, split into random chunks.
    static func table(_ rng: inout SplitMix, rows: Int? = nil, schema: Schema = RandomData.schema) -> Table {
        let rowCount = rows ?? rng.pick([0, 1, 2, 5, 17, 64, 130, 300])
        let nullRate = rng.pick([0.0, 0.1, 0.4, 1.0])
        let values = (0..<rowCount).map { _ in
            schema.fields.map { value($0.type, column: $0.name, &rng, nullRate: $0.name == "k1" ? nullRate / 2 : nullRate) }
        }
        return chunked(values, schema: schema, &rng)
    }

    /// Splits rows into random chunks (sometimes empty ones) with random string encodings.
    static func chunked(_ rows: [[Value]], schema: Schema, _ rng: inout SplitMix) -> Table {
        var chunks: [Chunk] = []
        var start = 0
        while start < rows.count || (chunks.isEmpty && rng.chance(0.3)) {
            let size = rng.pick([1, 3, 10, 40, 100, 1000])
            let end = min(rows.count, start + size)
            let slice = Array(rows[start..<end])
            let columns = schema.fields.enumerated().map { index, field -> Column in
                let column = Column.from(slice.map { $0[index] }, type: field.type)
                if field.type == .string, rng.chance(0.6) { return dictionaryEncoded(column, &rng) }
                return column
            }
            chunks.append(Chunk(columns: columns, count: slice.count))
            if rng.chance(0.05) {
                chunks.append(Chunk(columns: schema.fields.map { Column.from([], type: $0.type) }, count: 0))
            }
            start = end
        }
        return Table(schema: schema, chunks: chunks)
    }

    /// The same strings as a dictionary column; the dictionary may hold unused entries and
    /// duplicates, which the engine must tolerate.
    static func dictionaryEncoded(_ column: Column, _ rng: inout SplitMix) -> Column {
        var dictionary = StringArray()
        var index: [String: UInt32] = [:]
        if rng.chance(0.3) { dictionary.append("unused") }
        var codes: [UInt32] = []
        for row in 0..<column.count {
            if column.isNull(row) {
                codes.append(rng.chance(0.5) ? 0 : UInt32(max(0, dictionary.count - 1)))
                if dictionary.count == 0 { dictionary.append("null slot") }
                continue
            }
            guard case .string(let text) = column.value(at: row) else { continue }
            if let code = index[text], !rng.chance(0.05) {
                codes.append(code)
            } else {
                let code = UInt32(dictionary.count)
                dictionary.append(text)
                index[text] = code
                codes.append(code)
            }
        }
        if dictionary.count == 0 { dictionary.append("") }
        return Column(
            type: .string, values: .dictionary(codes: codes, dictionary: dictionary), validity: column.validity,
            count: column.count)
    }
}

/// Random typed expressions over `RandomData.schema`.
struct ExprGenerator {
    var rng: SplitMix

    /// Whether a bare `null` may stand for a value: only where its type follows from the context
    /// (comparisons, logic, `coalesce`, `if`); elsewhere (`null + 5`) it would change the type.
    var nullable = true

    mutating func literal(_ type: DataType) -> Expr {
        if nullable, rng.chance(0.05) { return .null }
        switch type {
        case .int64: return .literal(.int(Int64(rng.pick([-2, 0, 1, 2, 3, 7, 100, -1]))))
        case .float64: return .literal(.float(rng.pick([0.5, -1.25, 0, 3, 1e10])))
        case .bool: return .literal(.bool(rng.chance(0.5)))
        case .string: return .literal(.string(rng.pick(RandomData.lowStrings + ["s1", "12", "é"])))
        case .date: return .literal(.date(Int32(rng.int(0...19_000))))
        case .timestamp: return .literal(.timestamp(Int64(rng.int(0...1_600_000)) * 1_000_000_000))
        }
    }

    mutating func expr(_ type: DataType, depth: Int) -> Expr {
        let saved = nullable
        defer { nullable = saved }
        return generate(type, depth: depth)
    }

    /// An operand whose type must not be left to a bare null.
    mutating func strict(_ type: DataType, depth: Int) -> Expr {
        let saved = nullable
        nullable = false
        defer { nullable = saved }
        return generate(type, depth: depth)
    }

    private mutating func generate(_ type: DataType, depth: Int) -> Expr {
        if depth <= 0 || rng.chance(0.25) {
            switch type {
            case .int64: return rng.chance(0.7) ? .column(rng.pick(["k2", "i"])) : literal(.int64)
            case .float64: return rng.chance(0.7) ? .column("f") : literal(.float64)
            case .bool: return rng.chance(0.7) ? .column("b") : literal(.bool)
            case .string: return rng.chance(0.8) ? .column(rng.pick(["k1", "s"])) : literal(.string)
            case .date: return rng.chance(0.8) ? .column("d") : literal(.date)
            case .timestamp: return rng.chance(0.8) ? .column("t") : literal(.timestamp)
            }
        }
        let next = depth - 1
        switch type {
        case .int64:
            switch rng.int(0...13) {
            case 0: return .binary(rng.pick([.add, .subtract, .multiply]), strict(.int64, depth: next), strict(.int64, depth: next))
            case 1: return .binary(.modulo, strict(.int64, depth: next), strict(.int64, depth: next))
            case 2: return .unary(.negate, strict(.int64, depth: next))
            case 3: return .call(.length, [strict(.string, depth: next)])
            case 4: return .call(rng.pick([.year, .month, .day, .quarter]), [strict(rng.pick([.date, .timestamp]), depth: next)])
            case 5: return .call(rng.pick([.daysBetween, .ageYears]), [strict(.date, depth: next), strict(rng.pick([.date, .timestamp]), depth: next)])
            case 6: return .call(.abs, [strict(.int64, depth: next)])
            case 7: return .call(.round, [strict(.int64, depth: next), .literal(.int(Int64(rng.int(-3...1))))])
            case 8: return .call(.int, [strict(rng.pick([.float64, .string, .bool]), depth: next)])
            case 9: return .ifThenElse(strict(.bool, depth: next), strict(.int64, depth: next), strict(.int64, depth: next))
            case 10: return .coalesce([strict(.int64, depth: next), strict(.int64, depth: next)])
            case 11: return .binary(.subtract, strict(.date, depth: next), strict(.date, depth: next))
            case 12: return .call(rng.pick([.floor, .ceil]), [strict(.int64, depth: next)])
            default: return .column("k2")
            }
        case .float64:
            switch rng.int(0...8) {
            case 0: return .binary(.divide, strict(rng.pick([.int64, .float64]), depth: next), strict(rng.pick([.int64, .float64]), depth: next))
            case 1: return .binary(rng.pick([.add, .subtract, .multiply]), strict(.float64, depth: next), strict(rng.pick([.int64, .float64]), depth: next))
            case 2: return .call(.float, [strict(rng.pick([.int64, .string, .bool]), depth: next)])
            case 3: return .call(.round, [strict(.float64, depth: next), .literal(.int(Int64(rng.int(-1...2))))])
            case 4: return .call(rng.pick([.floor, .ceil, .abs]), [strict(.float64, depth: next)])
            case 5: return .unary(.negate, strict(.float64, depth: next))
            case 6: return .coalesce([strict(.float64, depth: next), strict(.int64, depth: next)])
            case 7: return .ifThenElse(strict(.bool, depth: next), strict(.int64, depth: next), strict(.float64, depth: next))
            default: return .column("f")
            }
        case .bool:
            switch rng.int(0...10) {
            case 0, 1:
                let operandType = rng.pick([DataType.int64, .float64, .string, .date, .bool, .timestamp])
                let op = rng.pick([BinaryOperator.equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual])
                let rhsType: DataType = operandType == .int64 && rng.chance(0.3) ? .float64 : operandType
                return .binary(op, expr(operandType, depth: next), expr(rhsType, depth: next))
            case 2: return .binary(rng.pick([.and, .or]), expr(.bool, depth: next), expr(.bool, depth: next))
            case 3: return .unary(.not, expr(.bool, depth: next))
            case 4:
                let itemType = rng.pick([DataType.string, .int64])
                let items = (0..<rng.int(0...4)).map { _ -> Value in
                    if case .literal(let value) = literal(itemType) { return value }
                    return .null
                }
                return .inList(expr(itemType, depth: next), items)
            case 5: return .isNull(expr(rng.pick([.int64, .string, .float64, .date]), depth: next), negated: rng.chance(0.5))
            case 6: return .call(rng.pick([.contains, .startsWith, .endsWith]), [strict(.string, depth: next), strict(.string, depth: next)])
            case 7: return .ifThenElse(expr(.bool, depth: next), expr(.bool, depth: next), expr(.bool, depth: next))
            case 8: return .coalesce([expr(.bool, depth: next), literal(.bool)])
            default: return .column("b")
            }
        case .string:
            switch rng.int(0...9) {
            case 0: return .call(rng.pick([.lower, .upper, .trim]), [strict(.string, depth: next)])
            case 1: return .call(.substr, [strict(.string, depth: next), .literal(.int(Int64(rng.int(-3...4))))] + (rng.chance(0.6) ? [.literal(.int(Int64(rng.int(-2...3))))] : []))
            case 2: return .call(.replace, [strict(.string, depth: next), .literal(.string(rng.pick(["a", "", "b", "é"]))), .literal(.string(rng.pick(["X", "", "yy"])))])
            case 3: return .call(.concat, [strict(.string, depth: next), strict(rng.pick([.string, .int64, .float64, .date, .bool]), depth: next)])
            case 4: return .call(.string, [strict(rng.pick([.int64, .float64, .date, .bool, .timestamp]), depth: next)])
            case 5: return .ifThenElse(strict(.bool, depth: next), strict(.string, depth: next), strict(.string, depth: next))
            case 6: return .coalesce([strict(.string, depth: next), strict(.string, depth: next)])
            default: return .column(rng.pick(["k1", "s"]))
            }
        case .date:
            switch rng.int(0...4) {
            case 0: return .call(.date, [strict(rng.pick([.string, .timestamp]), depth: next)])
            case 1: return .binary(rng.pick([.add, .subtract]), strict(.date, depth: next), strict(.int64, depth: next))
            case 2: return .coalesce([strict(.date, depth: next), literal(.date)])
            default: return .column("d")
            }
        case .timestamp:
            return rng.chance(0.5) ? .column("t") : .coalesce([strict(.timestamp, depth: next), strict(.date, depth: next)])
        }
    }
}
