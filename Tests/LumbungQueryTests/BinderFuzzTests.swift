import LumbungCore
import LumbungEngine
import LumbungQuery
import PropertyBased
import Testing

/// Random typed queries over a small table with nulls, through the binder, the optimizer and the
/// engine. Whatever the query, nothing crashes; and the binder and the engine agree: a query the
/// binder accepts never fails in the engine with a type, name or argument error (only with a
/// legitimate run-time error such as an integer overflow). Also feeds the parser's generated
/// queries (GeneratedQueryTests) through the binder.
/// `LQ_FUZZ_COUNT=1000000 swift test --filter BinderFuzzTests` for a long run.
@Suite("binder and engine on generated queries")
struct BinderFuzzTests {
    static let table = Table(
        schema: Schema([
            Field(name: "i", type: .int64), Field(name: "j", type: .int64), Field(name: "f", type: .float64),
            Field(name: "s", type: .string), Field(name: "t", type: .string), Field(name: "b", type: .bool),
            Field(name: "d", type: .date), Field(name: "ts", type: .timestamp),
        ]),
        rows: (0..<23).map { row -> [Value] in
            func maybe(_ value: Value) -> Value { row % 5 == 3 ? .null : value }
            return [
                maybe(.int(Int64(row % 7) - 2)), .int(Int64(row % 3)), maybe(.float(Double(row) / 4 - 1.5)),
                maybe(.string(["a", "B", "ä", "日本", ""][row % 5])), .string(["x", "y"][row % 2]),
                row % 4 == 0 ? .null : .bool(row % 3 == 0), maybe(.date(Int32(19_700 + row * 11))),
                .timestamp(Int64(row) * 3_600_000_000 + 1_700_000_000_000_000),
            ]
        })
    static let other = Table(
        schema: Schema([Field(name: "j", type: .int64), Field(name: "s", type: .string), Field(name: "v", type: .float64)]),
        rows: (0..<5).map { [.int(Int64($0 % 3)), .string(["a", "x", "B", "q", "a"][$0]), .float(Double($0))] })

    static func runner() -> QueryRunner {
        let catalog = Catalog()
        catalog.register("tabel", table: table)
        catalog.register("lain", table: other)
        catalog.register("pegawai", table: other)
        catalog.register("layanan", table: table)
        return QueryRunner(catalog: catalog, options: QueryOptions(threads: 2))
    }

    /// Runs a query; fails the test on an engine error that the binder should have caught.
    static func check(_ query: String, _ runner: QueryRunner) {
        do {
            _ = try runner.run(query)
        } catch is QueryError {
            // A query error: fine.
        } catch is LumbungError {
            // `from "file.csv"` of a file that is not there: fine.
        } catch let error as QueryRuntimeError {
            #expect(error.engineError.kind == .integerOverflow, "\(error)\n\(query)")
        } catch let error as EngineError {
            // An overflow must be traced to its place in the query (a `QueryRuntimeError`).
            #expect(error.kind == .memoryBudgetExceeded,
                    "the binder accepted a query the engine refused: \(error)\n\(query)")
        } catch {
            Issue.record("unexpected error \(error)\n\(query)")
        }
    }

    @Test("typed random queries: no crash, and the binder and the engine agree")
    func typed() async {
        let runner = Self.runner()
        await propertyCheck(count: ParserFuzzTests.count, input: ParserFuzzTests.seeds) { seed in
            var generator = TypedQueryGenerator(rng: SplitMix(seed: seed))
            Self.check(generator.query(), runner)
        }
    }

    @Test("the parser's generated queries go through the binder without a crash")
    func grammar() async {
        let runner = Self.runner()
        await propertyCheck(count: ParserFuzzTests.count, input: ParserFuzzTests.seeds) { seed in
            var generator = QueryGenerator(rng: SplitMix(seed: seed))
            Self.check(generator.query(), runner)
        }
    }

    @Test("mostly well typed: a good share of generated queries run")
    func generatorIsUseful() {
        let runner = Self.runner()
        var ran = 0
        for seed in 0..<300 as Range<UInt64> {
            var generator = TypedQueryGenerator(rng: SplitMix(seed: seed))
            if (try? runner.run(generator.query())) != nil { ran += 1 }
        }
        #expect(ran > 150, "only \(ran) of 300 generated queries ran")
    }
}

/// Queries whose expressions are mostly well typed over `BinderFuzzTests.table`.
struct TypedQueryGenerator {
    var rng: SplitMix
    /// Columns in scope and their types.
    var columns: [(String, DataType)] = [("i", .int64), ("j", .int64), ("f", .float64), ("s", .string), ("t", .string),
                                         ("b", .bool), ("d", .date), ("ts", .timestamp)]
    var counter = 0

