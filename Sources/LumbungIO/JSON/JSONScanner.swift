import LumbungCore

#if canImport(Glibc)
import Glibc
#endif

/// Byte constants of the JSON grammar.
enum JSONByte {
    static let quote: UInt8 = 0x22
    static let backslash: UInt8 = 0x5C
    static let openBrace: UInt8 = 0x7B
    static let closeBrace: UInt8 = 0x7D
    static let openBracket: UInt8 = 0x5B
    static let closeBracket: UInt8 = 0x5D
    static let comma: UInt8 = 0x2C
    static let colon: UInt8 = 0x3A
    static let minus: UInt8 = 0x2D
    static let plus: UInt8 = 0x2B
    static let dot: UInt8 = 0x2E
    static let newline: UInt8 = 0x0A
    static let space: UInt8 = 0x20
    static let tab: UInt8 = 0x09
    static let cr: UInt8 = 0x0D

    @inline(__always)
    static func isWhitespace(_ c: UInt8) -> Bool { c == space || c == newline || c == cr || c == tab }
}

/// How a scanned JSON number reads.
enum JSONNumberKind {
    /// Fits in Int64 (the value is returned).
    case int
    /// Has a fraction or an exponent.
    case float
    /// An integer literal too large for Int64.
    case bigInt
}

/// A growable buffer of trivial values without copy-on-write or reference counting, for the hot
/// loops of one parser thread. The owner calls `free()` once. Counts add without overflow checks:
/// they never pass `capacity`, an allocation's size.
struct RawVec<T> {
    var base: UnsafeMutablePointer<T>
    var count = 0
    var capacity: Int

    init(capacity: Int) {
        self.capacity = max(capacity, 8)
        base = .allocate(capacity: self.capacity)
    }

    @inline(__always)
    mutating func append(_ value: T) {
        if count == capacity { grow(to: capacity * 2) }
        (base + count).initialize(to: value)
        count &+= 1
    }

    @inline(__always)
    mutating func reserve(_ extra: Int) {
        if count + extra > capacity { grow(to: max(capacity * 2, count + extra)) }
    }

    mutating func grow(to newCapacity: Int) {
        // Powers of two of bytes, so that grown memory can go back to a `JSONMemoryPool` too.
        let stride = MemoryLayout<T>.stride
        var bytes = 64
        while bytes < newCapacity * stride { bytes <<= 1 }
        let newCapacity = bytes / stride
        let fresh = UnsafeMutablePointer<T>.allocate(capacity: newCapacity)
        fresh.moveInitialize(from: base, count: count)
        base.deallocate()
        base = fresh
        capacity = newCapacity
    }

    func free() {
        base.deinitialize(count: count)
        base.deallocate()
    }
}

extension RawVec where T == UInt8 {
    @inline(__always)
    mutating func append(_ p: UnsafePointer<UInt8>, _ length: Int) {
        reserve(length)
        SWAR.copy(base + count, p, length)
        count &+= length
    }
}

/// A cursor over raw JSON bytes that validates as it goes: strict RFC 8259 grammar, escapes,
/// surrogate pairs and UTF-8. Nothing is allocated on the success path.
struct JSONScanner {
    var p: UnsafePointer<UInt8>
    var end: UnsafePointer<UInt8>
    /// Where the first fault was found, with its kind and message (set by `fail`).
    var errorAt: UnsafePointer<UInt8>?
    var errorKind: DataError.Kind = .invalidJSON
    var errorMessage = ""
    /// Whether the last string scanned had escapes (it must be decoded).
    var escaped = false
    /// Set by `skipValue` when it met whitespace outside strings (the text can be compacted).
    var sawSpace = false

    static let maxDepth = 512

    init(_ p: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) {
        self.p = p
        self.end = end
    }

    @inline(never)
    mutating func fail(_ message: String, at position: UnsafePointer<UInt8>, kind: DataError.Kind = .invalidJSON) -> Bool {
        if errorAt == nil {
            errorAt = position
            errorMessage = message
            errorKind = kind
        }
        return false
    }

    @inline(never)
    mutating func failHere(_ expected: String) -> Bool {
        if p >= end { return fail("\(expected), found the end of the \(endName)", at: p) }
        return fail("\(expected), found \(JSONScanner.describe(p[0]))", at: p)
    }

    /// "line" (NDJSON) or "input"; only used in messages.
    var endName = "line"

    static func describe(_ byte: UInt8) -> String {
        if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        if byte == JSONByte.space { return "a space" }
        return "byte 0x" + String(byte, radix: 16, uppercase: true)
    }

