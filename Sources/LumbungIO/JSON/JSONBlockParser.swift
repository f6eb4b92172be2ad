import Foundation
import LumbungCore

#if canImport(Glibc)
import Glibc
#endif

/// Parses a block of whole JSON records (NDJSON lines, or elements of a top-level array) straight
/// into typed columns.
///
/// One pass over the bytes validates each record (strict grammar, escapes, surrogate pairs, UTF-8)
/// and converts each leaf value while its bytes are hot: integers as they are scanned, floats,
/// dates and timestamps by their column's type, strings into a per-column dictionary while the
/// column repeats its values (plain bytes otherwise). Nested objects become dotted columns; arrays
/// stay as their JSON text. Keys are matched against the key that followed the same key last time
/// (records of a file almost always share their key order), so a key usually costs one short byte
/// comparison and is not scanned twice; a hash table catches the rest.
///
/// Columns live in `JSONColumnBuffer`s: no `String` per value, no Swift array appended to per
/// value, and a rejected record is rolled back in O(1). A value that does not fit widens an
/// inferred type through the shared `JSONColumnState`: int64 → float64 and date → timestamp in
/// place; to string the block is parsed again, so that its values keep their JSON text. A value that
/// does not fit a declared type rejects its record.
struct JSONBlockParser: BlockParser {
    let path: String
    let isArray: Bool
    let state: JSONColumnState
    /// Only these columns are materialised (`nil`: all).
    let projection: Set<String>?
    /// Dotted prefixes of projected names: objects under these keys must be descended into.
    let projectionPrefixes: Set<String>
    let identifierHints: Bool
    /// The array splitter cut speculatively: check that every block is whole elements, and tell
    /// `state` when one is not (the reader then reads again with the exact splitter).
    let verifyArrayBlocks: Bool

    init(
        path: String, isArray: Bool, state: JSONColumnState, projection: [String]?, identifierHints: Bool,
        verifyArrayBlocks: Bool = false
    ) {
        self.path = path
        self.isArray = isArray
        self.verifyArrayBlocks = verifyArrayBlocks
        self.state = state
        self.identifierHints = identifierHints
        if let projection {
            self.projection = Set(projection)
            var prefixes = Set<String>()
            for name in projection {
                var prefix = ""
                for part in name.split(separator: ".", omittingEmptySubsequences: false).dropLast() {
                    prefix = prefix.isEmpty ? String(part) : prefix + "." + part
                    prefixes.insert(prefix)
                }
            }
            projectionPrefixes = prefixes
        } else {
            self.projection = nil
            projectionPrefixes = []
        }
    }

    func parse(_ block: UnsafeRawBufferPointer, isLast: Bool) -> ParsedBlock {
        precondition(block.count < 1 << 32, "JSON blocks are limited to 4 GiB")
        while true {
            var worker = JSONBlockWorker(config: self, block: block, isLast: isLast)
            let parsed = worker.run()
            worker.release()
            if let parsed { return parsed }
        }
    }
}

/// What a leaf value is (phase 1 keeps its text; numbers carry their Int64 when they fit).
enum JSONKind {
    static let null: UInt8 = 0
    static let falseValue: UInt8 = 1
    static let trueValue: UInt8 = 2
    static let int: UInt8 = 3
    static let float: UInt8 = 4
    static let bigInt: UInt8 = 5
    static let string: UInt8 = 6
    static let array: UInt8 = 7
}

/// A key under a parent object (node 0 is the top level).
struct JSONKeyNode {
    var parent: Int32
    /// The key's raw bytes in the key arena, followed by its closing quote and, when it was seen
    /// with one, the colon and whitespace up to the value (`patternLength` bytes in all).
    var keyStart: Int32
    var keyLength: Int32
    var hash: UInt32
    var patternLength: Int32 = 0
    var patternHasColon = false
    /// `patternLength` when the pattern has the colon, else more than a block holds (blocks are
    /// under 4 GiB): the fast path takes only keys whose pattern reaches the value, and checks
    /// both with one compare.
    var fastPatternLength = UInt32.max
    /// The first and last 8 bytes of the pattern (when it has at least 8): the fast path checks a
    /// pattern of up to 16 bytes against these alone, without a visit to the key arena.
    var patternHead: UInt64 = 0
    var patternTail: UInt64 = 0
    /// Local column: -1 not resolved yet, -2 not materialised.
    var column: Int32 = -1
    /// The key that came first in this object last time, and the key that followed this one.
    var firstChild: Int32 = -1
    var next: Int32 = -1
    /// Whether object values under this key are parsed (false: skipped, by projection).
    var descend: Bool = true
}

/// The first value of a record that did not fit its column's declared type.
struct CastFailure {
    var source: UnsafePointer<UInt8>
    var column: Int
    var message: String
}