    mutating func pick<T>(_ items: [T]) -> T { items[Int(rng.next() % UInt64(items.count))] }
    mutating func chance(_ percent: UInt64) -> Bool { rng.next() % 100 < percent }

    mutating func column(_ type: DataType) -> String? {
        let matching = columns.filter { $0.1 == type }.map(\.0)
        return matching.isEmpty ? nil : pick(matching)
    }

    mutating func expr(_ type: DataType, _ depth: Int = 0) -> String {
        if chance(3) { return pick(["null", "1", "\"q\"", "true", "@2024-01-01", "1.5"]) }  // sometimes ill typed
        if depth > 3 || chance(30) {
            if chance(60), let name = column(type) { return name }
            switch type {
            case .int64: return pick(["0", "3", "-2", "9223372036854775807"])
            case .float64: return pick(["0.5", "-2.25", "1e3"])
            case .string: return pick(["\"a\"", "\"ä\"", "\"\"", "\"日本\""])
            case .bool: return pick(["true", "false"])
            case .date: return pick(["@2024-01-31", "@1970-01-01"])
            case .timestamp: return "@2024-01-31T08:30:00"
            }
        }
        let d = depth + 1
        switch type {
        case .int64:
            switch rng.next() % 10 {
            case 0: return "(\(expr(.int64, d)) \(pick(["+", "-", "*", "%"])) \(expr(.int64, d)))"
            case 1: return "length(\(expr(.string, d)))"
            case 2: return "\(pick(["year", "month", "day", "quarter"]))(\(expr(pick([.date, .timestamp]), d)))"
            case 3: return "days_between(\(expr(.date, d)), \(expr(pick([.date, .timestamp]), d)))"
            case 4: return "int(\(expr(pick([.float64, .string, .bool, .int64]), d)))"
            case 5: return "if(\(expr(.bool, d)), \(expr(.int64, d)), \(expr(.int64, d)))"
            case 6: return "(\(expr(.int64, d)) ?? \(expr(.int64, d)))"
            case 7: return "-\(expr(.int64, d))"
            case 8: return "age_years(\(expr(.date, d)), \(expr(.date, d)))"
            default: return "abs(\(expr(.int64, d)))"
            }
        case .float64:
            switch rng.next() % 7 {
            case 0: return "(\(expr(pick([.int64, .float64]), d)) / \(expr(pick([.int64, .float64]), d)))"
            case 1: return "round(\(expr(.float64, d)), \(pick(["0", "1", "-1"])))"
            case 2: return "\(pick(["floor", "ceil", "abs"]))(\(expr(.float64, d)))"
            case 3: return "float(\(expr(pick([.int64, .string, .bool]), d)))"
            case 4: return "coalesce(\(expr(.float64, d)), \(expr(.int64, d)))"
            case 5: return "(\(expr(.float64, d)) * \(expr(.int64, d)))"
            default: return "(\(expr(.float64, d)) - \(expr(.float64, d)))"
            }
        case .string:
            switch rng.next() % 7 {
            case 0: return "\(pick(["lower", "upper", "trim"]))(\(expr(.string, d)))"
            case 1: return "substr(\(expr(.string, d)), \(expr(.int64, d))\(chance(50) ? ", \(expr(.int64, d))" : ""))"
            case 2: return "replace(\(expr(.string, d)), \(expr(.string, d)), \(expr(.string, d)))"
            case 3: return "concat(\(expr(.string, d)), \(expr(pick(DataType.allCases), d)))"
            case 4: return "string(\(expr(pick(DataType.allCases), d)))"
            case 5: return "if(\(expr(.bool, d)), \(expr(.string, d)), \(expr(.string, d)))"
            default: return "(\(expr(.string, d)) ?? \"-\")"
            }
        case .bool:
            switch rng.next() % 9 {
            case 0:
                let operand = pick([DataType.int64, .float64, .string, .date, .timestamp, .bool])
                let other: DataType = operand == .int64 ? pick([.int64, .float64]) : operand == .date ? pick([.date, .timestamp]) : operand
                return "(\(expr(operand, d)) \(pick(["==", "!=", "<", "<=", ">", ">="])) \(expr(other, d)))"
            case 1: return "(\(expr(.bool, d)) \(pick(["and", "or"])) \(expr(.bool, d)))"
            case 2: return "not \(expr(.bool, d))"
            case 3: return "\(expr(pick([.int64, .string, .float64]), d)) is \(chance(50) ? "not " : "")null"
            case 4: return "\(expr(.int64, d)) \(chance(30) ? "not " : "")in [1, 2, null]"
            case 5: return "\(expr(.string, d)) in [\"a\", \"x\"]"
            case 6: return "\(pick(["contains", "starts_with", "ends_with"]))(\(expr(.string, d)), \(expr(.string, d)))"
            case 7: return "\(expr(pick([.date, .timestamp]), d)) in \(pick(["@2024", "@2024-Q1", "@2023-03", "@2024-01-05"]))"
            default: return "if(\(expr(.bool, d)), \(expr(.bool, d)), \(expr(.bool, d)))"
            }
        case .date:
            switch rng.next() % 3 {
            case 0: return "(\(expr(.date, d)) \(pick(["+", "-"])) \(expr(.int64, d)))"
            case 1: return "date(\(expr(pick([.string, .date, .timestamp]), d)))"
            default: return "coalesce(\(expr(.date, d)), @2000-01-01)"
            }
        case .timestamp:
            return column(.timestamp) ?? "@2024-01-31T08:30:00"
        }
    }

