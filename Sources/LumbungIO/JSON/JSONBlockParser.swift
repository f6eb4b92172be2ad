import Foundation
import LumbungCore

#if canImport(Glibc)
import Glibc
#endif

/// Parses a block of whole JSON records (NDJSON lines, or elements of a top-level array) into a
/// chunk, in two phases.
///
/// 1. Tokenise: one pass over the bytes validates each record (strict grammar, escapes, surrogate
///    pairs, UTF-8) and appends each leaf value to its column's field index: row, kind, byte span,
///    and the integer already converted. Nested objects become dotted columns; arrays stay as
///    their JSON text. A record with a fault is rejected here and its entries dropped. Keys are
///    matched against the key that followed the same key last time (records of a file almost
///    always share their key order), so a key usually costs one short byte comparison and is not
///    scanned twice; a hash table catches the rest.
/// 2. Convert: each column is converted in one tight loop for its type into exact-size arrays,
///    strings dictionary-encoded on the fly when they repeat. A value that does not fit an
///    inferred type widens the column (through the shared `JSONColumnState`) and only that column
///    is converted again, from its index: values keep their JSON text when a column becomes string.
///    A value that does not fit a declared type rejects its row.
///
/// No `String` is made per value; no Swift array is appended to per value.
struct JSONBlockParser: BlockParser {
    let path: String
    let isArray: Bool
    let state: JSONColumnState
    /// Only these columns are materialised (`nil`: all).
    let projection: Set<String>?
    /// Dotted prefixes of projected names: objects under these keys must be descended into.
    let projectionPrefixes: Set<String>
    let identifierHints: Bool

    init(path: String, isArray: Bool, state: JSONColumnState, projection: [String]?, identifierHints: Bool) {
        self.path = path
        self.isArray = isArray
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
        var worker = JSONBlockWorker(config: self, block: block)
        defer { worker.release() }
        return worker.run()
    }
}

/// One leaf value in a column's field index.
struct JSONFieldEntry {
    /// The integer for `.int`; the source offset in the block for values decoded into scratch.
    var value: Int64
    /// Offset of the value's text: in the block, or in scratch for `.decoded` and `.compacted`.
    var start: UInt32
    var length: UInt32
    var row: UInt32
    var kind: UInt8
}

/// Kinds of `JSONFieldEntry`.
enum JSONKind {
    static let null: UInt8 = 0
    static let falseValue: UInt8 = 1
    static let trueValue: UInt8 = 2
    static let int: UInt8 = 3
    static let float: UInt8 = 4
    static let bigInt: UInt8 = 5
    /// A string without escapes: its bytes in the block.
    static let string: UInt8 = 6
    /// A string with escapes, decoded into scratch.
    static let decoded: UInt8 = 7
    /// An array, as its JSON text in the block.
    static let array: UInt8 = 8
    /// An array with whitespace, compacted into scratch.
    static let compacted: UInt8 = 9
}

/// A key under a parent object (node 0 is the top level).
struct JSONKeyNode {
    var parent: Int32
    var keyStart: Int32
    var keyLength: Int32
    var hash: UInt32
    /// Local column: -1 not resolved yet, -2 not materialised.
    var column: Int32 = -1
    /// The key that came first in this object last time, and the key that followed this one.
    var firstChild: Int32 = -1
    var next: Int32 = -1
    /// Whether object values under this key are parsed (false: skipped, by projection).
    var descend: Bool = true
}

/// A row rejected while converting (a value that does not fit a declared type).
private struct LateReject {
    var row: Int
    var source: Int
    var column: Int
    var message: String
}

