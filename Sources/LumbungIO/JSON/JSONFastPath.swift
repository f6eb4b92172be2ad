import LumbungCore

#if canImport(Glibc)
import Glibc
#endif

/// The fast path for the records a file is made of: every key the one that followed it last time,
/// strings without escapes, values that fit their column's current type. It runs on local
/// pointers (no state reloaded through `self` per byte) and gives up on anything else: the caller
/// rolls the record back and parses it again on the general path (`parseObject`), which handles new
/// keys, escapes, type changes, duplicate keys and faults, and reports them. Both paths accept
/// exactly strict JSON; the fast one only accepts less of it.
extension JSONBlockWorker {
    /// Parses the record object at `start` (`{`) and appends its values. Returns the position after
    /// its `}`, with `appended` set to the number of columns given a value, or `nil` to give up
    /// (values appended so far must be rolled back). Nested objects are followed with an explicit
    /// stack (no recursion, so that the helpers inline).
    ///
    /// With `newlineEnds` (NDJSON), `end` may lie past the record's line, which is not looked for
    /// first: a newline is not whitespace but the end of the input (the fast path gives up on
    /// one), and before the scanner skips a value the line's end is found and bounds the rest.
    mutating func fastObject(
        _ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>, appended: inout Int, newlineEnds: Bool
    ) -> UnsafePointer<UInt8>? {
        var end = end
        var newlineEnds = newlineEnds
        let nodes = self.nodes.base
        let arena = UnsafePointer(keyArena.base)
        let rows = self.rows
        let stack = fastStack.base
        var depth = 0
        // Counted here and stored on success only (the caller ignores it on `nil`).
        var values = 0
        // The key predicted next: the first one of the object, then the one that followed the
        // last key matched.
        var expected = nodes[0].firstChild
        var p = start + 1
        while p < end && p[0] <= JSONByte.space {
            guard JSONFastPath.isSpace(p[0], newlineEnds) else { return nil }
            p += 1
        }
        guard p < end else { return nil }
        if p[0] == JSONByte.closeBrace {
            appended = values
            return p + 1
        }
        while true {
            // The key: the predicted one, with its colon (whitespace before it is rare).
            guard p < end else { return nil }
            if p[0] != JSONByte.quote {
                while p < end && p[0] <= JSONByte.space {
                    guard JSONFastPath.isSpace(p[0], newlineEnds) else { return nil }
                    p += 1
                }
                guard p < end, p[0] == JSONByte.quote else { return nil }
            }
            p += 1
            let candidate = expected
            guard candidate >= 0 else { return nil }
            let node = nodes + Int(candidate)
            let length = Int(node.pointee.fastPatternLength)
            guard end - p >= length, JSONFastPath.patternMatches(node, arena, p, length) else { return nil }
            p += length
            while p < end && p[0] <= JSONByte.space {
                guard JSONFastPath.isSpace(p[0], newlineEnds) else { return nil }
                p += 1
            }
            guard p < end else { return nil }
            expected = node.pointee.next
            let column = Int(node.pointee.column)
            let c = p[0]
            if c == JSONByte.quote {
                let body = p + 1
                guard let close = JSONFastPath.stringEnd(body, end) else { return nil }
                p = close + 1
                if column >= 0 {
                    guard appendFastString(column, body, close - body, rows: rows) else { return nil }
                    values &+= 1
                } else if column == -1 {
                    return nil
                }
            } else if c &- 0x30 <= 9 || c == JSONByte.minus {
                var value: Int64 = 0
                var exactFloat = false
                let numberStart = p
                guard let (after, kind) = JSONFastPath.number(p, end, &value, exactFloat: &exactFloat) else { return nil }
                p = after
                if column >= 0 {
                    guard appendFastNumber(column, kind, value, exactFloat, numberStart, after - numberStart, rows: rows) else {
                        return nil
                    }
                    values &+= 1
                } else if column == -1 {
                    return nil
                }
            } else if c == UInt8(ascii: "t") || c == UInt8(ascii: "f") || c == UInt8(ascii: "n") {
                guard end - p >= 4 else { return nil }
                let word = UnsafeRawPointer(p).loadUnaligned(as: UInt32.self)
                let literal: UInt8
                let literalStart = p
                if word == 0x6575_7274 {
                    literal = JSONKind.trueValue
                    p += 4
                } else if word == 0x6C6C_756E {
                    literal = JSONKind.null
                    p += 4
                } else if word == 0x736C_6166, end - p >= 5, p[4] == UInt8(ascii: "e") {
                    literal = JSONKind.falseValue
                    p += 5
                } else {
                    return nil
                }
                if column >= 0 {
                    guard appendFastLiteral(column, literal, literalStart, p - literalStart, rows: rows) else { return nil }
                    values &+= 1
                } else if column == -1 {
                    return nil
                }
            } else if c == JSONByte.openBrace && !node.pointee.descend {
                // No projected column under this key: validate and skip the object.
                if newlineEnds {
                    end = JSONFastPath.lineEnd(p, end)
                    newlineEnds = false
                }
                s.p = p
                s.end = end
                s.errorAt = nil
                guard s.skipValue(depth: depth + 1) else { return nil }
                p = s.p
            } else if c == JSONByte.openBrace {
                // Into a nested object: its keys continue under this one.
                guard depth < 30 else { return nil }
                stack[depth] = candidate
                depth += 1
                expected = node.pointee.firstChild
                p += 1
                while p < end && p[0] <= JSONByte.space {
                    guard JSONFastPath.isSpace(p[0], newlineEnds) else { return nil }
                    p += 1
                }
                guard p < end else { return nil }
                if p[0] != JSONByte.closeBrace { continue }
                p += 1
                depth -= 1
                expected = nodes[Int(stack[depth])].next
            } else if c == JSONByte.openBracket {
                // Arrays are kept as text: validated by the scanner, compacted when they have spaces.
                guard column != -1 else { return nil }
                if newlineEnds {
                    end = JSONFastPath.lineEnd(p, end)
                    newlineEnds = false
                }
                s.p = p
                s.end = end
                s.sawSpace = false
                s.errorAt = nil
                guard s.skipValue(depth: depth + 1) else { return nil }
                if column >= 0 {
                    guard !s.sawSpace, appendFastText(column, p, s.p - p, rows: rows) else { return nil }
                    values &+= 1
                }
                p = s.p
            } else {
                return nil
            }
            // After a value: a comma and more keys, or the end of this object (and maybe of the
            // ones around it); whitespace one byte at a time.
            while true {
                guard p < end else { return nil }
                let next = p[0]
                if next == JSONByte.comma {
                    p += 1
                    break
                }
                if next == JSONByte.closeBrace {
                    p += 1
                    if depth == 0 {
                        appended = values
                        return p
                    }
                    depth -= 1
                    expected = nodes[Int(stack[depth])].next
                } else {
                    guard JSONFastPath.isSpace(next, newlineEnds) else { return nil }
                    p += 1
                }
            }
        }
    }

