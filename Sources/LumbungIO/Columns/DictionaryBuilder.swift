import LumbungCore

#if canImport(Glibc)
import Glibc
#endif

/// Assigns dictionary codes to byte strings as they arrive (open addressing, first-seen order).
struct DictionaryBuilder {
    private(set) var dictionary = StringArray()
    private var slots: [Int32]
    private var mask: Int
    private var hashes: [UInt64] = []
    private var invalid: [Int32] = []

    init(expected: Int) {
        var capacity = 64
        while capacity < expected * 2 { capacity <<= 1 }
        slots = [Int32](repeating: -1, count: capacity)
        mask = capacity - 1
    }

    var count: Int { dictionary.count }

    /// The code of these bytes, and whether they were new.
    @inline(__always)
    mutating func code(for p: UnsafePointer<UInt8>, _ length: Int) -> (UInt32, Bool) {
        let hash = ByteHash.hash(UnsafeRawPointer(p), length)
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let code = slots[slot]
            if code < 0 { break }
            if hashes[Int(code)] == hash {
                let start = Int(dictionary.offsets[Int(code)])
                let existing = Int(dictionary.offsets[Int(code) + 1]) - start
                if existing == length
                    && (length == 0 || dictionary.bytes.withUnsafeBufferPointer { memcmp($0.baseAddress! + start, p, length) == 0 })
                {
                    return (UInt32(code), false)
                }
            }
            slot = (slot + 1) & mask
        }
        let code = Int32(dictionary.count)
        slots[slot] = code
        hashes.append(hash)
        invalid.append(-1)
        dictionary.append(UnsafeRawBufferPointer(start: p, count: length))
        if dictionary.count * 2 > slots.count { grow() }
        return (UInt32(code), true)
    }

    /// Records that the value of `code` is not valid UTF-8, from byte `offset`.
    mutating func markInvalid(_ code: UInt32, at offset: Int) { invalid[Int(code)] = Int32(offset) }

    /// The offset of the first invalid UTF-8 byte in the value of `code`, if any.
    @inline(__always)
    func invalidOffset(_ code: UInt32) -> Int? {
        let offset = invalid[Int(code)]
        return offset < 0 ? nil : Int(offset)
    }

    private mutating func grow() {
        let capacity = slots.count * 2
        slots = [Int32](repeating: -1, count: capacity)
        mask = capacity - 1
        for (code, hash) in hashes.enumerated() {
            var slot = Int(truncatingIfNeeded: hash) & mask
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(code)
        }
    }
}

extension Column {
    /// The rows where `keep` is true, in order.
    func filtered(_ keep: [Bool]) -> Column {
        var items: [Value] = []
        items.reserveCapacity(keep.count)
        for row in 0..<count where keep[row] { items.append(value(at: row)) }
        return Column.from(items, type: type)
    }
}