    @inline(__always)
    mutating func skipWhitespace() {
        while p < end {
            let c = p[0]
            if c > JSONByte.space || !(c == JSONByte.space || c == JSONByte.newline || c == JSONByte.cr || c == JSONByte.tab) { return }
            p += 1
        }
    }

    /// Like `skipWhitespace`, and notes whether any was skipped.
    @inline(__always)
    mutating func skipWhitespaceNoting() {
        let start = p
        skipWhitespace()
        if p != start { sawSpace = true }
    }

    // MARK: Strings

    /// Scans a string body: `p` is just past the opening quote; on success it is just past the
    /// closing quote and `escaped` tells whether the body needs decoding.
    @inline(__always)
    mutating func scanStringBody() -> Bool {
        var q = p
        escaped = false
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        while true {
            while end - q >= 8 {
                let w = UnsafeRawPointer(q).loadUnaligned(as: UInt64.self)
                let x = w ^ 0x2222_2222_2222_2222
                let y = w ^ 0x5C5C_5C5C_5C5C_5C5C
                let m = (((x &- ones) & ~x) | ((y &- ones) & ~y) | ((w &- 0x2020_2020_2020_2020) & ~w) | w) & highs
                if m != 0 {
                    q += m.trailingZeroBitCount >> 3
                    break
                }
                q += 8
            }
            guard q < end else { return fail("unterminated string (no closing quote)", at: p - 1) }
            let c = q[0]
            if c == JSONByte.quote {
                p = q + 1
                return true
            }
            if c == JSONByte.backslash {
                guard let length = escapeLength(q) else { return false }
                q += length
                escaped = true
                continue
            }
            if c < 0x20 {
                return fail("a control character (\(JSONScanner.describe(c))) inside a string must be escaped", at: q)
            }
            if c >= 0x80 {
                let length = JSONScanner.utf8Length(q, end)
                if length == 0 {
                    return fail("invalid UTF-8 in a string (the file may be Latin-1 or Windows-1252: convert it with iconv -f WINDOWS-1252 -t UTF-8)", at: q, kind: .invalidUTF8)
                }
                q += length
                continue
            }
            q += 1
        }
    }

    /// The length of the valid escape at `q` (a backslash), or `nil` after recording the fault.
    @inline(never)
    mutating func escapeLength(_ q: UnsafePointer<UInt8>) -> Int? {
        guard q + 1 < end else {
            _ = fail("unterminated string (no closing quote)", at: q)
            return nil
        }
        switch q[1] {
        case JSONByte.quote, JSONByte.backslash, UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
            UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            return 2
        case UInt8(ascii: "u"):
            guard end - q >= 6, let unit = JSONScanner.hex4(q + 2) else {
                _ = fail("invalid \\u escape (four hex digits expected)", at: q)
                return nil
            }
            if unit >= 0xD800 && unit <= 0xDBFF {
                guard end - q >= 12, q[6] == JSONByte.backslash, q[7] == UInt8(ascii: "u"), let low = JSONScanner.hex4(q + 8),
                    low >= 0xDC00 && low <= 0xDFFF
                else {
                    _ = fail("lone surrogate \\u\(String(unit, radix: 16, uppercase: true)): a high surrogate must be followed by a low one", at: q)
                    return nil
                }
                return 12
            }
            if unit >= 0xDC00 && unit <= 0xDFFF {
                _ = fail("lone surrogate \\u\(String(unit, radix: 16, uppercase: true)): a low surrogate without a high one", at: q)
                return nil
            }
            return 6
        default:
            _ = fail("invalid escape \\\(JSONScanner.describe(q[1]))", at: q)
            return nil
        }
    }

    @inline(__always)
    static func hexValue(_ c: UInt8) -> UInt32? {
        switch c {
        case 0x30...0x39: return UInt32(c - 0x30)
        case 0x41...0x46: return UInt32(c - 0x41 + 10)
        case 0x61...0x66: return UInt32(c - 0x61 + 10)
        default: return nil
        }
    }

    @inline(__always)
    static func hex4(_ q: UnsafePointer<UInt8>) -> UInt32? {
        guard let a = hexValue(q[0]), let b = hexValue(q[1]), let c = hexValue(q[2]), let d = hexValue(q[3]) else { return nil }
        return a << 12 | b << 8 | c << 4 | d
    }

