import Foundation
import LumbungCore

/// NDJSON (one object per line) and a top-level JSON array of objects, read as a stream.
///
/// The document is never held whole: the pipeline's threads take turns inflating and cutting the
/// next block of whole records and turn the blocks into typed columns. Nested objects become
/// dotted columns (`alamat.provinsi`); arrays are kept as their JSON text. Types come from the values: numbers
/// are int64 (float64 when one has a fraction, or is too large for int64), booleans bool, strings
/// that all read as dates or ISO 8601 timestamps date or timestamp, anything mixed string.
/// Columns are in first-seen order. A malformed record is rejected with its line, byte column and
/// reason; in a JSON array, a fault that breaks the structure between elements fails the read.
///
/// A JSON array is first cut speculatively (at lines that start an element, without scanning the
/// bytes while holding the inflater), and the parser threads verify that every block is whole
/// elements; when one is not, or that read fails, the file is read again with the exact splitter,
/// which scans every byte for strings and brackets and gives the authoritative result.
enum JSONReader {
    /// Reads the file whose first block is `head`. With `headOnly` (a schema probe, `head` cut after
    /// its last line), NDJSON is parsed from the head once, for its columns and types, and the
    /// table has no rows; a JSON array is read as without it.
    static func read(
        path: String, reader: DecompressingReader, head: [UInt8], headOffset: Int64, headIsWholeFile: Bool,
        format: FileFormat, options: ReadOptions, headOnly: Bool = false
    ) throws -> ReadResult {
        if format == .jsonArray {
            if let result = try? readOnce(
                path: path, reader: reader, head: head, headOffset: headOffset, headIsWholeFile: headIsWholeFile,
                format: format, options: options, speculative: true)
            {
                return result
            }
            let (again, head, headOffset, atEnd) = try reopen(path: path, options: options)
            return try readOnce(
                path: path, reader: again, head: head, headOffset: headOffset, headIsWholeFile: atEnd, format: format,
                options: options, speculative: false)!
        }
        return try readOnce(
            path: path, reader: reader, head: head, headOffset: headOffset, headIsWholeFile: headIsWholeFile,
            format: format, options: options, speculative: false, headOnly: headOnly)!
    }

    /// Opens `path` again and reads its head as `TableReader.read` does (without a UTF-8 BOM).
    private static func reopen(path: String, options: ReadOptions) throws -> (DecompressingReader, [UInt8], Int64, Bool) {
        let reader = try DecompressingReader(
            path: path, backend: options.gzipBackend, maxDecompressedBytes: options.maxDecompressedBytes)
        let (head, atEnd) = try TableReader.readHead(reader, options: options)
        if head.starts(with: [0xEF, 0xBB, 0xBF]) { return (reader, Array(head.dropFirst(3)), 3, atEnd) }
        return (reader, head, 0, atEnd)
    }

    /// One read; `nil` when speculative cuts turned out not to be between elements.
    private static func readOnce(
        path: String, reader: DecompressingReader, head: [UInt8], headOffset: Int64, headIsWholeFile: Bool,
        format: FileFormat, options: ReadOptions, speculative: Bool, headOnly: Bool = false
    ) throws -> ReadResult? {
        let isArray = format == .jsonArray
        var prefix = head
        var prefixOffset = headOffset
        var firstLine = 1
        var firstColumnOffset = 0
        if isArray {
            // Skip to just past the opening bracket.
            var index = 0
            var lineStart = 0
            while index < head.count && JSONByte.isWhitespace(head[index]) {
                if head[index] == JSONByte.newline {
                    firstLine += 1
                    lineStart = index + 1
                }
                index += 1
            }
            guard index < head.count, head[index] == JSONByte.openBracket else {
                let found = index < head.count ? JSONScanner.describe(head[index]) : "the end of the file"
                throw LumbungError.data(DataError(
                    .invalidJSON, file: path, line: firstLine, column: index - lineStart + 1, byteOffset: headOffset + Int64(index),
                    message: "expected '[' to open a JSON array, found \(found)",
                    hint: "a JSON file must hold one array of objects; for one object per line use NDJSON (--format ndjson)"))
            }
            prefix = Array(head[(index + 1)...])
            firstColumnOffset = index + 1 - lineStart
            prefixOffset = headOffset + Int64(index + 1)
        }

        let state = JSONColumnState(schema: options.schema)
        let parser = JSONBlockParser(
            path: path, isArray: isArray, state: state, projection: options.columns, identifierHints: options.identifierHints,
            verifyArrayBlocks: speculative)

        // Settle the types on a sample (the whole records at the start), so that blocks parsed in
        // parallel agree from the start and values keep their own text when a column is string.
        let sampler = JSONBlockParser(
            path: path, isArray: isArray, state: state, projection: options.columns, identifierHints: options.identifierHints)
        let sampled = sample(prefix, atEnd: headIsWholeFile, isArray: isArray, parser: sampler, state: state, path: path)

        var output: IngestPipeline.Output
        if headOnly && !isArray {
            // The sample was the whole head: parsing it again would teach nothing more. Its rejects
            // are left out, as a probe's are.
            var blocks = sampled.map { [$0] } ?? []
            for index in blocks.indices { blocks[index].rejects = [] }
            output = IngestPipeline.Output(blocks: blocks, firstLines: [firstLine])
        } else if isArray {
            var splitter = JSONArraySplitter(
                path: path, firstLine: firstLine, offset: prefixOffset, columnOffset: firstColumnOffset, speculative: speculative)
            output = try IngestPipeline.run(
                reader: reader, prefix: prefix, prefixOffset: prefixOffset, firstLine: firstLine,
                splitter: &splitter, parser: parser, options: options, path: path)
            if state.misaligned { return nil }
            // Columns of rejects on a block's first line were counted from the block start.
            for (index, shift) in splitter.blockColumnOffsets.enumerated() where index < output.blocks.count {
                for rejectIndex in output.blocks[index].rejects.indices {
                    if let column = output.blocks[index].rejects[rejectIndex].column, column < 0 {
                        output.blocks[index].rejects[rejectIndex].column = -column + shift
                    }
                }
            }
        } else {
            var splitter = NDJSONSplitter()
            output = try IngestPipeline.run(
                reader: reader, prefix: prefix, prefixOffset: prefixOffset, firstLine: firstLine,
                splitter: &splitter, parser: parser, options: options, path: path)
        }

        let (blocks, names, finalTypes) = try unify(output.blocks, state: state, projection: options.columns, path: path)
        var (table, widened) = TableReader.assemble(blocks, knownNames: names, finalTypes: finalTypes)
        var warnings: [String] = []
        var seen = Set<String>()
        for warning in blocks.flatMap(\.warnings) where seen.insert(warning).inserted {
            warnings.append(warning)
        }
        let rejects = blocks.flatMap(\.rejects)
        let filtered = output.blocks.reduce(0) { $0 + $1.filteredRows }
        let rejectsPath = try TableReader.settleRejects(rejects, rows: table.rowCount + filtered, path: path, options: options)
        if (table.schema.fields.isEmpty && table.rowCount == 0) || (headOnly && !isArray) { table.chunks = [] }
        var result = ReadResult(
            path: path, table: table, format: format, compression: reader.compression, gzipBackend: reader.backend,
            dialect: nil, rejects: rejects, rejectsPath: rejectsPath, warnings: warnings,
            compressedBytes: reader.fileSize, decompressedBytes: reader.decompressedBytes, gzipMembers: reader.members,
            seconds: 0)
        result.filteredRows = filtered
        result.widenedToString = widened
        result.stoppedAtLimit = output.stoppedAtLimit
        // A read that stopped early counts the compressed bytes it consumed, not the file's size.
        if output.stoppedAtLimit { result.compressedBytes = reader.compressedOffset }
        return result
    }

