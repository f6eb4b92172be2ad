import Foundation
import LumbungCore

/// Parses a block of whole CSV records straight into column builders.
///
/// The hot loop walks raw bytes: unquoted fields are delimited by a byte scan, quoted fields by
/// `memchr` for the closing quote; values go from bytes to typed storage with no `String` per field.
/// A row that cannot be loaded is rolled back out of every builder and returned as a `RejectedRow`.
struct CSVBlockParser: BlockParser {
    let path: String
    let dialect: CSVDialect
    /// Every column of the file, in order.
    let fileColumns: [String]
    /// For each file column, its output position, or -1 when it is not materialised.
    let outputIndex: [Int]
    let outputNames: [String]
    let state: TypeState

    func parse(_ block: UnsafeRawBufferPointer, isLast: Bool) -> ParsedBlock {
        while true {
            if let parsed = parseOnce(block, types: state.snapshot()) { return parsed }
        }
    }

    private struct Failure {
        var kind: DataError.Kind
        var column: Int
        var message: String
    }

    /// `nil` when a column had to widen to string: the caller parses the block again with the new types.
    private func parseOnce(_ block: UnsafeRawBufferPointer, types: [DataType]) -> ParsedBlock? {
        let columnCount = fileColumns.count
        let estimatedRows = block.count / 48 + 16
        var builders = types.map { ColumnBuilder(type: $0, capacity: estimatedRows) }
        var rejects: [RejectedRow] = []
        var line = 0
        var rows = 0
        var needsReparse = false
        var warnings: [String] = []
        guard let start = block.baseAddress?.assumingMemoryBound(to: UInt8.self), block.count > 0 else {
            return finish(builders, rows: 0, rejects: [], lines: 0, warnings: [])
        }
        let end = start + block.count
        let delimiter = dialect.delimiter
        let quote = dialect.quote
        let decimal = dialect.decimalSeparator
        let newline: UInt8 = 0x0a
        let cr: UInt8 = 0x0d
        var scratch = [UInt8]()
        var p = start

        builders.withUnsafeMutableBufferPointer { b in
            while p < end {
                let rowStart = p
                let rowLine = line
                if p[0] == newline { p += 1; line += 1; continue }
                if p[0] == cr, p + 1 < end, p[1] == newline { p += 2; line += 1; continue }
                var field = 0
                var failure: Failure?
                var widenings: [(Int, DataType)] = []
                var endOfRecord = false
                while !endOfRecord {
                    var fieldStart = p
                    var fieldLength = 0
                    var quoted = false
                    var escaped = false
                    if p < end && p[0] == quote {
                        quoted = true
                        var q = p + 1
                        var closing: UnsafePointer<UInt8>?
                        while q < end {
                            guard let found = memchr(q, Int32(quote), end - q) else { break }
                            let at = UnsafePointer(found.assumingMemoryBound(to: UInt8.self))
                            if at + 1 < end && at[1] == quote {
                                escaped = true
                                q = at + 2
                                continue
                            }
                            closing = at
                            break
                        }
                        guard let closing else {
                            // Only the last block of a file can end inside quotes.
                            failure = failure ?? Failure(
                                kind: .unterminatedQuote, column: field + 1,
                                message: "quoted field is never closed (the file ends inside quotes)")
                            var scan = p
                            while scan < end { if scan[0] == newline { line += 1 }; scan += 1 }
                            p = end
                            field += 1
                            break
                        }
                        fieldStart = p + 1
                        fieldLength = closing - fieldStart
                        var scan = fieldStart
                        while let found = memchr(scan, Int32(newline), closing - scan) {
                            line += 1
                            scan = UnsafePointer(found.assumingMemoryBound(to: UInt8.self)) + 1
                        }
                        p = closing + 1
                        if p < end && p[0] != delimiter && p[0] != newline && !(p[0] == cr && (p + 1 == end || p[1] == newline)) {
                            failure = failure ?? Failure(
                                kind: .unexpectedQuote, column: field + 1,
                                message: "unexpected character after a closing quote (quotes inside a field must be doubled)")
                            while p < end && p[0] != delimiter && p[0] != newline { p += 1 }
                        }
                        if escaped {
                            scratch.removeAll(keepingCapacity: true)
                            var index = 0
                            while index < fieldLength {
                                let byte = fieldStart[index]
                                scratch.append(byte)
                                index += byte == quote ? 2 : 1
                            }
                        }
                    } else {
                        while p < end {
                            let c = p[0]
                            if c == delimiter || c == newline { break }
                            p += 1
                        }
                        fieldLength = p - fieldStart
                        if fieldLength > 0 && fieldStart[fieldLength - 1] == cr && (p == end || p[0] == newline) {
                            fieldLength -= 1
                        }
                        if failure == nil, fieldLength > 0, memchr(fieldStart, Int32(quote), fieldLength) != nil {
                            failure = Failure(
                                kind: .unexpectedQuote, column: field + 1,
                                message: "a quote inside an unquoted field (quote the whole field and double the inner quote)")
                        }
                    }
                    if failure == nil, field < columnCount {
                        let out = outputIndex[field]
                        if out >= 0 {
                            let ok: Bool
                            if escaped {
                                ok = scratch.withUnsafeBufferPointer {
                                    append(&b[out], $0.baseAddress ?? UnsafePointer(fieldStart), $0.count, quoted: true,
                                        column: out, decimal: decimal, failure: &failure, field: field, widenings: &widenings)
                                }
                            } else {
                                ok = append(&b[out], UnsafePointer(fieldStart), fieldLength, quoted: quoted, column: out,
                                    decimal: decimal, failure: &failure, field: field, widenings: &widenings)
                            }
                            _ = ok
                        }
                    }
                    field += 1
                    if p < end && p[0] == delimiter {
                        p += 1
                    } else {
                        endOfRecord = true
                        if p < end { p += 1; line += 1 }
                    }
                }
                if failure == nil && field != columnCount {
                    failure = Failure(
                        kind: field < columnCount ? .tooFewColumns : .tooManyColumns, column: min(field + 1, columnCount + 1),
                        message: "expected \(columnCount) fields but found \(field)")
                }
                if failure == nil, !widenings.isEmpty {
                    // A valid row needs wider types: widen and parse the block again.
                    for (column, type) in widenings { state.widen(column, toHold: type) }
                    needsReparse = true
                    return
                }
                if let failure {
                    for index in 0..<b.count where b[index].count > rows { b[index].truncate(to: rows) }
                    var rawEnd = p
                    if rawEnd > rowStart, rawEnd[-1] == newline { rawEnd -= 1 }
                    if rawEnd > rowStart, rawEnd[-1] == cr { rawEnd -= 1 }
                    let raw = String(decoding: UnsafeBufferPointer(start: rowStart, count: rawEnd - rowStart), as: UTF8.self)
                    rejects.append(RejectedRow(
                        file: path, line: rowLine, column: failure.column,
                        columnName: failure.column <= columnCount ? fileColumns[failure.column - 1] : nil,
                        byteOffset: Int64(rowStart - start), kind: failure.kind, reason: failure.message, raw: raw))
                } else {
                    rows += 1
                }
            }
        }
        if needsReparse { return nil }
        _ = warnings
        return finish(builders, rows: rows, rejects: rejects, lines: line, warnings: warnings)
    }

