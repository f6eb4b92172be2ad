import Dispatch
import Foundation
import LumbungCore

/// Reads gzip or plain CSV, NDJSON and JSON-array files into typed, chunked tables.
///
/// `options.threads` threads take turns inflating and cutting the next block of whole records and
/// parse the blocks they cut (`IngestPipeline`); several files are read in parallel by
/// `read(paths:options:)`. Rows that cannot be loaded are rejected with their file, line, column
/// and reason; nothing is dropped silently.
public enum TableReader {
    /// Reads one file.
    public static func read(path: String, options: ReadOptions = ReadOptions()) throws -> ReadResult {
        try read(path: path, options: options, headOnly: false)
    }

    /// Reads only the head of a file (its first block, cut after the last whole line): its format,
    /// column names and the types inferred from those rows, for a query binder that must know a
    /// source's schema before deciding which columns to read. Rejects are neither written nor
    /// counted against the threshold. A JSON array whose head cannot be read alone is read whole.
    /// A CSV head is not parsed into columns, and NDJSON only once: the result's table is only a
    /// schema, with no rows, and `decompressedBytes` tells how much of the file was inflated.
    public static func probe(path: String, options: ReadOptions = ReadOptions()) throws -> ReadResult {
        var quiet = options
        quiet.writeRejects = false
        quiet.maxRejectRatio = 1
        quiet.progress = nil
        do {
            return try read(path: path, options: quiet, headOnly: true)
        } catch LumbungError.data(let error) where error.kind == .invalidJSON {
            // A head cut inside a JSON array is not a document of its own.
            return try read(path: path, options: quiet, headOnly: false)
        }
    }

    private static func read(path: String, options: ReadOptions, headOnly: Bool) throws -> ReadResult {
        let started = DispatchTime.now().uptimeNanoseconds
        var result = try readOnce(path: path, options: options, headOnly: headOnly)
        if !headOnly && !result.widenedToString.isEmpty {
            // Blocks parsed before the column became string hold values converted from a narrower
            // type, which would be rendered back in canonical form (`05/01/2024` as `2024-01-05`),
            // and which blocks those are depends on thread timing. Reading again with the column
            // declared string keeps every value's own text, whatever the timing.
            var again = options
            // A declared column never widens, so these add to the declared ones without clashing.
            again.schema = Schema(
                (options.schema?.fields ?? []) + result.widenedToString.map { Field(name: $0.name, type: .string) })
            let widened = result.widenedToString
            result = try readOnce(path: path, options: again, headOnly: false)
            result.warnings.insert(contentsOf: widened.map { name, type in
                "column '\(name)' is string: after the first rows it holds values that are not \(type); "
                    + "the file was read a second time so that every value keeps its own text"
            }, at: 0)
        }
        result.seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        return result
    }

    private static func readOnce(path: String, options: ReadOptions, headOnly: Bool) throws -> ReadResult {
        let reader = try DecompressingReader(
            path: path, backend: options.gzipBackend, maxDecompressedBytes: options.maxDecompressedBytes)
        var (head, atEnd): ([UInt8], Bool)
        do {
            (head, atEnd) = try readHead(reader, options: options)
        } catch LumbungError.data(var error) where error.rowsRead == nil {
            // A fault in the first block (a small file, or one cut short early): no row was read.
            error.rowsRead = 0
            throw LumbungError.data(error)
        }
        if headOnly && !atEnd {
            // Keep whole lines only, and read no further.
            if let lastNewline = head.lastIndex(of: 0x0A) { head.removeLast(head.count - lastNewline - 1) }
            reader.stopReading()
            atEnd = true
        }
        var bomLength = 0
        if head.starts(with: [0xEF, 0xBB, 0xBF]) {
            bomLength = 3
            head.removeFirst(bomLength)
        }
        let format = options.format ?? detectFormat(head[...], path: path)
        var result: ReadResult
        switch format {
        case .csv where headOnly:
            result = try CSVReader.probe(path: path, reader: reader, head: head, options: options)
        case .csv:
            result = try CSVReader.read(
                path: path, reader: reader, head: head, headOffset: Int64(bomLength),
                headIsWholeFile: atEnd, options: options)
        case .ndjson, .jsonArray:
            result = try JSONReader.read(
                path: path, reader: reader, head: head, headOffset: Int64(bomLength),
                headIsWholeFile: atEnd, format: format, options: options, headOnly: headOnly)
        }
        return result
    }

