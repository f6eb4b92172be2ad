/// Fast non-cryptographic hashing of byte strings and integers, for hash tables and sketches.
///
/// Strings of up to 16 bytes are hashed from two (possibly overlapping) loads and one 64×64→128-bit
/// multiply, in the manner of wyhash; longer strings fold 16 bytes per step. The values are stable
/// within a build but are not a file format: never persist them.
public enum ByteHash {
    @usableFromInline static let k0: UInt64 = 0xa076_1d64_78bd_642f
    @usableFromInline static let k1: UInt64 = 0xe703_7ed1_a0b4_28db
    @usableFromInline static let k2: UInt64 = 0x8ebc_6af0_9c88_c6e3

    @inlinable @inline(__always)
    public static func mix(_ value: UInt64) -> UInt64 {
        var x = value
        x ^= x >> 32
        x &*= 0xd6e8_feb8_6659_fd93
        x ^= x >> 32
        x &*= 0xd6e8_feb8_6659_fd93
        x ^= x >> 32
        return x
    }

    /// The 128-bit product of `a` and `b`, folded to 64 bits.
    @inlinable @inline(__always)
    static func fold(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let (high, low) = a.multipliedFullWidth(by: b)
        return high ^ low
    }

    /// Two words that, with the length, identify a string of up to 16 bytes exactly: the first
    /// and last 8 bytes (4 bytes for lengths 4–7; the first, middle and last byte below 4).
    /// For longer strings they are the first and last 8 bytes.
    @inlinable @inline(__always)
    public static func keyWords(_ p: UnsafeRawPointer, _ count: Int) -> (UInt64, UInt64) {
        if count >= 8 {
            return (p.loadUnaligned(as: UInt64.self), p.loadUnaligned(fromByteOffset: count &- 8, as: UInt64.self))
        }
        if count >= 4 {
            return (UInt64(p.loadUnaligned(as: UInt32.self)),
                    UInt64(p.loadUnaligned(fromByteOffset: count &- 4, as: UInt32.self)))
        }
        if count > 0 {
            let first = UInt64(p.load(as: UInt8.self))
            let middle = UInt64(p.load(fromByteOffset: count >> 1, as: UInt8.self))
            let last = UInt64(p.load(fromByteOffset: count &- 1, as: UInt8.self))
            return (first << 16 | middle << 8 | last, 0)
        }
        return (0, 0)
    }

    /// The hash of a string whose `keyWords` are `a`, `b` (saves reloading them).
    @inlinable @inline(__always)
    public static func hash(_ p: UnsafeRawPointer, _ count: Int, a: UInt64, b: UInt64,
                            seed: UInt64 = 0x9e37_79b9_7f4a_7c15) -> UInt64 {
        if count <= 16 {
            return fold(a ^ k1, b ^ seed ^ UInt64(truncatingIfNeeded: count) &* k0) ^ seed
        }
        if count <= 32 {
            // `long`'s two steps for 17-32 bytes, inlined (agency and unit names): the same value.
            let h = seed ^ UInt64(truncatingIfNeeded: count) &* k0
            let first = fold(a ^ k1, p.loadUnaligned(fromByteOffset: 8, as: UInt64.self) ^ h)
            return fold(p.loadUnaligned(fromByteOffset: count &- 16, as: UInt64.self) ^ k2, b ^ first) ^ first
        }
        return long(p, count, seed: seed)
    }

    @inlinable @inline(__always)
    public static func hash(_ p: UnsafeRawPointer, _ count: Int, seed: UInt64 = 0x9e37_79b9_7f4a_7c15) -> UInt64 {
        let (a, b) = keyWords(p, count)
        return hash(p, count, a: a, b: b, seed: seed)
    }

    @usableFromInline
    static func long(_ p: UnsafeRawPointer, _ count: Int, seed: UInt64) -> UInt64 {
        var h = seed ^ UInt64(truncatingIfNeeded: count) &* k0
        var index = 0
        while index &+ 16 < count {
            let a = p.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            let b = p.loadUnaligned(fromByteOffset: index &+ 8, as: UInt64.self)
            h = fold(a ^ k1, b ^ h)
            index &+= 16
        }
        let a = p.loadUnaligned(fromByteOffset: count &- 16, as: UInt64.self)
        let b = p.loadUnaligned(fromByteOffset: count &- 8, as: UInt64.self)
        return fold(a ^ k2, b ^ h) ^ h
    }
}
