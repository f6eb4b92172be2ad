import LumbungCore

#if canImport(Glibc)
import Glibc
#endif

/// One column of a block being parsed: one slot per row, in the storage of the column's current
/// type, without copy-on-write or uniqueness checks per value. Rows are rolled back in O(1).
///
/// Fixed-width values (int64, float64 bits, timestamp, date, bool) are kept as 64-bit words;
/// strings either as dictionary codes (while the column repeats its values; a `StringInterner`, as
/// the CSV reader's) or as bytes plus offsets. `free()` must be called once.
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
    var dictionary: StringInterner?
    /// The last date the fast path parsed in this column: neighbouring records share dates, and a
    /// repeated one is not parsed again.
    var dates = ValueParser.DateCache()

    init() {}

    /// Frees the buffers; the large ones go back to `pool`.
    func free(to pool: JSONMemoryPool) {
        present.give(to: pool)
        words.give(to: pool)
        bytes.give(to: pool)
        offsets.give(to: pool)
        codes.give(to: pool)
    }

    /// Sets the type of a column that held only nulls so far; strings use a dictionary when `dictionary`.
    mutating func settle(
        _ newType: DataType, capacity: Int, dictionary useDictionary: Bool, stringBytes: Int, pool: JSONMemoryPool,
        expected: DictionarySize = DictionarySize()
    ) {
        type = newType
        if newType == .string {
            if useDictionary {
                dictionary = StringInterner(expected: max(32, expected.values), bytes: expected.bytes)
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
        nulls &+= 1
        count &+= 1
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
        count &+= 1
    }

    @inline(__always)
    mutating func appendString(_ p: UnsafePointer<UInt8>, _ length: Int) {
        if dictionary != nil {
            codes.append(dictionary!.code(for: p, length).code)
        } else {
            bytes.append(p, length)
            offsets.append(UInt32(truncatingIfNeeded: bytes.count))
        }
        if hasNulls { present.append(1) }
        count &+= 1
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
        guard let interner = dictionary else { return }
        let strings = interner.dictionary
        offsets.free()
        bytes.free()
        offsets = RawVec(pool: pool, capacity: codes.capacity + 1)
        bytes = RawVec(pool: pool, capacity: max(stringBytes, strings.bytes.count * 4))
        offsets.append(0)
        strings.bytes.withUnsafeBufferPointer { distinct in
            strings.offsets.withUnsafeBufferPointer { ends in
                for index in 0..<count {
                    if !hasNulls || present.base[index] != 0 {
                        let code = Int(codes.base[index])
                        let start = Int(ends[code])
                        bytes.append(distinct.baseAddress! + start, Int(ends[code + 1]) - start)
                    }
                    offsets.append(UInt32(truncatingIfNeeded: bytes.count))
                }
            }
        }
        codes.give(to: pool)
        codes = RawVec(capacity: 0)
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
                // Eight presence bytes (each 0 or 1) become eight bits with one multiply: byte i
                // lands on bit 56 + i, and no two products overlap.
                let whole = count & ~7
                var index = 0
                while index < whole {
                    let eight = UnsafeRawPointer(present.base + index).loadUnaligned(as: UInt64.self)
                    bits[index >> 6] |= ((eight &* 0x0102_0408_1020_4080) >> 56) << UInt64(index & 63)
                    index += 8
                }
                for index in whole..<count where present.base[index] != 0 { bits[index >> 6] |= 1 << UInt64(index & 63) }
            }
            validity = Bitmap(words: bits, count: count)
        }
        let values: ColumnValues
        switch type {
        case .int64, .timestamp:
            let raw = JSONColumnBuffer.wordsArray(words, count, as: Int64.self)
            values = type == .int64 ? .int64(raw) : .timestamp(raw)
        case .float64:
            values = .float64(JSONColumnBuffer.wordsArray(words, count, as: Double.self))
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
                values = .dictionary(codes: JSONColumnBuffer.array(codes), dictionary: dictionary.dictionary)
            } else if offsets.count == 0 {
                values = .string(StringArray(bytes: [], offsets: [UInt32](repeating: 0, count: count + 1)))
            } else {
                values = .string(StringArray(bytes: JSONColumnBuffer.array(bytes), offsets: JSONColumnBuffer.array(offsets)))
            }
        }
        return Column(type: type, values: values, validity: validity, count: count)
    }

    /// The first `count` words as an array of a 64-bit type (their bits unchanged).
    static func wordsArray<T>(_ words: RawVec<UInt64>, _ count: Int, as: T.Type) -> [T] {
        precondition(MemoryLayout<T>.stride == 8)
        return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            if count > 0 { UnsafeMutableRawPointer(buffer.baseAddress!).copyMemory(from: words.base, byteCount: count * 8) }
            initialized = count
        }
    }

    static func array<T>(_ vec: RawVec<T>) -> [T] {
        [T](unsafeUninitializedCapacity: vec.count) { buffer, initialized in
            if vec.count > 0 { buffer.baseAddress!.initialize(from: vec.base, count: vec.count) }
            initialized = vec.count
        }
    }
}
