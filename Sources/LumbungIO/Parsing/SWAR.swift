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