struct JSONBlockWorker {
    let config: JSONBlockParser
    let base: UnsafePointer<UInt8>
    let blockEnd: UnsafePointer<UInt8>
    var s: JSONScanner
    var scratch = RawVec<UInt8>(capacity: 1024)
    // Keys.
    var nodes = RawVec<JSONKeyNode>(capacity: 64)
    var nodeNames: [String] = [""]
    var keyArena = RawVec<UInt8>(capacity: 1024)
    var table = RawVec<Int32>(capacity: 256)
    var tableMask = 255
    // Columns of this block, in first-seen order.
    var columnNames: [String] = []
    var columnGlobal = RawVec<Int>(capacity: 32)
    var columnNode = RawVec<Int32>(capacity: 32)
    var fields = RawVec<RawVec<JSONFieldEntry>>(capacity: 32)
    // Rows kept.
    var rowStarts = RawVec<UInt32>(capacity: 1024)
    var rowEnds = RawVec<UInt32>(capacity: 1024)
    var rows = 0
    var columnsAtRowStart = 0
    var lines = 0
    var estimatedRows: Int
    var rejects: [RejectedRow] = []
    var warnings: [String] = []
    var warned = Set<String>()

    init(config: JSONBlockParser, block: UnsafeRawBufferPointer) {
        self.config = config
        let start = block.baseAddress?.assumingMemoryBound(to: UInt8.self) ?? UnsafePointer(bitPattern: 1)!
        base = start
        blockEnd = start + block.count
        s = JSONScanner(start, start + block.count)
        s.endName = config.isArray ? "input" : "line"
        let perRow = config.state.bytesPerRow
        estimatedRows = perRow > 0 ? Int(Double(block.count) / perRow * 1.05) + 16 : block.count / 256 + 16
        for _ in 0..<256 { table.append(-1) }
        nodes.append(JSONKeyNode(parent: -1, keyStart: 0, keyLength: 0, hash: 0))
    }

    func release() {
        scratch.free()
        nodes.free()
        keyArena.free()
        table.free()
        columnGlobal.free()
        columnNode.free()
        for index in 0..<fields.count { fields.base[index].free() }
        fields.free()
        rowStarts.free()
        rowEnds.free()
    }

