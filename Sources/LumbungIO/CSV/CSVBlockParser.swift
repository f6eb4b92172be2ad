import Foundation
import LumbungCore

/// Parses a block of whole CSV records into a chunk, in two phases.
///
/// 1. Tokenise: one pass over the bytes records where each field of each materialised column
///    starts and ends (a byte-class table finds delimiters, newlines and quotes; `memchr` finds
///    closing quotes). Rows with the wrong number of fields or misplaced quotes are rejected here.
/// 2. Convert: each column is parsed in one tight loop for its type into exact-size arrays, strings
///    dictionary-encoded on the fly when they repeat. A value that does not fit an inferred type
///    widens the column and only that column is converted again, from the field index; a value that
///    does not fit a declared type (or invalid UTF-8) rejects its row.
///
/// No `String` is made per field; no array is appended to per value.
struct CSVBlockParser: BlockParser {
    let path: String
    let dialect: CSVDialect
    /// Every column of the file, in order.
    let fileColumns: [String]
    /// For each file column, its output position, or -1 when it is not materialised.
    let outputIndex: [Int]
    let outputNames: [String]
    let state: TypeState
    let cardinality: CardinalityHints

    private static let quotedFlag: UInt32 = 1 << 31
    private static let escapedFlag: UInt32 = 1 << 30
    private static let offsetMask: UInt32 = (1 << 30) - 1

    private struct Failure {
        var kind: DataError.Kind
        var column: Int
        var message: String
    }

    /// Where each field of each kept row is in the block.
    private struct FieldIndex {
        var starts: GrowableBuffer<UInt32>
        var ends: GrowableBuffer<UInt32>
        var rowLines: [Int32] = []
        var rowStarts: [UInt32] = []
        var rowEnds: [UInt32] = []
        var rows = 0
        /// Unescaped text of fields with doubled quotes, by field position.
        var escapes: [Int: [UInt8]] = [:]
    }

    func parse(_ block: UnsafeRawBufferPointer, isLast: Bool) -> ParsedBlock {
        precondition(block.count < 1 << 30, "CSV blocks are limited to 1 GiB")
        let slots = outputNames.count
        var index = FieldIndex(
            starts: GrowableBuffer(capacity: (block.count / 48 + 16) * max(slots, 1)),
            ends: GrowableBuffer(capacity: (block.count / 48 + 16) * max(slots, 1)))
        defer {
            index.starts.deallocate()
            index.ends.deallocate()
        }
        var rejects: [RejectedRow] = []
        let lines = tokenize(block, into: &index, rejects: &rejects)
        var rejectedRows: [Int: RejectedRow] = [:]
        var columns: [Column] = []
        columns.reserveCapacity(slots)
        for slot in 0..<slots {
            columns.append(convert(block, index, slot: slot, rejected: &rejectedRows))
        }
        var rowCount = index.rows
        if !rejectedRows.isEmpty {
            var keep = [Bool](repeating: true, count: index.rows)
            for row in rejectedRows.keys { keep[row] = false }
            columns = columns.map { $0.filtered(keep) }
            rowCount = index.rows - rejectedRows.count
            rejects += rejectedRows.keys.sorted().map { rejectedRows[$0]! }
            rejects.sort { $0.byteOffset < $1.byteOffset }
        }
        return ParsedBlock(names: outputNames, chunk: Chunk(columns: columns, count: rowCount), rejects: rejects, lines: lines)
    }

    // MARK: - Phase 1: tokenise

