import LumbungCore

#if canImport(Glibc)
import Glibc
#endif

/// One column of a block being parsed: one slot per row, in the storage of the column's current
/// type, without copy-on-write or uniqueness checks per value. Rows are rolled back in O(1).
///
/// Fixed-width values (int64, float64 bits, timestamp, date, bool) are kept as 64-bit words;
/// strings either as dictionary codes (while the column repeats its values) or as bytes plus
/// offsets. `free()` must be called once.
struct JSONColumnBuffer {
    /// `nil` until the first non-null value.
    var type: DataType?
    var count = 0
    var nulls = 0
    /// 1 when the slot holds a value; only kept once the column has a null (`hasNulls`).
    var present = RawVec<UInt8>(capacity: 0)
    var hasNulls = false
    var words = RawVec<UInt64>(capacity: 0)
    var bytes = RawVec<UInt8>(capacity: 0)
    /// `count + 1` offsets into `bytes` (plain strings).
    var offsets = RawVec<UInt32>(capacity: 0)
    var codes = RawVec<UInt32>(capacity: 0)
    var dictionary: JSONDictionary?

    init() {}

    /// Frees the buffers; the large ones go back to `pool`.
    func free(to pool: JSONMemoryPool) {
        present.give(to: pool)
        words.give(to: pool)
        bytes.give(to: pool)
        offsets.give(to: pool)
        codes.give(to: pool)
        dictionary?.free()
    }

    /// Sets the type of a column that held only nulls so far; strings use a dictionary when `dictionary`.
    mutating func settle(
        _ newType: DataType, capacity: Int, dictionary useDictionary: Bool, stringBytes: Int, pool: JSONMemoryPool
    ) {
        type = newType
        if newType == .string {
            if useDictionary {
                dictionary = JSONDictionary()
                codes.free()
                codes = RawVec(pool: pool, capacity: capacity)
                for _ in 0..<count { codes.append(0) }
            } else {
                offsets.free()
                bytes.free()
                offsets = RawVec(pool: pool, capacity: capacity + 1)
                bytes = RawVec(pool: pool, capacity: stringBytes)
                for _ in 0...count { offsets.append(0) }
            }
        } else {
            words.free()
            words = RawVec(pool: pool, capacity: capacity)
            for _ in 0..<count { words.append(0) }
        }
    }

    @inline(__always)
    mutating func appendNull() {
        if !hasNulls { startNullMap() }
        present.append(0)
        nulls += 1
        count += 1
        guard let type else { return }
        if type != .string {
            words.append(0)
        } else if dictionary != nil {
            codes.append(0)
        } else {
            offsets.append(UInt32(truncatingIfNeeded: bytes.count))
        }
    }

    /// The first null: every slot so far holds a value.
    @inline(never)
    mutating func startNullMap() {
        hasNulls = true
        present.free()
        present = RawVec(capacity: max(count * 2, 64))
        for _ in 0..<count { present.append(1) }
    }

    @inline(__always)
    mutating func appendWord(_ value: UInt64) {
        words.append(value)
        if hasNulls { present.append(1) }
        count += 1
    }

    @inline(__always)
    mutating func appendString(_ p: UnsafePointer<UInt8>, _ length: Int) {
        if dictionary != nil {
            codes.append(dictionary!.code(for: p, length))
        } else {
            bytes.append(p, length)
            offsets.append(UInt32(truncatingIfNeeded: bytes.count))
        }
        if hasNulls { present.append(1) }
        count += 1
    }

    /// Drops the slots past `newCount` (a rejected row, or the earlier value of a duplicate key).
    mutating func truncate(to newCount: Int) {
        while count > newCount {
            count -= 1
            if hasNulls {
                present.count -= 1
                if present.base[count] == 0 { nulls -= 1 }
            }
            guard let type else { continue }
            if type != .string {
                words.count -= 1
            } else if dictionary != nil {
                codes.count -= 1
            } else {
                offsets.count -= 1
                bytes.count = Int(offsets.base[count])
            }
        }
    }

