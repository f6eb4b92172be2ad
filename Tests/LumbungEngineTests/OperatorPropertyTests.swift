import LumbungCore
import LumbungEngine
import PropertyBased
import Testing

/// Every operator against the naive reference evaluator, on random tables (nulls, duplicates,
/// empty groups and chunks, extreme values, mixed string encodings) at 1, 2 and 7 threads.
@Suite("operators match the reference evaluator")
struct OperatorPropertyTests {
    static let seeds = Gen<UInt64>.value(in: 0...UInt64.max)

    @Test("filter with random conditions")
    func filter() async {
        await propertyCheck(count: 150, input: Self.seeds) { seed in
            var rng = SplitMix(seed: seed)
            let table = RandomData.table(&rng)
            var generator = ExprGenerator(rng: rng)
            let predicate = generator.expr(.bool, depth: 3)
            checkAgainstReference("filter \(predicate)", seed: seed) {
                try Reference.filter(RefTable(table), predicate)
            } engine: { context in
                try FilterOperator(predicate).execute(table, context: context)
            }
        }
    }

    @Test("project with random expressions of every type")
    func project() async {
        await propertyCheck(count: 200, input: Self.seeds) { seed in
            var rng = SplitMix(seed: seed)
            let table = RandomData.table(&rng)
            var generator = ExprGenerator(rng: rng)
            let outputs = DataType.allCases.enumerated().map { index, type in
                NamedExpr("c\(index)", generator.expr(type, depth: 3))
            }
            checkAgainstReference("project \(outputs)", seed: seed) {
                try Reference.project(RefTable(table), outputs)
            } engine: { context in
                try ProjectOperator(outputs).execute(table, context: context)
            }
        }
    }

    @Test("derive sees earlier assignments and replaces columns")
    func derive() async {
        await propertyCheck(count: 40, input: Self.seeds) { seed in
            var rng = SplitMix(seed: seed)
            let table = RandomData.table(&rng)
            let assignments = [
                NamedExpr("x", .binary(.add, .column("k2"), .literal(.int(1)))),
                NamedExpr("k2", .binary(.multiply, .column("x"), .literal(.int(2)))),
                NamedExpr("s", .call(.upper, [.column("s")])),
            ]
            checkAgainstReference("derive", seed: seed) {
                var reference = RefTable(table)
                reference = try Reference.project(
                    reference, reference.schema.names.map(NamedExpr.column) + [assignments[0]])
                let names = reference.schema.names
                return try Reference.project(
                    reference,
                    names.map { name in
                        name == "k2" ? assignments[1] : name == "s" ? assignments[2] : NamedExpr.column(name)
                    })
            } engine: { context in
                try DeriveOperator(assignments).execute(table, context: context)
            }
        }
    }

    static func randomAggregates(_ rng: inout SplitMix, _ generator: inout ExprGenerator) -> [AggregateExpr] {
        let wide = rng.chance(0.3)
        let integer: Expr = .column(wide ? "i" : "k2")
        var aggregates: [AggregateExpr] = [
            AggregateExpr("n", .count),
            AggregateExpr("n_f", .countNonNull, .column("f")),
            AggregateExpr("cd_k1", .countDistinct, .column(rng.pick(["k1", "s"]))),
            AggregateExpr("cd_f", .countDistinct, .column(rng.pick(["f", "i", "d", "b"]))),
            AggregateExpr("ci", .countIf, generator.expr(.bool, depth: 2)),
            AggregateExpr("share", .share, generator.expr(.bool, depth: 2)),
            AggregateExpr("sum_i", .sum, integer),
            AggregateExpr("sum_f", .sum, .column("f")),
            AggregateExpr("avg_i", .avg, integer),
            AggregateExpr("avg_f", .avg, .column("f")),
            AggregateExpr("sd", .stddev, .column(rng.pick(["f", "k2"]))),
            AggregateExpr("med", .median, .column(rng.pick(["f", "k2", "i"]))),
            AggregateExpr("q", .quantile(rng.pick([0, 0.1, 0.25, 0.9, 1])), .column(rng.pick(["f", "k2", "d", "t"]))),
        ]
        for column in ["k1", "k2", "f", "b", "d", "s", "t"] {
            aggregates.append(AggregateExpr("min_\(column)", .min, .column(column)))
            aggregates.append(AggregateExpr("max_\(column)", .max, .column(column)))
        }
        aggregates.append(AggregateExpr("sum_expr", .sum, generator.expr(.int64, depth: 2)))
        return aggregates
    }

