import LumbungCore

/// A table read from a file, and what happened while reading it.
public struct ReadResult: Sendable {
    public var path: String
    public var table: Table
    public var format: FileFormat
    public var compression: Compression
    /// The inflater used (`nil` for uncompressed files).
    public var gzipBackend: GzipBackend?
    /// The CSV dialect (`nil` for JSON).
    public var dialect: CSVDialect?
    public var rowCount: Int { table.rowCount }
    /// Rejected rows (also written to `rejectsPath` when set).
    public var rejects: [RejectedRow]
    public var rejectsPath: String?
    public var warnings: [String]
    /// The file's size, or the compressed bytes consumed when the read stopped at its row limit.
    public var compressedBytes: Int64
    public var decompressedBytes: Int64
    public var gzipMembers: Int
    /// Wall-clock seconds for the whole read.
    public var seconds: Double
    /// Rows read but left out by `ReadOptions.rowFilter`.
    public var filteredRows = 0
    /// The read stopped at `ReadOptions.rowLimit` before the end of the file.
    public var stoppedAtLimit = false
    /// Columns that became string after some rows had been read as another type (that type);
    /// `TableReader` then reads the file again with them declared string.
    var widenedToString: [(name: String, from: DataType)] = []
}
