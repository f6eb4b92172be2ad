#if canImport(Glibc)
import Glibc
#endif

/// Cuts CSV blocks at the last newline outside quotes.
///
/// A block always starts at a record start, outside quotes, so the quote state at any byte is the
/// parity of the quotes before it in the block (doubled quotes `""` count twice and cancel out).
/// Finding the last newline (a short backward scan) and counting quotes before it (`memchr` hops) keeps the
/// inflater thread fast: a block without quotes costs two library calls.
struct CSVSplitter: RecordSplitter {
    var quote: UInt8 = UInt8(ascii: "\"")

    mutating func lastRecordEnd(_ block: UnsafeRawBufferPointer, atEndOfInput: Bool) -> Int? {
        if atEndOfInput { return block.count }
        guard let base = block.baseAddress, block.count > 0 else { return nil }
        var end = block.count
        guard var newline = lastNewline(base, before: end) else { return nil }
        var quotes = countQuotes(base, 0, newline)
        while quotes & 1 == 1 {
            // This newline is inside quotes: step back to the previous one.
            end = newline
            guard let position = lastNewline(base, before: end) else { return nil }
            quotes -= countQuotes(base, position, newline)
            newline = position
        }
        return newline + 1
    }

    /// The position of the last LF before `end` (a backward scan: records are short).
    private func lastNewline(_ base: UnsafeRawPointer, before end: Int) -> Int? {
        let bytes = base.assumingMemoryBound(to: UInt8.self)
        var position = end - 1
        while position >= 0 {
            if bytes[position] == 0x0a { return position }
            position -= 1
        }
        return nil
    }

    private func countQuotes(_ base: UnsafeRawPointer, _ from: Int, _ to: Int) -> Int {
        var count = 0
        var position = from
        while position < to, let found = memchr(base + position, Int32(quote), to - position) {
            count += 1
            position = UnsafeRawPointer(found) - base + 1
        }
        return count
    }
}
