import LumbungCore

/// Keeps the rows where a condition is true (LQ `where`); null counts as false.
///
/// Runs chunks in parallel: evaluates the condition column-at-a-time, turns it into a selection
/// vector and gathers the selected rows of every column (dictionary columns gather codes and keep
/// their dictionary). Chunks where every row passes are passed through without copying; chunks
/// where none passes are dropped. Output chunks keep input order.
public struct FilterOperator: Sendable, CustomStringConvertible {
    public var predicate: Expr
    /// When set, the operator records how many rows the condition found null
    /// (`OperatorObservation.filter`), so the caller can warn about rows dropped by a null.
    public var tag: Int?

    public init(_ predicate: Expr, tag: Int? = nil) {
        self.predicate = predicate
        self.tag = tag
    }

    public var description: String { "Filter(\(predicate))" }

    public func execute(_ input: Table, context: ExecutionContext) throws -> Table {
        let bound = try predicate.bind(to: input.schema, expecting: .bool)
        guard bound.type == .bool else {
            throw EngineError.typeMismatch("a 'where' condition must be true or false, but '\(predicate)' is a \(bound.type)")
        }
        let results: [(Chunk?, Int)] = try context.parallelMap(input.chunks.count) { index, _ in
            let chunk = input.chunks[index]
            var nulls = 0
            let selection = try Self.selection(bound, chunk: chunk, nulls: &nulls)
            if selection.count == chunk.count { return (chunk, nulls) }
            if selection.isEmpty { return (nil, nulls) }
            let output = chunk.gather(selection)
            try context.memory.reserve(output.estimatedByteSize, for: "filtered rows")
            return (output, nulls)
        }
        if let tag {
            context.record(
                .filter(tag: tag, inputRows: input.rowCount, nullRows: results.reduce(0) { $0 + $1.1 }))
        }
        return Table(schema: input.schema, chunks: results.compactMap(\.0))
    }

    /// Rows of `chunk` where `condition` is true; adds to `nulls` the rows where it is null.
    static func selection(_ condition: BoundExpr, chunk: Chunk, nulls: inout Int) throws -> [UInt32] {
        let evaluator = ExpressionEvaluator(chunk: chunk)
        switch try evaluator.evaluate(condition) {
        case .scalar(.bool(true)): return (0..<UInt32(chunk.count)).map { $0 }
        case .scalar(.null):
            nulls += chunk.count
            return []
        case .scalar: return []
        case .column(let column):
            nulls += column.nullCount
            let flags = LogicalKernels.trueFlags(column)
            var selection: [UInt32] = []
            selection.reserveCapacity(chunk.count)
            flags.withUnsafeBufferPointer { flags in
                for row in 0..<flags.count where flags[row] != 0 { selection.append(UInt32(truncatingIfNeeded: row)) }
            }
            return selection
        }
    }
}
