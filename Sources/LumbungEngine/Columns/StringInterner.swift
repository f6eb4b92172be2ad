import LumbungCore

/// Gives each distinct byte string a dense id (0, 1, 2, … in first-seen order).
///
/// Open addressing with linear probing; the strings are kept in a `StringArray`, so ids index it.
struct StringInterner {
    private(set) var strings = StringArray()
    private var hashes: [UInt64] = []
    private var slots: [Int32]
    private var mask: Int

    init(capacity: Int = 64) {
        var size = 64
        while size < capacity * 2 { size <<= 1 }
        slots = [Int32](repeating: -1, count: size)
        mask = size - 1
    }

    var count: Int { hashes.count }

    /// The id of the bytes at `pointer`, adding them when new.
    @inline(__always)
    mutating func intern(_ pointer: UnsafeRawPointer?, _ length: Int) -> UInt32 {
        intern(pointer, length, hash: Hashing.bytes(pointer, length))
    }

    mutating func intern(_ pointer: UnsafeRawPointer?, _ length: Int, hash: UInt64) -> UInt32 {
        if hashes.count * 2 >= slots.count { grow() }
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let id = slots[slot]
            if id < 0 {
                let newID = Int32(hashes.count)
                slots[slot] = newID
                hashes.append(hash)
                strings.append(UnsafeRawBufferPointer(start: pointer, count: length))
                return UInt32(newID)
            }
            if hashes[Int(id)] == hash {
                let start = Int(strings.offsets[Int(id)])
                let end = Int(strings.offsets[Int(id) + 1])
                let same = strings.bytes.withUnsafeBytes { raw in
                    equalBytes(raw.baseAddress.map { $0 + start }, end - start, pointer, length)
                }
                if same { return UInt32(id) }
            }
            slot = (slot + 1) & mask
        }
    }

    mutating func intern(_ string: String) -> UInt32 {
        var string = string
        return string.withUTF8 { intern(UnsafeRawPointer($0.baseAddress), $0.count) }
    }

    /// The id of the bytes if present.
    func find(_ pointer: UnsafeRawPointer?, _ length: Int) -> UInt32? {
        let hash = Hashing.bytes(pointer, length)
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let id = slots[slot]
            if id < 0 { return nil }
            if hashes[Int(id)] == hash {
                let start = Int(strings.offsets[Int(id)])
                let end = Int(strings.offsets[Int(id) + 1])
                let same = strings.bytes.withUnsafeBytes { raw in
                    equalBytes(raw.baseAddress.map { $0 + start }, end - start, pointer, length)
                }
                if same { return UInt32(id) }
            }
            slot = (slot + 1) & mask
        }
    }

    private mutating func grow() {
        let size = slots.count * 2
        slots = [Int32](repeating: -1, count: size)
        mask = size - 1
        for (id, hash) in hashes.enumerated() {
            var slot = Int(truncatingIfNeeded: hash) & mask
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(id)
        }
    }

    /// Interns every string of `array`; returns their ids in order.
    mutating func intern(all array: StringArray) -> [UInt32] {
        array.bytes.withUnsafeBytes { raw in
            array.offsets.withUnsafeBufferPointer { offsets in
                (0..<array.count).map { index in
                    let start = Int(offsets[index])
                    return intern(raw.baseAddress.map { $0 + start }, Int(offsets[index + 1]) - start)
                }
            }
        }
    }
}

/// A dictionary shared by several dictionary-encoded columns: each column's codes map to codes
/// of one unified dictionary of distinct strings.
struct UnifiedDictionary {
    var dictionary: StringArray
    /// `remap[columnIndex][code]` is the unified code.
    var remap: [[UInt32]]

    /// Unifies the dictionaries of `columns` when every one is dictionary-encoded and the
    /// dictionaries hold at most `limit` strings in all; `nil` otherwise.
    init?(_ columns: [Column], limit: Int) {
        var total = 0
        for column in columns {
            guard case .dictionary(_, let dictionary) = column.values else { return nil }
            total += dictionary.count
        }
        guard total <= limit else { return nil }
        var interner = StringInterner(capacity: min(total, 1 << 16))
        remap = columns.map { column in
            guard case .dictionary(_, let dictionary) = column.values else { return [] }
            return interner.intern(all: dictionary)
        }
        dictionary = interner.strings
    }
}