struct JSONBlockWorker {
    let config: JSONBlockParser
    let base: UnsafePointer<UInt8>
    let blockEnd: UnsafePointer<UInt8>
    var s: JSONScanner
    /// Decoded strings and compacted arrays of the current record.
    var scratch = RawVec<UInt8>(capacity: 1024)
    /// The key of each object the fast path is inside.
    var fastStack = RawVec<Int32>(capacity: 64)
    // Keys.
    var nodes = RawVec<JSONKeyNode>(capacity: 64)
    var nodeNames: [String] = [""]
    var keyArena = RawVec<UInt8>(capacity: 1024)
    var table = RawVec<Int32>(capacity: 256)
    var tableMask = 255
    // Columns of this block, in first-seen order.
    var columnNames: [String] = []
    /// Two keys may name one column: `"a"` and `"\u0061"`, or `"a.b"` and `"a": {"b": …}`.
    var columnByName: [String: Int32] = [:]
    var columnGlobal = RawVec<Int>(capacity: 32)
    var columnNode = RawVec<Int32>(capacity: 32)
    var columnDeclared = RawVec<Bool>(capacity: 32)
    var columnIdentifier = RawVec<Bool>(capacity: 32)
    var buffers = RawVec<JSONColumnBuffer>(capacity: 32)
    var rows = 0
    /// Columns given a value in the current record.
    var distinct = 0
    var columnsAtRowStart = 0
    var castFailure: CastFailure?
    /// Set by `scanKey`: the key's pattern took the colon too, `s.p` is at the value.
    var keyAtValue = false
    /// A column must widen to string: the block is parsed again with the new types.
    var needsReparse = false
    /// The block is the last of the input.
    let isLast: Bool
    var lines = 0
    let estimatedRows: Int
    let dictionaryLimit: Int
    var rejects: [RejectedRow] = []
    var warnings: [String] = []
    var warned = Set<String>()

    init(config: JSONBlockParser, block: UnsafeRawBufferPointer, isLast: Bool) {
        self.config = config
        self.isLast = isLast
        let start = block.baseAddress?.assumingMemoryBound(to: UInt8.self) ?? UnsafePointer(bitPattern: 1)!
        base = start
        blockEnd = start + block.count
        s = JSONScanner(start, start + block.count)
        s.endName = config.isArray ? "input" : "line"
        let perRow = config.state.bytesPerRow
        estimatedRows = perRow > 0 ? Int(Double(block.count) / perRow * 1.05) + 16 : block.count / 256 + 16
        dictionaryLimit = max(16, min(estimatedRows / 4, 65_536))
        for _ in 0..<256 { table.append(-1) }
        nodes.append(JSONKeyNode(parent: -1, keyStart: 0, keyLength: 0, hash: 0))
    }

    func release() {
        scratch.free()
        fastStack.free()
        nodes.free()
        keyArena.free()
        table.free()
        columnGlobal.free()
        columnNode.free()
        columnDeclared.free()
        columnIdentifier.free()
        for index in 0..<buffers.count { buffers.base[index].free(to: config.state.pool) }
        buffers.free()
    }

    /// The parsed block, or `nil` when a column widened to string (parse again).
    mutating func run() -> ParsedBlock? {
        if config.isArray { runArray() } else { runLines() }
        if needsReparse { return nil }
        var columns: [Column] = []
        columns.reserveCapacity(columnNames.count)
        for column in 0..<columnNames.count {
            let buffer = buffers.base + column
            if buffer.pointee.type == nil {
                // Only nulls so far: a placeholder the reader replaces once the column's type is known.
                columns.append(Column.nulls(type: .string, count: rows))
                continue
            }
            if let dictionary = buffer.pointee.dictionary, rows >= 16, dictionary.count > max(16, min(rows / 4, 65_536)) {
                buffer.pointee.dropDictionary(pool: config.state.pool, stringBytes: dictionary.dictionary.bytes.count * 4)
                config.state.cardinality.markHigh(columnGlobal.base[column])
            }
            if buffer.pointee.type == .string && buffer.pointee.dictionary == nil && rows > 0 {
                config.state.noteStringBytesPerValue(columnGlobal.base[column], buffer.pointee.bytes.count / rows + 1)
            }
            if let dictionary = buffer.pointee.dictionary {
                config.state.cardinality.record(
                    columnGlobal.base[column], plain: false,
                    dictionary: DictionarySize(values: dictionary.count, bytes: dictionary.dictionary.bytes.count))
            }
            columns.append(buffer.pointee.finish())
        }
        return ParsedBlock(
            names: columnNames, chunk: Chunk(columns: columns, count: rows), rejects: rejects, lines: lines,
            warnings: warnings)
    }

