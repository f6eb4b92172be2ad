/// The engine's hash functions: fast, non-cryptographic, 64-bit. Not stable across releases and
/// never persisted.
enum Hashing {
    static let seed: UInt64 = 0x9e37_79b9_7f4a_7c15

    /// A strong 64-bit finalizer (murmur3's fmix64): every input bit affects every output bit.
    @inline(__always)
    static func mix(_ value: UInt64) -> UInt64 {
        var x = value
        x ^= x >> 33
        x &*= 0xff51_afd7_ed55_8ccd
        x ^= x >> 33
        x &*= 0xc4ce_b9fe_1a85_ec53
        x ^= x >> 33
        return x
    }

    /// Folds `word` into a running hash.
    @inline(__always)
    static func combine(_ hash: UInt64, _ word: UInt64) -> UInt64 {
        mix(hash ^ (word &+ 0x9e37_79b9_7f4a_7c15 &+ (hash << 6) &+ (hash >> 2)))
    }

    /// Hash of a byte range, 8 bytes per step.
    @inline(__always)
    static func bytes(_ pointer: UnsafeRawPointer?, _ count: Int) -> UInt64 {
        var hash = seed ^ (UInt64(truncatingIfNeeded: count) &* 0x2545_f491_4f6c_dd1d)
        guard let pointer else { return mix(hash) }
        var index = 0
        while index + 8 <= count {
            let word = pointer.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            hash = (hash ^ (word &* 0x9fb2_1c65_1e98_df25)).rotateLeft(29) &* 0xbf58_476d_1ce4_e5b9
            index += 8
        }
        if index < count {
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while index < count {
                tail |= UInt64(pointer.load(fromByteOffset: index, as: UInt8.self)) << shift
                shift += 8
                index += 1
            }
            hash = (hash ^ (tail &* 0x9fb2_1c65_1e98_df25)).rotateLeft(29) &* 0xbf58_476d_1ce4_e5b9
        }
        return mix(hash)
    }
}

extension UInt64 {
    @inline(__always)
    func rotateLeft(_ amount: UInt64) -> UInt64 { (self << amount) | (self >> (64 - amount)) }
}

/// Byte-wise comparison of two byte ranges (strings compare by their UTF-8 bytes).
@inline(__always)
func compareBytes(_ lhs: UnsafeRawPointer?, _ lhsCount: Int, _ rhs: UnsafeRawPointer?, _ rhsCount: Int) -> Int {
    let common = min(lhsCount, rhsCount)
    if common > 0, let lhs, let rhs {
        let result = memcmp(lhs, rhs, common)
        if result != 0 { return result < 0 ? -1 : 1 }
    }
    return lhsCount == rhsCount ? 0 : (lhsCount < rhsCount ? -1 : 1)
}

@inline(__always)
func equalBytes(_ lhs: UnsafeRawPointer?, _ lhsCount: Int, _ rhs: UnsafeRawPointer?, _ rhsCount: Int) -> Bool {
    if lhsCount != rhsCount { return false }
    if lhsCount == 0 { return true }
    guard let lhs, let rhs else { return false }
    if lhsCount >= 8, lhsCount <= 32 {
        // Short strings (codes, NIPs): compare whole words, the last one overlapping.
        var offset = 0
        while offset + 8 < lhsCount {
            if lhs.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                != rhs.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            {
                return false
            }
            offset += 8
        }
        return lhs.loadUnaligned(fromByteOffset: lhsCount - 8, as: UInt64.self)
            == rhs.loadUnaligned(fromByteOffset: lhsCount - 8, as: UInt64.self)
    }
    return memcmp(lhs, rhs, lhsCount) == 0
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
