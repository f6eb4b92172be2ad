import CSIMD

/// Yields, in order, the positions of the delimiter, newline and quote bytes of a buffer, and
/// skips the rest of a record without visiting its fields.
///
/// Each 64-byte window becomes three bit masks (every structural byte, newlines, quotes) from
/// SSE2 compares and `pmovmskb` (`CSIMD`); `next()` takes the lowest pending bit, so the
/// tokeniser's "is this window used up?" branch is taken once per 64 bytes, not per field.
/// `skipRecord()` crosses the fields a read does not need with a popcount per window: a record
/// is checked (field count, no quote) without its delimiters being visited one by one.
struct StructuralScanner {
    let end: UnsafePointer<UInt8>
    private let delimiter: UInt8
    private let newline: UInt8
    private let quote: UInt8
    /// The current window's first byte.
    private var window: UnsafePointer<UInt8>
    /// Structural bytes of the window not yet returned.
    private var pending: UInt64 = 0
    /// Newlines and quotes of the whole window.
    private var newlines: UInt64 = 0
    private var quotes: UInt64 = 0

    init(end: UnsafePointer<UInt8>, delimiter: UInt8, newline: UInt8, quote: UInt8) {
        self.end = end
        self.delimiter = delimiter
        self.newline = newline
        self.quote = quote
        window = end
    }

    /// Restarts the scan at `position`.
    mutating func reset(at position: UnsafePointer<UInt8>) {
        window = position
        load()
    }

    /// Computes the masks of the window at `window` (out of line: once per 64 bytes).
    @inline(never)
    private mutating func load() {
        let masks = Self.masks(window, end - window, delimiter, newline, quote)
        pending = masks.structural
        newlines = masks.newlines
        quotes = masks.quotes
    }

    /// The masks of the `available` bytes at `p` (none past them).
    @inline(__always)
    static func masks(
        _ p: UnsafePointer<UInt8>, _ available: Int, _ delimiter: UInt8, _ newline: UInt8, _ quote: UInt8
    ) -> lumbung_csv_masks {
        if available >= 64 { return lumbung_csv_masks64(p, delimiter, newline, quote) }
        guard available > 0 else { return lumbung_csv_masks() }
        var padded = (UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        var masks = withUnsafeMutableBytes(of: &padded) { buffer in
            buffer.copyMemory(from: UnsafeRawBufferPointer(start: p, count: available))
            return lumbung_csv_masks64(buffer.baseAddress!.assumingMemoryBound(to: UInt8.self), delimiter, newline, quote)
        }
        let valid: UInt64 = (1 &<< UInt64(available)) &- 1
        masks.structural &= valid
        masks.newlines &= valid
        masks.quotes &= valid
        return masks
    }

    /// Moves to the next window; false at the end of the buffer.
    @inline(__always)
    private mutating func advance() -> Bool {
        window += 64
        if window >= end { return false }
        load()
        return true
    }

    /// The next structural byte's position, or `end` when there is none.
    @inline(__always)
    mutating func next() -> UnsafePointer<UInt8> {
        while pending == 0 {
            if !advance() { return end }
        }
        let position = window + pending.trailingZeroBitCount
        pending &= pending &- 1
        return position
    }

    /// Skips to the newline that ends the current record (or `end`), returning its position and
    /// the number of delimiters passed; nil when a quote comes first (the caller re-reads the
    /// record carefully).
    @inline(__always)
    mutating func skipRecord() -> (UnsafePointer<UInt8>, Int)? {
        var delimiters = 0
        while true {
            let lineEnds = pending & newlines
            if lineEnds != 0 {
                let lowest = lineEnds & (0 &- lineEnds)
                let before = pending & (lowest &- 1)
                if before & quotes != 0 { return nil }
                delimiters &+= before.nonzeroBitCount
                pending &= ~(before | lowest)
                return (window + lowest.trailingZeroBitCount, delimiters)
            }
            if pending & quotes != 0 { return nil }
            delimiters &+= pending.nonzeroBitCount
            pending = 0
            if !advance() { return (end, delimiters) }
        }
    }
}