    mutating func run() -> ParsedBlock {
        if config.isArray { runArray() } else { runLines() }
        var late: [LateReject] = []
        var columns: [Column] = []
        columns.reserveCapacity(columnNames.count)
        for column in 0..<columnNames.count { columns.append(convert(column, late: &late)) }
        var rowCount = rows
        if !late.isEmpty {
            var first: [Int: LateReject] = [:]
            for reject in late where first[reject.row] == nil { first[reject.row] = reject }
            var keep = [Bool](repeating: true, count: rows)
            for row in first.keys { keep[row] = false }
            columns = columns.map { $0.filtered(keep) }
            rowCount = rows - first.count
            var counter = LineCounter(base)
            for reject in first.values.sorted(by: { $0.row < $1.row }) {
                let rowStart = base + Int(rowStarts.base[reject.row])
                let rowEnd = base + Int(rowEnds.base[reject.row])
                let (line, column) = position(of: base + reject.source, rowStart: rowStart, counter: &counter)
                rejects.append(RejectedRow(
                    file: config.path, line: line, column: column, columnName: columnNames[reject.column],
                    byteOffset: Int64(rowStart - base), kind: .castFailed, reason: reject.message,
                    raw: String(decoding: UnsafeBufferPointer(start: rowStart, count: rowEnd - rowStart), as: UTF8.self)))
            }
            rejects.sort { $0.byteOffset < $1.byteOffset }
        }
        return ParsedBlock(
            names: columnNames, chunk: Chunk(columns: columns, count: rowCount), rejects: rejects, lines: lines,
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

    /// NDJSON: one record per line; blank lines are skipped.
    private mutating func runLines() {
        var lineStart = base
        var line = 0
        while lineStart < blockEnd {
            let found = memchr(lineStart, Int32(JSONByte.newline), blockEnd - lineStart)
            let lineEnd = found.map { UnsafePointer($0.assumingMemoryBound(to: UInt8.self)) } ?? blockEnd
            s.p = lineStart
            s.end = lineEnd
            if s.p < lineEnd && s.p[0] <= JSONByte.space { s.skipWhitespace() }
            if s.p < lineEnd {
                columnsAtRowStart = columnNames.count
                s.errorAt = nil
                var ok: Bool
                var notObject = false
                let valueStart = s.p
                if s.p[0] == JSONByte.openBrace {
                    ok = parseObject(0, depth: 1)
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
                var rawEnd = lineEnd
                if rawEnd > lineStart && rawEnd[-1] == JSONByte.cr { rawEnd -= 1 }
                if ok {
                    keepRow(lineStart, rawEnd)
                } else {
                    dropRow()
                    let at = s.errorAt ?? lineStart
                    rejects.append(RejectedRow(
                        file: config.path, line: line, column: at - lineStart + 1, columnName: nil,
                        byteOffset: Int64(lineStart - base), kind: s.errorKind, reason: s.errorMessage,
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
        while true {
            s.skipWhitespace()
            if s.p >= blockEnd || s.p[0] == JSONByte.closeBracket { break }
            let elementStart = s.p
            columnsAtRowStart = columnNames.count
            s.errorAt = nil
            var ok: Bool
            var notObject = false
            if s.p[0] == JSONByte.openBrace {
                ok = parseObject(0, depth: 1)
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
            if ok {
                var rawEnd = s.p
                while rawEnd > elementStart && JSONByte.isWhitespace(rawEnd[-1]) { rawEnd -= 1 }
                keepRow(elementStart, rawEnd)
            } else {
                dropRow()
                let boundary = JSONBlockWorker.elementEnd(from: elementStart, end: blockEnd)
                var rawEnd = boundary
                while rawEnd > elementStart && JSONByte.isWhitespace(rawEnd[-1]) { rawEnd -= 1 }
                let at = max(s.errorAt ?? elementStart, elementStart)
                counter.advance(to: elementStart)
                let line = counter.line
                let (_, column) = position(of: at, rowStart: elementStart, counter: &counter)
                var reason = s.errorMessage
                if counter.line > line {
                    reason += " (\(counter.line - line) line\(counter.line - line == 1 ? "" : "s") below the start of the element)"
                }
                rejects.append(RejectedRow(
                    file: config.path, line: line, column: column, columnName: nil, byteOffset: Int64(elementStart - base),
                    kind: s.errorKind, reason: reason,
                    raw: String(decoding: UnsafeBufferPointer(start: elementStart, count: rawEnd - elementStart), as: UTF8.self)))
                s.p = boundary
            }
            if s.p < blockEnd && s.p[0] == JSONByte.comma {
                s.p += 1
                continue
            }
            break
        }
        counter.advance(to: blockEnd)
        lines = counter.line
    }

    @inline(__always)
    private mutating func keepRow(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) {
        rowStarts.append(UInt32(start - base))
        rowEnds.append(UInt32(end - base))
        rows += 1
    }

    /// Drops the entries of a rejected record, and the columns first seen in it.
    private mutating func dropRow() {
        let row = UInt32(rows)
        for column in 0..<columnNames.count {
            let entries = fields.base + column
            if entries.pointee.count > 0 && entries.pointee.base[entries.pointee.count - 1].row == row {
                entries.pointee.count -= 1
            }
        }
        while columnNames.count > columnsAtRowStart {
            let last = columnNames.count - 1
            nodes.base[Int(columnNode.base[last])].column = -1
            columnNames.removeLast()
            columnGlobal.removeLast()
            columnNode.removeLast()
            fields.base[last].free()
            fields.count -= 1
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

    // MARK: Phase 1: tokenise

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
            if s.p < s.end && s.p[0] == JSONByte.colon {
                s.p += 1
            } else {
                s.skipWhitespace()
                guard s.p < s.end, s.p[0] == JSONByte.colon else { return s.failHere("expected ':' after the key") }
                s.p += 1
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
            let length = Int(node.keyLength)
            if s.end - keyStart > length && keyStart[length] == JSONByte.quote
                && JSONBlockWorker.bytesEqual(keyArena.base + Int(node.keyStart), keyStart, length)
            {
                s.p = keyStart + length + 1
                return candidate
            }
        }
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
                addEntry(column, JSONKind.decoded, start: at, length: scratch.count - at, value: Int64(start - base))
            } else {
                addEntry(column, JSONKind.string, start: start + 1 - base, length: bodyLength, value: 0)
            }
            return true
        case JSONByte.minus, 0x30...0x39:
            var value: Int64 = 0
            guard let kind = s.scanNumber(&value) else { return false }
            let column = columnOf(node)
            if column < 0 { return true }
            let code = kind == .int ? JSONKind.int : (kind == .float ? JSONKind.float : JSONKind.bigInt)
            addEntry(column, code, start: start - base, length: s.p - start, value: value)
            return true
        case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
            guard let literal = s.scanLiteral() else { return false }
            let column = columnOf(node)
            if column < 0 { return true }
            addEntry(column, literal, start: start - base, length: s.p - start, value: 0)
            return true
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
                addEntry(column, JSONKind.compacted, start: at, length: scratch.count - at, value: Int64(start - base))
            } else {
                addEntry(column, JSONKind.array, start: start - base, length: s.p - start, value: 0)
            }
            return true
        default:
            return s.failHere("expected a value")
        }
    }

    @inline(__always)
    private mutating func addEntry(_ column: Int32, _ kind: UInt8, start: Int, length: Int, value: Int64) {
        let entries = fields.base + Int(column)
        let entry = JSONFieldEntry(value: value, start: UInt32(start), length: UInt32(length), row: UInt32(rows), kind: kind)
        let count = entries.pointee.count
        if count > 0 && entries.pointee.base[count - 1].row == UInt32(rows) {
            // A duplicate key in the same object: the last value wins.
            entries.pointee.base[count - 1] = entry
            noteDuplicate(Int(column))
            return
        }
        entries.pointee.append(entry)
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
        var node = JSONKeyNode(parent: parent, keyStart: Int32(keyStart), keyLength: Int32(length), hash: hash)
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
        let index = columnNames.count
        columnNames.append(name)
        columnGlobal.append(config.state.register(name).id)
        columnNode.append(node)
        fields.append(RawVec<JSONFieldEntry>(capacity: rows == 0 ? estimatedRows : 16))
        nodes.base[Int(node)].column = Int32(index)
        return Int32(index)
    }

    // MARK: Phase 2: convert

    @inline(__always)
    private func text(_ entry: JSONFieldEntry) -> UnsafePointer<UInt8> {
        entry.kind == JSONKind.decoded || entry.kind == JSONKind.compacted
            ? UnsafePointer(scratch.base) + Int(entry.start) : base + Int(entry.start)
    }

    /// Where the value starts in the block (for reject columns).
    private func source(_ entry: JSONFieldEntry) -> Int {
        if entry.kind == JSONKind.decoded || entry.kind == JSONKind.compacted { return Int(entry.value) }
        return entry.kind == JSONKind.string ? Int(entry.start) - 1 : Int(entry.start)
    }

    /// The narrowest type of one non-null value.
    private func valueType(_ entry: JSONFieldEntry, identifier: Bool) -> DataType {
        switch entry.kind {
        case JSONKind.falseValue, JSONKind.trueValue: return .bool
        case JSONKind.int: return identifier ? .string : .int64
        case JSONKind.float, JSONKind.bigInt: return identifier ? .string : .float64
        case JSONKind.string, JSONKind.decoded:
            let p = text(entry)
            let length = Int(entry.length)
            if length == 10 && ValueParser.date(p, length) != nil { return .date }
            if ValueParser.timestamp(p, length) != nil { return .timestamp }
            return .string
        default: return .string
        }
    }

    private enum Conversion {
        case done(Column)
        case widen(DataType)
    }

    private mutating func convert(_ column: Int, late: inout [LateReject]) -> Column {
        let entries = fields.base[column]
        let global = columnGlobal.base[column]
        let info = config.state.register(columnNames[column])
        let identifier = config.identifierHints && !info.declared && IdentifierHints.isIdentifier(columnNames[column])
        var type = info.type
        if type == nil {
            for index in 0..<entries.count where entries.base[index].kind != JSONKind.null {
                type = config.state.widen(global, toHold: valueType(entries.base[index], identifier: identifier))
                break
            }
        }
        // Only nulls so far: a placeholder the reader replaces once the column's type is known.
        guard var type else { return Column.nulls(type: .string, count: rows) }
        while true {
            switch convertOnce(column, type: type, declared: info.declared, identifier: identifier, late: &late) {
            case .done(let result): return result
            case .widen(let wider): type = config.state.widen(global, toHold: wider)
            }
        }
    }

    private mutating func convertOnce(
        _ column: Int, type: DataType, declared: Bool, identifier: Bool, late: inout [LateReject]
    ) -> Conversion {
        let entries = fields.base[column]
        let rows = self.rows
        var words = [UInt64](repeating: 0, count: (rows + 63) >> 6)
        var present = 0
        var needed: DataType?
        var bigInt = false

        /// A value that does not fit: widen an inferred type, reject the row of a declared one.
        func misfit(_ entry: JSONFieldEntry) {
            if declared {
                late.append(LateReject(
                    row: Int(entry.row), source: source(entry), column: column, message: castMessage(entry, type, column)))
            } else {
                needed = type.widened(with: needed ?? type).widened(with: valueType(entry, identifier: identifier))
            }
        }

        func fixed<T>(_ zero: T, _ convert: (JSONFieldEntry) -> T?) -> [T] {
            [T](unsafeUninitializedCapacity: rows) { buffer, initialized in
                buffer.initialize(repeating: zero)
                words.withUnsafeMutableBufferPointer { bits in
                    for index in 0..<entries.count {
                        let entry = entries.base[index]
                        if entry.kind == JSONKind.null { continue }
                        guard let value = convert(entry) else {
                            misfit(entry)
                            continue
                        }
                        let row = Int(entry.row)
                        buffer[row] = value
                        bits[row >> 6] |= 1 << UInt64(row & 63)
                        present += 1
                    }
                }
                initialized = rows
            }
        }

        let values: ColumnValues
        switch type {
        case .int64:
            values = .int64(fixed(0) { entry in
                if entry.kind == JSONKind.int { return entry.value }
                if declared, entry.kind == JSONKind.string || entry.kind == JSONKind.decoded {
                    return ValueParser.int64(text(entry), Int(entry.length))
                }
                return nil
            })
        case .float64:
            values = .float64(fixed(0) { entry in
                switch entry.kind {
                case JSONKind.int: return Double(entry.value)
                case JSONKind.float: return ValueParser.double(base + Int(entry.start), Int(entry.length))
                case JSONKind.bigInt:
                    bigInt = true
                    return ValueParser.double(base + Int(entry.start), Int(entry.length))
                case JSONKind.string, JSONKind.decoded:
                    return declared ? ValueParser.double(text(entry), Int(entry.length)) : nil
                default: return nil
                }
            })
        case .bool:
            values = .bool(fixed(0) { entry in
                if entry.kind == JSONKind.trueValue { return 1 }
                if entry.kind == JSONKind.falseValue { return 0 }
                if declared, entry.kind == JSONKind.string || entry.kind == JSONKind.decoded {
                    return ValueParser.bool(text(entry), Int(entry.length)).map { $0 ? 1 : 0 }
                }
                return nil
            })
        case .date:
            values = .date(fixed(0) { entry in
                guard entry.kind == JSONKind.string || entry.kind == JSONKind.decoded, entry.length == 10 else { return nil }
                return ValueParser.date(text(entry), 10)
            })
        case .timestamp:
            values = .timestamp(fixed(0) { entry in
                guard entry.kind == JSONKind.string || entry.kind == JSONKind.decoded else { return nil }
                let p = text(entry)
                let length = Int(entry.length)
                if let value = ValueParser.timestamp(p, length) { return value }
                if length == 10, let days = ValueParser.date(p, length) { return Int64(days) * 86_400_000_000 }
                return nil
            })
        case .string:
            values = convertStrings(column, words: &words, present: &present)
        }
        if let needed, needed != type { return .widen(needed) }
        if bigInt && type == .float64 {
            warn("column '\(columnNames[column])': integers too large for int64 were read as float64 (precision may be lost)")
        }
        let validity: Bitmap? = present == rows ? nil : Bitmap(words: words, count: rows)
        return .done(Column(type: type, values: values, validity: validity, count: rows))
    }

    private func castMessage(_ entry: JSONFieldEntry, _ type: DataType, _ column: Int) -> String {
        let length = Int(entry.length)
        let shown = String(decoding: UnsafeBufferPointer(start: text(entry), count: min(length, 60)), as: UTF8.self)
        let described = entry.kind == JSONKind.string || entry.kind == JSONKind.decoded ? "\"\(shown)\"" : shown
        return "could not convert \(described) to \(type) (declared type of column '\(columnNames[column])')"
    }

    /// Strings (any value as its JSON text): dictionary-encoded on the fly unless this column was
    /// seen to be high-cardinality, else plain bytes and offsets. UTF-8 was validated in phase 1.
    private func convertStrings(_ column: Int, words: inout [UInt64], present: inout Int) -> ColumnValues {
        let entries = fields.base[column]
        let rows = self.rows
        let global = columnGlobal.base[column]
        var nonNull = 0
        var total = 0
        for index in 0..<entries.count where entries.base[index].kind != JSONKind.null {
            nonNull += 1
            total += Int(entries.base[index].length)
        }
        present = nonNull
        words.withUnsafeMutableBufferPointer { bits in
            for index in 0..<entries.count where entries.base[index].kind != JSONKind.null {
                let row = Int(entries.base[index].row)
                bits[row >> 6] |= 1 << UInt64(row & 63)
            }
        }
        if rows >= 16, !config.state.isHighCardinality(global) {
            let limit = max(16, min(rows / 4, 65_536))
            var encoder = DictionaryBuilder(expected: min(rows / 4, 4096))
            var failed = false
            let codes = [UInt32](unsafeUninitializedCapacity: rows) { buffer, initialized in
                buffer.initialize(repeating: 0)
                for index in 0..<entries.count {
                    let entry = entries.base[index]
                    if entry.kind == JSONKind.null { continue }
                    buffer[Int(entry.row)] = encoder.code(for: text(entry), Int(entry.length)).0
                    if encoder.count > limit {
                        failed = true
                        break
                    }
                }
                initialized = rows
            }
            if !failed { return .dictionary(codes: codes, dictionary: encoder.dictionary) }
            config.state.markHighCardinality(global)
        }
        var offsets = [UInt32](repeating: 0, count: rows + 1)
        let bytes = [UInt8](unsafeUninitializedCapacity: max(total, 1)) { buffer, initialized in
            var used = 0
            var row = 0
            offsets.withUnsafeMutableBufferPointer { offsets in
                for index in 0..<entries.count {
                    let entry = entries.base[index]
                    if entry.kind == JSONKind.null { continue }
                    let target = Int(entry.row)
                    while row < target {
                        row += 1
                        offsets[row] = UInt32(used)
                    }
                    let length = Int(entry.length)
                    (buffer.baseAddress! + used).initialize(from: text(entry), count: length)
                    used += length
                    row = target + 1
                    offsets[row] = UInt32(used)
                }
                while row < rows {
                    row += 1
                    offsets[row] = UInt32(used)
                }
            }
            initialized = used
        }
        return .string(StringArray(bytes: bytes, offsets: offsets))
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
