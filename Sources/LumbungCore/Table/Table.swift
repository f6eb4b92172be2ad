/// A schema plus its rows, held as chunks.
public struct Table: Sendable {
    public var schema: Schema
    public var chunks: [Chunk]

    public init(schema: Schema, chunks: [Chunk]) {
        self.schema = schema
        self.chunks = chunks
    }

    /// A table of one chunk built from rows of values (slow: for tests and small literals).
    public init(schema: Schema, rows: [[Value]]) {
        let columns = schema.fields.enumerated().map { fieldIndex, field in
            Column.from(rows.map { $0[fieldIndex] }, type: field.type)
        }
        self.init(schema: schema, chunks: rows.isEmpty ? [] : [Chunk(columns: columns, count: rows.count)])
    }

    public var rowCount: Int { chunks.reduce(0) { $0 + $1.count } }

    /// Every row as values, in order (slow: for display and tests).
    public func rows() -> [[Value]] {
        var result: [[Value]] = []
        result.reserveCapacity(rowCount)
        for chunk in chunks {
            for rowIndex in 0..<chunk.count {
                result.append(chunk.columns.map { $0.value(at: rowIndex) })
            }
        }
        return result
    }
}
