/// Assigns codes to byte strings in first-seen order: the dictionary encoder of the readers and of
/// `StringArray.dictionaryEncoded`.
///
/// An open-addressing table holds, per slot, the code and the high half of the hash. Each code
/// keeps its length and the two `ByteHash.keyWords` of its bytes, which identify a string of up to
/// 16 bytes exactly, so the short values that dominate grouping columns (agencies, channels,
/// ranks) are found with a hash, two loads and three compares, without `memcmp`.
public struct StringInterner {
    /// The distinct strings, in the order of their codes.
    public private(set) var dictionary = StringArray()
    /// 0 when empty; otherwise the hash's high 32 bits and code + 1 in the low 32 bits.
    @usableFromInline var table: [UInt64]
    @usableFromInline var mask: Int
    @usableFromInline var keys: [Key] = []

    @usableFromInline
    struct Key {
        @usableFromInline var a: UInt64
        @usableFromInline var b: UInt64
        @usableFromInline var hash: UInt64
        @usableFromInline var length: Int

        @inlinable init(a: UInt64, b: UInt64, hash: UInt64, length: Int) {
            self.a = a
            self.b = b
            self.hash = hash
            self.length = length
        }
    }

    /// A table sized for about `expected` distinct values (it grows as needed).
    public init(expected: Int = 64) {
        var capacity = 64
        while capacity < expected * 2 { capacity <<= 1 }
        table = [UInt64](repeating: 0, count: capacity)
        mask = capacity - 1
    }

    /// The number of distinct strings.
    @inlinable public var count: Int { keys.count }

    /// The code of these bytes, and whether they were new.
    @inlinable @inline(__always)
    public mutating func code(for p: UnsafePointer<UInt8>, _ length: Int) -> (code: UInt32, isNew: Bool) {
        let raw = UnsafeRawPointer(p)
        let (a, b) = ByteHash.keyWords(raw, length)
        let hash = ByteHash.hash(raw, length, a: a, b: b)
        let tag = hash & 0xFFFF_FFFF_0000_0000
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let entry = table[slot]
            if entry == 0 { break }
            if entry & 0xFFFF_FFFF_0000_0000 == tag {
                let code = Int(truncatingIfNeeded: entry & 0xFFFF_FFFF) &- 1
                let key = keys[code]
                if key.length == length, key.a == a, key.b == b, length <= 16 || matches(code, p, length) {
                    return (UInt32(truncatingIfNeeded: code), false)
                }
            }
            slot = (slot &+ 1) & mask
        }
        return (insert(p, length, a: a, b: b, hash: hash, slot: slot), true)
    }

    @usableFromInline
    func matches(_ code: Int, _ p: UnsafePointer<UInt8>, _ length: Int) -> Bool {
        let start = Int(dictionary.offsets[code])
        return dictionary.bytes.withUnsafeBufferPointer { memcmp($0.baseAddress! + start, p, length) == 0 }
    }

    @usableFromInline
    mutating func insert(_ p: UnsafePointer<UInt8>, _ length: Int, a: UInt64, b: UInt64, hash: UInt64, slot: Int) -> UInt32 {
        let code = keys.count
        precondition(code < Int(UInt32.max), "too many distinct strings for 32-bit codes")
        table[slot] = hash & 0xFFFF_FFFF_0000_0000 | UInt64(code + 1)
        keys.append(Key(a: a, b: b, hash: hash, length: length))
        dictionary.append(UnsafeRawBufferPointer(start: p, count: length))
        if keys.count * 2 > table.count { grow() }
        return UInt32(code)
    }

    private mutating func grow() {
        let capacity = table.count * 2
        var fresh = [UInt64](repeating: 0, count: capacity)
        let newMask = capacity - 1
        for (code, key) in keys.enumerated() {
            var slot = Int(truncatingIfNeeded: key.hash) & newMask
            while fresh[slot] != 0 { slot = (slot + 1) & newMask }
            fresh[slot] = key.hash & 0xFFFF_FFFF_0000_0000 | UInt64(code + 1)
        }
        table = fresh
        mask = newMask
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
