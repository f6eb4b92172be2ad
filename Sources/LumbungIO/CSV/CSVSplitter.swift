/// Cuts CSV blocks at the last newline outside quotes.
///
/// A block always starts at a record start, outside quotes, so the quote state at any byte is the
/// parity of the quotes before it in the block (doubled quotes `""` count twice and cancel out).
/// Counting quotes is a cheap, vectorisable pass, which keeps the inflater thread fast.
struct CSVSplitter: RecordSplitter {
    var quote: UInt8 = UInt8(ascii: "\"")

    mutating func lastRecordEnd(_ block: UnsafeRawBufferPointer, atEndOfInput: Bool) -> Int? {
        if atEndOfInput { return block.count }
        guard let base = block.baseAddress?.assumingMemoryBound(to: UInt8.self), block.count > 0 else { return nil }
        let count = block.count
        var quotes = 0
        for index in 0..<count { quotes &+= base[index] == quote ? 1 : 0 }
        var after = 0
        var index = count - 1
        while index >= 0 {
            let byte = base[index]
            if byte == quote {
                after += 1
            } else if byte == 0x0a && (quotes - after) & 1 == 0 {
                return index + 1
            }
            index -= 1
        }
        return nil
    }
}