    /// int64 → float64 and date → timestamp, in place and exactly.
    mutating func widenInPlace(to newType: DataType) {
        guard let type, type != newType else { return }
        switch (type, newType) {
        case (.int64, .float64):
            for index in 0..<count { words.base[index] = Double(Int64(bitPattern: words.base[index])).bitPattern }
        case (.date, .timestamp):
            for index in 0..<count { words.base[index] = UInt64(bitPattern: Int64(bitPattern: words.base[index]) &* 86_400_000_000) }
        default:
            preconditionFailure("\(type) cannot widen to \(newType) in place")
        }
        self.type = newType
    }

    /// Gives up the dictionary: the strings are copied out as bytes and offsets.
    mutating func dropDictionary(pool: JSONMemoryPool, stringBytes: Int) {
        guard let dictionary else { return }
        offsets.free()
        bytes.free()
        offsets = RawVec(pool: pool, capacity: codes.capacity + 1)
        bytes = RawVec(pool: pool, capacity: max(stringBytes, dictionary.bytes.count * 4))
        offsets.append(0)
        for index in 0..<count {
            if !hasNulls || present.base[index] != 0 {
                let code = Int(codes.base[index])
                let start = Int(dictionary.offsets.base[code])
                bytes.append(dictionary.bytes.base + start, Int(dictionary.offsets.base[code + 1]) - start)
            }
            offsets.append(UInt32(truncatingIfNeeded: bytes.count))
        }
        codes.give(to: pool)
        codes = RawVec(capacity: 0)
        dictionary.free()
        self.dictionary = nil
    }

    /// The finished column (`type` must be set).
    func finish() -> Column {
        let type = self.type ?? .string
        let count = self.count
        var validity: Bitmap?
        if nulls > 0 {
            var bits = [UInt64](repeating: 0, count: (count + 63) >> 6)
            bits.withUnsafeMutableBufferPointer { bits in
                for index in 0..<count where present.base[index] != 0 { bits[index >> 6] |= 1 << UInt64(index & 63) }
            }
            validity = Bitmap(words: bits, count: count)
        }
        let values: ColumnValues
        switch type {
        case .int64, .timestamp, .float64:
            let raw = [Int64](unsafeUninitializedCapacity: count) { buffer, initialized in
                if count > 0 { UnsafeMutableRawPointer(buffer.baseAddress!).copyMemory(from: words.base, byteCount: count * 8) }
                initialized = count
            }
            switch type {
            case .int64: values = .int64(raw)
            case .timestamp: values = .timestamp(raw)
            default: values = .float64(raw.map { Double(bitPattern: UInt64(bitPattern: $0)) })
            }
        case .date:
            values = .date([Int32](unsafeUninitializedCapacity: count) { buffer, initialized in
                for index in 0..<count { buffer[index] = Int32(truncatingIfNeeded: Int64(bitPattern: words.base[index])) }
                initialized = count
            })
        case .bool:
            values = .bool([UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
                for index in 0..<count { buffer[index] = UInt8(truncatingIfNeeded: words.base[index]) }
                initialized = count
            })
        case .string:
            if let dictionary {
                values = .dictionary(codes: JSONColumnBuffer.array(codes), dictionary: dictionary.stringArray())
            } else if offsets.count == 0 {
                values = .string(StringArray(bytes: [], offsets: [UInt32](repeating: 0, count: count + 1)))
            } else {
                values = .string(StringArray(bytes: JSONColumnBuffer.array(bytes), offsets: JSONColumnBuffer.array(offsets)))
            }
        }
        return Column(type: type, values: values, validity: validity, count: count)
    }

    static func array<T>(_ vec: RawVec<T>) -> [T] {
        [T](unsafeUninitializedCapacity: vec.count) { buffer, initialized in
            if vec.count > 0 { buffer.baseAddress!.initialize(from: vec.base, count: vec.count) }
            initialized = vec.count
        }
    }
}

/// Distinct strings of one column of a block, numbered in first-seen order. Open addressing; a
/// slot holds the high half of the hash and the code + 1, so a probe is one load.
struct JSONDictionary {
    var bytes = RawVec<UInt8>(capacity: 1024)
    var offsets = RawVec<UInt32>(capacity: 64)
    var hashes = RawVec<UInt64>(capacity: 64)
    var slots = RawVec<UInt64>(capacity: 128)
    var mask = 127

    init() {
        offsets.append(0)
        for _ in 0...mask { slots.append(0) }
    }

    var count: Int { hashes.count }

    func free() {
        bytes.free()
        offsets.free()
        hashes.free()
        slots.free()
    }