    /// The length of the valid UTF-8 sequence at `q` (first byte >= 0x80), or 0.
    @inline(__always)
    static func utf8Length(_ q: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> Int {
        let b0 = q[0]
        let available = end - q
        if b0 < 0xC2 { return 0 }
        if b0 < 0xE0 {
            return available >= 2 && q[1] & 0xC0 == 0x80 ? 2 : 0
        }
        if b0 < 0xF0 {
            guard available >= 3 else { return 0 }
            let b1 = q[1]
            guard b1 & 0xC0 == 0x80, q[2] & 0xC0 == 0x80 else { return 0 }
            if b0 == 0xE0 && b1 < 0xA0 { return 0 }
            if b0 == 0xED && b1 >= 0xA0 { return 0 }
            return 3
        }
        if b0 < 0xF5 {
            guard available >= 4 else { return 0 }
            let b1 = q[1]
            guard b1 & 0xC0 == 0x80, q[2] & 0xC0 == 0x80, q[3] & 0xC0 == 0x80 else { return 0 }
            if b0 == 0xF0 && b1 < 0x90 { return 0 }
            if b0 == 0xF4 && b1 >= 0x90 { return 0 }
            return 4
        }
        return 0
    }

    /// Decodes a validated string body with escapes into `out` as UTF-8.
    static func decode(_ p: UnsafePointer<UInt8>, _ count: Int, into out: inout RawVec<UInt8>) {
        out.reserve(count)
        var index = 0
        while index < count {
            let c = p[index]
            if c != JSONByte.backslash {
                // Copy the run up to the next backslash at once.
                var run = index + 1
                while run < count && p[run] != JSONByte.backslash { run += 1 }
                out.append(p + index, run - index)
                index = run
                continue
            }
            let e = p[index + 1]
            switch e {
            case UInt8(ascii: "b"): out.append(0x08); index += 2
            case UInt8(ascii: "f"): out.append(0x0C); index += 2
            case UInt8(ascii: "n"): out.append(0x0A); index += 2
            case UInt8(ascii: "r"): out.append(0x0D); index += 2
            case UInt8(ascii: "t"): out.append(0x09); index += 2
            case UInt8(ascii: "u"):
                var scalar = hex4(p + index + 2)!
                index += 6
                if scalar >= 0xD800 && scalar <= 0xDBFF {
                    let low = hex4(p + index + 2)!
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    index += 6
                }
                appendScalar(scalar, into: &out)
            default: out.append(e); index += 2
            }
        }
    }

    @inline(__always)
    static func appendScalar(_ scalar: UInt32, into out: inout RawVec<UInt8>) {
        if scalar < 0x80 {
            out.append(UInt8(scalar))
        } else if scalar < 0x800 {
            out.append(UInt8(0xC0 | (scalar >> 6)))
            out.append(UInt8(0x80 | (scalar & 0x3F)))
        } else if scalar < 0x10000 {
            out.append(UInt8(0xE0 | (scalar >> 12)))
            out.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (scalar & 0x3F)))
        } else {
            out.append(UInt8(0xF0 | (scalar >> 18)))
            out.append(UInt8(0x80 | ((scalar >> 12) & 0x3F)))
            out.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (scalar & 0x3F)))
        }
    }

    /// Copies validated JSON text without the whitespace outside strings.
    static func compact(_ p: UnsafePointer<UInt8>, _ count: Int, into out: inout RawVec<UInt8>) {
        out.reserve(count)
        var index = 0
        var inString = false
        while index < count {
            let c = p[index]
            if inString {
                if c == JSONByte.backslash {
                    out.append(c)
                    out.append(p[index + 1])
                    index += 2
                    continue
                }
                if c == JSONByte.quote { inString = false }
                out.append(c)
            } else if !JSONByte.isWhitespace(c) {
                if c == JSONByte.quote { inString = true }
                out.append(c)
            }
            index += 1
        }
    }

    // MARK: Numbers and literals

    /// Scans a number (strict JSON grammar): `p` is at `-` or a digit. For `.int`, `value` holds it.
    @inline(__always)
    mutating func scanNumber(_ value: inout Int64) -> JSONNumberKind? {
        let start = p
        var q = p
        var negative = false
        if q[0] == JSONByte.minus {
            negative = true
            q += 1
        }
        guard q < end else { return failNumber(start, "a digit expected after '-'", at: q) }
        var magnitude: UInt64 = 0
        let digitsStart = q
        let first = q[0] &- 0x30
        if first == 0 {
            q += 1
            if q < end && q[0] &- 0x30 <= 9 { return failNumber(start, "leading zeros are not allowed in JSON numbers", at: start) }
        } else if first <= 9 {
            while q < end {
                let d = q[0] &- 0x30
                if d > 9 { break }
                magnitude = magnitude &* 10 &+ UInt64(d)
                q += 1
            }
        } else {
            return failNumber(start, "a digit expected after '-'", at: q)
        }
        let digits = q - digitsStart
        var isFloat = false
        if q < end && q[0] == JSONByte.dot {
            q += 1
            guard q < end, q[0] &- 0x30 <= 9 else { return failNumber(start, "a digit expected after the decimal point", at: q) }
            while q < end && q[0] &- 0x30 <= 9 { q += 1 }
            isFloat = true
        }
        if q < end && q[0] | 0x20 == UInt8(ascii: "e") {
            q += 1
            if q < end && (q[0] == JSONByte.minus || q[0] == JSONByte.plus) { q += 1 }
            guard q < end, q[0] &- 0x30 <= 9 else { return failNumber(start, "a digit expected in the exponent", at: q) }
            while q < end && q[0] &- 0x30 <= 9 { q += 1 }
            isFloat = true
        }
        p = q
        if isFloat { return .float }
        if digits <= 18 {
            value = negative ? -Int64(magnitude) : Int64(magnitude)
            return .int
        }
        if let exact = ValueParser.int64(start, q - start) {
            value = exact
            return .int
        }
        return .bigInt
    }

    @inline(never)
    mutating func failNumber(_ start: UnsafePointer<UInt8>, _ message: String, at position: UnsafePointer<UInt8>) -> JSONNumberKind? {
        _ = fail("invalid number: \(message)", at: position)
        return nil
    }

    /// `true`, `false` or `null` at `p`: 1 false, 2 true, 0 null; `nil` after recording the fault.
    @inline(__always)
    mutating func scanLiteral() -> UInt8? {
        let available = end - p
        if available >= 4 {
            let word = UnsafeRawPointer(p).loadUnaligned(as: UInt32.self)
            // Little-endian "true", "null", "fals".
            if word == 0x6575_7274 { p += 4; return 2 }
            if word == 0x6C6C_756E { p += 4; return 0 }
            if word == 0x736C_6166, available >= 5, p[4] == UInt8(ascii: "e") { p += 5; return 1 }
        }
        _ = fail("invalid literal (expected true, false or null)", at: p)
        return nil
    }

    // MARK: Skipping

    /// Validates and skips one value of any kind (used for arrays and for keys not projected).
    mutating func skipValue(depth: Int) -> Bool {
        guard p < end else { return failHere("expected a value") }
        switch p[0] {
        case JSONByte.quote:
            p += 1
            return scanStringBody()
        case JSONByte.minus, 0x30...0x39:
            var value: Int64 = 0
            return scanNumber(&value) != nil
        case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
            return scanLiteral() != nil
        case JSONByte.openBrace:
            guard depth < JSONScanner.maxDepth else { return fail("nesting deeper than \(JSONScanner.maxDepth) levels", at: p) }
            p += 1
            skipWhitespaceNoting()
            if p < end && p[0] == JSONByte.closeBrace {
                p += 1
                return true
            }
            while true {
                guard p < end, p[0] == JSONByte.quote else { return failHere("expected a key in double quotes") }
                p += 1
                guard scanStringBody() else { return false }
                skipWhitespaceNoting()
                guard p < end, p[0] == JSONByte.colon else { return failHere("expected ':' after the key") }
                p += 1
                skipWhitespaceNoting()
                guard skipValue(depth: depth + 1) else { return false }
                skipWhitespaceNoting()
                guard p < end else { return failHere("expected ',' or '}'") }
                if p[0] == JSONByte.comma {
                    p += 1
                    skipWhitespaceNoting()
                    continue
                }
                if p[0] == JSONByte.closeBrace {
                    p += 1
                    return true
                }
                return failHere("expected ',' or '}'")
            }
        case JSONByte.openBracket:
            guard depth < JSONScanner.maxDepth else { return fail("nesting deeper than \(JSONScanner.maxDepth) levels", at: p) }
            p += 1
            skipWhitespaceNoting()
            if p < end && p[0] == JSONByte.closeBracket {
                p += 1
                return true
            }
            while true {
                guard skipValue(depth: depth + 1) else { return false }
                skipWhitespaceNoting()
                guard p < end else { return failHere("expected ',' or ']'") }
                if p[0] == JSONByte.comma {
                    p += 1
                    skipWhitespaceNoting()
                    continue
                }
                if p[0] == JSONByte.closeBracket {
                    p += 1
                    return true
                }
                return failHere("expected ',' or ']'")
            }
        default:
            return failHere("expected a value")
        }
    }
}

extension RawVec {
    @inline(__always)
    mutating func removeLast() {
        count -= 1
        (base + count).deinitialize(count: 1)
    }
}
