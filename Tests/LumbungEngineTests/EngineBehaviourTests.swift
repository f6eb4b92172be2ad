import LumbungCore
import LumbungEngine
import Testing

/// Fixed cases for rules that random tests reach rarely: errors and their messages, the memory
/// budget, encodings kept, and large inputs at the default unit size.
@Suite("engine behaviour")
struct EngineBehaviourTests {
    static let schema = Schema([
        Field(name: "kanal", type: .string), Field(name: "n", type: .int64), Field(name: "x", type: .float64),
    ])

    static func table(_ rows: [[Value]]) -> Table { Table(schema: schema, rows: rows) }

    static func error(_ body: () throws -> Table) -> EngineError? {
        do {
            _ = try body()
            return nil
        } catch let error as EngineError {
            return error
        } catch {
            return nil
        }
    }

    @Test("sliced columns keep their validity bit for bit")
    func sliceValidity() {
        var expected = Bitmap()
        for index in 0..<130 { expected.append(index % 3 != 0) }
        let column = Column(type: .int64, values: .int64([Int64](repeating: 0, count: 130)), validity: expected, count: 130)
        let sliced = column.slice(1..<130)
        for index in 1..<130 { #expect(sliced.isNull(index - 1) == (index % 3 == 0)) }
        #expect(sliced.validity?.count == 129)
    }

    @Test("sum of integers that overflows is an error naming the aggregate")
    func sumOverflow() {
        let input = Self.table([[.string("a"), .int(.max), .null], [.string("a"), .int(1), .null]])
        let error = Self.error {
            try HashAggregateOperator(keys: [.column("kanal")], aggregates: [AggregateExpr("total", .sum, .column("n"))])
                .execute(input, context: ExecutionContext(threadCount: 2))
        }
        #expect(error?.kind == .integerOverflow)
        #expect(error?.message.contains("sum()") == true)
    }

    @Test("a sum that overflows only in the middle is exact")
    func sumTransientOverflow() throws {
        let input = Self.table([[.string("a"), .int(.max), .null], [.string("a"), .int(1), .null], [.string("a"), .int(-2), .null]])
        let result = try HashAggregateOperator(keys: [], aggregates: [AggregateExpr("total", .sum, .column("n"))])
            .execute(input, context: ExecutionContext(threadCount: 1))
        #expect(result.rows() == [[.int(.max - 1)]])
    }

    @Test("overflow in a branch a row does not take is no error")
    func maskedOverflow() throws {
        let input = Self.table([[.string("a"), .int(.max), .null], [.string("b"), .int(2), .null]])
        let expr = Expr.ifThenElse(.column("n") < 10, .column("n") * 1000, .column("n"))
        let result = try ProjectOperator([NamedExpr("y", expr)]).execute(input, context: ExecutionContext(threadCount: 1))
        #expect(result.rows() == [[.int(.max)], [.int(2000)]])
        let unguarded = Self.error {
            try ProjectOperator([NamedExpr("y", .column("n") * 1000)]).execute(input, context: ExecutionContext(threadCount: 1))
        }
        #expect(unguarded?.kind == .integerOverflow)
    }

    @Test("division and remainder by zero give null")
    func divisionByZero() throws {
        let input = Self.table([[.string("a"), .int(7), .float(0)], [.string("b"), .int(0), .float(2)]])
        let result = try ProjectOperator([
            NamedExpr("q", .column("n") / .column("x")), NamedExpr("r", .column("n") % 0), NamedExpr("s", .column("n") / 0),
        ]).execute(input, context: ExecutionContext(threadCount: 1))
        #expect(result.rows() == [[.null, .null, .null], [.float(0), .null, .null]])
    }

    @Test("type errors name the types and the expression")
    func typeErrors() {
        let input = Self.table([[.string("a"), .int(1), .float(1)]])
        let avg = Self.error {
            try HashAggregateOperator(keys: [], aggregates: [AggregateExpr("m", .avg, .column("kanal"))])
                .execute(input, context: ExecutionContext())
        }
        #expect(avg?.kind == .typeMismatch)
        #expect(avg?.message == "avg() needs a number, but 'kanal' is a string")
        let add = Self.error {
            try ProjectOperator([NamedExpr("y", .column("kanal") + .column("n"))]).execute(input, context: ExecutionContext())
        }
        #expect(add?.message == "cannot add 'kanal' (string) and 'n' (int64); use concat() to join strings")
        let unknown = Self.error {
            try FilterOperator(.column("kanall").eq("x")).execute(input, context: ExecutionContext())
        }
        #expect(unknown?.kind == .unknownColumn)
        let condition = Self.error { try FilterOperator(.column("n")).execute(input, context: ExecutionContext()) }
        #expect(condition?.kind == .typeMismatch)
    }

    @Test("a query over its memory budget fails with a clear error")
    func memoryBudget() {
        var rng = SplitMix(seed: 7)
        let input = RandomData.table(&rng, rows: 300)
        let context = ExecutionContext(threadCount: 2, memoryBudget: 4096)
        let plan = PhysicalPlan.sort(.scan(input, name: "t"), SortOperator([.column("s")]))
        do {
            _ = try plan.execute(context: context)
            Issue.record("expected the budget to be exceeded")
        } catch let error as EngineError {
            #expect(error.kind == .memoryBudgetExceeded)
            #expect(error.message.contains("memory budget exceeded"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test("string functions over a dictionary column stay dictionary-encoded")
    func dictionaryKept() throws {
        var rng = SplitMix(seed: 3)
        let plain = Column.from((0..<100).map { .string(["Loket", "MPP", "Web"][$0 % 3]) }, type: .string)
        let column = RandomData.dictionaryEncoded(plain, &rng)
        let input = Table(schema: Schema([Field(name: "kanal", type: .string)]), chunks: [Chunk(columns: [column], count: 100)])
        let result = try ProjectOperator([NamedExpr("k", .column("kanal").call(.lower))])
            .execute(input, context: ExecutionContext(threadCount: 1))
        guard case .dictionary = result.chunks[0].columns[0].values else {
            Issue.record("lower() of a dictionary column was decoded")
            return
        }
        #expect(result.rows().prefix(3).map { $0[0] } == [.string("loket"), .string("mpp"), .string("web")])
    }

    @Test("dictionary-encoding a table keeps its values and encodes low-cardinality strings")
    func dictionaryEncodeTable() throws {
        var rng = SplitMix(seed: 5)
        let table = RandomData.table(&rng, rows: 300)
        let encoded = try table.dictionaryEncoded(context: ExecutionContext(threadCount: 2))
        #expect(identical(table, encoded))
        let plain = Table(
            schema: Schema([Field(name: "k", type: .string)]),
            rows: (0..<100).map { [$0 % 7 == 0 ? .null : .string(["a", "b"][$0 % 2])] })
        let column = try plain.dictionaryEncoded(context: ExecutionContext(threadCount: 1)).chunks[0].columns[0]
        guard case .dictionary(_, let dictionary) = column.values else {
            Issue.record("not encoded")
            return
        }
        #expect(dictionary.count == 2)
    }

    @Test("large inputs at the default unit size match the reference at every thread count")
    func largeAggregate() {
        var rng = SplitMix(seed: 11)
        var chunks: [Table] = []
        for _ in 0..<12 { chunks.append(RandomData.table(&rng, rows: 30_000)) }
        let table = Table(schema: RandomData.schema, chunks: chunks.flatMap(\.chunks))
        let keys: [NamedExpr] = [.column("k1"), .column("b")]
        let aggregates = [
            AggregateExpr("n", .count), AggregateExpr("s", .sum, .column("k2")), AggregateExpr("a", .avg, .column("f")),
            AggregateExpr("m", .median, .column("f")), AggregateExpr("d", .countDistinct, .column("s")),
            AggregateExpr("lo", .min, .column("s")),
        ]
        checkAgainstReference("large summarize", seed: 1, tolerance: 1e-9) {
            try Reference.aggregate(RefTable(table), keys: keys, aggregates: aggregates)
        } engine: { context in
            try HashAggregateOperator(keys: keys, aggregates: aggregates).execute(
                table, context: ExecutionContext(threadCount: context.threadCount))
        }
    }

    @Test("plans describe themselves for --explain and record operator profiles")
    func explain() throws {
        let input = Self.table([[.string("a"), .int(1), .float(1)], [.string("b"), .int(2), .null]])
        let plan = PhysicalPlan.limit(
            .aggregate(
                .filter(.scan(input, name: "layanan"), FilterOperator(.column("n") > 0)),
                HashAggregateOperator(keys: [.column("kanal")], aggregates: [AggregateExpr("jumlah", .count)])),
            LimitOperator(10))
        #expect(
            plan.description == """
                Limit(10)
                  HashAggregate(jumlah = count() by kanal)
                    Filter(n > 0)
                      Scan(layanan: 2 rows)
                """)
        let context = ExecutionContext(threadCount: 1)
        _ = try plan.execute(context: context)
        #expect(context.operatorProfiles.map(\.rows) == [2, 2, 2, 2])
    }
}