    @inline(__always)
    static func load64(_ p: UnsafePointer<UInt8>) -> UInt64 { UnsafeRawPointer(p).loadUnaligned(as: UInt64.self) }

    @inline(__always)
    static func load32(_ p: UnsafePointer<UInt8>) -> UInt64 { UInt64(UnsafeRawPointer(p).loadUnaligned(as: UInt32.self)) }

    /// A fast hash of a byte string; reads only inside it (overlapping loads for the tail).
    @inline(__always)
    static func hash(_ p: UnsafePointer<UInt8>, _ length: Int) -> UInt64 {
        let k1: UInt64 = 0x9FB2_1C65_1E98_DF25
        let k2: UInt64 = 0xD6E8_FEB8_6659_FD93
        var h: UInt64
        if length > 16 {
            h = UInt64(truncatingIfNeeded: length) &* k2
            var index = 0
            while length - index > 8 {
                h = (h ^ load64(p + index)) &* k1
                h ^= h >> 29
                index += 8
            }
            h ^= load64(p + length - 8) &* k2
        } else if length >= 8 {
            h = (load64(p) &* k1) ^ (load64(p + length - 8) &* k2) ^ UInt64(truncatingIfNeeded: length)
        } else if length >= 4 {
            h = ((load32(p) << 32 | load32(p + length - 4)) ^ UInt64(truncatingIfNeeded: length)) &* k1
        } else if length > 0 {
            h = (UInt64(p[0]) << 16 | UInt64(p[length >> 1]) << 8 | UInt64(p[length - 1]) | UInt64(length) << 24) &* k1
        } else {
            h = k2
        }
        // Finalise (every bit of the slot index depends on every input bit).
        h ^= h >> 32
        h &*= k2
        return h ^ (h >> 29)
    }

    /// Whether two byte strings of `length` bytes are equal (inline for short ones).
    @inline(__always)
    static func equal(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ length: Int) -> Bool {
        if length >= 8 {
            if length <= 16 {
                return load64(a) == load64(b) && load64(a + length - 8) == load64(b + length - 8)
            }
            return memcmp(a, b, length) == 0
        }
        if length >= 4 { return load32(a) == load32(b) && load32(a + length - 4) == load32(b + length - 4) }
        var index = 0
        while index < length {
            if a[index] != b[index] { return false }
            index += 1
        }
        return true
    }

    @inline(__always)
    mutating func code(for p: UnsafePointer<UInt8>, _ length: Int) -> UInt32 {
        let hash = JSONDictionary.hash(p, length)
        let tag = hash & 0xFFFF_FFFF_0000_0000
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let entry = slots.base[slot]
            if entry == 0 { break }
            if entry & 0xFFFF_FFFF_0000_0000 == tag {
                let code = Int(entry & 0xFFFF_FFFF) - 1
                let start = Int(offsets.base[code])
                if Int(offsets.base[code + 1]) - start == length && JSONDictionary.equal(bytes.base + start, p, length) {
                    return UInt32(code)
                }
            }
            slot = (slot + 1) & mask
        }
        return insert(p, length, hash: hash, slot: slot)
    }

    @inline(never)
    private mutating func insert(_ p: UnsafePointer<UInt8>, _ length: Int, hash: UInt64, slot: Int) -> UInt32 {
        let code = hashes.count
        slots.base[slot] = hash & 0xFFFF_FFFF_0000_0000 | UInt64(code + 1)
        hashes.append(hash)
        bytes.append(p, length)
        offsets.append(UInt32(truncatingIfNeeded: bytes.count))
        if hashes.count * 2 > mask + 1 { grow() }
        return UInt32(code)
    }

    private mutating func grow() {
        let size = (mask + 1) * 2
        slots.count = 0
        slots.reserve(size)
        for _ in 0..<size { slots.append(0) }
        mask = size - 1
        for code in 0..<hashes.count {
            let hash = hashes.base[code]
            var slot = Int(truncatingIfNeeded: hash) & mask
            while slots.base[slot] != 0 { slot = (slot + 1) & mask }
            slots.base[slot] = hash & 0xFFFF_FFFF_0000_0000 | UInt64(code + 1)
        }
    }

    func stringArray() -> StringArray {
        StringArray(bytes: JSONColumnBuffer.array(bytes), offsets: JSONColumnBuffer.array(offsets))
    }
}
