import Foundation
import LumbungCore

/// One field of a record, as offsets into the bytes scanned: the text between the quotes of a
/// quoted field (doubled quotes still doubled), an unquoted field without a trailing CR.
struct FieldSpan {
    var start: Int
    var end: Int
    var quoted: Bool
    /// Holds a doubled quote (`""`); `CSVRecordScanner.text(of:in:)` undoes it.
    var escaped: Bool
}

/// Cuts the head of a CSV file into records and fields without copying, for the header and the
/// inference sample (blocks of records go through `CSVBlockParser`).
///
/// A lone LF is a blank line and skipped; a quoted field may hold delimiters, newlines and doubled
/// quotes. Text after a closing quote is dropped up to the next delimiter or newline, and a quote
/// inside an unquoted field is kept as text; both mark the record `malformed` (the block parser
/// rejects such a record).
struct CSVRecordScanner {
    let delimiter: UInt8
    let quote: UInt8
    /// The fields of the record `next` cut last.
    private(set) var fields: [FieldSpan] = []
    /// Whether that record holds a quote where the block parser would reject it.
    private(set) var malformed = false
    /// The offset just past the last record cut (and the blank lines before it).
    private(set) var consumed = 0
    /// Newlines up to `consumed`.
    private(set) var lines = 0

    private let delimiterMask: UInt64
    private let newlineMask: UInt64 = 0x0a0a_0a0a_0a0a_0a0a
    private let quoteMask: UInt64

    init(dialect: CSVDialect) {
        delimiter = dialect.delimiter
        quote = dialect.quote
        delimiterMask = SWAR.broadcast(delimiter)
        quoteMask = SWAR.broadcast(quote)
    }

    /// Cuts the next record of `bytes`, from `consumed`. False at the end of the bytes, or at a record
    /// they cut short: the rest is a record of its own only when `atEnd` (and its quotes are closed).
    mutating func next(_ bytes: UnsafeBufferPointer<UInt8>, atEnd: Bool) -> Bool {
        guard let base = bytes.baseAddress else { return false }
        let count = bytes.count
        let newline: UInt8 = 0x0a
        var index = consumed
        while index < count && base[index] == newline {
            index += 1
            lines += 1
            consumed = index
        }
        guard index < count else { return false }
        fields.removeAll(keepingCapacity: true)
        malformed = false
        var recordLines = 0
        while true {
            var field = FieldSpan(start: index, end: index, quoted: false, escaped: false)
            if index < count && base[index] == quote {
                field.quoted = true
                index += 1
                field.start = index
                var closed = false
                while index < count {
                    let byte = base[index]
                    if byte == quote {
                        if index + 1 < count && base[index + 1] == quote {
                            field.escaped = true
                            index += 2
                            continue
                        }
                        field.end = index
                        index += 1
                        closed = true
                        break
                    }
                    if byte == newline { recordLines += 1 }
                    index += 1
                }
                guard closed else { return false }
                if index < count, base[index] != delimiter, base[index] != newline,
                    !(base[index] == 0x0d && (index + 1 == count || base[index + 1] == newline))
                {
                    malformed = true
                }
                while index < count && base[index] != delimiter && base[index] != newline { index += 1 }
            } else {
                // Eight bytes at a time up to the first delimiter, newline or quote (SWAR).
                while index + 8 <= count {
                    let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
                    let hits = SWAR.matches(word, delimiterMask) | SWAR.matches(word, newlineMask) | SWAR.matches(word, quoteMask)
                    if hits != 0 {
                        index += hits.trailingZeroBitCount >> 3
                        break
                    }
                    index += 8
                }
                while index < count {
                    let byte = base[index]
                    if byte == delimiter || byte == newline { break }
                    if byte == quote { malformed = true }
                    index += 1
                }
                field.end = index
                if field.end > field.start && base[field.end - 1] == 0x0d { field.end -= 1 }
            }
            fields.append(field)
            if index < count && base[index] == delimiter {
                index += 1
                continue
            }
            if index < count {
                index += 1
                recordLines += 1
            } else if !atEnd {
                return false
            }
            consumed = index
            lines += recordLines
            return true
        }
    }

    /// The text of `field`, doubled quotes undone.
    func text(of field: FieldSpan, in bytes: [UInt8]) -> ArraySlice<UInt8> {
        let raw = bytes[field.start..<field.end]
        guard field.escaped else { return raw }
        var unescaped: [UInt8] = []
        unescaped.reserveCapacity(raw.count)
        var index = raw.startIndex
        while index < raw.endIndex {
            unescaped.append(raw[index])
            index += raw[index] == quote ? 2 : 1
        }
        return unescaped[...]
    }
}

/// What the head of a CSV file settles before any block is parsed: the dialect, the header, the
/// columns to materialise, and the type each starts with (declared, or inferred from the sample:
/// the first `ReadOptions.sampleRows` records of the head that have as many fields as the header).
struct CSVHead {
    var dialect: CSVDialect
    /// Every column of the file, in order.
    var names: [String]
    /// For each file column, its output position, or -1 when it is not materialised.
    var outputIndex: [Int]
    var outputNames: [String]
    /// Per output column: its type, and whether the options declared it.
    var types: [DataType]
    var declared: [Bool]
    /// Bytes (blank lines before the header included) and newlines of the header record.
    var headerBytes: Int
    var headerLines: Int

