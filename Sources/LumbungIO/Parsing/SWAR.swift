/// Byte tests on eight bytes at a time in a `UInt64` (SIMD within a register).
enum SWAR {
    /// `byte` in every byte of a word.
    @inline(__always)
    static func broadcast(_ byte: UInt8) -> UInt64 { UInt64(byte) &* 0x0101_0101_0101_0101 }

    /// High bit set in each byte of `word` equal to the byte broadcast in `mask` (the lowest set
    /// bit is exact; bits above a match may be spurious, so only the lowest is used).
    @inline(__always)
    static func matches(_ word: UInt64, _ mask: UInt64) -> UInt64 {
        let x = word ^ mask
        return (x &- 0x0101_0101_0101_0101) & ~x & 0x8080_8080_8080_8080
    }
}

extension SWAR {
    /// Copies `count` bytes from `source` to `destination` (which do not overlap). Fields of up to
    /// 32 bytes (identifiers, names) take two or four word moves, overlapping when shorter, instead
    /// of a call to `memcpy`; longer ones call it.
    @inline(__always)
    static func copy(_ destination: UnsafeMutablePointer<UInt8>, _ source: UnsafePointer<UInt8>, _ count: Int) {
        let d = UnsafeMutableRawPointer(destination)
        let s = UnsafeRawPointer(source)
        if count >= 8 && count <= 16 {
            let head = s.loadUnaligned(as: UInt64.self)
            let tail = s.loadUnaligned(fromByteOffset: count &- 8, as: UInt64.self)
            d.storeBytes(of: head, as: UInt64.self)
            d.storeBytes(of: tail, toByteOffset: count &- 8, as: UInt64.self)
        } else if count > 16 && count <= 32 {
            let a = s.loadUnaligned(as: UInt64.self)
            let b = s.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
            let c = s.loadUnaligned(fromByteOffset: count &- 16, as: UInt64.self)
            let e = s.loadUnaligned(fromByteOffset: count &- 8, as: UInt64.self)
            d.storeBytes(of: a, as: UInt64.self)
            d.storeBytes(of: b, toByteOffset: 8, as: UInt64.self)
            d.storeBytes(of: c, toByteOffset: count &- 16, as: UInt64.self)
            d.storeBytes(of: e, toByteOffset: count &- 8, as: UInt64.self)
        } else if count > 0 {
            destination.update(from: source, count: count)
        }
    }
}
