import LumbungCore

/// One row per distinct combination of the keys, with the aggregates of its rows (LQ
/// `summarize … by …`); one row in all without keys. Output columns are the keys, then the
/// aggregates; rows are ordered by the keys ascending, nulls last.
///
/// Runs in parallel, in phases:
/// 1. keys and aggregate arguments are evaluated per chunk;
/// 2. keys are encoded as integer words (`KeyEncoder`): dictionary codes and small integer ranges
///    become dense codes, so low-cardinality groupings index arrays instead of hashing;
/// 3. each chunk is grouped on its own and computes partial states for its groups (thread-local
///    work, no locks);
/// 4. chunk groups are merged into global groups and partial states are merged in chunk order,
///    so results (floating-point sums included) do not depend on the thread count;
/// 5. `median`, `quantile` and `count_distinct` work from the global group of every row.
/// Copies only the key values of the output rows.
public struct HashAggregateOperator: Sendable, CustomStringConvertible {
    public var keys: [NamedExpr]
    public var aggregates: [AggregateExpr]

    public init(keys: [NamedExpr], aggregates: [AggregateExpr]) {
        self.keys = keys
        self.aggregates = aggregates
    }

    public var description: String {
        let aggregateText = aggregates.map(\.description).joined(separator: ", ")
        if keys.isEmpty { return "HashAggregate(\(aggregateText))" }
        return "HashAggregate(\(aggregateText) by \(keys.map(\.description).joined(separator: ", ")))"
    }

    /// The schema of the output for an input of `schema`.
    public func outputSchema(for schema: Schema) throws -> Schema {
        let bound = try bind(schema)
        return bound.schema
    }

    private struct Bound {
        var keys: [BoundExpr]
        var arguments: [BoundExpr?]
        var schema: Schema
    }

    private func bind(_ schema: Schema) throws -> Bound {
        let boundKeys = try keys.map { try $0.expr.bind(to: schema) }
        var fields = zip(keys, boundKeys).map { Field(name: $0.name, type: $1.type) }
        var arguments: [BoundExpr?] = []
        for aggregate in aggregates {
            let expected: DataType? = aggregate.function == .countIf || aggregate.function == .share ? .bool : nil
            let argument = try aggregate.argument.map { try $0.bind(to: schema, expecting: expected) }
            if aggregate.function != .count, argument == nil {
                throw EngineError(.invalidArgument, "\(aggregate.function.name)() needs an argument")
            }
            let text: String
            if case .column(let name) = aggregate.argument { text = "'\(name)'" } else { text = "'\(aggregate.argument?.description ?? "")'" }
            let type = try aggregate.function.resultType(argument: argument?.type, argumentText: text)
            fields.append(Field(name: aggregate.name, type: type))
            arguments.append(aggregate.function == .count ? nil : argument)
        }
        return Bound(keys: boundKeys, arguments: arguments, schema: Schema(fields))
    }