    /// The column's buffer, unless it already has a value in this record (a duplicate key).
    @_transparent
    private func freshBuffer(_ column: Int, rows: Int) -> UnsafeMutablePointer<JSONColumnBuffer>? {
        let buffer = buffers.base + column
        return buffer.pointee.count == rows ? buffer : nil
    }

    @_transparent
    private mutating func appendFastString(_ column: Int, _ p: UnsafePointer<UInt8>, _ length: Int, rows: Int) -> Bool {
        guard let buffer = freshBuffer(column, rows: rows), let type = buffer.pointee.type else { return false }
        switch type {
        case .string:
            if buffer.pointee.dictionary != nil {
                let code = buffer.pointee.dictionary!.code(for: p, length).code
                buffer.pointee.codes.append(code)
                if buffer.pointee.hasNulls { buffer.pointee.present.append(1) }
                buffer.pointee.count &+= 1
                if Int(code) >= dictionaryLimit { dropDictionaryFast(buffer) }
            } else {
                buffer.pointee.bytes.append(p, length)
                buffer.pointee.offsets.append(UInt32(truncatingIfNeeded: buffer.pointee.bytes.count))
                if buffer.pointee.hasNulls { buffer.pointee.present.append(1) }
                buffer.pointee.count &+= 1
            }
            return true
        case .date, .timestamp:
            return JSONBlockWorker.appendFastTime(buffer, type, p, length)
        default:
            return false
        }
    }

