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
        var columns = convertAll(block, index, rejected: &rejectedRows)
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
        let delimiterMask = UInt64(delimiter) &* 0x0101_0101_0101_0101
        let newlineMask = UInt64(newline) &* 0x0101_0101_0101_0101
        let quoteMask = UInt64(quote) &* 0x0101_0101_0101_0101
        var line = 0
        var p = start
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
                            while p + 8 <= end {
                                let word = UnsafeRawPointer(p).loadUnaligned(as: UInt64.self)
                                let hits = Self.matches(word, delimiterMask) | Self.matches(word, newlineMask) | Self.matches(word, quoteMask)
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

                // The fast path: a scanner yields the delimiters, newlines and quotes 8 bytes at a
                // time (SWAR); a record without quotes and with the right number of fields is cut
                // at those positions directly. Anything else (a quote, a blank line, a wrong
                // field count) is tokenised again by `slowRow`, which reports it.
                var scanner = StructuralScanner(end: end, delimiter: delimiter, newline: newline, quote: quote)
                scanner.reset(at: p)
                /// Tokenises one plain record at `p`; false (with `p`, `line` unchanged) to leave it to `slowRow`.
                func fastRow() -> Bool {
                    let rowStart = p
                    if p[0] == newline || p[0] == cr { return false }
                    index.starts.reserve((index.rows + 1) * slots, keeping: index.rows * slots)
                    index.ends.reserve((index.rows + 1) * slots, keeping: index.rows * slots)
                    let rowBase = index.rows * slots
                    let starts = index.starts.base + rowBase
                    let ends = index.ends.base + rowBase
                    var field = 0
                    var fieldStart = p
                    while true {
                        let at = scanner.next()
                        let byte = at < end ? at[0] : newline
                        if byte == quote { return false }
                        var fieldEnd = at
                        if byte == newline, fieldEnd > fieldStart, fieldEnd[-1] == cr { fieldEnd -= 1 }
                        if field < columnCount {
                            let slot = outputs[field]
                            if slot >= 0 {
                                starts[slot] = UInt32(fieldStart - start)
                                ends[slot] = UInt32(fieldEnd - start)
                            }
                        }
                        field += 1
                        if byte == delimiter {
                            fieldStart = at + 1
                            continue
                        }
                        guard field == columnCount else { return false }
                        var rawEnd = at
                        if rawEnd > rowStart, rawEnd[-1] == cr { rawEnd -= 1 }
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
                        return true
                    }
                }
                while p < end {
                    if fastRow() { continue }
                    slowRow()
                    scanner.reset(at: p)
                }
            }
        }
        return line
    }

    /// High bit set in each byte of `word` equal to the byte broadcast in `mask` (the lowest set
    /// bit is exact; bits above a match may be spurious, so only the lowest is used).
    @inline(__always)
    private static func matches(_ word: UInt64, _ mask: UInt64) -> UInt64 {
        let x = word ^ mask
        return (x &- 0x0101_0101_0101_0101) & ~x & 0x8080_8080_8080_8080
    }

    // MARK: - Phase 2: convert

    /// Rows converted together. Converting a whole 2 MiB block column by column fetches every
    /// row's cache lines (text and field index) once per column from L3; a group of this many rows
    /// (about 150 KB of text and 130 KB of field index for `layanan`'s 31 columns) stays in L2
    /// while each of its columns is converted.
    static let rowGroup = 512

    private func convertAll(_ block: UnsafeRawBufferPointer, _ index: FieldIndex, rejected: inout [Int: RejectedRow]) -> [Column] {
        let slots = outputNames.count
        let rows = index.rows
        let base = block.baseAddress!.assumingMemoryBound(to: UInt8.self)
        let types = state.snapshot()
        var converters = (0..<slots).map { slot in
            ColumnConverter(
                fields: FieldAccess(
                    starts: index.starts.base, ends: index.ends.base, block: base, slots: slots, slot: slot,
                    escapes: index.escapes),
                type: types[slot], rows: rows,
                dictionaryLimit: rows >= 16 && !cardinality.isHigh(slot) ? max(16, min(rows / 4, 65_536)) : nil,
                decimal: dialect.decimalSeparator)
        }
        var low = 0
        while low < rows {
            let high = min(rows, low + Self.rowGroup)
            for slot in 0..<slots {
                converters[slot].convert(low..<high)
                if converters[slot].failures.isEmpty || state.declared[slot] { continue }
                // A value does not fit the inferred type: widen this column and convert it again
                // from the first row (rare: the sample in the file's head usually has it right).
                while let needed = converters[slot].typeForFailures(isIdentifier: IdentifierHints.isIdentifier(outputNames[slot])) {
                    converters[slot].restart(as: state.widen(slot, toHold: needed))
                    converters[slot].convert(0..<high)
                }
            }
            low = high
        }
        var columns: [Column] = []
        columns.reserveCapacity(slots)
        for slot in 0..<slots {
            var converter = converters[slot]
            if converter.fellBackToPlain { cardinality.markHigh(slot) }
            for (row, offset) in converter.invalid {
                reject(row, slot: slot, kind: .invalidUTF8, index: index, block: base, rejected: &rejected,
                       message: "invalid UTF-8 at byte \(offset + 1) of the field (the file may be Latin-1 or Windows-1252: convert it with iconv -f WINDOWS-1252 -t UTF-8)")
            }
            for row in converter.failures {
                reject(row, slot: slot, kind: .castFailed, index: index, block: base, rejected: &rejected,
                       message: "could not convert \"\(converter.fields.raw(row))\" to \(converter.type) (\(state.declared[slot] ? "declared" : "inferred") type of column '\(outputNames[slot])')")
            }
            columns.append(converter.finish())
        }
        return columns
    }

    /// Reads the fields of one column from the field index.
    private struct FieldAccess {
        let starts: UnsafeMutablePointer<UInt32>
        let ends: UnsafeMutablePointer<UInt32>
        let block: UnsafePointer<UInt8>
        let slots: Int
        let slot: Int
        let escapes: [Int: [UInt8]]

        /// Pointer, length and quoted flag of the field in `row` (unescaped text for doubled quotes).
        @inline(__always)
        func field(_ row: Int) -> (UnsafePointer<UInt8>, Int, Bool) {
            let position = row &* slots &+ slot
            let start = Int(starts[position])
            let packed = ends[position]
            let quoted = packed & CSVBlockParser.quotedFlag != 0
            if packed & CSVBlockParser.escapedFlag != 0, let unescaped = escapes[position] {
                // Escaped fields are rare; their unescaped copy lives as long as the index.
                return unescaped.withUnsafeBufferPointer { ($0.baseAddress ?? block, $0.count, quoted) }
            }
            return (block + start, Int(packed & CSVBlockParser.offsetMask) &- start, quoted)
        }

        /// The raw (still escaped) bytes of the field, for messages.
        func raw(_ row: Int) -> String {
            let position = row &* slots &+ slot
            let start = Int(starts[position])
            let length = Int(ends[position] & CSVBlockParser.offsetMask) - start
            return String(decoding: UnsafeBufferPointer(start: block + start, count: min(length, 60)), as: UTF8.self)
        }
    }

    /// One column of a block being converted, a group of rows at a time, into exact-size arrays.
    private struct ColumnConverter {
        let fields: FieldAccess
        private(set) var type: DataType
        let rows: Int
        let decimal: UInt8
        /// Most distinct values a dictionary-encoded string column may have; nil for plain strings.
        private var dictionaryLimit: Int?
        private(set) var fellBackToPlain = false

        private var words: [UInt64]
        private var nulls = 0
        /// Rows whose text does not parse as `type`.
        private(set) var failures: [Int] = []
        /// Rows with invalid UTF-8 and the offset of the first bad byte.
        private(set) var invalid: [(Int, Int)] = []

        private var integers: [Int64] = []
        private var doubles: [Double] = []
        private var days: [Int32] = []
        private var flags: [UInt8] = []
        private var codes: [UInt32] = []
        private var encoder: DictionaryBuilder?
        private var bytes: [UInt8] = []
        private var offsets: [UInt32] = []

        init(fields: FieldAccess, type: DataType, rows: Int, dictionaryLimit: Int?, decimal: UInt8) {
            self.fields = fields
            self.type = type
            self.rows = rows
            self.dictionaryLimit = dictionaryLimit
            self.decimal = decimal
            words = []
            restart(as: type)
        }

        /// Drops what was converted and starts again from the first row as `newType`.
        mutating func restart(as newType: DataType) {
            type = newType
            words = [UInt64](repeating: 0, count: (rows + 63) >> 6)
            nulls = 0
            failures = []
            invalid = []
            integers = []
            doubles = []
            days = []
            flags = []
            codes = []
            encoder = nil
            bytes = []
            offsets = []
            switch newType {
            case .int64, .timestamp: integers = [Int64](repeating: 0, count: rows)
            case .float64: doubles = [Double](repeating: 0, count: rows)
            case .date: days = [Int32](repeating: 0, count: rows)
            case .bool: flags = [UInt8](repeating: 0, count: rows)
            case .string:
                if dictionaryLimit != nil {
                    codes = [UInt32](repeating: 0, count: rows)
                    encoder = DictionaryBuilder(expected: 16)
                } else {
                    offsets = [UInt32](repeating: 0, count: rows + 1)
                }
            }
        }

        /// The wider type the failed rows need, or nil when the current type holds them.
        func typeForFailures(isIdentifier: Bool) -> DataType? {
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

        @inline(__always)
        private static func isNull(_ p: UnsafePointer<UInt8>, _ length: Int, _ quoted: Bool) -> Bool {
            length == 0 || (!quoted && length == 4 && ValueParser.isNullMarker(p, 4))
        }

        @inline(__always)
        private static func convertFixed<T>(
            _ fields: FieldAccess, _ range: Range<Int>, into values: inout [T], zero: T, words: inout [UInt64],
            nulls: inout Int, failures: inout [Int], _ parse: (UnsafePointer<UInt8>, Int) -> T?
        ) {
            values.withUnsafeMutableBufferPointer { valueBuffer in
                words.withUnsafeMutableBufferPointer { wordBuffer in
                    let out = valueBuffer.baseAddress!
                    let w = wordBuffer.baseAddress!
                    for row in range {
                        let (p, length, quoted) = fields.field(row)
                        if isNull(p, length, quoted) {
                            out[row] = zero
                            nulls &+= 1
                        } else if let value = parse(p, length) {
                            out[row] = value
                            w[row >> 6] |= 1 << UInt64(row & 63)
                        } else {
                            out[row] = zero
                            nulls &+= 1
                            failures.append(row)
                        }
                    }
                }
            }
        }

        /// Converts `range` (groups arrive in order; after a restart, from row 0).
        mutating func convert(_ range: Range<Int>) {
            guard !range.isEmpty else { return }
            switch type {
            case .int64:
                Self.convertFixed(fields, range, into: &integers, zero: 0, words: &words, nulls: &nulls, failures: &failures, ValueParser.int64)
            case .timestamp:
                Self.convertFixed(fields, range, into: &integers, zero: 0, words: &words, nulls: &nulls, failures: &failures, ValueParser.timestamp)
            case .float64:
                let decimal = decimal
                Self.convertFixed(fields, range, into: &doubles, zero: 0, words: &words, nulls: &nulls, failures: &failures) {
                    ValueParser.double($0, $1, decimalSeparator: decimal)
                }
            case .date:
                Self.convertFixed(fields, range, into: &days, zero: 0, words: &words, nulls: &nulls, failures: &failures, ValueParser.date)
            case .bool:
                Self.convertFixed(fields, range, into: &flags, zero: 0, words: &words, nulls: &nulls, failures: &failures) {
                    ValueParser.bool($0, $1).map { $0 ? 1 : 0 }
                }
            case .string:
                if encoder != nil {
                    if !encodeStrings(range) {
                        // Too many distinct values for a dictionary: plain strings from the first row.
                        dictionaryLimit = nil
                        fellBackToPlain = true
                        restart(as: .string)
                        copyStrings(0..<range.upperBound)
                    }
                } else {
                    copyStrings(range)
                }
            }
        }

        @inline(__always)
        private static func isNullString(_ p: UnsafePointer<UInt8>, _ length: Int, _ quoted: Bool) -> Bool {
            !quoted && (length == 0 || (length == 4 && ValueParser.isNullMarker(p, 4)))
        }

        /// Dictionary-encodes `range`; false when the dictionary outgrew its limit.
        private mutating func encodeStrings(_ range: Range<Int>) -> Bool {
            let limit = dictionaryLimit ?? Int.max
            var encoder = self.encoder!
            self.encoder = nil
            defer { self.encoder = encoder }
            let fields = fields
            var nulls = 0
            let complete = codes.withUnsafeMutableBufferPointer { codeBuffer in
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
                        if encoder.count > limit { return false }
                    }
                    return true
                }
            }
            self.nulls &+= nulls
            return complete
        }

        /// Copies `range` as plain strings (bytes + offsets).
        private mutating func copyStrings(_ range: Range<Int>) {
            let fields = fields
            var total = 0
            for row in range { total &+= fields.field(row).1 }
            var used = bytes.count
            bytes.append(contentsOf: repeatElement(0, count: total))
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
                                (out! + used).update(from: p, count: length)
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

        /// The finished column.
        mutating func finish() -> Column {
            let values: ColumnValues
            switch type {
            case .int64: values = .int64(integers)
            case .timestamp: values = .timestamp(integers)
            case .float64: values = .float64(doubles)
            case .date: values = .date(days)
            case .bool: values = .bool(flags)
            case .string:
                if let encoder {
                    values = .dictionary(codes: codes, dictionary: encoder.dictionary)
                } else {
                    values = .string(StringArray(bytes: bytes, offsets: offsets))
                }
            }
            let validity: Bitmap? = nulls == 0 ? nil : Bitmap(words: words, count: rows)
            return Column(type: type, values: values, validity: validity, count: rows)
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

/// Yields, in order, the positions of the delimiter, newline and quote bytes of a buffer, finding
/// them 16 bytes at a time with SIMD compares (SSE2 on x86-64) folded into a bit per byte.
struct StructuralScanner {
    let end: UnsafePointer<UInt8>
    let delimiters: SIMD16<UInt8>
    let newlines: SIMD16<UInt8>
    let quotes: SIMD16<UInt8>
    /// Start of the current 16-byte window.
    private var window: UnsafePointer<UInt8>
    /// One bit per structural byte of the window not yet returned.
    private var mask: UInt32 = 0

    init(end: UnsafePointer<UInt8>, delimiter: UInt8, newline: UInt8, quote: UInt8) {
        self.end = end
        delimiters = SIMD16(repeating: delimiter)
        newlines = SIMD16(repeating: newline)
        quotes = SIMD16(repeating: quote)
        window = end
    }

    /// Restarts the scan at `position`.
    mutating func reset(at position: UnsafePointer<UInt8>) {
        window = position
        mask = position < end ? structural(at: position) : 0
    }

    /// The next structural byte's position, or `end` when there is none.
    @inline(__always)
    mutating func next() -> UnsafePointer<UInt8> {
        while mask == 0 {
            window += 16
            if window >= end { return end }
            mask = structural(at: window)
        }
        let position = window + mask.trailingZeroBitCount
        mask &= mask &- 1
        return position
    }

    @inline(__always)
    private func structural(at position: UnsafePointer<UInt8>) -> UInt32 {
        let available = end - position
        let bytes: SIMD16<UInt8>
        var valid: UInt32 = 0xFFFF
        if available >= 16 {
            bytes = UnsafeRawPointer(position).loadUnaligned(as: SIMD16<UInt8>.self)
        } else {
            var padded = SIMD16<UInt8>(repeating: 0)
            withUnsafeMutableBytes(of: &padded) { $0.copyMemory(from: UnsafeRawBufferPointer(start: position, count: available)) }
            bytes = padded
            valid = (1 << UInt32(available)) &- 1
        }
        let hits = (bytes .== delimiters) .| (bytes .== newlines) .| (bytes .== quotes)
        // Each lane is 0x00 or 0xFF: gather the top bit of each byte into 8 bits per half.
        let lanes = unsafeBitCast(SIMD16<UInt8>(repeating: 0).replacing(with: 0x80, where: hits), to: SIMD2<UInt64>.self)
        let low = (lanes[0] &* 0x0002_0408_1020_4081) >> 56
        let high = (lanes[1] &* 0x0002_0408_1020_4081) >> 56
        return (UInt32(truncatingIfNeeded: low) | UInt32(truncatingIfNeeded: high) << 8) & valid
    }
}