    public func execute(_ input: Table, context: ExecutionContext) throws -> Table {
        let bound = try bind(input.schema)
        let scope = MemoryScope(context.memory)
        defer { scope.close() }
        let chunkCount = input.chunks.count
        let rowCounts = input.chunks.map(\.count)

        // 1. Evaluate keys and arguments per chunk.
        let evaluated: [(keys: [Column], arguments: [Column?])] = try context.parallelMap(chunkCount) { index, _ in
            let evaluator = ExpressionEvaluator(chunk: input.chunks[index])
            var cache: [ObjectIdentifier: Column] = [:]
            func column(_ expr: BoundExpr) throws -> Column {
                if let cached = cache[ObjectIdentifier(expr)] { return cached }
                let result = try evaluator.column(expr)
                cache[ObjectIdentifier(expr)] = result
                return result
            }
            let keys = try bound.keys.map(column)
            let arguments = try bound.arguments.map { try $0.map(column) }
            return (keys, arguments)
        }

        // 2–4. Group.
        let groupCount: Int
        let locals: [LocalGroups]
        let localToGlobal: [[UInt32]]
        var firstRefs: [RowRef] = []
        if bound.keys.isEmpty {
            groupCount = 1
            locals = Grouping.units(rowCounts, unitRows: context.unitRows).map { chunks in
                LocalGroups(
                    chunks: chunks, rowGroups: chunks.map { [UInt32](repeating: 0, count: rowCounts[$0]) }, keys: [],
                    firstRef: [RowRef(chunk: chunks.lowerBound, row: 0)], hashes: [])
            }
            localToGlobal = locals.map { _ in [0] }
        } else {
            let encoded = try KeyEncoder.encode(
                evaluated.map(\.keys), types: bound.keys.map(\.type), context: context, scope: scope)
            let grouped = try Grouping.group(encoded, rowCounts: rowCounts, context: context, scope: scope)
            locals = grouped.locals
            localToGlobal = grouped.global.localToGlobal
            firstRefs = grouped.global.firstRef
            groupCount = grouped.global.count
        }

        // Partial states per chunk, then merged in chunk order.
        let kernels = try aggregates.indices.map { index in
            try makeKernel(aggregates[index], argumentType: bound.arguments[index]?.type)
        }
        let partialKernels = kernels.enumerated().compactMap { index, kernel -> (Int, any AggregateKernel)? in
            if case .partial(let partial) = kernel { return (index, partial) }
            return nil
        }
        let partials: [[any AggregatePartial]] = try context.parallelMap(locals.count) { unit, _ in
            let local = locals[unit]
            return try partialKernels.map { index, kernel in
                let inputs = zip(local.chunks, local.rowGroups).map { chunk, rowGroup in
                    KernelInput(chunk: chunk, argument: evaluated[chunk].arguments[index], rowGroup: rowGroup)
                }
                return try kernel.partial(inputs, groupCount: local.count)
            }
        }
        var outputs = [Column?](repeating: nil, count: aggregates.count)
        for (position, (index, kernel)) in partialKernels.enumerated() {
            outputs[index] = try kernel.finish(
                partials.map { $0[position] }, localToGlobal: localToGlobal, groupCount: groupCount,
                arguments: evaluated.map { $0.arguments[index] })
        }
        let holistic = kernels.enumerated().compactMap { index, kernel -> (Int, any HolisticKernel)? in
            if case .holistic(let holistic) = kernel { return (index, holistic) }
            return nil
        }
        if !holistic.isEmpty {
            try scope.reserve(rowCounts.reduce(0, +) * 4, for: "row groups")
            let rowGroups = try Grouping.rowGroups(
                locals, GlobalGroups(localToGlobal: localToGlobal, firstRef: firstRefs), context: context)
            for (index, kernel) in holistic {
                outputs[index] = try kernel.finish(
                    arguments: evaluated.map { $0.arguments[index]! }, rowGroups: rowGroups, groupCount: groupCount,
                    context: context, scope: scope)
            }
        }

        // Key values of every group, from its first row.
        var columns: [Column] = []
        if !bound.keys.isEmpty {
            for key in bound.keys.indices {
                let source = ChunkedColumn(evaluated.map { $0.keys[key] }, type: bound.keys[key].type)
                columns.append(source.gather(firstRefs))
            }
        }
        columns.append(contentsOf: outputs.map { $0! })
        var result = Table(schema: bound.schema, chunks: [Chunk(columns: columns, count: groupCount)])
        try context.memory.reserve(result.estimatedByteSize, for: "aggregate output")
        if !bound.keys.isEmpty, groupCount > 1 {
            let order = SortOperator(keys.map { SortKey(.column($0.name)) })
            result = try order.execute(result, context: context)
        } else if groupCount == 0 {
            result = Table(schema: bound.schema, chunks: [])
        }
        return result
    }
}

enum AnyAggregateKernel {
    case partial(any AggregateKernel)
    case holistic(any HolisticKernel)
}

/// The kernel of `aggregate` for arguments of `argumentType`.
func makeKernel(_ aggregate: AggregateExpr, argumentType: DataType?) throws -> AnyAggregateKernel {
    let function = aggregate.function
    switch function {
    case .count: return .partial(CountKernel(mode: .rows))
    case .countNonNull: return .partial(CountKernel(mode: .present))
    case .countIf: return .partial(CountKernel(mode: .isTrue))
    case .share: return .partial(ShareKernel())
    case .sum, .avg:
        if argumentType == .int64 {
            return .partial(IntegerSumKernel(average: function == .avg, aggregate: aggregate))
        }
        return .partial(FloatSumKernel(average: function == .avg))
    case .stddev: return .partial(StddevKernel())
    case .min, .max:
        let isMax = function == .max
        switch argumentType ?? .int64 {
        case .int64, .timestamp:
            let type = argumentType ?? .int64
            return .partial(
                FixedExtremeKernel<Int64>(
                    isMax: isMax, type: type, extract: { $0.int64Array! },
                    wrap: { type == .int64 ? .int64($0) : .timestamp($0) }, zero: 0,
                    compare: { $0 < $1 ? -1 : ($0 > $1 ? 1 : 0) }))
        case .float64:
            return .partial(
                FixedExtremeKernel<Double>(
                    isMax: isMax, type: .float64, extract: { $0.float64Array! }, wrap: { .float64($0) }, zero: 0,
                    compare: floatCompare))
        case .date:
            return .partial(
                FixedExtremeKernel<Int32>(
                    isMax: isMax, type: .date, extract: { $0.dateArray! }, wrap: { .date($0) }, zero: 0,
                    compare: { $0 < $1 ? -1 : ($0 > $1 ? 1 : 0) }))
        case .bool:
            return .partial(
                FixedExtremeKernel<UInt8>(
                    isMax: isMax, type: .bool, extract: { $0.boolArray! }, wrap: { .bool($0) }, zero: 0,
                    compare: { $0 < $1 ? -1 : ($0 > $1 ? 1 : 0) }))
        case .string:
            return .partial(StringExtremeKernel(isMax: isMax))
        }
    case .median: return .holistic(QuantileKernel(fraction: 0.5, type: argumentType ?? .float64))
    case .quantile(let fraction): return .holistic(QuantileKernel(fraction: fraction, type: argumentType ?? .float64))
    case .countDistinct: return .holistic(CountDistinctKernel(type: argumentType ?? .int64))
    }
}
