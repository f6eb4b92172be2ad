import Foundation
import LumbungCore

/// RFC 4180 CSV: quoted fields, doubled quotes, newlines inside quotes, CRLF or LF, a UTF-8 BOM;
/// delimiter sniffed among `,` `;` tab `|`; decimal commas detected; a header row required.
enum CSVReader {
    static func read(
        path: String, reader: DecompressingReader, head: [UInt8], headOffset: Int64, headIsWholeFile: Bool,
        options: ReadOptions
    ) throws -> ReadResult {
        guard !head.isEmpty else {
            throw LumbungError.data(DataError(
                .missingHeader, file: path, line: 1, column: 1, message: "the file is empty: a header row is required"))
        }
        let delimiter = options.delimiter ?? head.prefix(1 << 16).withUnsafeBytes { CSVDialect.sniffDelimiter($0) }
        var dialect = CSVDialect(delimiter: delimiter)

        // Header: the first record.
        let (headerRows, headerBytes, headerLines) = tokenize(head, dialect: dialect, maxRecords: 1, atEnd: headIsWholeFile)
        guard let header = headerRows.first, headerBytes > 0 else {
            throw LumbungError.data(DataError(
                .lineTooLong, file: path, line: 1, message: "the header row does not end within the first \(head.count) bytes",
                hint: "check the quoting of the header"))
        }
        let names = try headerNames(header, path: path)

        // Sample for inference: whole records after the header.
        let body = head[headerBytes...]
        // Only well-formed records teach types: a row with the wrong field count will be rejected.
        let sample = tokenize(Array(body), dialect: dialect, maxRecords: options.sampleRows, atEnd: headIsWholeFile).0
            .filter { $0.count == names.count }
        if let decimalComma = options.decimalComma {
            if decimalComma { dialect.decimalSeparator = UInt8(ascii: ",") }
        } else if delimiter != UInt8(ascii: ","), CSVDialect.sniffDecimalComma(sample) {
            dialect.decimalSeparator = UInt8(ascii: ",")
        }

        // Which columns to materialise.
        var outputIndex = [Int](repeating: -1, count: names.count)
        var outputNames: [String] = []
        if let wanted = options.columns {
            for name in wanted {
                guard let index = names.firstIndex(of: name) else {
                    throw LumbungError.usage("\(path): no column named '\(name)' (columns: \(names.joined(separator: ", ")))")
                }
                if outputIndex[index] < 0 {
                    outputIndex[index] = -2
                }
            }
        }
        for index in names.indices where options.columns == nil || outputIndex[index] == -2 {
            outputIndex[index] = outputNames.count
            outputNames.append(names[index])
        }

        // Types: declared, else inferred from the sample (identifiers stay strings).
        var types: [DataType] = []
        var declared: [Bool] = []
        for (fileIndex, name) in names.enumerated() where outputIndex[fileIndex] >= 0 {
            if let field = options.schema?[name] {
                types.append(field.type)
                declared.append(true)
                continue
            }
            let values = sample.compactMap { $0.count > fileIndex ? $0[fileIndex] : nil }
            var type = TypeInference.infer(values, decimalSeparator: dialect.decimalSeparator)
            if options.identifierHints, type.isNumeric, IdentifierHints.isIdentifier(name) { type = .string }
            types.append(type)
            declared.append(false)
        }
        let state = TypeState(types: types, declared: declared)
        let parser = CSVBlockParser(
            path: path, dialect: dialect, fileColumns: names, outputIndex: outputIndex, outputNames: outputNames, state: state,
            cardinality: CardinalityHints())
        var splitter = CSVSplitter(quote: dialect.quote)
        let output = try IngestPipeline.run(
            reader: reader, prefix: Array(body), prefixOffset: headOffset + Int64(headerBytes), firstLine: 1 + headerLines,
            splitter: &splitter, parser: parser, options: options, path: path)

        let finalTypes = Dictionary(uniqueKeysWithValues: zip(outputNames, state.snapshot()))
        var (table, warnings) = TableReader.assemble(output.blocks, knownNames: outputNames, finalTypes: finalTypes)
        warnings += output.blocks.flatMap(\.warnings)
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
        return result
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

    /// A simple tokenizer for the header and the inference sample (not the hot path): up to
    /// `maxRecords` complete records, the bytes they span, and the newlines in them.
    static func tokenize(_ bytes: [UInt8], dialect: CSVDialect, maxRecords: Int, atEnd: Bool) -> ([[FieldText]], Int, Int) {
        var records: [[FieldText]] = []
        var index = 0
        var consumed = 0
        var lines = 0
        let count = bytes.count
        while index < count && records.count < maxRecords {
            var record: [FieldText] = []
            var recordLines = 0
            var complete = false
            if bytes[index] == 0x0a { index += 1; lines += 1; consumed = index; continue }
            fields: while true {
                var field = FieldText(bytes: [], quoted: false)
                if index < count && bytes[index] == dialect.quote {
                    field.quoted = true
                    index += 1
                    let start = index
                    var unescaped: [UInt8]?
                    var closed = false
                    while index < count {
                        let byte = bytes[index]
                        if byte == dialect.quote {
                            if index + 1 < count && bytes[index + 1] == dialect.quote {
                                if unescaped == nil { unescaped = Array(bytes[start..<index]) }
                                unescaped!.append(byte)
                                index += 2
                                continue
                            }
                            field.bytes = unescaped.map { ArraySlice($0) } ?? bytes[start..<index]
                            index += 1
                            closed = true
                            break
                        }
                        if byte == 0x0a { recordLines += 1 }
                        unescaped?.append(byte)
                        index += 1
                    }
                    if !closed { break fields }
                    while index < count && bytes[index] != dialect.delimiter && bytes[index] != 0x0a { index += 1 }
                } else {
                    let start = index
                    while index < count && bytes[index] != dialect.delimiter && bytes[index] != 0x0a { index += 1 }
                    var end = index
                    if end > start && bytes[end - 1] == 0x0d { end -= 1 }
                    field.bytes = bytes[start..<end]
                }
                record.append(field)
                if index < count && bytes[index] == dialect.delimiter {
                    index += 1
                    continue
                }
                if index < count {
                    index += 1
                    recordLines += 1
                    complete = true
                } else {
                    complete = atEnd
                }
                break
            }
            guard complete else { break }
            records.append(record)
            lines += recordLines
            consumed = index
        }
        return (records, consumed, lines)
    }
}