    /// Parses the whole records at the start of the input once, for their types; returns them
    /// (`nil` when none ends in the input).
    @discardableResult
    private static func sample(
        _ prefix: [UInt8], atEnd: Bool, isArray: Bool, parser: JSONBlockParser, state: JSONColumnState, path: String
    ) -> ParsedBlock? {
        prefix.withUnsafeBytes { bytes -> ParsedBlock? in
            guard bytes.count > 0 else { return nil }
            let end: Int?
            if isArray {
                var splitter = JSONArraySplitter(path: path, firstLine: 1, offset: 0, columnOffset: 0)
                end = try? splitter.lastRecordEnd(bytes, atEndOfInput: atEnd)
            } else {
                var splitter = NDJSONSplitter()
                end = splitter.lastRecordEnd(bytes, atEndOfInput: atEnd)
            }
            guard let end, end > 0 else { return nil }
            let parsed = parser.parse(UnsafeRawBufferPointer(rebasing: bytes[0..<end]), isLast: atEnd)
            if parsed.chunk.count > 0 { state.bytesPerRow = Double(end) / Double(parsed.chunk.count) }
            return parsed
        }
    }

    /// Orders the columns by first sight across the file, gives columns that were all null in a
    /// block their final type, and drops a key that was only ever null when it is also an object
    /// elsewhere (`"alamat": null` beside `"alamat": {"provinsi": …}`).
    static func unify(
        _ blocks: [ParsedBlock], state: JSONColumnState, projection: [String]?, path: String
    ) throws -> ([ParsedBlock], [String], [String: DataType]) {
        let finalTypes = state.finalTypes()
        var names: [String] = []
        var seen = Set<String>()
        for block in blocks {
            for name in block.names where seen.insert(name).inserted { names.append(name) }
        }
        let asked = Set(projection ?? [])
        let dropped = Set(names.filter { name in
            finalTypes[name] == nil && !asked.contains(name) && seen.contains { $0.hasPrefix(name + ".") }
        })
        if let projection {
            let missing = projection.filter { !seen.contains($0) }
            if !missing.isEmpty {
                throw LumbungError.usage(
                    "\(path): no key named \(missing.map { "'\($0)'" }.joined(separator: ", ")) in any record"
                        + (names.isEmpty ? "" : " (keys: \(names.joined(separator: ", ")))"))
            }
        }
        names.removeAll { dropped.contains($0) }
        let fixed = blocks.map { block -> ParsedBlock in
            var columns: [Column] = []
            var blockNames: [String] = []
            for (index, name) in block.names.enumerated() where !dropped.contains(name) {
                var column = block.chunk.columns[index]
                let type = finalTypes[name] ?? .string
                if column.type != type && column.nullCount == column.count {
                    column = Column.nulls(type: type, count: column.count)
                }
                columns.append(column)
                blockNames.append(name)
            }
            var copy = block
            copy.names = blockNames
            copy.chunk = Chunk(columns: columns, count: block.chunk.count)
            return copy
        }
        return (fixed, names, finalTypes)
    }
}