    @Test("summarize on random keys with every aggregate")
    func aggregate() async {
        await propertyCheck(count: 150, input: Self.seeds) { seed in
            var rng = SplitMix(seed: seed)
            let table = RandomData.table(&rng)
            var generator = ExprGenerator(rng: SplitMix(seed: seed &+ 1))
            let candidates: [NamedExpr] = [
                .column("k1"), .column("k2"), .column("b"), .column("d"), .column("s"), .column("f"), .column("i"),
                .column("t"), NamedExpr("lk", .call(.lower, [.column("k1")])),
                NamedExpr("m", .binary(.modulo, .column("i"), .literal(.int(3)))),
            ]
            let keyCount = rng.pick([0, 1, 1, 2, 2, 3])
            var keys: [NamedExpr] = []
            while keys.count < keyCount {
                let key = rng.pick(candidates)
                if !keys.contains(where: { $0.name == key.name }) { keys.append(key) }
            }
            let aggregates = Self.randomAggregates(&rng, &generator)
            checkAgainstReference("summarize by \(keys)", seed: seed, tolerance: 1e-7) {
                try Reference.aggregate(RefTable(table), keys: keys, aggregates: aggregates)
            } engine: { context in
                try HashAggregateOperator(keys: keys, aggregates: aggregates).execute(table, context: context)
            }
        }
    }

    /// Thousands of distinct strings and groups, so that `count_distinct` spreads its pairs over
    /// many partitions; values repeat across chunks of both encodings, with nulls and empty strings.
    @Test("count_distinct on many distinct strings and groups")
    func countDistinctHighCardinality() async {
        let schema = Schema([
            Field(name: "g", type: .int64), Field(name: "s", type: .string), Field(name: "t", type: .string),
            Field(name: "i", type: .int64), Field(name: "f", type: .float64),
        ])
        await propertyCheck(count: 12, input: Self.seeds) { seed in
            var rng = SplitMix(seed: seed)
            let rows = rng.pick([3_000, 12_000, 40_000])
            let distinct = rng.pick([50, 2_000, 100_000])
            let groups = rng.pick([1, 7, 500, 5_000])
            let nullRate = rng.pick([0.0, 0.05, 0.5])
            let values: [[Value]] = (0..<rows).map { _ in
                let string: Value =
                    rng.chance(nullRate) ? .null : rng.chance(0.03) ? .string("") : .string("LYN-\(rng.int(0...distinct))-é")
                return [
                    rng.chance(0.02) ? .null : .int(Int64(rng.int(0...(groups - 1)))),
                    string,
                    rng.chance(nullRate) ? .null : .string(rng.pick(RandomData.lowStrings)),
                    rng.chance(nullRate) ? .null : .int(Int64(rng.int(0...distinct)) &* 1_000_003),
                    rng.chance(nullRate) ? .null : .float(Double(rng.int(-distinct...distinct)) / 4),
                ]
            }
            let table = RandomData.chunked(values, schema: schema, &rng)
            let keys: [NamedExpr] = rng.chance(0.25) ? [] : [.column("g")]
            let aggregates = [
                AggregateExpr("s", .countDistinct, .column("s")), AggregateExpr("t", .countDistinct, .column("t")),
                AggregateExpr("i", .countDistinct, .column("i")), AggregateExpr("f", .countDistinct, .column("f")),
                AggregateExpr("n", .countNonNull, .column("s")),
            ]
            checkAgainstReference("count_distinct by \(keys), \(rows) rows", seed: seed) {
                try Reference.aggregate(RefTable(table), keys: keys, aggregates: aggregates)
            } engine: { context in
                try HashAggregateOperator(keys: keys, aggregates: aggregates).execute(table, context: context)
            }
        }
    }

    @Test("joins of every kind on one or two keys")
    func join() async {
        await propertyCheck(count: 150, input: Self.seeds) { seed in
            var rng = SplitMix(seed: seed)
            let left = RandomData.table(&rng)
            let rightBase = RandomData.table(&rng, rows: rng.pick([0, 1, 4, 30, 200]))
            let keySets = [["k1"], ["k2"], ["k1", "k2"], ["d"], ["f"], ["b", "k2"], ["s"]]
            let keys = rng.pick(keySets)
            // The right side: keys keep their names, other columns are renamed.
            let rightOutputs = RandomData.schema.names.map { name in
                keys.contains(name) ? NamedExpr.column(name) : NamedExpr("r_\(name)", .column(name))
            }
            let kind = rng.pick(JoinKind.allCases)
            let context = ExecutionContext(threadCount: 1)
            guard let right = try? ProjectOperator(rightOutputs).execute(rightBase, context: context) else {
                Issue.record("rename failed")
                return
            }
            checkAgainstReference("\(kind) join on \(keys)", seed: seed) {
                Reference.join(RefTable(left), RefTable(right), kind: kind, leftKeys: keys, rightKeys: keys)
            } engine: { context in
                try HashJoinOperator(kind, on: keys).execute(left: left, right: right, context: context)
            }
        }
    }

