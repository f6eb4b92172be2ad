import LumbungCore

#if canImport(Glibc)
import Glibc
#endif

/// Cuts NDJSON blocks after the last newline. JSON strings cannot hold a raw newline, so every
/// newline ends a record.
struct NDJSONSplitter: RecordSplitter {
    mutating func lastRecordEnd(_ block: UnsafeRawBufferPointer, atEndOfInput: Bool) -> Int? {
        if atEndOfInput { return block.count }
        guard let base = block.baseAddress, block.count > 0 else { return nil }
        return NDJSONSplitter.lastNewline(base.assumingMemoryBound(to: UInt8.self), block.count).map { $0 + 1 }
    }

    /// The offset of the last newline, scanning back eight bytes at a time.
    static func lastNewline(_ p: UnsafePointer<UInt8>, _ count: Int) -> Int? {
        var index = count
        let ones: UInt64 = 0x0101_0101_0101_0101
        while index >= 8 {
            let w = UnsafeRawPointer(p + index - 8).loadUnaligned(as: UInt64.self) ^ 0x0A0A_0A0A_0A0A_0A0A
            if (w &- ones) & ~w & 0x8080_8080_8080_8080 != 0 { break }
            index -= 8
        }
        while index > 0 {
            index -= 1
            if p[index] == JSONByte.newline { return index }
        }
        return nil
    }
}

/// Cuts the elements of a top-level JSON array into blocks, between elements only.
///
/// Blocks start just after the opening `[` or just after a top-level comma. The splitter scans
/// every byte once, tracking strings (with escapes) and a stack of open brackets, so it cuts only
/// at commas between top-level elements. It also checks what a parser thread could not resynchronise
/// from: mismatched or unclosed brackets, an unterminated string (JSON strings cannot hold a raw
/// newline), a missing or doubled comma, text after the closing `]`. Those fail the read with
/// `invalidJSON` naming the line and column; faults inside a well-delimited element are left to the
/// parser, which rejects just that element.
///
/// That scan runs while a thread holds the inflater, so no other block is cut meanwhile, and costs
/// about as much as inflating. In `speculative` mode the splitter first looks for a cut that needs
/// no scan (`speculativeCut`) and the parser threads verify the blocks instead; `JSONReader` reads
/// again in exact mode when one is not whole elements. Blocks without such a cut (a minified array
/// on one line) are scanned as above.
struct JSONArraySplitter: RecordSplitter {
    let path: String
    /// Absolute line and byte offset of the next block's start.
    var line: Int
    var offset: Int64
    /// The next block starts right after `[` (so `]` may close an empty array).
    var atArrayStart = true
    /// The closing `]` was seen: only whitespace may follow.
    var closed = false
    /// Bytes between the start of its line and the next block's start (blocks often start mid-line).
    var columnOffset: Int
    /// `columnOffset` of every block handed out, in order (rejects on a block's first line are
    /// shifted by it).
    private(set) var blockColumnOffsets: [Int] = []
    private var stack: [UInt8] = []
    /// Cut at line starts that look like element starts, without scanning (see `speculativeCut`);
    /// the parser threads then verify every block (`JSONBlockParser.verifyArrayBlocks`).
    let speculative: Bool

    init(path: String, firstLine: Int, offset: Int64, columnOffset: Int, speculative: Bool = false) {
        self.path = path
        self.line = firstLine
        self.offset = offset
        self.columnOffset = columnOffset
        self.speculative = speculative
    }

    /// A cut just before a line whose first non-blank byte is `{` and whose previous non-blank byte
    /// is `,`: between two elements in the usual layouts (one element per line, or pretty-printed),
    /// found from the end of the block without scanning it. JSON strings cannot hold a raw newline,
    /// so the cut is never inside a string of valid JSON; it can be inside a nested array of objects,
    /// which the verification of the blocks catches.
    static func speculativeCut(_ base: UnsafePointer<UInt8>, _ count: Int) -> Int? {
        var limit = count
        while let newline = NDJSONSplitter.lastNewline(base, limit) {
            var next = newline + 1
            while next < count && (base[next] == JSONByte.space || base[next] == JSONByte.tab || base[next] == JSONByte.cr) { next += 1 }
            if next < count && base[next] == JSONByte.openBrace {
                var previous = newline - 1
                while previous >= 0 && JSONByte.isWhitespace(base[previous]) { previous -= 1 }
                if previous >= 0 && base[previous] == JSONByte.comma { return newline + 1 }
            }
            limit = newline
        }
        return nil
    }