    @inline(never)
    private static func appendFastTime(
        _ buffer: UnsafeMutablePointer<JSONColumnBuffer>, _ type: DataType, _ p: UnsafePointer<UInt8>, _ length: Int
    ) -> Bool {
        // One call of `date` for both types, so that it inlines.
        let isDate = type == .date
        guard isDate ? length == 10 : length >= 10, let days = date(buffer, p) else { return false }
        if isDate {
            buffer.pointee.appendWord(UInt64(bitPattern: Int64(days)))
            return true
        }
        if let micros = JSONDates.timestamp(p, length, days: days) {
            buffer.pointee.appendWord(UInt64(bitPattern: micros))
            return true
        }
        guard length == 10 else { return false }
        buffer.pointee.appendWord(UInt64(bitPattern: Int64(days) * 86_400_000_000))
        return true
    }

    /// The days of the date in `p[0..<10]` (`JSONDates.date`), taken from the column's last date
    /// when the bytes repeat it.
    @inline(__always)
    private static func date(_ buffer: UnsafeMutablePointer<JSONColumnBuffer>, _ p: UnsafePointer<UInt8>) -> Int32? {
        buffer.pointee.dates.days(p) { JSONDates.date($0, 10) }
    }

    @inline(never)
    private mutating func dropDictionaryFast(_ buffer: UnsafeMutablePointer<JSONColumnBuffer>) {
        let global = columnGlobal.base[buffer - buffers.base]
        buffer.pointee.dropDictionary(pool: config.state.pool, stringBytes: estimatedRows * config.state.stringBytesPerValue(global))
        config.state.cardinality.markHigh(global)
    }

    @inline(__always)
    private mutating func appendFastText(_ column: Int, _ p: UnsafePointer<UInt8>, _ length: Int, rows: Int) -> Bool {
        guard let buffer = freshBuffer(column, rows: rows), buffer.pointee.type == .string else { return false }
        buffer.pointee.appendString(p, length)
        if let dictionary = buffer.pointee.dictionary, dictionary.count > dictionaryLimit { dropDictionaryFast(buffer) }
        return true
    }

    @_transparent
    private mutating func appendFastNumber(
        _ column: Int, _ kind: UInt8, _ value: Int64, _ exactFloat: Bool, _ p: UnsafePointer<UInt8>, _ length: Int, rows: Int
    ) -> Bool {
        guard let buffer = freshBuffer(column, rows: rows), let type = buffer.pointee.type else { return false }
        switch type {
        case .int64:
            guard kind == JSONKind.int else { return false }
            buffer.pointee.appendWord(UInt64(bitPattern: value))
            return true
        case .float64:
            if kind == JSONKind.int {
                buffer.pointee.appendWord(Double(value).bitPattern)
                return true
            }
            guard kind == JSONKind.float else { return false }
            if exactFloat {
                buffer.pointee.appendWord(UInt64(bitPattern: value))
                return true
            }
            guard let double = ValueParser.double(p, length) else { return false }
            buffer.pointee.appendWord(double.bitPattern)
            return true
        case .string:
            return appendFastText(column, p, length, rows: rows)
        default:
            return false
        }
    }

