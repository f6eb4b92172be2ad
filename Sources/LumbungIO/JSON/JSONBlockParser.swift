import Foundation
import LumbungCore

#if canImport(Glibc)
import Glibc
#endif

/// Parses a block of whole JSON records (NDJSON lines, or elements of a top-level array) straight
/// into typed column builders.
///
/// Each record is parsed in two phases. Phase 1 tokenizes and validates the object, flattening
/// nested objects into dotted names, and lists its leaf values (kind and byte span, with the
/// integer already converted) without touching the builders; a fault there rejects the record
/// with nothing to roll back. Phase 2 appends the values: the common cases are one switch per
/// value, type changes go through the shared `JSONColumnState`. Keys are matched against the key
/// that followed the previous key last time (records of a file almost always share their key
/// order), so the usual cost of a key is one short byte comparison; a hash table catches the rest.
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
        while true {
            var worker = JSONBlockWorker(config: self, block: block)
            let parsed = worker.run()
            worker.release()
            // `nil`: a column had to widen to string; parse the block again with the new types.
            if let parsed { return parsed }
        }
    }
}

/// One leaf value of the record being parsed.
struct JSONFieldEntry {
    /// The integer for `.int`; the source offset in the block for values decoded into scratch.
    var value: Int64
    /// Offset of the value's text: in the block, or in scratch for `.decoded` and `.compacted`.
    var start: Int
    var length: Int32
    var column: Int32
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
    /// Overwritten by a later duplicate key.
    static let skip: UInt8 = 255
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
    /// Whether object values under this key are parsed (0: skipped, projection).
    var descend: Bool = true
}

private enum Outcome {
    case ok
    case reparse
    case castFailed(message: String, source: Int, column: Int)
}