    /// Whether `block` is a clean run of whole elements: after `[` or a top-level comma, ending just
    /// after a top-level comma (and whitespace), or at the closing `]` when it is the last block.
    static func isCleanBlock(_ block: UnsafeRawBufferPointer, isLast: Bool) -> Bool {
        var splitter = JSONArraySplitter(path: "", firstLine: 1, offset: 0, columnOffset: 0)
        guard let cut = try? splitter.lastRecordEnd(block, atEndOfInput: isLast) else { return false }
        if isLast || splitter.closed { return isLast && splitter.closed }
        guard let base = block.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return false }
        for index in cut..<block.count where !JSONByte.isWhitespace(base[index]) { return false }
        return true
    }

    mutating func lastRecordEnd(_ block: UnsafeRawBufferPointer, atEndOfInput: Bool) throws -> Int? {
        guard let base = block.baseAddress?.assumingMemoryBound(to: UInt8.self), block.count > 0 else {
            if atEndOfInput && !closed {
                throw fault("the JSON array is not closed: the file ends before ']'", at: 0, in: nil, lines: 0, lineStart: 0)
            }
            return atEndOfInput ? 0 : nil
        }
        let count = block.count
        if closed {
            try checkTrailing(base, from: 0, count: count, lines: 0, lineStart: 0)
            return commit(count, lines: countLines(base, count), lineStart: 0)
        }
        if speculative {
            if atEndOfInput { return commit(count, lines: countLines(base, count), lineStart: 0) }
            if let cut = JSONArraySplitter.speculativeCut(base, count) {
                return commit(cut, lines: countLines(base, cut), lineStart: cut)
            }
        }
        var index = 0
        var lines = 0
        var lineStart = 0
        var depth = 0
        stack.removeAll(keepingCapacity: true)
        var hasContent = false
        var elementStart = 0
        var elementLine = 0
        var elementLineStart = 0
        var lastCut: Int?
        var linesAtCut = 0
        var lineStartAtCut = 0
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        while index < count {
            let c = base[index]
            switch c {
            case JSONByte.quote:
                if !hasContent {
                    hasContent = true
                    elementStart = index; elementLine = lines; elementLineStart = lineStart
                }
                let stringStart = index
                index += 1
                // Find the closing quote: skip escapes; a raw newline means the string never closed.
                while true {
                    while count - index >= 8 {
                        let w = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
                        let x = w ^ 0x2222_2222_2222_2222
                        let y = w ^ 0x5C5C_5C5C_5C5C_5C5C
                        let z = w ^ 0x0A0A_0A0A_0A0A_0A0A
                        let m = (((x &- ones) & ~x) | ((y &- ones) & ~y) | ((z &- ones) & ~z)) & highs
                        if m != 0 {
                            index += m.trailingZeroBitCount >> 3
                            break
                        }
                        index += 8
                    }
                    if index >= count {
                        if atEndOfInput {
                            throw fault(
                                "unterminated string: the file ends inside it", at: stringStart, in: base, lines: lines,
                                lineStart: lineStart)
                        }
                        return lastCut.map { commit($0, lines: linesAtCut, lineStart: lineStartAtCut) }
                    }
                    let s = base[index]
                    if s == JSONByte.quote { index += 1; break }
                    if s == JSONByte.backslash { index += 2; continue }
                    if s == JSONByte.newline {
                        throw fault(
                            "unterminated string: a newline before its closing quote (newlines inside JSON strings must be written \\n)",
                            at: stringStart, in: base, lines: lines, lineStart: lineStart)
                    }
                    index += 1
                }
                continue
            case JSONByte.openBrace, JSONByte.openBracket:
                if !hasContent {
                    hasContent = true
                    elementStart = index; elementLine = lines; elementLineStart = lineStart
                }
                stack.append(c)
                depth += 1
            case JSONByte.closeBrace, JSONByte.closeBracket:
                if depth == 0 {
                    guard c == JSONByte.closeBracket else {
                        throw fault("unmatched '}'", at: index, in: base, lines: lines, lineStart: lineStart)
                    }
                    if !hasContent && !(atArrayStart && lastCut == nil) {
                        throw fault("a comma before ']' (trailing commas are not allowed in JSON)", at: index, in: base, lines: lines, lineStart: lineStart)
                    }
                    closed = true
                    try checkTrailing(base, from: index + 1, count: count, lines: lines, lineStart: lineStart)
                    return commit(count, lines: countLines(base, count), lineStart: 0)
                }
                let open = stack.removeLast()
                depth -= 1
                if (open == JSONByte.openBrace) != (c == JSONByte.closeBrace) {
                    throw fault(
                        "'\(Character(Unicode.Scalar(c)))' does not match the '\(Character(Unicode.Scalar(open)))' it closes",
                        at: index, in: base, lines: lines, lineStart: lineStart)
                }
            case JSONByte.comma:
                if depth == 0 {
                    if !hasContent {
                        throw fault("expected an element before ','", at: index, in: base, lines: lines, lineStart: lineStart)
                    }
                    hasContent = false
                    lastCut = index + 1
                    linesAtCut = lines
                    lineStartAtCut = lineStart
                }
            case JSONByte.newline:
                lines += 1
                lineStart = index + 1
            case JSONByte.space, JSONByte.tab, JSONByte.cr:
                break
            default:
                if !hasContent {
                    hasContent = true
                    elementStart = index; elementLine = lines; elementLineStart = lineStart
                }
            }
            index += 1
        }
        if atEndOfInput {
            if depth > 0 {
                throw fault(
                    "the file ends inside an element: \(depth) bracket\(depth == 1 ? "" : "s") still open (the JSON array is truncated)",
                    at: elementStart, in: base, lines: elementLine, lineStart: elementLineStart)
            }
            throw fault("the JSON array is not closed: the file ends before ']'", at: count, in: base, lines: lines, lineStart: lineStart)
        }
        return lastCut.map { commit($0, lines: linesAtCut, lineStart: lineStartAtCut) }
    }

    private mutating func commit(_ end: Int, lines: Int, lineStart: Int) -> Int {
        blockColumnOffsets.append(columnOffset)
        columnOffset = lines > 0 ? end - lineStart : columnOffset + end
        line += lines
        offset += Int64(end)
        atArrayStart = false
        return end
    }

    private func countLines(_ base: UnsafePointer<UInt8>, _ count: Int) -> Int {
        var lines = 0
        var q = base
        let end = base + count
        while q < end, let found = memchr(q, Int32(JSONByte.newline), end - q) {
            lines += 1
            q = UnsafePointer(found.assumingMemoryBound(to: UInt8.self)) + 1
        }
        return lines
    }

    private func checkTrailing(_ base: UnsafePointer<UInt8>, from start: Int, count: Int, lines: Int, lineStart: Int) throws {
        var lines = lines
        var lineStart = lineStart
        for index in start..<max(start, count) {
            let c = base[index]
            if c == JSONByte.newline {
                lines += 1
                lineStart = index + 1
            } else if !JSONByte.isWhitespace(c) {
                throw fault("unexpected text after the end of the JSON array", at: index, in: base, lines: lines, lineStart: lineStart)
            }
        }
    }

    private func fault(_ message: String, at index: Int, in base: UnsafePointer<UInt8>?, lines: Int, lineStart: Int) -> LumbungError {
        LumbungError.data(DataError(
            .invalidJSON, file: path, line: line + lines,
            column: index - lineStart + 1 + (lines == 0 ? columnOffset : 0), byteOffset: offset + Int64(index),
            message: message,
            hint: "the JSON array cannot be read past a fault in its structure; fix the file, or export it as NDJSON (one object per line) so that bad lines can be rejected one by one"))
    }
}
