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
/// The scan runs while a thread holds the inflater, the one serial step of a read. Where quotes are
/// dense (files that quote every field have two per field) it takes the block a 64-byte window at a
/// time with the scanner's bit masks (`StructuralScanner.masks`), a few instructions per quote;
/// outside quotes, a window without one hops to the next quote with `memchr`, so a block without
/// quotes costs one `memchr` and a short backward scan for its last newline.
struct CSVSplitter: RecordSplitter {
    var quote: UInt8 = UInt8(ascii: "\"")
    var delimiter: UInt8 = UInt8(ascii: ",")

    private enum State {
        /// Between fields or in an unquoted field: newlines end records; a quote at a field's
        /// start opens a quoted field, anywhere else it is text and the field is skipped.
        case outside
        /// In a quoted field: only quotes matter.
        case inside
        /// After a stray quote or text after a closing quote: up to the next delimiter or newline.
        case skipping
    }

    mutating func lastRecordEnd(_ block: UnsafeRawBufferPointer, atEndOfInput: Bool) -> Int? {
        if atEndOfInput { return block.count }
        guard let raw = block.baseAddress, block.count > 0 else { return nil }
        let bytes = raw.assumingMemoryBound(to: UInt8.self)
        let count = block.count
        let newline: UInt8 = 0x0a
        let cr: UInt8 = 0x0d
        var state = State.outside
        /// The last newline outside quotes so far.
        var lastEnd = -1
        /// The last newline in `from..<to`, or -1 (a backward scan: records are short).
        func lastNewline(_ from: Int, _ to: Int) -> Int {
            var index = to - 1
            while index >= from && bytes[index] != newline { index -= 1 }
            return index >= from ? index : -1
        }
        var window = 0
        while window < count {
            var nextWindow = window + 64
            let masks = StructuralScanner.masks(bytes + window, count - window, delimiter, newline, quote)
            let quotes = masks.quotes
            let newlines = masks.newlines
            let breaks = masks.structural & ~quotes  // delimiters and newlines
            /// Bits at or above the next position to look at.
            var from: UInt64 = ~0
            while from != 0 {
                switch state {
                case .outside:
                    let nextQuote = quotes & from
                    // Newlines before the next quote (or to the window's end) end records.
                    let upTo = nextQuote == 0 ? from : from & ((nextQuote & (0 &- nextQuote)) &- 1)
                    let ends = newlines & upTo
                    if ends != 0 { lastEnd = window + 63 - ends.leadingZeroBitCount }
                    guard nextQuote != 0 else {
                        // No quote in the rest of the window: hop to the next one with `memchr`
                        // (sparse quotes), taking the last newline before it.
                        from = 0
                        guard nextWindow < count else { continue }
                        guard let found = memchr(bytes + nextWindow, Int32(quote), count - nextWindow) else {
                            lastEnd = max(lastEnd, lastNewline(nextWindow, count))
                            return lastEnd >= 0 ? lastEnd + 1 : nil
                        }
                        let next = UnsafeRawPointer(found) - raw
                        lastEnd = max(lastEnd, lastNewline(nextWindow, next))
                        nextWindow = next
                        continue
                    }
                    let at = window + nextQuote.trailingZeroBitCount
                    let atFieldStart = at == 0 || bytes[at - 1] == delimiter || bytes[at - 1] == newline
                    state = atFieldStart ? .inside : .skipping
                    from = Self.above(nextQuote)
                case .inside:
                    let nextQuote = quotes & from
                    guard nextQuote != 0 else { from = 0; continue }
                    let at = window + nextQuote.trailingZeroBitCount
                    if at + 1 < count && bytes[at + 1] == quote {
                        // A doubled quote: both are text (the second may be in the next window).
                        from = Self.above(nextQuote)
                        from &= from &- 1
                        if from == 0 && at + 1 == window + 64 { nextWindow += 1 }  // skip it there
                        continue
                    }
                    let after = at + 1
                    let clean = after >= count || bytes[after] == delimiter || bytes[after] == newline
                        || (bytes[after] == cr && (after + 1 == count || bytes[after + 1] == newline))
                    state = clean ? .outside : .skipping
                    from = Self.above(nextQuote)
                case .skipping:
                    let next = breaks & from
                    guard next != 0 else { from = 0; continue }
                    // The delimiter or newline itself is looked at again from outside.
                    state = .outside
                    from = ~((next & (0 &- next)) &- 1)
                }
            }
            window = nextWindow
        }
        // Inside quotes at the end, no record ends after the quote that opened them: `lastEnd` is
        // the last newline before it.
        return lastEnd >= 0 ? lastEnd + 1 : nil
    }

    /// The bits above the lowest set bit of `bit`.
    @inline(__always)
    private static func above(_ bit: UInt64) -> UInt64 {
        let lowest = bit & (0 &- bit)
        return ~((lowest &- 1) | lowest)
    }
}