    /// Line (relative to the block) and byte column of `at` in the record starting at `rowStart`.
    /// On the block's first line of a JSON array the column counts from the block start, and is
    /// returned negative for the reader to shift (it knows where the block starts in its line).
    private func position(
        of at: UnsafePointer<UInt8>, rowStart: UnsafePointer<UInt8>, counter: inout LineCounter
    ) -> (line: Int, column: Int) {
        counter.advance(to: rowStart)
        let line = counter.line
        counter.advance(to: max(at, rowStart))
        let column = max(at, rowStart) - counter.lineStart + 1
        return (line, config.isArray && counter.line == 0 ? -column : column)
    }

    // MARK: Records

    @inline(__always)
    private mutating func beginRecord() {
        scratch.count = 0
        distinct = 0
        columnsAtRowStart = columnNames.count
        // Only when set: clearing it releases its message, a runtime call per record otherwise.
        if castFailure != nil { castFailure = nil }
        s.errorAt = nil
    }

    /// Completes a parsed record: fills the columns it lacks with nulls.
    @inline(__always)
    private mutating func endRecord() {
        let columnCount = columnNames.count
        if distinct < columnCount {
            for column in 0..<columnCount where buffers.base[column].count == rows {
                buffers.base[column].appendNull()
            }
        }
        rows += 1
    }

    /// Rolls back the values the fast path appended for the current record.
    @inline(never)
    mutating func undoAppends() {
        for column in 0..<columnNames.count where buffers.base[column].count > rows {
            buffers.base[column].truncate(to: rows)
        }
        scratch.count = 0
        distinct = 0
    }

    /// Rolls back a rejected record, and forgets the columns first seen in it.
    private mutating func dropRecord() {
        for column in 0..<columnNames.count where buffers.base[column].count > rows {
            buffers.base[column].truncate(to: rows)
        }
        while columnNames.count > columnsAtRowStart {
            let last = columnNames.count - 1
            for node in 1..<nodes.count where nodes.base[node].column == Int32(last) { nodes.base[node].column = -1 }
            columnByName[columnNames[last]] = nil
            columnNames.removeLast()
            columnGlobal.removeLast()
            columnNode.removeLast()
            columnDeclared.removeLast()
            columnIdentifier.removeLast()
            buffers.base[last].free(to: config.state.pool)
            buffers.removeLast()
        }
    }

    /// NDJSON: one record per line; blank lines are skipped.
    private mutating func runLines() {
        var lineStart = base
        var line = 0
        while lineStart < blockEnd {
            // The usual line, one record: parsed up to its newline without looking for the newline
            // first. Whatever the fast path does not take is parsed again on the general path.
            var first = lineStart
            while first < blockEnd && (first[0] == JSONByte.space || first[0] == JSONByte.tab) { first += 1 }
            if first < blockEnd && first[0] == JSONByte.openBrace {
                beginRecord()
                var appended = 0
                if let after = fastObject(first, blockEnd, appended: &appended, newlineEnds: true) {
                    var q = after
                    while q < blockEnd && JSONFastPath.isSpace(q[0], true) { q += 1 }
                    if q == blockEnd || q[0] == JSONByte.newline {
                        distinct = appended
                        endRecord()
                        if q == blockEnd { break }
                        line += 1
                        lineStart = q + 1
                        continue
                    }
                }
                // Not for the fast path: roll back, and take the general one.
                undoAppends()
            }
            let found = memchr(lineStart, Int32(JSONByte.newline), blockEnd - lineStart)
            let lineEnd = found.map { UnsafePointer($0.assumingMemoryBound(to: UInt8.self)) } ?? blockEnd
            s.p = lineStart
            s.end = lineEnd
            if s.p < lineEnd && s.p[0] <= JSONByte.space { s.skipWhitespace() }
            if s.p < lineEnd {
                beginRecord()
                let valueStart = s.p
                var ok: Bool
                var notObject = false
                if s.p[0] == JSONByte.openBrace {
                    ok = parseObject(0, depth: 1)
                    if needsReparse { return }
                } else {
                    ok = s.skipValue(depth: 1)
                    notObject = ok
                }
                if ok && s.p < lineEnd {
                    s.skipWhitespace()
                    if s.p < lineEnd {
                        ok = s.fail("unexpected text after the \(notObject ? "value" : "object"): \(JSONScanner.describe(s.p[0]))", at: s.p)
                        notObject = false
                    }
                }
                if ok && notObject {
                    ok = s.fail(
                        "\(JSONBlockWorker.kindName(valueStart[0])) is not an object: each line must hold one JSON object",
                        at: valueStart, kind: .notAnObject)
                }
                if ok && castFailure == nil {
                    endRecord()
                } else {
                    dropRecord()
                    var rawEnd = lineEnd
                    if rawEnd > lineStart && rawEnd[-1] == JSONByte.cr { rawEnd -= 1 }
                    let at: UnsafePointer<UInt8>
                    let kind: DataError.Kind
                    let message: String
                    var columnName: String?
                    if !ok {
                        (at, kind, message) = (s.errorAt ?? lineStart, s.errorKind, s.errorMessage)
                    } else {
                        let failure = castFailure!
                        (at, kind, message) = (failure.source, .castFailed, failure.message)
                        columnName = failure.column < columnNames.count ? columnNames[failure.column] : nil
                    }
                    rejects.append(RejectedRow(
                        file: config.path, line: line, column: at - lineStart + 1, columnName: columnName,
                        byteOffset: Int64(lineStart - base), kind: kind, reason: message,
                        raw: String(decoding: UnsafeBufferPointer(start: lineStart, count: rawEnd - lineStart), as: UTF8.self)))
                }
            }
            if found == nil { break }
            line += 1
            lineStart = lineEnd + 1
        }
        lines = line
    }

