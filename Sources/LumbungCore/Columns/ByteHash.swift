/// A fast, non-cryptographic 64-bit hash of a byte range (8 bytes per step, multiply-xorshift mixing).
/// Used for dictionary encoding and hash tables on strings; not stable across releases.
public enum ByteHash {
    @inline(__always)
    public static func mix(_ value: UInt64) -> UInt64 {
        var x = value
        x ^= x >> 32
        x &*= 0xd6e8_feb8_6659_fd93
        x ^= x >> 32
        x &*= 0xd6e8_feb8_6659_fd93
        x ^= x >> 32
        return x
    }

    @inline(__always)
    public static func hash(_ p: UnsafeRawPointer, _ count: Int, seed: UInt64 = 0x9e37_79b9_7f4a_7c15) -> UInt64 {
        var h = seed ^ UInt64(truncatingIfNeeded: count) &* 0x2545_f491_4f6c_dd1d
        var index = 0
        while index + 8 <= count {
            let word = p.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            h = (h ^ mix(word)) &* 0x9fb2_1c65_1e98_df25
            index += 8
        }
        if index < count {
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while index < count {
                tail |= UInt64(p.load(fromByteOffset: index, as: UInt8.self)) << shift
                shift += 8
                index += 1
            }
            h = (h ^ mix(tail ^ 0xff)) &* 0x9fb2_1c65_1e98_df25
        }
        return mix(h)
    }
}
