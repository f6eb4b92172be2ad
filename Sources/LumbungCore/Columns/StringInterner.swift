/// Assigns codes to byte strings in first-seen order: the dictionary encoder of the readers and of
/// `StringArray.dictionaryEncoded`.
///
/// An open-addressing table holds, in each 32-byte slot, the hash, the code, the length and the two
/// `ByteHash.keyWords` of a string, which identify a string of up to 16 bytes exactly. A lookup of
/// the short values that dominate grouping columns (agencies, channels, ranks) is a hash, one slot
/// read and four compares: no second array to visit, no `memcmp`.
public struct StringInterner {
    /// The distinct strings, in the order of their codes.
    public private(set) var dictionary = StringArray()
    @usableFromInline var table: [Slot]
    @usableFromInline var mask: Int
    @usableFromInline var distinct = 0

    @usableFromInline
    struct Slot: Sendable {
        @usableFromInline var a: UInt64
        @usableFromInline var b: UInt64
        @usableFromInline var hash: UInt64
        /// (code + 1) << 32 | length; 0 for an empty slot.
        @usableFromInline var codeAndLength: UInt64

        @inlinable init(a: UInt64, b: UInt64, hash: UInt64, codeAndLength: UInt64) {
            self.a = a
            self.b = b
            self.hash = hash
            self.codeAndLength = codeAndLength
        }

        @usableFromInline static let empty = Slot(a: 0, b: 0, hash: 0, codeAndLength: 0)
    }

    /// A table sized for about `expected` distinct values of about `bytes` bytes in all (it
    /// grows as needed).
    public init(expected: Int = 64, bytes: Int = 0) {
        var capacity = 64
        while capacity < expected * 2 + 2 { capacity <<= 1 }
        table = [Slot](repeating: .empty, count: capacity)
        mask = capacity - 1
        if expected > 64 {
            dictionary.offsets.reserveCapacity(expected + expected / 8 + 1)
            dictionary.bytes.reserveCapacity(bytes + bytes / 8)
        }
    }

    /// The number of distinct strings.
    @inlinable public var count: Int { distinct }

    /// The code of these bytes, and whether they were new.
    @inlinable @inline(__always)
    public mutating func code(for p: UnsafePointer<UInt8>, _ length: Int) -> (code: UInt32, isNew: Bool) {
        let raw = UnsafeRawPointer(p)
        let (a, b) = ByteHash.keyWords(raw, length)
        let hash = ByteHash.hash(raw, length, a: a, b: b)
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let entry = table[slot]
            if entry.codeAndLength == 0 { break }
            if entry.hash == hash, entry.codeAndLength & 0xFFFF_FFFF == UInt64(truncatingIfNeeded: length), entry.a == a,
                entry.b == b
            {
                let code = Int(truncatingIfNeeded: entry.codeAndLength >> 32) &- 1
                if length <= 16 || matches(code, p, length) { return (UInt32(truncatingIfNeeded: code), false) }
            }
            slot = (slot &+ 1) & mask
        }
        return (insert(p, length, a: a, b: b, hash: hash, slot: slot), true)
    }

    /// Whether the string of `code`, whose length and first and last 8 bytes are known to equal
    /// those of `p`, equals `p` (a string longer than 16 bytes).
    @inlinable @inline(__always)
    func matches(_ code: Int, _ p: UnsafePointer<UInt8>, _ length: Int) -> Bool {
        let start = Int(dictionary.offsets[code])
        return dictionary.bytes.withUnsafeBytes { stored in
            let q = stored.baseAddress! + start
            let raw = UnsafeRawPointer(p)
            if length <= 32 {
                // Bytes 8..<length-8 are covered by the words at 8 and at length-16.
                return q.loadUnaligned(fromByteOffset: 8, as: UInt64.self) == raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
                    && q.loadUnaligned(fromByteOffset: length &- 16, as: UInt64.self)
                        == raw.loadUnaligned(fromByteOffset: length &- 16, as: UInt64.self)
            }
            return memcmp(q, raw, length) == 0
        }
    }

    @usableFromInline
    mutating func insert(_ p: UnsafePointer<UInt8>, _ length: Int, a: UInt64, b: UInt64, hash: UInt64, slot: Int) -> UInt32 {
        let code = distinct
        precondition(code < Int(UInt32.max) - 1 && length < Int(UInt32.max), "too many or too long distinct strings")
        table[slot] = Slot(a: a, b: b, hash: hash, codeAndLength: UInt64(code + 1) << 32 | UInt64(length))
        distinct += 1
        dictionary.append(UnsafeRawBufferPointer(start: p, count: length))
        if distinct * 2 > table.count { grow() }
        return UInt32(code)
    }

    private mutating func grow() {
        let capacity = table.count * 2
        var fresh = [Slot](repeating: .empty, count: capacity)
        let newMask = capacity - 1
        for entry in table where entry.codeAndLength != 0 {
            var slot = Int(truncatingIfNeeded: entry.hash) & newMask
            while fresh[slot].codeAndLength != 0 { slot = (slot + 1) & newMask }
            fresh[slot] = entry
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