    /// Returns the number of newlines in the block.
    private func tokenize(_ block: UnsafeRawBufferPointer, into index: inout FieldIndex, rejects: inout [RejectedRow]) -> Int {
        guard let start = block.baseAddress?.assumingMemoryBound(to: UInt8.self), block.count > 0 else { return 0 }
        let end = start + block.count
        let delimiter = dialect.delimiter
        let quote = dialect.quote
        let newline: UInt8 = 0x0a
        let cr: UInt8 = 0x0d
        let columnCount = fileColumns.count
        let slots = outputNames.count
        var classes = [UInt8](repeating: 0, count: 256)
        classes[Int(delimiter)] = 1
        classes[Int(newline)] = 1
        classes[Int(quote)] = 1
        var line = 0
        var p = start
        classes.withUnsafeBufferPointer { classTable in
            let table = classTable.baseAddress!
            outputIndex.withUnsafeBufferPointer { outputs in
                while p < end {
                    let rowStart = p
                    let rowLine = line
                    if p[0] == newline { p += 1; line += 1; continue }
                    if p[0] == cr, p + 1 < end, p[1] == newline { p += 2; line += 1; continue }
                    index.starts.reserve((index.rows + 1) * slots, keeping: index.rows * slots)
                    index.ends.reserve((index.rows + 1) * slots, keeping: index.rows * slots)
                    let rowBase = index.rows * slots
                    var field = 0
                    var failure: Failure?
                    while true {
                        var fieldStart = p
                        var fieldEnd = p
                        var flags: UInt32 = 0
                        if p < end && p[0] == quote {
                            flags = Self.quotedFlag
                            var q = p + 1
                            var closing: UnsafePointer<UInt8>?
                            while q < end, let found = memchr(q, Int32(quote), end - q) {
                                let at = UnsafePointer(found.assumingMemoryBound(to: UInt8.self))
                                if at + 1 < end && at[1] == quote {
                                    flags |= Self.escapedFlag
                                    q = at + 2
                                    continue
                                }
                                closing = at
                                break
                            }
                            guard let closing else {
                                failure = failure ?? Failure(
                                    kind: .unterminatedQuote, column: field + 1,
                                    message: "quoted field is never closed (the file ends inside quotes)")
                                var scan = UnsafePointer(p)
                                while let found = memchr(scan, Int32(newline), end - scan) {
                                    line += 1
                                    scan = UnsafePointer(found.assumingMemoryBound(to: UInt8.self)) + 1
                                }
                                p = end
                                field += 1
                                break
                            }
                            fieldStart = p + 1
                            fieldEnd = closing
                            var scan = UnsafePointer(fieldStart)
                            while scan < closing, let found = memchr(scan, Int32(newline), closing - scan) {
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
                        } else {
                            while p < end && table[Int(p[0])] == 0 { p += 1 }
                            if p < end && p[0] == quote {
                                failure = failure ?? Failure(
                                    kind: .unexpectedQuote, column: field + 1,
                                    message: "a quote inside an unquoted field (quote the whole field and double the inner quote)")
                                while p < end && p[0] != delimiter && p[0] != newline { p += 1 }
                            }
                            fieldEnd = p
                            if fieldEnd > fieldStart && fieldEnd[-1] == cr && (p == end || p[0] == newline) { fieldEnd -= 1 }
                        }
                        if field < columnCount {
                            let slot = outputs[field]
                            if slot >= 0 {
                                index.starts.base[rowBase + slot] = UInt32(fieldStart - start)
                                index.ends.base[rowBase + slot] = UInt32(fieldEnd - start) | flags
                                if flags & Self.escapedFlag != 0 {
                                    var unescaped: [UInt8] = []
                                    var scan = UnsafePointer(fieldStart)
                                    while scan < fieldEnd {
                                        unescaped.append(scan[0])
                                        scan += scan[0] == quote ? 2 : 1
                                    }
                                    index.escapes[rowBase + slot] = unescaped
                                }
                            }
                        }
                        field += 1
                        if p < end && p[0] == delimiter {
                            p += 1
                            continue
                        }
                        if p < end { p += 1; line += 1 }
                        break
                    }
                    if failure == nil && field != columnCount {
                        failure = Failure(
                            kind: field < columnCount ? .tooFewColumns : .tooManyColumns, column: min(field + 1, columnCount + 1),
                            message: "expected \(columnCount) fields but found \(field)")
                    }
                    var rawEnd = p
                    if rawEnd > rowStart, rawEnd[-1] == newline { rawEnd -= 1 }
                    if rawEnd > rowStart, rawEnd[-1] == cr { rawEnd -= 1 }
                    if let failure {
                        for slot in 0..<slots { index.escapes.removeValue(forKey: rowBase + slot) }
                        rejects.append(RejectedRow(
                            file: path, line: rowLine, column: failure.column,
                            columnName: failure.column <= columnCount ? fileColumns[failure.column - 1] : nil,
                            byteOffset: Int64(rowStart - start), kind: failure.kind, reason: failure.message,
                            raw: String(decoding: UnsafeBufferPointer(start: rowStart, count: rawEnd - rowStart), as: UTF8.self)))
                    } else {
                        index.rowLines.append(Int32(rowLine))
                        index.rowStarts.append(UInt32(rowStart - start))
                        index.rowEnds.append(UInt32(rawEnd - start))
                        index.rows += 1
                    }
                }
            }
        }
        return line
    }

    // MARK: - Phase 2: convert

    private func convert(_ block: UnsafeRawBufferPointer, _ index: FieldIndex, slot: Int, rejected: inout [Int: RejectedRow]) -> Column {
        var type = state.snapshot()[slot]
        while true {
            switch convertOnce(block, index, slot: slot, type: type, rejected: &rejected) {
            case .done(let column):
                return column
            case .widen(let wider):
                type = state.widen(slot, toHold: wider)
            }
        }
    }

    private enum Conversion {
        case done(Column)
        case widen(DataType)
    }

    private func convertOnce(
        _ block: UnsafeRawBufferPointer, _ index: FieldIndex, slot: Int, type: DataType, rejected: inout [Int: RejectedRow]
    ) -> Conversion {
        let rows = index.rows
        let slots = outputNames.count
        let base = block.baseAddress!.assumingMemoryBound(to: UInt8.self)
        let decimal = dialect.decimalSeparator
        let declared = state.declared[slot]
        var words = [UInt64](repeating: 0, count: (rows + 63) >> 6)
        var nulls = 0
        var needed: DataType?

        /// Calls `body` with each field's bytes and quoted flag; `body` returns false when the value does not fit.
        func forEachField(_ body: (Int, UnsafePointer<UInt8>, Int, Bool) -> Bool) {
            for row in 0..<rows {
                let position = row * slots + slot
                let start = Int(index.starts.base[position])
                let packed = index.ends.base[position]
                let quoted = packed & Self.quotedFlag != 0
                let ok: Bool
                if packed & Self.escapedFlag != 0, let unescaped = index.escapes[position] {
                    ok = unescaped.withUnsafeBufferPointer { body(row, $0.baseAddress ?? base, $0.count, quoted) }
                } else {
                    ok = body(row, base + start, Int(packed & Self.offsetMask) - start, quoted)
                }
                if !ok {
                    let start = Int(index.starts.base[position])
                    let length = Int(index.ends.base[position] & Self.offsetMask) - start
                    if declared {
                        reject(row, slot: slot, kind: .castFailed, index: index, block: base, rejected: &rejected,
                               message: "could not convert \"\(String(decoding: UnsafeBufferPointer(start: base + start, count: min(length, 60)), as: UTF8.self))\" to \(type) (declared type of column '\(outputNames[slot])')")
                    } else {
                        var valueType = TypeInference.typeOf(base + start, length, decimalSeparator: decimal)
                        if valueType == .bool || (valueType.isNumeric && IdentifierHints.isIdentifier(outputNames[slot])) { valueType = .string }
                        needed = (needed ?? type).widened(with: type.widened(with: valueType))
                    }
                }
            }
        }

        @inline(__always)
        func isNull(_ p: UnsafePointer<UInt8>, _ length: Int, _ quoted: Bool) -> Bool {
            length == 0 || (!quoted && length == 4 && ValueParser.isNullMarker(p, 4))
        }

        let values: ColumnValues
        switch type {
        case .int64, .timestamp, .float64, .date, .bool:
            func fixed<T>(_ zero: T, _ parse: (UnsafePointer<UInt8>, Int) -> T?) -> [T] {
                [T](unsafeUninitializedCapacity: rows) { buffer, initialized in
                    forEachField { row, p, length, quoted in
                        if isNull(p, length, quoted) {
                            buffer[row] = zero
                            nulls += 1
                            return true
                        }
                        guard let value = parse(p, length) else {
                            buffer[row] = zero
                            nulls += 1
                            return false
                        }
                        buffer[row] = value
                        words[row >> 6] |= 1 << UInt64(row & 63)
                        return true
                    }
                    initialized = rows
                }
            }
            switch type {
            case .int64: values = .int64(fixed(0, ValueParser.int64))
            case .timestamp: values = .timestamp(fixed(0, ValueParser.timestamp))
            case .float64: values = .float64(fixed(0) { ValueParser.double($0, $1, decimalSeparator: decimal) })
            case .date: values = .date(fixed(0, ValueParser.date))
            default: values = .bool(fixed(0) { p, n in ValueParser.bool(p, n).map { $0 ? 1 : 0 } })
            }
        case .string:
            values = convertStrings(index, slot: slot, block: base, words: &words, nulls: &nulls, rejected: &rejected)
        }
        if let needed, needed != type { return .widen(needed) }
        let validity: Bitmap? = nulls == 0 ? nil : Bitmap(words: words, count: rows)
        return .done(Column(type: type, values: values, validity: validity, count: rows))
    }

    /// Strings: dictionary-encoded on the fly (unless this column was seen to be high-cardinality),
    /// falling back to plain bytes + offsets. UTF-8 is validated once per distinct value.
    private func convertStrings(
        _ index: FieldIndex, slot: Int, block base: UnsafePointer<UInt8>, words: inout [UInt64], nulls: inout Int,
        rejected: inout [Int: RejectedRow]
    ) -> ColumnValues {
        let rows = index.rows
        let slots = outputNames.count
        @inline(__always)
        func field(_ row: Int) -> (UnsafePointer<UInt8>, Int, Bool, [UInt8]?) {
            let position = row * slots + slot
            let start = Int(index.starts.base[position])
            let packed = index.ends.base[position]
            let quoted = packed & Self.quotedFlag != 0
            if packed & Self.escapedFlag != 0, let unescaped = index.escapes[position] {
                return (base, 0, quoted, unescaped)
            }
            return (base + start, Int(packed & Self.offsetMask) - start, quoted, nil)
        }
        @inline(__always)
        func isNull(_ p: UnsafePointer<UInt8>, _ length: Int, _ quoted: Bool) -> Bool {
            (length == 0 && !quoted) || (!quoted && length == 4 && ValueParser.isNullMarker(p, 4))
        }
        func invalid(_ row: Int, _ offset: Int) {
            reject(row, slot: slot, kind: .invalidUTF8, index: index, block: base, rejected: &rejected,
                   message: "invalid UTF-8 at byte \(offset + 1) of the field (the file may be Latin-1 or Windows-1252: convert it with iconv -f WINDOWS-1252 -t UTF-8)")
        }

        if rows >= 16, !cardinality.isHigh(slot) {
            var encoder = DictionaryBuilder(expected: min(rows / 4, 4096))
            var codes = [UInt32](repeating: 0, count: rows)
            let limit = max(16, min(rows / 4, 65_536))
            var failed = false
            var localNulls = 0
            var localWords = words
            for row in 0..<rows {
                let (p, length, quoted, unescaped) = field(row)
                if let unescaped {
                    let (code, isNew) = unescaped.withUnsafeBufferPointer { encoder.code(for: $0.baseAddress ?? base, $0.count) }
                    if isNew, let bad = unescaped.withUnsafeBufferPointer({ UTF8Validation.firstInvalid($0.baseAddress ?? base, $0.count) }) {
                        invalid(row, bad)
                    }
                    codes[row] = code
                } else if isNull(p, length, quoted) {
                    localNulls += 1
                    continue
                } else {
                    let (code, isNew) = encoder.code(for: p, length)
                    if isNew, let bad = UTF8Validation.firstInvalid(p, length) {
                        invalid(row, bad)
                        encoder.markInvalid(code)
                    } else if encoder.isInvalid(code) {
                        invalid(row, UTF8Validation.firstInvalid(p, length) ?? 0)
                    }
                    codes[row] = code
                }
                localWords[row >> 6] |= 1 << UInt64(row & 63)
                if encoder.count > limit {
                    failed = true
                    break
                }
            }
            if !failed {
                words = localWords
                nulls = localNulls
                return .dictionary(codes: codes, dictionary: encoder.dictionary)
            }
            cardinality.markHigh(slot)
            for row in 0..<rows { if rejected[row]?.kind == .invalidUTF8 && rejected[row]?.columnName == outputNames[slot] { rejected[row] = nil } }
        }

        var total = 0
        for row in 0..<rows {
            let (_, length, _, unescaped) = field(row)
            total += unescaped?.count ?? length
        }
        var offsets = [UInt32](repeating: 0, count: rows + 1)
        let bytes = [UInt8](unsafeUninitializedCapacity: max(total, 1)) { buffer, initialized in
            var used = 0
            for row in 0..<rows {
                let (p, length, quoted, unescaped) = field(row)
                if let unescaped {
                    unescaped.withUnsafeBufferPointer { source in
                        if source.count > 0 { (buffer.baseAddress! + used).initialize(from: source.baseAddress!, count: source.count) }
                        if let bad = UTF8Validation.firstInvalid(buffer.baseAddress! + used, source.count) { invalid(row, bad) }
                    }
                    used += unescaped.count
                    words[row >> 6] |= 1 << UInt64(row & 63)
                } else if isNull(p, length, quoted) {
                    nulls += 1
                } else {
                    (buffer.baseAddress! + used).initialize(from: p, count: length)
                    if let bad = UTF8Validation.firstInvalid(p, length) { invalid(row, bad) }
                    used += length
                    words[row >> 6] |= 1 << UInt64(row & 63)
                }
                offsets[row + 1] = UInt32(used)
            }
            initialized = used
        }
        return .string(StringArray(bytes: bytes, offsets: offsets))
    }

    private func reject(
        _ row: Int, slot: Int, kind: DataError.Kind, index: FieldIndex, block base: UnsafePointer<UInt8>,
        rejected: inout [Int: RejectedRow], message: String
    ) {
        guard rejected[row] == nil else { return }
        let start = Int(index.rowStarts[row])
        let end = Int(index.rowEnds[row])
        let fileColumn = outputIndex.firstIndex(of: slot) ?? slot
        rejected[row] = RejectedRow(
            file: path, line: Int(index.rowLines[row]), column: fileColumn + 1, columnName: outputNames[slot],
            byteOffset: Int64(start), kind: kind, reason: message,
            raw: String(decoding: UnsafeBufferPointer(start: base + start, count: end - start), as: UTF8.self))
    }
}

/// Columns seen to have too many distinct values for dictionary encoding, shared by the parser
/// threads of one read so that later blocks skip the attempt.
final class CardinalityHints: @unchecked Sendable {
    private let lock = NSLock()
    private var high: Set<Int> = []

    func isHigh(_ slot: Int) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        return high.contains(slot)
    }

    func markHigh(_ slot: Int) {
        lock.lock()
        high.insert(slot)
        lock.unlock()
    }
}