    /// A JSON array: elements separated by top-level commas; the block ends after a comma or at the
    /// closing `]` (the splitter checked the structure between elements).
    private mutating func runArray() {
        var counter = LineCounter(base)
        s.p = base
        s.end = blockEnd
        var afterComma = false
        var elements = 0
        while true {
            s.skipWhitespace()
            if s.p >= blockEnd || s.p[0] == JSONByte.closeBracket { break }
            let elementStart = s.p
            afterComma = false
            elements += 1
            beginRecord()
            if elementStart[0] == JSONByte.openBrace {
                var appended = 0
                if let after = fastObject(elementStart, blockEnd, appended: &appended, newlineEnds: false) {
                    var q = after
                    while q < blockEnd && JSONByte.isWhitespace(q[0]) { q += 1 }
                    if q == blockEnd || q[0] == JSONByte.comma || q[0] == JSONByte.closeBracket {
                        distinct = appended
                        endRecord()
                        s.p = q
                        s.end = blockEnd
                        if q < blockEnd && q[0] == JSONByte.comma {
                            s.p += 1
                            afterComma = true
                            continue
                        }
                        break
                    }
                }
                undoAppends()
                s.p = elementStart
                s.end = blockEnd
                s.errorAt = nil
            }
            var ok: Bool
            var notObject = false
            if s.p[0] == JSONByte.openBrace {
                ok = parseObject(0, depth: 1)
                if needsReparse { return }
            } else {
                ok = s.skipValue(depth: 1)
                notObject = ok
            }
            if ok {
                s.skipWhitespace()
                if s.p < blockEnd && s.p[0] != JSONByte.comma && s.p[0] != JSONByte.closeBracket {
                    ok = s.fail("expected ',' or ']' after the element, found \(JSONScanner.describe(s.p[0]))", at: s.p)
                    notObject = false
                }
            }
            if ok && notObject {
                ok = s.fail(
                    "\(JSONBlockWorker.kindName(elementStart[0])) is not an object: each element of the array must be a JSON object",
                    at: elementStart, kind: .notAnObject)
            }
            if ok && castFailure == nil {
                endRecord()
            } else {
                dropRecord()
                let boundary = ok ? s.p : JSONBlockWorker.elementEnd(from: elementStart, end: blockEnd)
                var rawEnd = boundary
                while rawEnd > elementStart && JSONByte.isWhitespace(rawEnd[-1]) { rawEnd -= 1 }
                let at: UnsafePointer<UInt8>
                let kind: DataError.Kind
                var message: String
                var columnName: String?
                if !ok {
                    (at, kind, message) = (max(s.errorAt ?? elementStart, elementStart), s.errorKind, s.errorMessage)
                } else {
                    let failure = castFailure!
                    (at, kind, message) = (failure.source, .castFailed, failure.message)
                    columnName = failure.column < columnNames.count ? columnNames[failure.column] : nil
                }
                counter.advance(to: elementStart)
                let line = counter.line
                let (_, column) = position(of: at, rowStart: elementStart, counter: &counter)
                if counter.line > line {
                    message += " (\(counter.line - line) line\(counter.line - line == 1 ? "" : "s") below the start of the element)"
                }
                rejects.append(RejectedRow(
                    file: config.path, line: line, column: column, columnName: columnName, byteOffset: Int64(elementStart - base),
                    kind: kind, reason: message,
                    raw: String(decoding: UnsafeBufferPointer(start: elementStart, count: rawEnd - elementStart), as: UTF8.self)))
                s.p = boundary
            }
            if s.p < blockEnd && s.p[0] == JSONByte.comma {
                s.p += 1
                afterComma = true
                continue
            }
            break
        }
        counter.advance(to: blockEnd)
        lines = counter.line
        if config.verifyArrayBlocks {
            // The splitter cut without scanning: check that this block is whole elements.
            let clean: Bool
            if !rejects.isEmpty {
                clean = JSONArraySplitter.isCleanBlock(UnsafeRawBufferPointer(start: base, count: blockEnd - base), isLast: isLast)
            } else if s.p >= blockEnd {
                clean = elements == 0 || (afterComma && !isLast)
            } else if s.p[0] == JSONByte.closeBracket {
                var rest = s.p + 1
                while rest < blockEnd && JSONByte.isWhitespace(rest[0]) { rest += 1 }
                clean = isLast && !afterComma && rest == blockEnd
            } else {
                clean = false
            }
            if !clean { config.state.markMisaligned() }
        }
    }