    @_transparent
    private mutating func appendFastLiteral(_ column: Int, _ literal: UInt8, _ p: UnsafePointer<UInt8>, _ length: Int, rows: Int) -> Bool {
        guard let buffer = freshBuffer(column, rows: rows) else { return false }
        if literal == JSONKind.null {
            buffer.pointee.appendNull()
            return true
        }
        guard let type = buffer.pointee.type else { return false }
        switch type {
        case .bool:
            buffer.pointee.appendWord(literal == JSONKind.trueValue ? 1 : 0)
            return true
        case .string:
            return appendFastText(column, p, length, rows: rows)
        default:
            return false
        }
    }
}

/// Scanners of the fast path: pure functions of bytes, `nil` for anything they do not take.
enum JSONFastPath {
    @inline(__always)
    static func load64(_ p: UnsafePointer<UInt8>) -> UInt64 { UnsafeRawPointer(p).loadUnaligned(as: UInt64.self) }

    @inline(__always)
    static func load32(_ p: UnsafePointer<UInt8>) -> UInt32 { UnsafeRawPointer(p).loadUnaligned(as: UInt32.self) }

    /// JSON whitespace, except a newline when `newlineEnds`.
    @inline(__always)
    static func isSpace(_ c: UInt8, _ newlineEnds: Bool) -> Bool {
        JSONByte.isWhitespace(c) && !(newlineEnds && c == JSONByte.newline)
    }