    /// Appends one field. A value that does not fit a declared type records a failure; one that does
    /// not fit an inferred type records the wider type the column needs, applied only if the rest of
    /// the row is valid (a rejected row must not widen a column).
    @inline(__always)
    private func append(
        _ builder: inout ColumnBuilder, _ p: UnsafePointer<UInt8>, _ length: Int, quoted: Bool, column: Int,
        decimal: UInt8, failure: inout Failure?, field: Int, widenings: inout [(Int, DataType)]
    ) -> Bool {
        if builder.appendText(p, length, quoted: quoted, decimalSeparator: decimal) {
            if builder.type == .string, let bad = UTF8Validation.firstInvalid(p, length) {
                failure = Failure(
                    kind: .invalidUTF8, column: field + 1,
                    message: "invalid UTF-8 at byte \(bad + 1) of the field (the file may be Latin-1 or Windows-1252: convert it with iconv -f WINDOWS-1252 -t UTF-8)")
                return false
            }
            return true
        }
        if state.declared[column] {
            let text = String(decoding: UnsafeBufferPointer(start: p, count: min(length, 60)), as: UTF8.self)
            failure = Failure(
                kind: .castFailed, column: field + 1,
                message: "could not convert \"\(text)\" to \(builder.type) (declared type of column '\(outputNames[column])')")
            return false
        }
        var valueType = TypeInference.typeOf(p, length, decimalSeparator: decimal)
        if valueType == .bool || (valueType.isNumeric && IdentifierHints.isIdentifier(outputNames[column])) { valueType = .string }
        widenings.append((column, builder.type.widened(with: valueType)))
        return false
    }

    private func finish(_ builders: [ColumnBuilder], rows: Int, rejects: [RejectedRow], lines: Int, warnings: [String]) -> ParsedBlock {
        let columns = builders.map { $0.finish() }
        return ParsedBlock(names: outputNames, chunk: Chunk(columns: columns, count: rows), rejects: rejects, lines: lines, warnings: warnings)
    }
}