    mutating func aggregate() -> String {
        switch rng.next() % 10 {
        case 0: return "count()"
        case 1: return "count(\(expr(pick(DataType.allCases))))"
        case 2: return "count_distinct(\(expr(pick(DataType.allCases))))"
        case 3: return "\(pick(["count_if", "share"]))(\(expr(.bool)))"
        case 4: return "\(pick(["sum", "avg", "stddev"]))(\(expr(pick([.int64, .float64]))))"
        case 5: return "\(pick(["min", "max"]))(\(expr(pick(DataType.allCases))))"
        case 6: return "median(\(expr(pick([.int64, .float64, .date]))))"
        case 7: return "quantile(\(expr(pick([.int64, .float64]))), \(pick(["0", "0.25", "1", "0.9"])))"
        case 8: return "(sum(\(expr(.int64))) / count())"
        default: return "(max(\(expr(.int64))) - min(\(expr(.int64))))"
        }
    }

    mutating func fresh() -> String {
        counter += 1
        return "c\(counter)"
    }

    mutating func query() -> String {
        var steps = [pick(["from tabel", "from layanan"])]
        for _ in 0..<Int(rng.next() % 6) {
            switch rng.next() % 9 {
            case 0, 1: steps.append("where \(expr(.bool))")
            case 2:
                let type = pick(DataType.allCases)
                let name = chance(20) ? (column(type) ?? fresh()) : fresh()
                steps.append("derive \(name) = \(expr(type))")
                columns.removeAll { $0.0 == name }
                columns.append((name, type))
            case 3:
                let keys = (0..<Int(rng.next() % 3)).compactMap { _ in columns.isEmpty ? nil : pick(columns) }
                var seen = Set<String>()
                let unique = keys.filter { seen.insert($0.0).inserted }
                let aggregates = (0...Int(rng.next() % 3)).map { _ in "\(fresh()) = \(aggregate())" }
                steps.append("summarize \(aggregates.joined(separator: ", "))"
                             + (unique.isEmpty ? "" : " by \(unique.map(\.0).joined(separator: ", "))"))
                columns = unique + aggregates.map { (String($0.prefix { $0 != " " }), DataType.float64) }
            case 4:
                guard !columns.isEmpty else { continue }
                let keys = (0...Int(rng.next() % 2)).map { _ in (chance(50) ? "-" : "") + pick(columns).0 }
                steps.append("sort \(keys.joined(separator: ", "))")
            case 5: steps.append("take \(rng.next() % 30)")
            case 6:
                guard !columns.isEmpty else { continue }
                steps.append(chance(50) ? "distinct" : "distinct \(pick(columns).0)")
            case 7:
                guard let key = column(.int64) ?? column(.string) else { continue }
                let kind = pick(["", "left ", "semi ", "anti ", "inner "])
                let right = key == "j" || key == "s" ? key : "\(key) == \(columns.first { $0.0 == key }!.1 == .string ? "s" : "j")"
                steps.append("join \(kind)lain on \(right)")
                if kind == "" || kind == "left " || kind == "inner " { columns.append(("v", .float64)) }
            default:
                guard !columns.isEmpty else { continue }
                let chosen = (0...Int(rng.next() % 3)).map { _ in pick(columns) }
                var seen = Set<String>()
                let unique = chosen.filter { seen.insert($0.0).inserted }
                steps.append("select \(unique.map(\.0).joined(separator: ", "))")
                columns = unique
            }
        }
        return steps.joined(separator: "\n")
    }
}
