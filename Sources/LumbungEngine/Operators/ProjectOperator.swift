import LumbungCore

/// Computes a new set of columns (LQ `select`): every output is an expression over the input.
///
/// Runs chunks in parallel, column-at-a-time. A plain column reference is passed through without
/// copying; computed string columns over one dictionary-encoded column stay dictionary-encoded.
public struct ProjectOperator: Sendable, CustomStringConvertible {
    public var outputs: [NamedExpr]

    public init(_ outputs: [NamedExpr]) { self.outputs = outputs }

    /// Keeps only the named columns, in this order.
    public static func columns(_ names: [String]) -> ProjectOperator { ProjectOperator(names.map(NamedExpr.column)) }

    public var description: String { "Project(\(outputs.map(\.description).joined(separator: ", ")))" }

    /// The schema of the output for an input of `schema`.
    public func outputSchema(for schema: Schema) throws -> Schema {
        Schema(try outputs.map { Field(name: $0.name, type: try $0.expr.resultType(in: schema)) })
    }

    public func execute(_ input: Table, context: ExecutionContext) throws -> Table {
        let bound = try outputs.map { try $0.expr.bind(to: input.schema) }
        let schema = Schema(zip(outputs, bound).map { Field(name: $0.name, type: $1.type) })
        let chunks = try context.parallelMap(input.chunks.count) { index, _ in
            let chunk = input.chunks[index]
            let evaluator = ExpressionEvaluator(chunk: chunk)
            let columns = try bound.map { expr -> Column in
                let column = try evaluator.column(expr)
                if case .column = expr.node {} else {
                    try context.memory.reserve(column.estimatedByteSize, for: "computed column")
                }
                return column
            }
            return Chunk(columns: columns, count: chunk.count)
        }
        return Table(schema: schema, chunks: chunks)
    }
}

/// Adds columns, or replaces columns of the same name in place (LQ `derive`). Each assignment
/// sees the columns of the ones before it: `derive a = x + 1, b = a * 2` works.
///
/// Runs chunks in parallel; existing columns are passed through without copying.
public struct DeriveOperator: Sendable, CustomStringConvertible {
    public var assignments: [NamedExpr]

    public init(_ assignments: [NamedExpr]) { self.assignments = assignments }

    public var description: String { "Derive(\(assignments.map(\.description).joined(separator: ", ")))" }

    public func execute(_ input: Table, context: ExecutionContext) throws -> Table {
        // Bind each assignment against the schema produced by the ones before it.
        var schema = input.schema
        var steps: [(BoundExpr, Int?)] = []
        for assignment in assignments {
            let bound = try assignment.expr.bind(to: schema)
            let existing = schema.index(of: assignment.name)
            if let existing {
                schema.fields[existing] = Field(name: assignment.name, type: bound.type)
            } else {
                schema.fields.append(Field(name: assignment.name, type: bound.type))
            }
            steps.append((bound, existing))
        }
        let chunks = try context.parallelMap(input.chunks.count) { index, _ in
            var chunk = input.chunks[index]
            for (bound, existing) in steps {
                let column = try ExpressionEvaluator(chunk: chunk).column(bound)
                if case .column = bound.node {} else {
                    try context.memory.reserve(column.estimatedByteSize, for: "derived column")
                }
                if let existing { chunk.columns[existing] = column } else { chunk.columns.append(column) }
            }
            return chunk
        }
        return Table(schema: schema, chunks: chunks)
    }
}

/// The first `count` rows, after skipping `offset` (LQ `take`). Slices chunks; no parallel work.
public struct LimitOperator: Sendable, CustomStringConvertible {
    public var count: Int
    public var offset: Int

    public init(_ count: Int, offset: Int = 0) {
        self.count = max(0, count)
        self.offset = max(0, offset)
    }

    public var description: String { offset == 0 ? "Limit(\(count))" : "Limit(\(count), offset: \(offset))" }

    public func execute(_ input: Table, context: ExecutionContext) throws -> Table {
        var skip = offset
        var remaining = count
        var chunks: [Chunk] = []
        for chunk in input.chunks where remaining > 0 {
            if skip >= chunk.count {
                skip -= chunk.count
                continue
            }
            let end = min(chunk.count, skip + remaining)
            if skip == 0, end == chunk.count {
                chunks.append(chunk)
            } else {
                let range = skip..<end
                chunks.append(Chunk(columns: chunk.columns.map { $0.slice(range) }, count: range.count))
            }
            remaining -= end - skip
            skip = 0
        }
        return Table(schema: input.schema, chunks: chunks)
    }
}

/// The rows of several tables with the same schema, one after another (a union that keeps
/// duplicates). Chunks are shared, not copied; each keeps its own dictionaries.
public struct AppendOperator: Sendable, CustomStringConvertible {
    public init() {}

    public var description: String { "Append" }

    /// - Throws: `EngineError.schemaMismatch` when the tables' column names or types differ.
    public func execute(_ inputs: [Table], context: ExecutionContext) throws -> Table {
        guard let first = inputs.first else {
            throw EngineError(.invalidArgument, "append needs at least one table")
        }
        for (index, table) in inputs.enumerated().dropFirst() where table.schema != first.schema {
            let expected = first.schema.fields.map { "\($0.name) \($0.type)" }.joined(separator: ", ")
            let actual = table.schema.fields.map { "\($0.name) \($0.type)" }.joined(separator: ", ")
            throw EngineError(
                .schemaMismatch,
                "cannot append table \(index + 1): its columns (\(actual)) differ from the first table's (\(expected))")
        }
        return Table(schema: first.schema, chunks: inputs.flatMap(\.chunks))
    }
}
