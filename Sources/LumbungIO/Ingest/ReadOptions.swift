import Foundation
import LumbungCore

/// The text formats Lumbung reads.
public enum FileFormat: String, Sendable, CaseIterable {
    case csv
    /// One JSON object per line.
    case ndjson
    /// A top-level JSON array of objects.
    case jsonArray = "json"
}

/// How to read a file. Every option has a sensible default: detection for format, delimiter and
/// decimal separator, inference for types.
public struct ReadOptions: Sendable {
    /// `nil`: detect from the content.
    public var format: FileFormat?
    /// CSV field delimiter; `nil`: sniff among `,` `;` tab `|`.
    public var delimiter: UInt8?
    /// CSV decimal comma (`12,5`); `nil`: detect (only with a non-comma delimiter).
    public var decimalComma: Bool?
    /// Declared types by column name. A value that does not fit a declared type rejects its row;
    /// columns not named here are inferred.
    public var schema: Schema?
    /// Only these columns are materialised (projection pushdown); `nil`: all.
    public var columns: [String]?
    /// Threads of a read: each in turn inflates and cuts the next block, then parses it.
    public var threads: Int = max(1, ProcessInfo.processInfo.activeProcessorCount)
    /// Decompressed bytes per block handed to a parser thread.
    public var blockSize: Int = 2 << 20
    /// Longest record accepted, in bytes.
    public var maxRecordBytes: Int = 64 << 20
    public var gzipBackend: GzipBackend = .auto
    /// Ceiling on decompressed bytes (gzip bombs stop with an error).
    public var maxDecompressedBytes: Int64 = 1 << 40
    /// The read fails when more than this share of rows is rejected.
    public var maxRejectRatio: Double = 0.05
    /// Where rejected rows go (NDJSON); `nil`: `<file>.rejects.ndjson` beside the input when there are any.
    public var rejectsPath: String?
    /// Write no rejects file (rejected rows are still counted and returned).
    public var writeRejects: Bool = true
    /// Rows sampled from the start of the file to infer CSV types (at most those in its first
    /// block, `blockSize` bytes: all a schema probe inflates).
    public var sampleRows: Int = 20_000
    /// Keep identifier-like columns (`nip`, `kode_*`, `id_*` …) as strings even when they look numeric.
    public var identifierHints: Bool = true
    /// Runs on each parsed block, on the parser thread, with the block's column names and rows:
    /// returns the rows to keep, or nil to keep them all (predicate pushdown: rows a query's
    /// `where` drops are never assembled). Filtered rows count as read for the reject threshold.
    public var rowFilter: (@Sendable (_ names: [String], _ chunk: Chunk) -> Chunk?)?
    /// Stop reading once this many rows, in file order and after `rowFilter`, are parsed (a
    /// query's `take N` straight over a file): later blocks are not inflated or parsed. The
    /// table then holds at least these rows (whole blocks), with the types those blocks needed;
    /// rows rejected further on are not seen.
    public var rowLimit: Int?
    /// Called by whichever thread holds the inflater (one at a time) with (compressed bytes
    /// consumed, compressed file size).
    public var progress: (@Sendable (Int64, Int64) -> Void)?

    public init() {}
}

/// Names that are identifiers in ASN data, never numbers: NIP `198609262015051001` and region codes
/// `32.10` look numeric, but arithmetic on them is meaningless and `32.10` would lose its zero.
public enum IdentifierHints {
    static let exact: Set<String> = ["nip", "nip_lama", "nik", "nip_pejabat_penilai", "npwp", "no_hp", "kode_pos", "id"]
    static let prefixes = ["kode_", "id_", "nomor_", "no_"]
    static let suffixes = ["_id", "_kode", "_nip"]

    public static func isIdentifier(_ name: String) -> Bool {
        let lower = name.lowercased()
        let last = lower.split(separator: ".").last.map(String.init) ?? lower
        if exact.contains(last) { return true }
        return prefixes.contains { last.hasPrefix($0) } || suffixes.contains { last.hasSuffix($0) }
    }
}