    /// Where the element starting at `start` ends: the next comma or `]` outside strings and brackets.
    static func elementEnd(from start: UnsafePointer<UInt8>, end: UnsafePointer<UInt8>) -> UnsafePointer<UInt8> {
        var p = start
        var depth = 0
        while p < end {
            switch p[0] {
            case JSONByte.quote:
                p += 1
                while p < end && p[0] != JSONByte.quote { p += p[0] == JSONByte.backslash ? 2 : 1 }
            case JSONByte.openBrace, JSONByte.openBracket:
                depth += 1
            case JSONByte.closeBrace, JSONByte.closeBracket:
                if depth == 0 { return p }
                depth -= 1
            case JSONByte.comma:
                if depth == 0 { return p }
            default:
                break
            }
            p += 1
        }
        return min(p, end)
    }

    static func kindName(_ first: UInt8) -> String {
        switch first {
        case JSONByte.openBracket: return "a JSON array"
        case JSONByte.quote: return "a JSON string"
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return "a JSON boolean"
        case UInt8(ascii: "n"): return "JSON null"
        default: return "a JSON number"
        }
    }

    // MARK: Tokenise

    private mutating func parseObject(_ parent: Int32, depth: Int) -> Bool {
        guard depth < JSONScanner.maxDepth else { return s.fail("nesting deeper than \(JSONScanner.maxDepth) levels", at: s.p) }
        s.p += 1
        if s.p < s.end && s.p[0] <= JSONByte.space { s.skipWhitespace() }
        if s.p < s.end && s.p[0] == JSONByte.closeBrace {
            s.p += 1
            return true
        }
        var previous: Int32 = -1
        while true {
            guard s.p < s.end, s.p[0] == JSONByte.quote else { return s.failHere("expected a key in double quotes") }
            s.p += 1
            let key = scanKey(parent, previous)
            if key < 0 { return false }
            previous = key
            if !keyAtValue {
                if s.p < s.end && s.p[0] == JSONByte.colon {
                    s.p += 1
                } else {
                    s.skipWhitespace()
                    guard s.p < s.end, s.p[0] == JSONByte.colon else { return s.failHere("expected ':' after the key") }
                    s.p += 1
                }
            }
            if s.p < s.end && s.p[0] <= JSONByte.space { s.skipWhitespace() }
            guard s.p < s.end else { return s.failHere("expected a value") }
            guard parseValue(key, depth: depth) else { return false }
            if s.p < s.end && s.p[0] <= JSONByte.space { s.skipWhitespace() }
            guard s.p < s.end else { return s.failHere("expected ',' or '}'") }
            let c = s.p[0]
            if c == JSONByte.comma {
                s.p += 1
                if s.p < s.end && s.p[0] <= JSONByte.space { s.skipWhitespace() }
                continue
            }
            if c == JSONByte.closeBrace {
                s.p += 1
                return true
            }
            return s.failHere("expected ',' or '}' after a value")
        }
    }

    /// The key node of the key whose body starts at `s.p`, leaving `s.p` past its closing quote;
    /// -1 on a fault. The predicted key is compared first: when its bytes and a closing quote follow,
    /// the key is that one and needs no scan (its bytes were validated when it was first seen).
    @inline(__always)
    private mutating func scanKey(_ parent: Int32, _ previous: Int32) -> Int32 {
        let candidate = previous >= 0 ? nodes.base[Int(previous)].next : nodes.base[Int(parent)].firstChild
        let keyStart = s.p
        if candidate >= 0 {
            let node = nodes.base[Int(candidate)]
            let length = Int(node.patternLength)
            if s.end - keyStart >= length && JSONBlockWorker.bytesEqual(keyArena.base + Int(node.keyStart), keyStart, length) {
                s.p = keyStart + length
                keyAtValue = node.patternHasColon
                return candidate
            }
        }
        keyAtValue = false
        guard s.scanStringBody() else { return -1 }
        let found = lookupKey(parent, keyStart, s.p - 1 - keyStart)
        if previous >= 0 { nodes.base[Int(previous)].next = found } else { nodes.base[Int(parent)].firstChild = found }
        return found
    }

    @inline(__always)
    private mutating func columnOf(_ node: Int32) -> Int32 {
        let column = nodes.base[Int(node)].column
        if column != -1 { return column }
        return createColumn(node)
    }

