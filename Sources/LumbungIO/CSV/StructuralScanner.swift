/// Yields, in order, the positions of the delimiter, newline and quote bytes of a buffer.
///
/// It works in two stages, as simdjson does: a scan turns each 64-byte window into a bit mask of
/// its structural bytes (SIMD compares, SSE2 on x86-64, folded into a bit per byte) and writes the
/// positions of the set bits into a small buffer, four per step without a branch per bit; `next()`
/// then hands them out one by one. The tokeniser's loop thus sees one predictable branch per field
/// instead of a data-dependent "is this window exhausted?" test, and the buffer (16 KB) stays in L1.
struct StructuralScanner {
    let start: UnsafePointer<UInt8>
    let end: UnsafePointer<UInt8>
    private let delimiters: SIMD16<UInt8>
    private let newlines: SIMD16<UInt8>
    private let quotes: SIMD16<UInt8>
    /// The next window to scan.
    private var window: UnsafePointer<UInt8>
    /// Positions (offsets from `start`) found and not yet returned: `positions[cursor..<count]`.
    private let positions: UnsafeMutablePointer<UInt32>
    private var cursor = 0
    private var count = 0

    /// Positions gathered per refill; the buffer has room for one window more, plus the overshoot
    /// of the four-at-a-time writes.
    private static let batch = 4096

    init(start: UnsafePointer<UInt8>, end: UnsafePointer<UInt8>, delimiter: UInt8, newline: UInt8, quote: UInt8) {
        precondition(end - start < 1 << 32, "blocks are limited to 4 GiB")
        self.start = start
        self.end = end
        delimiters = SIMD16(repeating: delimiter)
        newlines = SIMD16(repeating: newline)
        quotes = SIMD16(repeating: quote)
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
            var mask = structural(at: window)
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

    /// One bit per structural byte of the 64 bytes at `position` (bytes past `end` count as none).
    @inline(__always)
    private func structural(at position: UnsafePointer<UInt8>) -> UInt64 {
        let available = end - position
        if available >= 64 {
            let raw = UnsafeRawPointer(position)
            return bits16(raw.loadUnaligned(as: SIMD16<UInt8>.self))
                | bits16(raw.loadUnaligned(fromByteOffset: 16, as: SIMD16<UInt8>.self)) << 16
                | bits16(raw.loadUnaligned(fromByteOffset: 32, as: SIMD16<UInt8>.self)) << 32
                | bits16(raw.loadUnaligned(fromByteOffset: 48, as: SIMD16<UInt8>.self)) << 48
        }
        var padded = (SIMD16<UInt8>(), SIMD16<UInt8>(), SIMD16<UInt8>(), SIMD16<UInt8>())
        withUnsafeMutableBytes(of: &padded) { $0.copyMemory(from: UnsafeRawBufferPointer(start: position, count: available)) }
        let all = bits16(padded.0) | bits16(padded.1) << 16 | bits16(padded.2) << 32 | bits16(padded.3) << 48
        return all & ((1 << UInt64(available)) &- 1)
    }

    @inline(__always)
    private func bits16(_ bytes: SIMD16<UInt8>) -> UInt64 {
        let hits = (bytes .== delimiters) .| (bytes .== newlines) .| (bytes .== quotes)
        // Each lane is 0x00 or 0xFF: gather the top bit of each byte into 8 bits per half.
        let lanes = unsafeBitCast(SIMD16<UInt8>(repeating: 0).replacing(with: 0x80, where: hits), to: SIMD2<UInt64>.self)
        let low = (lanes[0] &* 0x0002_0408_1020_4081) >> 56
        let high = (lanes[1] &* 0x0002_0408_1020_4081) >> 56
        return low | high << 8
    }
}
