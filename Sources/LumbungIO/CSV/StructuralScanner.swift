import CSIMD

/// Yields, in order, the positions of the delimiter, newline and quote bytes of a buffer.
///
/// It works in two stages, as simdjson does: a scan turns each 64-byte window into a bit mask of
/// its structural bytes (SSE2 compares and `pmovmskb`, from `CSIMD`) and writes the positions of
/// the set bits into a small buffer, four per step without a branch per bit; `next()` then hands
/// them out one by one. The tokeniser's loop thus has one predictable branch per field, and the
/// text it then reads at each position (to tell which byte it is) is still in L1.
struct StructuralScanner {
    let start: UnsafePointer<UInt8>
    let end: UnsafePointer<UInt8>
    private let delimiter: UInt8
    private let newline: UInt8
    private let quote: UInt8
    /// The next window to scan.
    private var window: UnsafePointer<UInt8>
    /// Positions (offsets from `start`) found and not yet returned: `positions[cursor..<count]`.
    private let positions: UnsafeMutablePointer<UInt32>
    private var cursor = 0
    private var count = 0

    /// Positions gathered per refill (about 9 KB of a typical export's text, which stays in L1
    /// until the tokeniser reaches it); the buffer has room for one window more, plus the
    /// overshoot of the four-at-a-time writes.
    private static let batch = 1024

    init(start: UnsafePointer<UInt8>, end: UnsafePointer<UInt8>, delimiter: UInt8, newline: UInt8, quote: UInt8) {
        precondition(end - start < 1 << 32, "blocks are limited to 4 GiB")
        self.start = start
        self.end = end
        self.delimiter = delimiter
        self.newline = newline
        self.quote = quote
        window = end
        positions = .allocate(capacity: Self.batch + 64 + 4)
    }

    func deallocate() { positions.deallocate() }

    /// Restarts the scan at `position`.
    mutating func reset(at position: UnsafePointer<UInt8>) {
        window = position
        cursor = 0
        count = 0
    }

    /// The next structural byte's position, or `end` when there is none.
    @inline(__always)
    mutating func next() -> UnsafePointer<UInt8> {
        if cursor == count {
            refill()
            if count == 0 { return end }
        }
        let position = start + Int(positions[cursor])
        cursor &+= 1
        return position
    }

    /// Scans windows until a batch of positions is gathered or the buffer ends.
    private mutating func refill() {
        cursor = 0
        count = 0
        while window < end && count < Self.batch {
            let available = end - window
            var mask: UInt64
            if available >= 64 {
                mask = lumbung_csv_structural64(window, delimiter, newline, quote)
            } else {
                var padded = (UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0))
                mask = withUnsafeMutableBytes(of: &padded) { buffer in
                    buffer.copyMemory(from: UnsafeRawBufferPointer(start: window, count: available))
                    return lumbung_csv_structural64(buffer.baseAddress!.assumingMemoryBound(to: UInt8.self), delimiter, newline, quote)
                }
                mask &= (1 &<< UInt64(available)) &- 1
            }
            let base = UInt32(truncatingIfNeeded: window - start)
            let found = mask.nonzeroBitCount
            var written = 0
            while written < found {
                positions[count &+ written] = base &+ UInt32(truncatingIfNeeded: mask.trailingZeroBitCount)
                mask &= mask &- 1
                positions[count &+ written &+ 1] = base &+ UInt32(truncatingIfNeeded: mask.trailingZeroBitCount)
                mask &= mask &- 1
                positions[count &+ written &+ 2] = base &+ UInt32(truncatingIfNeeded: mask.trailingZeroBitCount)
                mask &= mask &- 1
                positions[count &+ written &+ 3] = base &+ UInt32(truncatingIfNeeded: mask.trailingZeroBitCount)
                mask &= mask &- 1
                written &+= 4
            }
            count &+= found
            window += 64
        }
    }
}
