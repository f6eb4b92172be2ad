#if canImport(Glibc)
import Glibc
#endif

/// Cuts CSV blocks at the last newline outside quotes, by the block parser's own reading of quotes.
///
/// A block always starts at a record start. As in `CSVBlockParser`, a quote opens a quoted field
/// only at the start of a field; inside one, `""` is a quote and a lone `"` closes it; text after a
/// closing quote, or after a quote in the middle of an unquoted field, is skipped to the next
/// delimiter or newline (the parser rejects that record), quotes included. Counting every quote's
/// parity instead would disagree with the parser on such records, and a file's rows would then
/// depend on where its blocks happen to end.
///
/// The scan hops from quote to quote with `memchr`; a block without quotes costs one `memchr` and
/// a short backward scan.
struct CSVSplitter: RecordSplitter {
    var quote: UInt8 = UInt8(ascii: "\"")
    var delimiter: UInt8 = UInt8(ascii: ",")

    mutating func lastRecordEnd(_ block: UnsafeRawBufferPointer, atEndOfInput: Bool) -> Int? {
        if atEndOfInput { return block.count }
        guard let raw = block.baseAddress, block.count > 0 else { return nil }
        let bytes = raw.assumingMemoryBound(to: UInt8.self)
        let count = block.count
        let newline: UInt8 = 0x0a
        let cr: UInt8 = 0x0d
        /// The last newline of the block outside quotes so far.
        var lastEnd: Int?
        /// Where the current stretch outside quotes began.
        var outsideFrom = 0
        var position = 0

        /// The last newline in `from..<to`, if any (a backward scan: records are short).
        func lastNewline(_ from: Int, _ to: Int) -> Int? {
            var index = to - 1
            while index >= from {
                if bytes[index] == newline { return index }
                index -= 1
            }
            return nil
        }
        /// The first delimiter or newline at or after `from` (or the block's end).
        func fieldEnd(_ from: Int) -> Int {
            var index = from
            while index < count && bytes[index] != delimiter && bytes[index] != newline { index += 1 }
            return index
        }

        while position < count, let found = memchr(raw + position, Int32(quote), count - position) {
            let at = UnsafeRawPointer(found) - raw
            let atFieldStart = at == 0 || bytes[at - 1] == delimiter || bytes[at - 1] == newline
            guard atFieldStart else {
                // A quote inside an unquoted field is text; the parser skips to the field's end.
                position = fieldEnd(at)
                continue
            }
            // A quoted field: the outside stretch before it ends here.
            if let end = lastNewline(outsideFrom, at) { lastEnd = end }
            var scan = at + 1
            var closing: Int?
            while scan < count, let next = memchr(raw + scan, Int32(quote), count - scan) {
                let candidate = UnsafeRawPointer(next) - raw
                if candidate + 1 < count && bytes[candidate + 1] == quote {
                    scan = candidate + 2
                    continue
                }
                closing = candidate
                break
            }
            // The block ends inside quotes: no record ends after the quote that opened them.
            guard let closing else { return lastEnd.map { $0 + 1 } }
            let after = closing + 1
            outsideFrom = after
            let clean = after >= count || bytes[after] == delimiter || bytes[after] == newline
                || (bytes[after] == cr && (after + 1 == count || bytes[after + 1] == newline))
            position = clean ? after : fieldEnd(after)
        }
        if let end = lastNewline(outsideFrom, count) { lastEnd = end }
        return lastEnd.map { $0 + 1 }
    }
}
