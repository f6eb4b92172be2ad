/// A horizontal slice of a table: one `Column` per schema field, all of `count` rows.
///
/// Chunks are the engine's morsels (tens of thousands of rows): operators run them in parallel.
/// A string column may be dictionary-encoded in one chunk and plain in another; each chunk's
/// dictionary is its own.
public struct Chunk: Sendable {
    public var columns: [Column]
    public var count: Int

    public init(columns: [Column], count: Int) {
        self.columns = columns
        self.count = count
    }
}