    private mutating func parseValue(_ node: Int32, depth: Int) -> Bool {
        let start = s.p
        switch start[0] {
        case JSONByte.quote:
            s.p += 1
            guard s.scanStringBody() else { return false }
            let column = columnOf(node)
            if column < 0 { return true }
            let bodyLength = s.p - 1 - (start + 1)
            if s.escaped {
                let at = scratch.count
                JSONScanner.decode(start + 1, bodyLength, into: &scratch)
                return append(column, JSONKind.string, UnsafePointer(scratch.base) + at, scratch.count - at, 0, source: start)
            }
            return append(column, JSONKind.string, start + 1, bodyLength, 0, source: start)
        case JSONByte.minus, 0x30...0x39:
            var value: Int64 = 0
            guard let kind = s.scanNumber(&value) else { return false }
            let column = columnOf(node)
            if column < 0 { return true }
            let code = kind == .int ? JSONKind.int : (kind == .float ? JSONKind.float : JSONKind.bigInt)
            return append(column, code, start, s.p - start, value, source: start)
        case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
            guard let literal = s.scanLiteral() else { return false }
            let column = columnOf(node)
            if column < 0 { return true }
            return append(column, literal, start, s.p - start, 0, source: start)
        case JSONByte.openBrace:
            if nodes.base[Int(node)].descend { return parseObject(node, depth: depth + 1) }
            return s.skipValue(depth: depth)
        case JSONByte.openBracket:
            s.sawSpace = false
            guard s.skipValue(depth: depth) else { return false }
            let column = columnOf(node)
            if column < 0 { return true }
            if s.sawSpace {
                let at = scratch.count
                JSONScanner.compact(start, s.p - start, into: &scratch)
                return append(column, JSONKind.array, UnsafePointer(scratch.base) + at, scratch.count - at, 0, source: start)
            }
            return append(column, JSONKind.array, start, s.p - start, 0, source: start)
        default:
            return s.failHere("expected a value")
        }
    }

    // MARK: Values

    /// Appends one value to its column. `p[0..<length]` is the value's text (a string's decoded
    /// bytes); `value` the integer of `.int`. `false` only when the block must be parsed again.
    @inline(__always)
    private mutating func append(
        _ column: Int32, _ kind: UInt8, _ p: UnsafePointer<UInt8>, _ length: Int, _ value: Int64, source: UnsafePointer<UInt8>
    ) -> Bool {
        let c = Int(column)
        let buffer = buffers.base + c
        if buffer.pointee.count > rows {
            // A duplicate key in the same object: the last value wins.
            buffer.pointee.truncate(to: rows)
            noteDuplicate(c)
        } else {
            distinct += 1
        }
        if kind == JSONKind.null {
            buffer.pointee.appendNull()
            return true
        }
        if store(buffer, kind, p, length, value) { return true }
        return misfit(c, kind, p, length, value, source: source)
    }

    /// Stores a non-null value when it fits the column's current type.
    @inline(__always)
    private mutating func store(
        _ buffer: UnsafeMutablePointer<JSONColumnBuffer>, _ kind: UInt8, _ p: UnsafePointer<UInt8>, _ length: Int, _ value: Int64
    ) -> Bool {
        guard let type = buffer.pointee.type else { return false }
        switch type {
        case .string:
            buffer.pointee.appendString(p, length)
            if buffer.pointee.dictionary != nil && buffer.pointee.dictionary!.count > dictionaryLimit {
                dropDictionary(buffer)
            }
            return true
        case .int64:
            guard kind == JSONKind.int else { return false }
            buffer.pointee.appendWord(UInt64(bitPattern: value))
            return true
        case .float64:
            if kind == JSONKind.int {
                buffer.pointee.appendWord(Double(value).bitPattern)
                return true
            }
            guard kind == JSONKind.float || kind == JSONKind.bigInt, let double = ValueParser.double(p, length) else { return false }
            buffer.pointee.appendWord(double.bitPattern)
            if kind == JSONKind.bigInt { noteBigInt(buffer) }
            return true
        case .bool:
            guard kind == JSONKind.trueValue || kind == JSONKind.falseValue else { return false }
            buffer.pointee.appendWord(kind == JSONKind.trueValue ? 1 : 0)
            return true
        case .date:
            guard kind == JSONKind.string, length == 10, let days = JSONDates.date(p, 10) else { return false }
            buffer.pointee.appendWord(UInt64(bitPattern: Int64(days)))
            return true
        case .timestamp:
            guard kind == JSONKind.string else { return false }
            if let micros = JSONDates.timestamp(p, length) {
                buffer.pointee.appendWord(UInt64(bitPattern: micros))
                return true
            }
            guard length == 10, let days = JSONDates.date(p, 10) else { return false }
            buffer.pointee.appendWord(UInt64(bitPattern: Int64(days) * 86_400_000_000))
            return true
        }
    }

    @inline(never)
    private mutating func dropDictionary(_ buffer: UnsafeMutablePointer<JSONColumnBuffer>) {
        let global = columnGlobal.base[buffer - buffers.base]
        buffer.pointee.dropDictionary(
            pool: config.state.pool, stringBytes: estimatedRows * config.state.stringBytesPerValue(global))
        config.state.cardinality.markHigh(global)
    }