    /// The end of the line that `p` is on: its newline, or `end`.
    @inline(never)
    static func lineEnd(_ p: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> UnsafePointer<UInt8> {
        guard let found = memchr(p, Int32(JSONByte.newline), end - p) else { return end }
        return UnsafePointer(found.assumingMemoryBound(to: UInt8.self))
    }

    /// Byte equality with overlapping word loads (no byte loop).
    @inline(__always)
    static func equal(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ length: Int) -> Bool {
        if length >= 8 {
            var index = 0
            while length - index > 8 {
                if load64(a + index) != load64(b + index) { return false }
                index += 8
            }
            return load64(a + length - 8) == load64(b + length - 8)
        }
        if length >= 4 { return load32(a) == load32(b) && load32(a + length - 4) == load32(b + length - 4) }
        if length >= 2 {
            return UnsafeRawPointer(a).loadUnaligned(as: UInt16.self) == UnsafeRawPointer(b).loadUnaligned(as: UInt16.self)
                && a[length - 1] == b[length - 1]
        }
        return length == 0 || a[0] == b[0]
    }

    /// Whether `p[0..<length]` is the pattern of `node` (`length` is its length): its first and
    /// last 8 bytes come from the node itself, only the bytes between them (keys longer than 14
    /// bytes) from the arena.
    @inline(__always)
    static func patternMatches(
        _ node: UnsafePointer<JSONKeyNode>, _ arena: UnsafePointer<UInt8>, _ p: UnsafePointer<UInt8>, _ length: Int
    ) -> Bool {
        guard length >= 8 else { return equal(arena + Int(node.pointee.keyStart), p, length) }
        guard load64(p) == node.pointee.patternHead, load64(p + length - 8) == node.pointee.patternTail else { return false }
        var index = 8
        while length - index > 8 {
            if load64(arena + Int(node.pointee.keyStart) + index) != load64(p + index) { return false }
            index += 8
        }
        return true
    }

    /// The closing quote of a string body without escapes or control characters, and with valid
    /// UTF-8; `nil` otherwise.
    @inline(__always)
    static func stringEnd(_ body: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> UnsafePointer<UInt8>? {
        var q = body
        while true {
            // 16 bytes a step (a string of up to 15 bytes takes one), 8 near the end; then the
            // byte that stopped the step, or the last few one at a time.
            if end - q >= 16 {
                let low = specialBytes(load64(q))
                let high = specialBytes(load64(q + 8))
                if low | high == 0 {
                    q += 16
                    continue
                }
                // The first marked byte, without a branch: when `low` is empty its count of
                // trailing zeros is 64 (8 bytes) and the one of `high` is added.
                let lowBytes = low.trailingZeroBitCount >> 3
                let highBytes = high.trailingZeroBitCount >> 3
                q += lowBytes + (highBytes & (0 &- (lowBytes >> 3)))
            } else if end - q >= 8 {
                let m = specialBytes(load64(q))
                if m == 0 {
                    q += 8
                    continue
                }
                q += m.trailingZeroBitCount >> 3
            }
            guard q < end else { return nil }
            let c = q[0]
            if c == JSONByte.quote { return q }
            if c == JSONByte.backslash || c < 0x20 { return nil }
            if c >= 0x80 {
                let length = utf8Length(q, end)
                if length == 0 { return nil }
                q += length
                continue
            }
            q += 1
        }
    }

    /// The high bit of each byte of `w` that is a quote, a backslash, a control character or
    /// not ASCII (exact up to the first such byte; the bytes after it may be marked too).
    @inline(__always)
    static func specialBytes(_ w: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let x = w ^ 0x2222_2222_2222_2222
        let y = w ^ 0x5C5C_5C5C_5C5C_5C5C
        return (((x &- ones) & ~x) | ((y &- ones) & ~y) | ((w &- 0x2020_2020_2020_2020) & ~w) | w) & 0x8080_8080_8080_8080
    }

    @inline(never)
    static func utf8Length(_ q: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> Int {
        JSONScanner.utf8Length(q, end)
    }

    private static let exactPowers: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
        1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    /// A number in strict JSON grammar: the position after it and its kind. For `.int`, `value` is
    /// the integer; for `.float`, `value` is the double's bit pattern when it could be computed
    /// exactly here (a mantissa below 2^53 and a power of ten up to 22, correctly rounded by one
    /// division, as in `ValueParser.double`), else `exactFloat` is false and the caller parses the
    /// text. `nil` for anything else (including integers too large for Int64).
    @_transparent
    static func number(
        _ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>, _ value: inout Int64, exactFloat: inout Bool
    ) -> (UnsafePointer<UInt8>, UInt8)? {
        var q = start
        let negative = q[0] == JSONByte.minus
        if negative { q += 1 }
        guard q < end else { return nil }
        let digitsStart = q
        var magnitude: UInt64 = 0
        let first = q[0] &- 0x30
        if first == 0 {
            q += 1
        } else if first <= 9 {
            while q < end {
                let d = q[0] &- 0x30
                if d > 9 { break }
                magnitude = magnitude &* 10 &+ UInt64(d)
                q += 1
            }
        } else {
            return nil
        }
        let digits = q - digitsStart
        let next: UInt8 = q < end ? q[0] : 0
        if next &- 0x30 <= 9 { return nil }
        if next != JSONByte.dot && next | 0x20 != UInt8(ascii: "e") {
            guard digits <= 18 else { return nil }
            value = negative ? -Int64(magnitude) : Int64(magnitude)
            return (q, JSONKind.int)
        }
        var fraction = 0
        if next == JSONByte.dot {
            q += 1
            let fractionStart = q
            while q < end {
                let d = q[0] &- 0x30
                if d > 9 { break }
                magnitude = magnitude &* 10 &+ UInt64(d)
                q += 1
            }
            fraction = q - fractionStart
            guard fraction > 0 else { return nil }
        }
        var exact = digits + fraction <= 18
        if q < end && q[0] | 0x20 == UInt8(ascii: "e") {
            q += 1
            if q < end && (q[0] == JSONByte.minus || q[0] == JSONByte.plus) { q += 1 }
            guard q < end, q[0] &- 0x30 <= 9 else { return nil }
            while q < end && q[0] &- 0x30 <= 9 { q += 1 }
            exact = false
        }
        if exact && magnitude < 1 << 53 && fraction <= 22 {
            var double = Double(magnitude)
            double = fraction == 0 ? double : double / exactPowers[fraction]
            value = Int64(bitPattern: (negative ? -double : double).bitPattern)
            exactFloat = true
        } else {
            exactFloat = false
        }
        return (q, JSONKind.float)
    }
}