    static func randomSortKeys(_ rng: inout SplitMix) -> [SortKey] {
        let columns = ["k1", "k2", "i", "f", "b", "d", "s", "t"]
        var keys: [SortKey] = []
        for _ in 0..<rng.int(1...3) {
            keys.append(SortKey(.column(rng.pick(columns)), descending: rng.chance(0.5)))
        }
        if rng.chance(0.2) { keys.append(SortKey(.call(.lower, [.column("s")]), descending: rng.chance(0.5))) }
        return keys
    }

    @Test("sort on several keys, stable, nulls last")
    func sort() async {
        await propertyCheck(count: 120, input: Self.seeds) { seed in
            var rng = SplitMix(seed: seed)
            let table = RandomData.table(&rng)
            let keys = Self.randomSortKeys(&rng)
            checkAgainstReference("sort \(keys)", seed: seed) {
                try Reference.sort(RefTable(table), keys)
            } engine: { context in
                try SortOperator(keys).execute(table, context: context)
            }
        }
    }

    @Test("top-k equals sort then take")
    func topK() async {
        await propertyCheck(count: 120, input: Self.seeds) { seed in
            var rng = SplitMix(seed: seed)
            let table = RandomData.table(&rng)
            let keys = Self.randomSortKeys(&rng)
            let count = rng.pick([0, 1, 3, 10, 100, 1000])
            checkAgainstReference("top \(count) by \(keys)", seed: seed) {
                var sorted = try Reference.sort(RefTable(table), keys)
                sorted.rows = Array(sorted.rows.prefix(count))
                return sorted
            } engine: { context in
                try TopKOperator(keys, count: count).execute(table, context: context)
            }
        }
    }

    @Test("distinct on random columns keeps first rows in order")
    func distinct() async {
        await propertyCheck(count: 120, input: Self.seeds) { seed in
            var rng = SplitMix(seed: seed)
            let table = RandomData.table(&rng)
            let columns: [String] = rng.chance(0.2) ? [] : Array(Set((0..<rng.int(1...3)).map { _ in rng.pick(["k1", "k2", "b", "f", "s", "d"]) })).sorted()
            checkAgainstReference("distinct \(columns)", seed: seed) {
                Reference.distinct(RefTable(table), columns)
            } engine: { context in
                try DistinctOperator(columns).execute(table, context: context)
            }
        }
    }

    @Test("take and append")
    func limitAndAppend() async {
        await propertyCheck(count: 60, input: Self.seeds) { seed in
            var rng = SplitMix(seed: seed)
            let first = RandomData.table(&rng)
            let second = RandomData.table(&rng)
            let count = rng.pick([0, 1, 5, 100, 10_000])
            let offset = rng.pick([0, 0, 3])
            checkAgainstReference("append + take \(count) offset \(offset)", seed: seed) {
                RefTable(schema: first.schema, rows: Array((first.rows() + second.rows()).dropFirst(offset).prefix(count)))
            } engine: { context in
                let appended = try AppendOperator().execute([first, second], context: context)
                return try LimitOperator(count, offset: offset).execute(appended, context: context)
            }
        }
    }

    @Test("a plan chains operators and reports peak memory")
    func plan() async {
        await propertyCheck(count: 40, input: Self.seeds) { seed in
            var rng = SplitMix(seed: seed)
            let table = RandomData.table(&rng)
            var generator = ExprGenerator(rng: rng)
            let predicate = generator.expr(.bool, depth: 2)
            let keys: [NamedExpr] = [.column("k1")]
            let aggregates = [AggregateExpr("n", .count), AggregateExpr("total", .sum, .column("k2"))]
            let sortKeys = [SortKey(.column("n"), descending: true), SortKey(.column("k1"))]
            checkAgainstReference("plan", seed: seed) {
                let filtered = try Reference.filter(RefTable(table), predicate)
                let grouped = try Reference.aggregate(filtered, keys: keys, aggregates: aggregates)
                var sorted = try Reference.sort(grouped, sortKeys)
                sorted.rows = Array(sorted.rows.prefix(3))
                return sorted
            } engine: { context in
                let plan = PhysicalPlan.topK(
                    .aggregate(.filter(.scan(table, name: "t"), FilterOperator(predicate)),
                        HashAggregateOperator(keys: keys, aggregates: aggregates)),
                    TopKOperator(sortKeys, count: 3))
                let result = try plan.execute(context: context)
                #expect(context.memory.currentBytes == 0)
                #expect(context.peakMemoryBytes >= table.estimatedByteSize)
                return result
            }
        }
    }
}