    /// A value that does not fit: settle an untyped column, widen an inferred type (in place, or by
    /// parsing the block again for string), or note a value that does not fit a declared type.
    @inline(never)
    private mutating func misfit(
        _ column: Int, _ kind: UInt8, _ p: UnsafePointer<UInt8>, _ length: Int, _ value: Int64, source: UnsafePointer<UInt8>
    ) -> Bool {
        let buffer = buffers.base + column
        let global = columnGlobal.base[column]
        let valueType = JSONBlockWorker.valueType(kind, p, length, identifier: columnIdentifier.base[column])
        guard let current = buffer.pointee.type else {
            // The first value of a column seen only with nulls so far.
            let settled = config.state.widen(global, toHold: valueType)
            let hint = config.state.cardinality.hint(global)
            buffer.pointee.settle(
                settled, capacity: estimatedRows, dictionary: settled == .string && !hint.high,
                stringBytes: estimatedRows * config.state.stringBytesPerValue(global), pool: config.state.pool,
                expected: hint.dictionary)
            if store(buffer, kind, p, length, value) { return true }
            return misfit(column, kind, p, length, value, source: source)
        }
        if columnDeclared.base[column] {
            if kind == JSONKind.string {
                switch current {
                case .int64:
                    if let parsed = ValueParser.int64(p, length) { buffer.pointee.appendWord(UInt64(bitPattern: parsed)); return true }
                case .float64:
                    if let parsed = ValueParser.double(p, length) { buffer.pointee.appendWord(parsed.bitPattern); return true }
                case .bool:
                    if let parsed = ValueParser.bool(p, length) { buffer.pointee.appendWord(parsed ? 1 : 0); return true }
                default:
                    break
                }
            }
            if castFailure == nil {
                let shown = String(decoding: UnsafeBufferPointer(start: p, count: min(length, 60)), as: UTF8.self)
                let described = kind == JSONKind.string ? "\"\(shown)\"" : shown
                castFailure = CastFailure(
                    source: source, column: column,
                    message: "could not convert \(described) to \(current) (declared type of column '\(columnNames[column])')")
            }
            // Keep the slot filled; the record is rolled back.
            buffer.pointee.appendNull()
            return true
        }
        let target = config.state.widen(global, toHold: current.widened(with: valueType))
        if (current, target) == (.int64, .float64) || (current, target) == (.date, .timestamp) {
            buffer.pointee.widenInPlace(to: target)
            if store(buffer, kind, p, length, value) { return true }
        }
        // To string: values before keep their own text only if the block is parsed again. (A value
        // that fits no narrower type either way goes to string too, so that parsing again ends.)
        if target != .string { config.state.widen(global, toHold: .string) }
        needsReparse = true
        return s.fail("the block is parsed again", at: s.p)
    }

    /// The narrowest type of one non-null value.
    static func valueType(_ kind: UInt8, _ p: UnsafePointer<UInt8>, _ length: Int, identifier: Bool) -> DataType {
        switch kind {
        case JSONKind.falseValue, JSONKind.trueValue: return .bool
        case JSONKind.int: return identifier ? .string : .int64
        case JSONKind.float, JSONKind.bigInt: return identifier ? .string : .float64
        case JSONKind.string:
            if length == 10 && JSONDates.date(p, length) != nil { return .date }
            if JSONDates.timestamp(p, length) != nil { return .timestamp }
            return .string
        default: return .string
        }
    }

    @inline(never)
    private mutating func noteBigInt(_ buffer: UnsafeMutablePointer<JSONColumnBuffer>) {
        warn("column '\(columnNames[buffer - buffers.base])': integers too large for int64 were read as float64 (precision may be lost)")
    }

    @inline(never)
    private mutating func noteDuplicate(_ column: Int) {
        warn("duplicate key '\(columnNames[column])' in an object: the last value was kept")
    }

    private mutating func warn(_ message: String) {
        if warned.insert(message).inserted { warnings.append(message) }
    }

    // MARK: Keys

    @inline(__always)
    private static func bytesEqual(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        var index = 0
        while count - index >= 8 {
            if UnsafeRawPointer(a + index).loadUnaligned(as: UInt64.self) != UnsafeRawPointer(b + index).loadUnaligned(as: UInt64.self) {
                return false
            }
            index += 8
        }
        while index < count {
            if a[index] != b[index] { return false }
            index += 1
        }
        return true
    }