struct JSONBlockWorker {
    let config: JSONBlockParser
    let base: UnsafePointer<UInt8>
    let blockEnd: UnsafePointer<UInt8>
    var s: JSONScanner
    var entries = RawVec<JSONFieldEntry>(capacity: 64)
    var scratch = RawVec<UInt8>(capacity: 256)
    // Keys.
    var nodes = RawVec<JSONKeyNode>(capacity: 64)
    var nodeNames: [String] = [""]
    var keyArena = RawVec<UInt8>(capacity: 1024)
    var table = RawVec<Int32>(capacity: 256)
    var tableMask = 255
    // Columns of this block.
    var columnNames: [String] = []
    var columnGlobal = RawVec<Int>(capacity: 32)
    var columnDeclared = RawVec<Bool>(capacity: 32)
    var columnIdentifier = RawVec<Bool>(capacity: 32)
    var columnKnown = RawVec<Bool>(capacity: 32)
    var columnNode = RawVec<Int32>(capacity: 32)
    var stamps = RawVec<Int>(capacity: 32)
    var lastEntry = RawVec<Int32>(capacity: 32)
    var builders = RawVec<ColumnBuilder>(capacity: 32)
    var rowStamp = 0
    var distinct = 0
    var columnsAtRowStart = 0
    var rows = 0
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
        entries.free()
        scratch.free()
        nodes.free()
        keyArena.free()
        table.free()
        columnGlobal.free()
        columnDeclared.free()
        columnIdentifier.free()
        columnKnown.free()
        columnNode.free()
        stamps.free()
        lastEntry.free()
        builders.free()
    }

    /// The parsed block, or `nil` when it must be parsed again (a column widened to string).
    mutating func run() -> ParsedBlock? {
        let completed = config.isArray ? runArray() : runLines()
        guard completed else { return nil }
        var columns: [Column] = []
        columns.reserveCapacity(columnNames.count)
        for index in 0..<columnNames.count { columns.append(builders.base[index].finish()) }
        return ParsedBlock(
            names: columnNames, chunk: Chunk(columns: columns, count: rows), rejects: rejects, lines: lines,
            warnings: warnings)
    }

    // MARK: Records

    /// NDJSON: one record per line; blank lines are skipped.
    private mutating func runLines() -> Bool {
        var lineStart = base
        var line = 0
        while lineStart < blockEnd {
            let found = memchr(lineStart, Int32(JSONByte.newline), blockEnd - lineStart)
            let lineEnd = found.map { UnsafePointer($0.assumingMemoryBound(to: UInt8.self)) } ?? blockEnd
            s.p = lineStart
            s.end = lineEnd
            s.skipWhitespace()
            if s.p < lineEnd {
                beginRecord()
                var ok: Bool
                var notObject = false
                let valueStart = s.p
                if s.p[0] == JSONByte.openBrace {
                    ok = parseObject(0, depth: 1)
                } else {
                    ok = s.skipValue(depth: 1)
                    notObject = ok
                }
                if ok {
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
                if ok {
                    switch commitRecord() {
                    case .ok: break
                    case .reparse: return false
                    case .castFailed(let message, let source, let column):
                        rejectLine(lineStart, lineEnd, line: line, at: base + source, kind: .castFailed, message: message, columnName: columnNames[column])
                        rollbackColumns()
                    }
                } else {
                    rollbackColumns()
                    rejectLine(lineStart, lineEnd, line: line, at: s.errorAt ?? lineStart, kind: s.errorKind, message: s.errorMessage, columnName: nil)
                }
            }
            if found == nil { break }
            line += 1
            lineStart = lineEnd + 1
        }
        lines = line
        return true
    }

    private mutating func rejectLine(
        _ lineStart: UnsafePointer<UInt8>, _ lineEnd: UnsafePointer<UInt8>, line: Int, at position: UnsafePointer<UInt8>,
        kind: DataError.Kind, message: String, columnName: String?
    ) {
        var rawEnd = lineEnd
        if rawEnd > lineStart && rawEnd[-1] == JSONByte.cr { rawEnd -= 1 }
        rejects.append(RejectedRow(
            file: config.path, line: line, column: position - lineStart + 1, columnName: columnName,
            byteOffset: Int64(lineStart - base), kind: kind, reason: message,
            raw: String(decoding: UnsafeBufferPointer(start: lineStart, count: rawEnd - lineStart), as: UTF8.self)))
    }

    /// A JSON array: elements separated by top-level commas; the block ends after a comma or at the
    /// closing `]` (the splitter checked the structure between elements).
    private mutating func runArray() -> Bool {
        var counter = LineCounter(base)
        s.p = base
        s.end = blockEnd
        while true {
            s.skipWhitespace()
            if s.p >= blockEnd || s.p[0] == JSONByte.closeBracket { break }
            let elementStart = s.p
            beginRecord()
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
            var failure: (at: UnsafePointer<UInt8>, kind: DataError.Kind, message: String, column: String?)?
            if ok {
                switch commitRecord() {
                case .ok: break
                case .reparse: return false
                case .castFailed(let message, let source, let column):
                    failure = (base + source, .castFailed, message, columnNames[column])
                    rollbackColumns()
                }
            } else {
                rollbackColumns()
                failure = (s.errorAt ?? elementStart, s.errorKind, s.errorMessage, nil)
            }
            if let failure {
                let boundary = JSONBlockWorker.elementEnd(from: elementStart, end: blockEnd)
                var rawEnd = boundary
                while rawEnd > elementStart && JSONByte.isWhitespace(rawEnd[-1]) { rawEnd -= 1 }
                counter.advance(to: elementStart)
                let line = counter.line
                let lineStart = counter.lineStart
                counter.advance(to: max(failure.at, elementStart))
                var reason = failure.message
                if counter.line > line {
                    reason += " (\(counter.line - line) line\(counter.line - line == 1 ? "" : "s") below the start of the element)"
                }
                // On the block's first line, the column counts from the block start: marked negative for
                // the reader, which knows where the block starts in its line.
                let column = max(failure.at, elementStart) - (counter.line > line ? counter.lineStart : lineStart) + 1
                rejects.append(RejectedRow(
                    file: config.path, line: line, column: counter.line == 0 ? -column : column,
                    columnName: failure.column, byteOffset: Int64(elementStart - base), kind: failure.kind, reason: reason,
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
        return true
    }

    /// Where the element starting at `p` ends: the next comma or `]` outside strings and brackets.
    static func elementEnd(from start: UnsafePointer<UInt8>, end: UnsafePointer<UInt8>) -> UnsafePointer<UInt8> {
        var p = start
        var depth = 0
        while p < end {
            let c = p[0]
            switch c {
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

    @inline(__always)
    private mutating func beginRecord() {
        entries.count = 0
        scratch.count = 0
        rowStamp += 1
        distinct = 0
        columnsAtRowStart = columnNames.count
        s.errorAt = nil
    }

    /// Forgets the columns first seen in a rejected record.
    private mutating func rollbackColumns() {
        for index in 0..<columnNames.count where builders.base[index].count > rows {
            builders.base[index].truncate(to: rows)
        }
        while columnNames.count > columnsAtRowStart {
            let node = Int(columnNode.base[columnNames.count - 1])
            nodes.base[node].column = -1
            columnNames.removeLast()
            columnGlobal.removeLast()
            columnDeclared.removeLast()
            columnIdentifier.removeLast()
            columnKnown.removeLast()
            columnNode.removeLast()
            stamps.removeLast()
            lastEntry.removeLast()
            builders.removeLast()
        }
    }

    // MARK: Phase 1: tokenize

    private mutating func parseObject(_ parent: Int32, depth: Int) -> Bool {
        guard depth < JSONScanner.maxDepth else { return s.fail("nesting deeper than \(JSONScanner.maxDepth) levels", at: s.p) }
        s.p += 1
        s.skipWhitespace()
        if s.p < s.end && s.p[0] == JSONByte.closeBrace {
            s.p += 1
            return true
        }
        var previous: Int32 = -1
        while true {
            guard s.p < s.end, s.p[0] == JSONByte.quote else { return s.failHere("expected a key in double quotes") }
            s.p += 1
            let keyStart = s.p
            guard s.scanStringBody() else { return false }
            let key = resolveKey(parent, previous, keyStart, s.p - 1 - keyStart)
            previous = key
            if s.p < s.end && s.p[0] == JSONByte.colon {
                s.p += 1
            } else {
                s.skipWhitespace()
                guard s.p < s.end, s.p[0] == JSONByte.colon else { return s.failHere("expected ':' after the key") }
                s.p += 1
            }
            s.skipWhitespace()
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
        let c = Int(column)
        if stamps.base[c] == rowStamp {
            entries.base[Int(lastEntry.base[c])].kind = JSONKind.skip
            noteDuplicate(c)
        } else {
            stamps.base[c] = rowStamp
            distinct += 1
        }
        lastEntry.base[c] = Int32(entries.count)
        entries.append(JSONFieldEntry(value: value, start: start, length: Int32(length), column: column, kind: kind))
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

    /// The node of key `p[0..<length]` (raw, escapes undecoded) under `parent`, following `previous`.
    @inline(__always)
    private mutating func resolveKey(_ parent: Int32, _ previous: Int32, _ p: UnsafePointer<UInt8>, _ length: Int) -> Int32 {
        let candidate = previous >= 0 ? nodes.base[Int(previous)].next : nodes.base[Int(parent)].firstChild
        if candidate >= 0 {
            let node = nodes.base[Int(candidate)]
            if Int(node.keyLength) == length && JSONBlockWorker.bytesEqual(keyArena.base + Int(node.keyStart), p, length) {
                return candidate
            }
        }
        let found = lookupKey(parent, p, length)
        if previous >= 0 { nodes.base[Int(previous)].next = found } else { nodes.base[Int(parent)].firstChild = found }
        return found
    }

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
        // A new key.
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
        let registered = config.state.register(name)
        let index = columnNames.count
        columnNames.append(name)
        columnGlobal.append(registered.id)
        columnDeclared.append(registered.declared)
        columnIdentifier.append(config.identifierHints && !registered.declared && IdentifierHints.isIdentifier(name))
        columnNode.append(node)
        stamps.append(0)
        lastEntry.append(-1)
        var builder: ColumnBuilder
        if let type = registered.type {
            builder = ColumnBuilder(type: type, capacity: estimatedRows)
            columnKnown.append(true)
        } else {
            builder = ColumnBuilder(type: .string)
            columnKnown.append(false)
        }
        for _ in 0..<rows { builder.appendNull() }
        builders.append(builder)
        nodes.base[Int(node)].column = Int32(index)
        return Int32(index)
    }

    // MARK: Phase 2: append

    private mutating func commitRecord() -> Outcome {
        for index in 0..<entries.count {
            let entry = entries.base[index]
            if entry.kind == JSONKind.skip { continue }
            let column = Int(entry.column)
            if appendFast(entry, column) { continue }
            let outcome = appendSlow(entry, column)
            if case .ok = outcome { continue }
            return outcome
        }
        let columnCount = columnNames.count
        if distinct < columnCount {
            for column in 0..<columnCount where builders.base[column].count == rows {
                builders.base[column].appendNull()
            }
        }
        rows += 1
        return .ok
    }

    @inline(__always)
    private func text(_ entry: JSONFieldEntry) -> UnsafePointer<UInt8> {
        entry.kind == JSONKind.decoded || entry.kind == JSONKind.compacted
            ? UnsafePointer(scratch.base) + entry.start : base + entry.start
    }

    @inline(__always)
    private func source(_ entry: JSONFieldEntry) -> Int {
        if entry.kind == JSONKind.decoded || entry.kind == JSONKind.compacted { return Int(entry.value) }
        return entry.kind == JSONKind.string ? entry.start - 1 : entry.start
    }

    /// Appends when the value fits the column's current type.
    @inline(__always)
    private mutating func appendFast(_ entry: JSONFieldEntry, _ column: Int) -> Bool {
        let builder = builders.base + column
        let kind = entry.kind
        if kind == JSONKind.null {
            builder.pointee.appendNull()
            return true
        }
        if !columnKnown.base[column] { return false }
        switch builder.pointee.type {
        case .string:
            builder.pointee.appendString(text(entry), Int(entry.length))
            return true
        case .int64:
            guard kind == JSONKind.int else { return false }
            builder.pointee.appendInt(entry.value)
            return true
        case .float64:
            if kind == JSONKind.int {
                builder.pointee.appendDouble(Double(entry.value))
                return true
            }
            guard kind == JSONKind.float || kind == JSONKind.bigInt,
                let value = ValueParser.double(base + entry.start, Int(entry.length))
            else { return false }
            builder.pointee.appendDouble(value)
            if kind == JSONKind.bigInt { noteBigInt(column) }
            return true
        case .bool:
            guard kind == JSONKind.trueValue || kind == JSONKind.falseValue else { return false }
            builder.pointee.appendBool(kind == JSONKind.trueValue)
            return true
        case .date:
            guard kind == JSONKind.string || kind == JSONKind.decoded, entry.length == 10,
                let value = ValueParser.date(text(entry), 10)
            else { return false }
            builder.pointee.appendDate(value)
            return true
        case .timestamp:
            guard kind == JSONKind.string || kind == JSONKind.decoded else { return false }
            let p = text(entry)
            let length = Int(entry.length)
            if let value = ValueParser.timestamp(p, length) {
                builder.pointee.appendTimestamp(value)
                return true
            }
            if length == 10, let days = ValueParser.date(p, length) {
                builder.pointee.appendTimestamp(Int64(days) * 86_400_000_000)
                return true
            }
            return false
        }
    }

    @inline(never)
    private mutating func noteBigInt(_ column: Int) {
        warn("column '\(columnNames[column])': integers too large for int64 were read as float64 (precision may be lost)")
    }

    /// The narrowest type of one (non-null) value.
    private func valueType(_ entry: JSONFieldEntry, _ column: Int) -> DataType {
        switch entry.kind {
        case JSONKind.falseValue, JSONKind.trueValue: return .bool
        case JSONKind.int: return columnIdentifier.base[column] ? .string : .int64
        case JSONKind.float, JSONKind.bigInt: return columnIdentifier.base[column] ? .string : .float64
        case JSONKind.string, JSONKind.decoded:
            let p = text(entry)
            let length = Int(entry.length)
            if length == 10 && ValueParser.date(p, length) != nil { return .date }
            if ValueParser.timestamp(p, length) != nil { return .timestamp }
            return .string
        default: return .string
        }
    }

    /// A value that does not fit the column's current type: settle the type, widen, or fail.
    private mutating func appendSlow(_ entry: JSONFieldEntry, _ column: Int) -> Outcome {
        let type = valueType(entry, column)
        let global = columnGlobal.base[column]
        if !columnKnown.base[column] {
            // First value of a column seen only with nulls so far.
            let settled = config.state.widen(global, toHold: type)
            var builder = ColumnBuilder(type: settled, capacity: estimatedRows)
            for _ in 0..<builders.base[column].count { builder.appendNull() }
            builders.base[column] = builder
            columnKnown.base[column] = true
            if appendFast(entry, column) { return .ok }
        }
        let current = builders.base[column].type
        if columnDeclared.base[column] { return appendDeclared(entry, column, current) }
        let target = config.state.widen(global, toHold: current.widened(with: type))
        if target == .string && current != .string { return .reparse }
        if target != current { builders.base[column].widen(to: target) }
        if appendFast(entry, column) { return .ok }
        // Cannot happen (the widened type holds the value); be safe: go to string.
        config.state.widen(global, toHold: .string)
        return .reparse
    }

    /// Values of a declared column: strings may be converted; anything else that does not fit fails.
    private mutating func appendDeclared(_ entry: JSONFieldEntry, _ column: Int, _ type: DataType) -> Outcome {
        let isString = entry.kind == JSONKind.string || entry.kind == JSONKind.decoded
        let p = text(entry)
        let length = Int(entry.length)
        let builder = builders.base + column
        if isString {
            switch type {
            case .int64:
                if let value = ValueParser.int64(p, length) { builder.pointee.appendInt(value); return .ok }
            case .float64:
                if let value = ValueParser.double(p, length) { builder.pointee.appendDouble(value); return .ok }
            case .bool:
                if let value = ValueParser.bool(p, length) { builder.pointee.appendBool(value); return .ok }
            default:
                break
            }
        }
        let shown = String(decoding: UnsafeBufferPointer(start: p, count: min(length, 60)), as: UTF8.self)
        let described = isString ? "\"\(shown)\"" : shown
        return .castFailed(
            message: "could not convert \(described) to \(type) (declared type of column '\(columnNames[column])')",
            source: source(entry), column: column)
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
