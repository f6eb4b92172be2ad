import Foundation
import LumbungCore

/// RFC 4180 CSV: quoted fields, doubled quotes, newlines inside quotes, CRLF or LF, a UTF-8 BOM;
/// delimiter sniffed among `,` `;` tab `|`; decimal commas detected; a header row required.
enum CSVReader {
    static func read(
        path: String, reader: DecompressingReader, head: [UInt8], headOffset: Int64, headIsWholeFile: Bool,
        options: ReadOptions
    ) throws -> ReadResult {
        let start = try CSVHead(head, path: path, atEnd: headIsWholeFile, options: options)
        let dialect = start.dialect
        let outputNames = start.outputNames
        let state = TypeState(types: start.types, declared: start.declared)
        let parser = CSVBlockParser(
            path: path, dialect: dialect, fileColumns: start.names, outputIndex: start.outputIndex, outputNames: outputNames,
            state: state, cardinality: CardinalityHints())
        var splitter = CSVSplitter(quote: dialect.quote, delimiter: dialect.delimiter)
        let output = try IngestPipeline.run(
            reader: reader, prefix: Array(head[start.headerBytes...]), prefixOffset: headOffset + Int64(start.headerBytes),
            firstLine: 1 + start.headerLines,
            splitter: &splitter, parser: parser, options: options, path: path)

        let finalTypes = Dictionary(uniqueKeysWithValues: zip(outputNames, state.snapshot()))
        var (table, widened) = TableReader.assemble(output.blocks, knownNames: outputNames, finalTypes: finalTypes)
        let warnings = output.blocks.flatMap(\.warnings)
        let rejects = output.blocks.flatMap(\.rejects)
        let filtered = output.blocks.reduce(0) { $0 + $1.filteredRows }
        let rejectsPath = try TableReader.settleRejects(rejects, rows: table.rowCount + filtered, path: path, options: options)
        if table.chunks.isEmpty { table.chunks = [] }
        var result = ReadResult(
            path: path, table: table, format: .csv, compression: reader.compression, gzipBackend: reader.backend,
            dialect: dialect, rejects: rejects, rejectsPath: rejectsPath, warnings: warnings,
            compressedBytes: reader.fileSize, decompressedBytes: reader.decompressedBytes, gzipMembers: reader.members,
            seconds: 0)
        result.filteredRows = filtered
        result.widenedToString = widened
        result.stoppedAtLimit = output.stoppedAtLimit
        // A read that stopped early counts the compressed bytes it consumed, not the file's size.
        if output.stoppedAtLimit { result.compressedBytes = reader.compressedOffset }
        return result
    }

    /// The schema of a file from its head alone (cut after its last whole line), with no block
    /// parsed: the dialect, the columns and the types a read has once it has parsed that head as
    /// its first block (see `CSVHead`). The table holds no rows.
    static func probe(path: String, reader: DecompressingReader, head: [UInt8], options: ReadOptions) throws -> ReadResult {
        let start = try CSVHead(head, path: path, atEnd: true, options: options, throughHead: true)
        let schema = Schema(zip(start.outputNames, start.types).map { Field(name: $0, type: $1) })
        return ReadResult(
            path: path, table: Table(schema: schema, chunks: []), format: .csv, compression: reader.compression,
            gzipBackend: reader.backend, dialect: start.dialect, rejects: [], rejectsPath: nil, warnings: [],
            compressedBytes: reader.fileSize, decompressedBytes: reader.decompressedBytes, gzipMembers: reader.members,
            seconds: 0)
    }

    /// Column names from the header record: trimmed, non-empty, unique, valid UTF-8.
    static func headerNames(_ header: [FieldText], path: String) throws -> [String] {
        var names: [String] = []
        var seen: [String: Int] = [:]
        var duplicates: [String] = []
        for (index, field) in header.enumerated() {
            if let bad = field.bytes.withUnsafeBufferPointer({ UTF8Validation.firstInvalid($0.baseAddress ?? UnsafePointer(bitPattern: 1)!, $0.count) }) {
                throw LumbungError.data(DataError(
                    .invalidUTF8, file: path, line: 1, column: index + 1,
                    message: "header name \(index + 1) has invalid UTF-8 at byte \(bad + 1)"))
            }
            let name = String(decoding: field.bytes, as: UTF8.self).trimmingCharacters(in: .whitespaces)
            if name.isEmpty {
                throw LumbungError.data(DataError(
                    .emptyHeaderName, file: path, line: 1, column: index + 1,
                    message: "header name \(index + 1) is empty",
                    hint: "every column needs a name in the header row"))
            }
            if let first = seen[name] {
                duplicates.append("'\(name)' (columns \(first + 1) and \(index + 1))")
            } else {
                seen[name] = index
            }
            names.append(name)
        }
        if !duplicates.isEmpty {
            throw LumbungError.data(DataError(
                .duplicateHeaderName, file: path, line: 1,
                column: names.indices.first { index in names[..<index].contains(names[index]) }.map { $0 + 1 },
                message: "duplicate header names: \(duplicates.joined(separator: ", "))",
                hint: "rename the columns so that each name is unique"))
        }
        return names
    }
}