    /// The node of key `p[0..<length]` (raw, escapes undecoded) under `parent`, made on first sight.
    private mutating func lookupKey(_ parent: Int32, _ p: UnsafePointer<UInt8>, _ length: Int) -> Int32 {
        var hash: UInt32 = 2_166_136_261 ^ (UInt32(bitPattern: parent) &* 0x9E37_79B1)
        for index in 0..<length { hash = (hash ^ UInt32(p[index])) &* 16_777_619 }
        var slot = Int(hash) & tableMask
        while true {
            let entry = table.base[slot]
            if entry < 0 { break }
            let node = nodes.base[Int(entry)]
            if node.hash == hash && node.parent == parent && Int(node.keyLength) == length
                && JSONBlockWorker.bytesEqual(keyArena.base + Int(node.keyStart), p, length)
            {
                return entry
            }
            slot = (slot + 1) & tableMask
        }
        let id = Int32(nodes.count)
        let keyStart = keyArena.count
        keyArena.append(p, length)
        // The pattern: key, closing quote, and the colon with the whitespace around it as seen here
        // (`s.p` is just past the closing quote).
        keyArena.append(JSONByte.quote)
        var q = s.p
        while q < s.end && JSONByte.isWhitespace(q[0]) { q += 1 }
        var hasColon = false
        if q < s.end && q[0] == JSONByte.colon {
            q += 1
            while q < s.end && JSONByte.isWhitespace(q[0]) { q += 1 }
            hasColon = q - s.p <= 8
        }
        if hasColon { keyArena.append(s.p, q - s.p) }
        var node = JSONKeyNode(parent: parent, keyStart: Int32(keyStart), keyLength: Int32(length), hash: hash)
        node.patternLength = Int32(keyArena.count - keyStart)
        node.patternHasColon = hasColon
        if hasColon { node.fastPatternLength = UInt32(node.patternLength) }
        if node.patternLength >= 8 {
            node.patternHead = JSONFastPath.load64(keyArena.base + keyStart)
            node.patternTail = JSONFastPath.load64(keyArena.base + keyArena.count - 8)
        }
        let key: String
        if memchr(p, Int32(JSONByte.backslash), length) != nil {
            var decoded = RawVec<UInt8>(capacity: length)
            JSONScanner.decode(p, length, into: &decoded)
            key = String(decoding: UnsafeBufferPointer(start: decoded.base, count: decoded.count), as: UTF8.self)
            decoded.free()
        } else {
            key = String(decoding: UnsafeBufferPointer(start: p, count: length), as: UTF8.self)
        }
        let name = parent == 0 ? key : nodeNames[Int(parent)] + "." + key
        if config.projection != nil { node.descend = config.projectionPrefixes.contains(name) }
        nodes.append(node)
        nodeNames.append(name)
        table.base[slot] = id
        if nodes.count * 2 > tableMask + 1 { growTable() }
        return id
    }

    private mutating func growTable() {
        let size = (tableMask + 1) * 4
        table.count = 0
        table.reserve(size)
        for _ in 0..<size { table.append(-1) }
        tableMask = size - 1
        for id in 1..<nodes.count {
            var slot = Int(nodes.base[id].hash) & tableMask
            while table.base[slot] >= 0 { slot = (slot + 1) & tableMask }
            table.base[slot] = Int32(id)
        }
    }

    private mutating func createColumn(_ node: Int32) -> Int32 {
        let name = nodeNames[Int(node)]
        if let projection = config.projection, !projection.contains(name) {
            nodes.base[Int(node)].column = -2
            return -2
        }
        if let existing = columnByName[name] {
            nodes.base[Int(node)].column = existing
            return existing
        }
        let index = columnNames.count
        columnByName[name] = Int32(index)
        let registered = config.state.register(name)
        columnNames.append(name)
        columnGlobal.append(registered.id)
        columnNode.append(node)
        columnDeclared.append(registered.declared)
        columnIdentifier.append(config.identifierHints && !registered.declared && IdentifierHints.isIdentifier(name))
        let capacity = rows == 0 ? estimatedRows : max(16, estimatedRows - rows)
        var buffer = JSONColumnBuffer()
        for _ in 0..<rows { buffer.appendNull() }
        if let type = registered.type {
            let hint = config.state.cardinality.hint(registered.id)
            buffer.settle(
                type, capacity: capacity + rows, dictionary: type == .string && !hint.high,
                stringBytes: (capacity + rows) * config.state.stringBytesPerValue(registered.id), pool: config.state.pool,
                expected: hint.dictionary)
        }
        buffers.append(buffer)
        nodes.base[Int(node)].column = Int32(index)
        return Int32(index)
    }
}

/// Line numbers of positions in a block, counted lazily (positions are asked in increasing order).
struct LineCounter {
    var position: UnsafePointer<UInt8>
    var line = 0
    var lineStart: UnsafePointer<UInt8>

    init(_ start: UnsafePointer<UInt8>) {
        position = start
        lineStart = start
    }

    mutating func advance(to target: UnsafePointer<UInt8>) {
        while position < target {
            guard let found = memchr(position, Int32(JSONByte.newline), target - position) else {
                position = target
                return
            }
            let newline = UnsafePointer(found.assumingMemoryBound(to: UInt8.self))
            line += 1
            lineStart = newline + 1
            position = newline + 1
        }
    }
}
