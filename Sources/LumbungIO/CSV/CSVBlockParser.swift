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

    fileprivate static let quotedFlag: UInt32 = 1 << 31
    fileprivate static let escapedFlag: UInt32 = 1 << 30
    fileprivate static let offsetMask: UInt32 = (1 << 30) - 1

    private struct Failure {
        var kind: DataError.Kind
        var column: Int
        var message: String
    }

    /// Where each field of each kept row of the current row group is, and where every kept row of
    /// the block is (for messages).
    private struct FieldIndex {
        /// Field starts and ends of the group's rows, row-major: row `r` of the block is at
        /// `(r - groupBase) * slots`.
        var starts: GrowableBuffer<UInt32>
        var ends: GrowableBuffer<UInt32>
        /// The block row of the group's first row.
        var groupBase = 0
        var rowLines: [Int32] = []
        var rowStarts: [UInt32] = []
        var rowEnds: [UInt32] = []
        /// Kept rows of the block so far.
        var rows = 0
        /// Unescaped text of the group's fields with doubled quotes, by field position.
        var escapes: [Int: [UInt8]] = [:]

        /// Starts the next group after the rows tokenised so far.
        mutating func startGroup() {
            groupBase = rows
            escapes.removeAll(keepingCapacity: true)
        }
    }

    /// Where tokenising stopped: the next byte, its line, and the scanner positioned there.
    private struct TokenizerState {
        var p: UnsafePointer<UInt8>
        var line = 0
        var scanner: StructuralScanner
    }

    /// A column's inferred type was too narrow for a value: the block is parsed again.
    private struct Widened: Error {}

    /// Tokenises and converts the block a group of rows at a time (see `rowGroup`). When a value
    /// does not fit a column's inferred type, the column is widened and the block parsed again
    /// (rare: the sample from the file's head usually has the types right).
    func parse(_ block: UnsafeRawBufferPointer, isLast: Bool) -> ParsedBlock {
        precondition(block.count < 1 << 30, "CSV blocks are limited to 1 GiB")
        while true {
            do {
                return try parseOnce(block, types: state.snapshot())
            } catch {
                continue
            }
        }
    }

    private func parseOnce(_ block: UnsafeRawBufferPointer, types: [DataType]) throws -> ParsedBlock {
        let slots = outputNames.count
        let names = outputNames
        guard let start = block.baseAddress?.assumingMemoryBound(to: UInt8.self), block.count > 0 else {
            return ParsedBlock(
                names: names, chunk: Chunk(columns: types.map { Column.from([], type: $0) }, count: 0), rejects: [], lines: 0)
        }
        let groupCapacity = (Self.rowGroup + 1) * max(slots, 1)
        var index = FieldIndex(starts: GrowableBuffer(capacity: groupCapacity), ends: GrowableBuffer(capacity: groupCapacity))
        var tokenizer = TokenizerState(
            p: start,
            scanner: StructuralScanner(end: start + block.count, delimiter: dialect.delimiter, newline: 0x0a, quote: dialect.quote))
        defer {
            index.starts.deallocate()
            index.ends.deallocate()
        }
        tokenizer.scanner.reset(at: start)
        var rejects: [RejectedRow] = []
        var rejectedRows: [Int: RejectedRow] = [:]
        var converters = (0..<slots).map { slot in
            let hint = cardinality.hint(slot)
            return ColumnConverter(
                type: types[slot], dictionary: !hint.high, decimal: dialect.decimalSeparator, expected: hint.dictionary)
        }
        let end = start + block.count
        while tokenizer.p < end {
            index.startGroup()
            tokenize(block, &tokenizer, into: &index, until: index.rows + Self.rowGroup, rejects: &rejects)
            let group = index.groupBase..<index.rows
            if group.isEmpty { continue }
            if group.lowerBound == 0 && tokenizer.p < end {
                // Size the columns for the whole block from the first group's bytes per row, so
                // they are not copied as they grow.
                let expected = group.count * block.count / max(tokenizer.p - start, 1) + group.count
                for slot in 0..<slots { converters[slot].reserve(expected) }
            }
            for slot in 0..<slots {
                let fields = FieldAccess(
                    starts: index.starts.base, ends: index.ends.base, block: start, slots: slots, slot: slot,
                    groupBase: index.groupBase, escapes: index.escapes)
                converters[slot].convert(fields, group)
                if converters[slot].failures.isEmpty && converters[slot].invalid.isEmpty { continue }
                if !state.declared[slot],
                    let needed = converters[slot].typeForFailures(fields, isIdentifier: IdentifierHints.isIdentifier(names[slot]))
                {
                    if state.widen(slot, toHold: needed) != types[slot] { throw Widened() }
                }
                for (row, offset) in converters[slot].invalid {
                    reject(row, slot: slot, kind: .invalidUTF8, index: index, block: start, rejected: &rejectedRows,
                           message: "invalid UTF-8 at byte \(offset + 1) of the field (the file may be Latin-1 or Windows-1252: convert it with iconv -f WINDOWS-1252 -t UTF-8)")
                }
                for row in converters[slot].failures {
                    let kind = state.declared[slot] ? "declared" : "inferred"
                    reject(row, slot: slot, kind: .castFailed, index: index, block: start, rejected: &rejectedRows,
                           message: "could not convert \"\(fields.raw(row))\" to \(converters[slot].type) (\(kind) type of column '\(names[slot])')")
                }
                converters[slot].clearProblems()
            }
        }
        var columns: [Column] = []
        columns.reserveCapacity(slots)
        for slot in 0..<slots {
            let dictionary = converters[slot].dictionarySize
            let (column, plain) = converters[slot].finish(rows: index.rows)
            cardinality.record(slot, plain: plain, dictionary: dictionary)
            columns.append(column)
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
        return ParsedBlock(names: names, chunk: Chunk(columns: columns, count: rowCount), rejects: rejects, lines: tokenizer.line)
    }

    // MARK: - Phase 1: tokenise

    /// Tokenises records from where `state` stopped until `index` holds `rowLimit` kept rows or
    /// the block ends; `state.line` counts the newlines passed.
    private func tokenize(
        _ block: UnsafeRawBufferPointer, _ state: inout TokenizerState, into index: inout FieldIndex, until rowLimit: Int,
        rejects: inout [RejectedRow]
    ) {
        let start = block.baseAddress!.assumingMemoryBound(to: UInt8.self)
        let end = start + block.count
        let delimiter = dialect.delimiter
        let quote = dialect.quote
        let newline: UInt8 = 0x0a
        let cr: UInt8 = 0x0d
        let columnCount = fileColumns.count
        let slots = outputNames.count
        /// The last file column that is materialised (-1 when none is).
        let lastNeeded = outputIndex.lastIndex { $0 >= 0 } ?? -1
        var classes = [UInt8](repeating: 0, count: 256)
        classes[Int(delimiter)] = 1
        classes[Int(newline)] = 1
        classes[Int(quote)] = 1
        let delimiterMask = SWAR.broadcast(delimiter)
        let newlineMask = SWAR.broadcast(newline)
        let quoteMask = SWAR.broadcast(quote)
        var line = state.line
        var p = state.p
        var scanner = state.scanner
        defer {
            state.line = line
            state.p = p
            state.scanner = scanner
        }
        classes.withUnsafeBufferPointer { classTable in
            let table = classTable.baseAddress!
            outputIndex.withUnsafeBufferPointer { outputs in
                /// Tokenises one record (or skips one blank line) at `p`, with every check: quoted
                /// fields, doubled quotes, misplaced quotes, wrong field counts.
                func slowRow() {
                    let rowStart = p
                    let rowLine = line
                    if p[0] == newline { p += 1; line += 1; return }
                    if p[0] == cr, p + 1 < end, p[1] == newline { p += 2; line += 1; return }
                    let local = index.rows - index.groupBase
                    index.starts.reserve((local + 1) * slots, keeping: local * slots)
                    index.ends.reserve((local + 1) * slots, keeping: local * slots)
                    let rowBase = local * slots
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
                            while p + 8 <= end {
                                let word = UnsafeRawPointer(p).loadUnaligned(as: UInt64.self)
                                let hits = SWAR.matches(word, delimiterMask) | SWAR.matches(word, newlineMask) | SWAR.matches(word, quoteMask)
                                if hits != 0 {
                                    p += hits.trailingZeroBitCount >> 3
                                    break
                                }
                                p += 8
                            }
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
                        if p < end {
                            // A record's end: LF, or CRLF after a closing quote (one line, not a
                            // line and a blank one).
                            if p[0] == cr && p + 1 < end && p[1] == newline { p += 1 }
                            p += 1
                            line += 1
                        }
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

                /// Where the next row's field starts and ends go in the group's field index.
                func nextRowSlots() -> (UnsafeMutablePointer<UInt32>, UnsafeMutablePointer<UInt32>) {
                    let local = index.rows - index.groupBase
                    index.starts.reserve((local + 1) * slots, keeping: local * slots)
                    index.ends.reserve((local + 1) * slots, keeping: local * slots)
                    return (index.starts.base + local * slots, index.ends.base + local * slots)
                }

                /// Records a row the fast path tokenised (`rawEnd` without its line end) and moves
                /// past its newline at `at` (or to the end of the block).
                func keepRow(from rowStart: UnsafePointer<UInt8>, to rawEnd: UnsafePointer<UInt8>, endingAt at: UnsafePointer<UInt8>) {
                    index.rowLines.append(Int32(line))
                    index.rowStarts.append(UInt32(rowStart - start))
                    index.rowEnds.append(UInt32(rawEnd - start))
                    index.rows += 1
                    if at < end {
                        p = at + 1
                        line += 1
                    } else {
                        p = end
                    }
                }

                // The fast path: a scanner yields the delimiters, newlines and quotes (see
                // `StructuralScanner`); a record without quotes and with the right number of fields is cut
                // at those positions directly, and past the last materialised column it is only
                // checked, not cut. Anything else (a quote, a blank line, a wrong
                // field count) is tokenised again by `slowRow`, which reports it.
                /// Tokenises one plain record at `p`; false (with `p`, `line` unchanged) to leave it to `slowRow`.
                func fastRow(_ scanner: inout StructuralScanner) -> Bool {
                    let rowStart = p
                    if p[0] == newline || p[0] == cr { return false }
                    let (starts, ends) = nextRowSlots()
                    var field = 0
                    var fieldStart = p
                    var at: UnsafePointer<UInt8>
                    while true {
                        if field > lastNeeded {
                            // No column after this one is materialised: cross the rest of the
                            // record a window at a time, counting its delimiters.
                            guard let (lineEnd, delimiters) = scanner.skipRecord() else { return false }
                            field &+= delimiters &+ 1
                            at = lineEnd
                            break
                        }
                        at = scanner.next()
                        let byte = at < end ? at[0] : newline
                        if byte == quote { return false }
                        var fieldEnd = at
                        if byte == newline, fieldEnd > fieldStart, fieldEnd[-1] == cr { fieldEnd -= 1 }
                        if field < columnCount {
                            let slot = outputs[field]
                            if slot >= 0 {
                                starts[slot] = UInt32(truncatingIfNeeded: fieldStart - start)
                                ends[slot] = UInt32(truncatingIfNeeded: fieldEnd - start)
                            }
                        }
                        field &+= 1
                        if byte == delimiter {
                            fieldStart = at + 1
                            continue
                        }
                        break
                    }
                    guard field == columnCount else { return false }
                    var rawEnd = at
                    if rawEnd > rowStart, rawEnd[-1] == cr { rawEnd -= 1 }
                    keepRow(from: rowStart, to: rawEnd, endingAt: at)
                    return true
                }
                /// `fastRow` for the common read of every column in file order (`inspect`, most
                /// queries of small files): field `i` goes to slot `i`, and the checks per field are
                /// only "is the next structural byte a delimiter?"; the record must then end at a
                /// newline after exactly `columnCount` fields. Plain quoted fields are cut here too.
                func fastRowAll(_ scanner: inout StructuralScanner) -> Bool {
                    let rowStart = p
                    if p[0] == newline || p[0] == cr { return false }
                    let (starts, ends) = nextRowSlots()
                    var fieldStart = p
                    var at = p
                    var field = 0
                    var lastQuoted = false
                    while true {
                        at = scanner.next()
                        starts[field] = UInt32(truncatingIfNeeded: fieldStart - start)
                        ends[field] = UInt32(truncatingIfNeeded: at - start)
                        field &+= 1
                        if at < end && at[0] == delimiter {
                            if field == columnCount { return false }
                            fieldStart = at + 1
                            continue
                        }
                        guard at < end && at[0] == quote else { break }
                        // A quoted field (exports that quote every field): cut between its quotes
                        // when it holds no newline and no doubled quote and a delimiter or line end
                        // follows it; anything else is left to `slowRow`. Off the plain fields' path.
                        guard at == fieldStart else { return false }
                        var closing = scanner.next()
                        while closing < end && closing[0] != quote {
                            if closing[0] == newline { return false }
                            closing = scanner.next()
                        }
                        guard closing < end else { return false }
                        at = scanner.next()
                        var after = closing + 1
                        if after < end && after[0] == cr && at == after + 1 && at < end && at[0] == newline { after = at }
                        guard at == after else { return false }
                        starts[field - 1] = UInt32(truncatingIfNeeded: fieldStart + 1 - start)
                        ends[field - 1] = UInt32(truncatingIfNeeded: closing - start) | Self.quotedFlag
                        if at < end && at[0] == delimiter {
                            if field == columnCount { return false }
                            fieldStart = at + 1
                            continue
                        }
                        lastQuoted = true
                        break
                    }
                    guard field == columnCount, at == end || at[0] == newline else { return false }
                    var rawEnd = at
                    if rawEnd > rowStart, rawEnd[-1] == cr {
                        rawEnd -= 1
                        if !lastQuoted && rawEnd >= fieldStart { ends[field - 1] = UInt32(truncatingIfNeeded: rawEnd - start) }
                    }
                    keepRow(from: rowStart, to: rawEnd, endingAt: at)
                    return true
                }
                let readsAll = slots == columnCount && outputs.indices.allSatisfy { outputs[$0] == $0 }
                while p < end && index.rows < rowLimit {
                    if readsAll ? fastRowAll(&scanner) : fastRow(&scanner) { continue }
                    slowRow()
                    scanner.reset(at: p)
                }
            }
        }
    }

    // MARK: - Phase 2: convert

    /// Rows tokenised and converted together. Tokenising a whole 2 MiB block and then converting
    /// it column by column fetches every row's cache lines (text and field index) once per column
    /// from L3 or memory; a group of this many rows (about 37 KB of text and 32 KB of field index
    /// for `layanan`'s 31 columns) is converted while it is still in L2, much of it in L1, and its
    /// field index is reused by the next group. 128 rows took 3-4% less CPU than 512 on `layanan`
    /// (interleaved runs); 64 was no better than 128.
    static let rowGroup = 128

    /// Reads the fields of one column of the current row group from the field index.
    private struct FieldAccess {
        let starts: UnsafeMutablePointer<UInt32>
        let ends: UnsafeMutablePointer<UInt32>
        let block: UnsafePointer<UInt8>
        let slots: Int
        let slot: Int
        let groupBase: Int
        let escapes: [Int: [UInt8]]

        /// Pointer, length and quoted flag of the field in block row `row` (unescaped text for
        /// doubled quotes).
        @inline(__always)
        func field(_ row: Int) -> (UnsafePointer<UInt8>, Int, Bool) {
            let position = (row &- groupBase) &* slots &+ slot
            let start = Int(starts[position])
            let packed = ends[position]
            let quoted = packed & CSVBlockParser.quotedFlag != 0
            if packed & CSVBlockParser.escapedFlag != 0, let unescaped = escapes[position] {
                // Escaped fields are rare; their unescaped copy lives as long as the group.
                return unescaped.withUnsafeBufferPointer { ($0.baseAddress ?? block, $0.count, quoted) }
            }
            return (block + start, Int(packed & CSVBlockParser.offsetMask) &- start, quoted)
        }

        /// The raw (still escaped) bytes of the field, for messages.
        func raw(_ row: Int) -> String {
            let position = (row - groupBase) * slots + slot
            let start = Int(starts[position])
            let length = Int(ends[position] & CSVBlockParser.offsetMask) - start
            return String(decoding: UnsafeBufferPointer(start: block + start, count: min(length, 60)), as: UTF8.self)
        }
    }

    /// One column of a block, converted a row group at a time into arrays that grow by a group.
    private struct ColumnConverter {
        let type: DataType
        let decimal: UInt8
        /// Whether strings are still being dictionary-encoded (else plain bytes + offsets).
        private var encoding: Bool
        private(set) var rows = 0

        private var words: [UInt64] = []
        private var nulls = 0
        /// Rows of the current group whose text does not parse as `type`.
        private(set) var failures: [Int] = []
        /// Rows of the current group with invalid UTF-8, and the offset of the first bad byte.
        private(set) var invalid: [(Int, Int)] = []

        private var integers: [Int64] = []
        private var doubles: [Double] = []
        private var days: [Int32] = []
        private var flags: [UInt8] = []
        private var codes: [UInt32] = []
        private var encoder: DictionaryBuilder
        private var bytes: [UInt8] = []
        private var offsets: [UInt32] = [0]

        /// `expected`: the size of this column's dictionary in the block parsed before, so that
        /// the encoder starts at about its final size instead of growing through every power of two.
        init(type: DataType, dictionary: Bool, decimal: UInt8, expected: DictionarySize = DictionarySize()) {
            self.type = type
            self.decimal = decimal
            encoding = type == .string && dictionary
            encoder = DictionaryBuilder(expected: encoding ? max(16, expected.values) : 16, bytes: expected.bytes)
        }

        /// The size of the dictionary built so far (zero when not encoding).
        var dictionarySize: DictionarySize {
            encoding ? DictionarySize(values: encoder.count, bytes: encoder.dictionary.bytes.count) : DictionarySize()
        }

        /// Makes room for about `rows` rows in all.
        mutating func reserve(_ rows: Int) {
            words.reserveCapacity((rows + 63) >> 6)
            switch type {
            case .int64, .timestamp: integers.reserveCapacity(rows)
            case .float64: doubles.reserveCapacity(rows)
            case .date: days.reserveCapacity(rows)
            case .bool: flags.reserveCapacity(rows)
            case .string:
                if encoding {
                    codes.reserveCapacity(rows)
                } else {
                    offsets.reserveCapacity(rows + 1)
                    bytes.reserveCapacity(bytes.count / max(self.rows, 1) * rows + 64)
                }
            }
        }

        /// The wider type the current group's failed rows need, or nil when `type` holds them.
        func typeForFailures(_ fields: FieldAccess, isIdentifier: Bool) -> DataType? {
            guard !failures.isEmpty else { return nil }
            var needed = type
            for row in failures {
                let (p, length, _) = fields.field(row)
                var valueType = TypeInference.typeOf(p, length, decimalSeparator: decimal)
                if valueType == .bool || (valueType.isNumeric && isIdentifier) { valueType = .string }
                needed = needed.widened(with: valueType)
            }
            return needed == type ? nil : needed
        }

        /// Forgets the current group's failures and invalid rows once they are reported.
        mutating func clearProblems() {
            failures.removeAll(keepingCapacity: true)
            invalid.removeAll(keepingCapacity: true)
        }

        @inline(__always)
        private static func isNull(_ p: UnsafePointer<UInt8>, _ length: Int, _ quoted: Bool) -> Bool {
            length == 0 || (!quoted && length == 4 && ValueParser.isNullMarker(p, 4))
        }

        @inline(__always)
        private static func isNullString(_ p: UnsafePointer<UInt8>, _ length: Int, _ quoted: Bool) -> Bool {
            !quoted && (length == 0 || (length == 4 && ValueParser.isNullMarker(p, 4)))
        }

        @inline(__always)
        private static func convertFixed<T>(
            _ fields: FieldAccess, _ range: Range<Int>, into values: inout [T], zero: T, words: inout [UInt64],
            nulls: inout Int, failures: inout [Int], _ parse: (UnsafePointer<UInt8>, Int) -> T?
        ) {
            values.append(contentsOf: repeatElement(zero, count: range.count))
            values.withUnsafeMutableBufferPointer { valueBuffer in
                words.withUnsafeMutableBufferPointer { wordBuffer in
                    let out = valueBuffer.baseAddress!
                    let w = wordBuffer.baseAddress!
                    for row in range {
                        let (p, length, quoted) = fields.field(row)
                        if isNull(p, length, quoted) {
                            nulls &+= 1
                        } else if let value = parse(p, length) {
                            out[row] = value
                            w[row >> 6] |= 1 << UInt64(row & 63)
                        } else {
                            nulls &+= 1
                            failures.append(row)
                        }
                    }
                }
            }
        }

        /// Converts the rows of `range`, the next group of the block.
        mutating func convert(_ fields: FieldAccess, _ range: Range<Int>) {
            precondition(range.lowerBound == rows, "row groups arrive in order")
            rows = range.upperBound
            let wordCount = (rows + 63) >> 6
            if words.count < wordCount { words.append(contentsOf: repeatElement(0, count: wordCount - words.count)) }
            switch type {
            case .int64:
                Self.convertFixed(fields, range, into: &integers, zero: 0, words: &words, nulls: &nulls, failures: &failures, ValueParser.int64)
            case .timestamp:
                var cache = ValueParser.DateCache()
                Self.convertFixed(fields, range, into: &integers, zero: 0, words: &words, nulls: &nulls, failures: &failures) {
                    ValueParser.timestamp($0, $1, cache: &cache)
                }
            case .float64:
                let decimal = decimal
                Self.convertFixed(fields, range, into: &doubles, zero: 0, words: &words, nulls: &nulls, failures: &failures) {
                    ValueParser.double($0, $1, decimalSeparator: decimal)
                }
            case .date:
                var cache = ValueParser.DateCache()
                Self.convertFixed(fields, range, into: &days, zero: 0, words: &words, nulls: &nulls, failures: &failures) {
                    $1 == 10 ? ValueParser.date($0, cache: &cache) : nil
                }
            case .bool:
                Self.convertFixed(fields, range, into: &flags, zero: 0, words: &words, nulls: &nulls, failures: &failures) {
                    ValueParser.bool($0, $1).map { $0 ? 1 : 0 }
                }
            case .string:
                if encoding {
                    encodeStrings(fields, range)
                    // Far more distinct values than a dictionary pays for: plain strings from here on.
                    if encoder.count > max(2048, min(rows / 2, 65_536)) { dropDictionary() }
                } else {
                    copyStrings(fields, range)
                }
            }
        }

        /// Dictionary-encodes `range`.
        private mutating func encodeStrings(_ fields: FieldAccess, _ range: Range<Int>) {
            codes.append(contentsOf: repeatElement(0, count: range.count))
            var nulls = 0
            codes.withUnsafeMutableBufferPointer { codeBuffer in
                words.withUnsafeMutableBufferPointer { wordBuffer in
                    let out = codeBuffer.baseAddress!
                    let w = wordBuffer.baseAddress!
                    for row in range {
                        let (p, length, quoted) = fields.field(row)
                        if Self.isNullString(p, length, quoted) {
                            nulls &+= 1
                            continue
                        }
                        let (code, bad) = encoder.code(for: p, length)
                        if let bad { invalid.append((row, bad)) }
                        out[row] = code
                        w[row >> 6] |= 1 << UInt64(row & 63)
                    }
                }
            }
            self.nulls &+= nulls
        }

        /// Turns the codes so far into plain strings (the dictionary holds their exact text).
        private mutating func dropDictionary() {
            encoding = false
            let dictionary = encoder.dictionary
            offsets = [UInt32](repeating: 0, count: rows + 1)
            bytes = []
            bytes.reserveCapacity(dictionary.bytes.count * 2)
            for row in 0..<rows {
                if (words[row >> 6] >> UInt64(row & 63)) & 1 != 0 {
                    let code = Int(codes[row])
                    let from = Int(dictionary.offsets[code])
                    bytes.append(contentsOf: dictionary.bytes[from..<Int(dictionary.offsets[code + 1])])
                }
                offsets[row + 1] = UInt32(truncatingIfNeeded: bytes.count)
            }
            codes = []
            encoder = DictionaryBuilder(expected: 16)
        }

        /// Copies `range` as plain strings (bytes + offsets).
        private mutating func copyStrings(_ fields: FieldAccess, _ range: Range<Int>) {
            var total = 0
            for row in range { total &+= fields.field(row).1 }
            var used = bytes.count
            bytes.append(contentsOf: repeatElement(0, count: total))
            offsets.append(contentsOf: repeatElement(0, count: range.count))
            var nulls = 0
            bytes.withUnsafeMutableBufferPointer { byteBuffer in
                offsets.withUnsafeMutableBufferPointer { offsetBuffer in
                    words.withUnsafeMutableBufferPointer { wordBuffer in
                        let out = byteBuffer.baseAddress
                        let offs = offsetBuffer.baseAddress!
                        let w = wordBuffer.baseAddress!
                        for row in range {
                            let (p, length, quoted) = fields.field(row)
                            if Self.isNullString(p, length, quoted) {
                                nulls &+= 1
                            } else {
                                SWAR.copy(out! + used, p, length)
                                if let bad = UTF8Validation.firstInvalid(p, length) { invalid.append((row, bad)) }
                                used &+= length
                                w[row >> 6] |= 1 << UInt64(row & 63)
                            }
                            offs[row + 1] = UInt32(truncatingIfNeeded: used)
                        }
                    }
                }
            }
            bytes.removeLast(bytes.count - used)
            self.nulls &+= nulls
        }

        /// The finished column of `rows` rows, and whether its strings ended up plain because they
        /// had too many distinct values.
        mutating func finish(rows: Int) -> (Column, Bool) {
            precondition(rows == self.rows, "every row group was converted")
            var plain = false
            if encoding && (rows < 16 || encoder.count > max(16, min(rows / 4, 65_536))) {
                // A handful of rows, or too many distinct values: plain strings.
                plain = rows >= 16
                dropDictionary()
            } else if type == .string && !encoding {
                plain = true
            }
            let values: ColumnValues
            switch type {
            case .int64: values = .int64(integers)
            case .timestamp: values = .timestamp(integers)
            case .float64: values = .float64(doubles)
            case .date: values = .date(days)
            case .bool: values = .bool(flags)
            case .string:
                values = encoding
                    ? .dictionary(codes: codes, dictionary: encoder.dictionary)
                    : .string(StringArray(bytes: bytes, offsets: offsets))
            }
            let validity: Bitmap? = nulls == 0 ? nil : Bitmap(words: words, count: rows)
            return (Column(type: type, values: values, validity: validity, count: rows), plain)
        }
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
