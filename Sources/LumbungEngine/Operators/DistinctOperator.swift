import LumbungCore

/// One row per distinct combination of some columns (all when none are given): the first such
/// row, whole, in input order (LQ `distinct`).
///
/// Runs in parallel with the hash grouping of `HashAggregateOperator`: chunks are grouped on
/// their own, groups merged in chunk order, and the first row of every group gathered. Nulls are
/// equal to each other here, as in SQL's DISTINCT.
public struct DistinctOperator: Sendable, CustomStringConvertible {
    /// Column names; empty means every column.
    public var columns: [String]

    public init(_ columns: [String] = []) { self.columns = columns }

    public var description: String { columns.isEmpty ? "Distinct" : "Distinct(\(columns.joined(separator: ", ")))" }

    public func execute(_ input: Table, context: ExecutionContext) throws -> Table {
        let names = columns.isEmpty ? input.schema.names : columns
        let indices = try names.map { name -> Int in
            guard let index = input.schema.index(of: name) else {
                throw EngineError(.unknownColumn, "unknown column '\(name)' in distinct")
            }
            return index
        }
        if input.rowCount == 0 { return input }
        let scope = MemoryScope(context.memory)
        defer { scope.close() }
        let keyColumns = input.chunks.map { chunk in indices.map { chunk.columns[$0] } }
        let types = indices.map { input.schema.fields[$0].type }
        let keys = try KeyEncoder.encode(keyColumns, types: types, context: context, scope: scope)
        let (_, global) = try Grouping.group(
            keys, rowCounts: input.chunks.map(\.count), context: context, scope: scope)
        // First rows in input order.
        let firstRows = global.firstRef.sorted()
        let output = try input.gatherRows(firstRows, context: context)
        try context.memory.reserve(output.estimatedByteSize, for: "distinct rows")
        return output
    }
}