    /// Reads the header and infers the types of `head`, the first block of a file (`atEnd`: the
    /// whole file). With `throughHead`, the records of the head after the sample widen the types
    /// as the block parser would when it parsed them, so that the types are those a read has after
    /// its first block (what a probe reports).
    /// - Throws: `LumbungError.data` for an empty file or a bad header; `.usage` for a projected
    ///   column the file lacks.
    init(_ head: [UInt8], path: String, atEnd: Bool, options: ReadOptions, throughHead: Bool = false) throws {
        guard !head.isEmpty else {
            throw LumbungError.data(DataError(
                .missingHeader, file: path, line: 1, column: 1, message: "the file is empty: a header row is required"))
        }
        let delimiter = options.delimiter ?? head.prefix(1 << 16).withUnsafeBytes { CSVDialect.sniffDelimiter($0) }
        var dialect = CSVDialect(delimiter: delimiter)
        var scanner = CSVRecordScanner(dialect: dialect)

        // Header: the first record.
        guard head.withUnsafeBufferPointer({ scanner.next($0, atEnd: atEnd) }), scanner.consumed > 0 else {
            throw LumbungError.data(DataError(
                .lineTooLong, file: path, line: 1, message: "the header row does not end within the first \(head.count) bytes",
                hint: "check the quoting of the header"))
        }
        let header = scanner.fields.map { FieldText(bytes: scanner.text(of: $0, in: head), quoted: $0.quoted) }
        let names = try CSVReader.headerNames(header, path: path)

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
        let fileIndex = names.indices.filter { outputIndex[$0] >= 0 }
        let declaredTypes = fileIndex.map { options.schema?[names[$0]]?.type }
        let identifiers = fileIndex.map { IdentifierHints.isIdentifier(names[$0]) }
        /// (output column, file column) of the columns whose types are inferred.
        let inferred = fileIndex.enumerated().filter { declaredTypes[$0.offset] == nil }

        // Types: declared, else inferred from the sample (identifiers stay strings).
        let bodyStart = scanner
        /// Runs `body` on each of the next `limit` records from `start` that have as many fields as
        /// the header (the others will be rejected), with the record's fields and `malformed`.
        func records(_ limit: Int, from start: CSVRecordScanner, _ body: (UnsafePointer<UInt8>, [FieldSpan], Bool) -> Void) {
            scanner = start
            head.withUnsafeBufferPointer { bytes in
                var count = 0
                while count < limit, scanner.next(bytes, atEnd: atEnd) {
                    count += 1
                    if scanner.fields.count == names.count { body(bytes.baseAddress!, scanner.fields, scanner.malformed) }
                }
            }
        }
        if let decimalComma = options.decimalComma {
            if decimalComma { dialect.decimalSeparator = UInt8(ascii: ",") }
        } else if delimiter != UInt8(ascii: ",") {
            var marks = DecimalMarks()
            records(options.sampleRows, from: bodyStart) { base, spans, _ in
                for field in spans { marks.add(base + field.start, field.end - field.start) }
            }
            if marks.isComma { dialect.decimalSeparator = UInt8(ascii: ",") }
        }
        let separator = dialect.decimalSeparator
        var sample = TypeSample(count: fileIndex.count)
        /// Per output column: a well-formed record of the sample has a CR before a delimiter in it.
        var crBeforeDelimiter = [Bool](repeating: false, count: fileIndex.count)
        records(options.sampleRows, from: bodyStart) { base, spans, malformed in
            for (column, file) in inferred {
                let field = spans[file]
                sample.add(column, base + field.start, field.end - field.start, quoted: field.quoted, decimalSeparator: separator)
                if !malformed && !field.quoted && file < names.count - 1 && base[field.end] == 0x0d {
                    crBeforeDelimiter[column] = true
                }
            }
        }
        var types = fileIndex.indices.map { column in
            if let type = declaredTypes[column] { return type }
            let type = sample.types[column] ?? .string
            return options.identifierHints && type.isNumeric && identifiers[column] ? .string : type
        }
        if throughHead {
            // The block parser reads every value of the sample as the type inferred from it, but
            // for a CR before a delimiter: it keeps it in the field, which no type but string reads.
            for (column, _) in inferred where crBeforeDelimiter[column] { types[column] = .string }
            // The records after the sample, as the block parser reads them: a malformed record is
            // rejected, a value that does not read as its column's type widens it.
            records(.max, from: scanner) { base, spans, malformed in
                guard !malformed else { return }
                for (column, file) in inferred where types[column] != .string {
                    let field = spans[file]
                    var length = field.end - field.start
                    if !field.quoted && file < names.count - 1 && base[field.end] == 0x0d { length += 1 }
                    if let wider = TypeInference.parserWidening(
                        types[column], base + field.start, length, quoted: field.quoted, decimalSeparator: separator,
                        identifier: identifiers[column])
                    {
                        types[column] = wider
                    }
                }
            }
        }
        self.dialect = dialect
        self.names = names
        self.outputIndex = outputIndex
        self.outputNames = outputNames
        self.types = types
        declared = declaredTypes.map { $0 != nil }
        headerBytes = bodyStart.consumed
        headerLines = bodyStart.lines
    }
}