    /// The first block of a file's decompressed bytes (`options.blockSize`, at least 64 KiB), and
    /// whether that is the whole file.
    static func readHead(_ reader: DecompressingReader, options: ReadOptions) throws -> (bytes: [UInt8], atEnd: Bool) {
        var head = [UInt8](repeating: 0, count: max(options.blockSize, 1 << 16))
        var length = 0
        var atEnd = false
        try head.withUnsafeMutableBytes { buffer in
            while length < buffer.count {
                let count = try reader.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[length...]))
                if count == 0 { atEnd = true; break }
                length += count
            }
        }
        head.removeLast(head.count - length)
        return (head, atEnd)
    }

    /// Reads several files in parallel; results come back in the order of `paths`.
    public static func read(paths: [String], options: ReadOptions = ReadOptions()) -> [Result<ReadResult, Error>] {
        var perFile = options
        perFile.threads = max(1, options.threads / max(1, min(paths.count, options.threads)))
        return read(paths.map { ($0, perFile) })
    }

    /// Reads several files in parallel, each with its own options; results come back in order.
    public static func read(_ files: [(path: String, options: ReadOptions)]) -> [Result<ReadResult, Error>] {
        let results = ResultsBox(count: files.count)
        DispatchQueue.concurrentPerform(iterations: files.count) { index in
            let outcome = Result { try read(path: files[index].path, options: files[index].options) }
            results.set(index, outcome)
        }
        return results.values
    }

    /// `[` → JSON array, `{` → NDJSON, anything else → CSV (after leading whitespace). A file with no
    /// content falls back to its name: `.ndjson`/`.jsonl` → NDJSON, `.json` → JSON array, else CSV.
    public static func detectFormat(_ head: ArraySlice<UInt8>, path: String = "") -> FileFormat {
        for byte in head {
            switch byte {
            case 0x20, 0x09, 0x0a, 0x0d: continue
            case UInt8(ascii: "["): return .jsonArray
            case UInt8(ascii: "{"): return .ndjson
            default: return .csv
            }
        }
        var name = path.lowercased()
        if name.hasSuffix(".gz") { name.removeLast(3) }
        if name.hasSuffix(".ndjson") || name.hasSuffix(".jsonl") { return .ndjson }
        if name.hasSuffix(".json") { return .jsonArray }
        return .csv
    }

    /// Stitches parsed blocks into one table: columns matched by name in first-seen order, types
    /// widened to the widest any block needed, missing columns filled with nulls. Also returns the
    /// columns that became string after some block had read them as another type (that type), in
    /// column order: the caller reads the file again with them declared string.
    static func assemble(
        _ blocks: [ParsedBlock], knownNames: [String], finalTypes: [String: DataType]
    ) -> (table: Table, widenedToString: [(name: String, from: DataType)]) {
        var names = knownNames
        var positions = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
        var types = names.map { finalTypes[$0] }
        for block in blocks {
            for (columnIndex, name) in block.names.enumerated() {
                let type = block.chunk.columns[columnIndex].type
                if let position = positions[name] {
                    types[position] = types[position].map { $0.widened(with: type) } ?? type
                } else {
                    positions[name] = names.count
                    names.append(name)
                    types.append(type)
                }
            }
        }
        let resolved = types.map { $0 ?? .string }
        var widenedFrom: [String: DataType] = [:]
        let chunks: [Chunk] = blocks.compactMap { block in
            guard block.chunk.count > 0 else { return nil }
            let local = Dictionary(uniqueKeysWithValues: block.names.enumerated().map { ($1, $0) })
            let columns = names.enumerated().map { position, name -> Column in
                guard let index = local[name] else { return Column.nulls(type: resolved[position], count: block.chunk.count) }
                let column = block.chunk.columns[index]
                if column.type != resolved[position] {
                    if resolved[position] == .string && column.type != .string && widenedFrom[name] == nil {
                        widenedFrom[name] = column.type
                    }
                    return Column.converting(column, to: resolved[position])
                }
                return column
            }
            return Chunk(columns: columns, count: block.chunk.count)
        }
        let schema = Schema(zip(names, resolved).map { Field(name: $0, type: $1) })
        let widened = names.compactMap { name in widenedFrom[name].map { (name: name, from: $0) } }
        return (Table(schema: schema, chunks: chunks), widened)
    }

    /// Checks the reject threshold and writes the rejects file; throws `tooManyRejects` past the threshold.
    static func settleRejects(
        _ rejects: [RejectedRow], rows: Int, path: String, options: ReadOptions
    ) throws -> String? {
        var written: String?
        if !rejects.isEmpty, options.writeRejects, let target = options.rejectsPath {
            try RejectsWriter.write(rejects, to: target)
            written = target
        }
        let total = rows + rejects.count
        if !rejects.isEmpty, Double(rejects.count) > options.maxRejectRatio * Double(total) {
            let first = rejects[0]
            throw LumbungError.data(DataError(
                .tooManyRejects, file: path, line: first.line, column: first.column, columnName: first.columnName,
                rowsRead: rows,
                message: "\(rejects.count) of \(total) rows rejected, over the limit of \(options.maxRejectRatio * 100)%; first: \(first.reason)",
                hint: written.map { "rejected rows are in \($0); " } ?? ""
                    + "fix the export, declare the schema, or raise --max-reject-ratio"))
        }
        return written
    }
}

private final class ResultsBox: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [Result<ReadResult, Error>?]
    init(count: Int) { storage = Array(repeating: nil, count: count) }
    func set(_ index: Int, _ value: Result<ReadResult, Error>) {
        lock.lock()
        storage[index] = value
        lock.unlock()
    }
    var values: [Result<ReadResult, Error>] {
        lock.lock()
        defer { lock.unlock() }
        return storage.map { $0 ?? .failure(LumbungError.internalError("file not read")) }
    }
}
