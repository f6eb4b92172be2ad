import Dispatch
import Foundation
import LumbungCore

/// Per-column facts for `lumbung inspect`: type, null count and an estimate of distinct values.
public struct ColumnProfile: Sendable, Codable, Equatable {
    public var name: String
    public var type: DataType
    public var nulls: Int
    /// Exact for dictionary-encoded string columns; otherwise a HyperLogLog estimate (about 0.8%
    /// standard error; practically exact below a few thousand values).
    public var distinctEstimate: Int

    enum CodingKeys: String, CodingKey {
        case name, type, nulls
        case distinctEstimate = "distinct_estimate"
    }

    /// Profiles every column of `table`, columns in parallel: one sketch per column, fed by every
    /// chunk in order (no per-chunk sketches to allocate and merge).
    public static func profile(_ table: Table) -> [ColumnProfile] {
        let columnCount = table.schema.count
        let results = ProfileSlots(count: columnCount)
        DispatchQueue.concurrentPerform(iterations: columnCount) { columnIndex in
            let nulls = table.chunks.reduce(0) { $0 + $1.columns[columnIndex].nullCount }
            if let exact = exactDistinct(table.chunks.map { $0.columns[columnIndex] }) {
                results.set(columnIndex, (exact, nulls))
                return
            }
            var sketch = HyperLogLog()
            for chunk in table.chunks { sketch.add(chunk.columns[columnIndex]) }
            results.set(columnIndex, (sketch.estimate, nulls))
        }
        return table.schema.fields.enumerated().map { columnIndex, field in
            let (estimate, nulls) = results.get(columnIndex)
            // An estimate can overshoot slightly; never report more distinct values than present values.
            let present = table.rowCount - nulls
            return ColumnProfile(name: field.name, type: field.type, nulls: nulls, distinctEstimate: min(estimate, present))
        }
    }
}

/// The exact number of distinct present values when every chunk of the column is dictionary-encoded
/// (the dictionaries are small: their used entries are merged), else nil.
private func exactDistinct(_ columns: [Column]) -> Int? {
    var interner = StringInterner(expected: 256)
    for column in columns {
        guard case .dictionary(let codes, let dictionary) = column.values else { return nil }
        var used = [Bool](repeating: false, count: dictionary.count)
        for index in codes.indices where column.validity?[index] ?? true { used[Int(codes[index])] = true }
        dictionary.bytes.withUnsafeBufferPointer { bytes in
            let base = bytes.baseAddress ?? UnsafePointer(bitPattern: 1)!
            for code in 0..<dictionary.count where used[code] {
                let start = Int(dictionary.offsets[code])
                _ = interner.code(for: base + start, Int(dictionary.offsets[code + 1]) - start)
            }
        }
    }
    return interner.count
}

/// One (estimate, null count) per column, each written once by the thread that profiled it.
private final class ProfileSlots: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [(Int, Int)]

    init(count: Int) { slots = Array(repeating: (0, 0), count: count) }

    func set(_ index: Int, _ value: (Int, Int)) {
        lock.lock()
        slots[index] = value
        lock.unlock()
    }

    func get(_ index: Int) -> (Int, Int) {
        lock.lock()
        defer { lock.unlock() }
        return slots[index]
    }
}

/// HyperLogLog with 2^14 registers (about 0.8% standard error); linear counting makes small
/// cardinalities practically exact.
struct HyperLogLog: Sendable {
    private static let bits = 14
    private var registers = [UInt8](repeating: 0, count: 1 << bits)

    @inline(__always)
    mutating func add(hash: UInt64) {
        let index = Int(hash >> UInt64(64 - Self.bits))
        let rank = UInt8(min((hash << UInt64(Self.bits)).leadingZeroBitCount + 1, 64 - Self.bits + 1))
        if rank > registers[index] { registers[index] = rank }
    }

    mutating func add(_ column: Column) {
        let validity = column.validity
        switch column.values {
        case .int64(let values), .timestamp(let values):
            addFixed(values, validity, salt: 0x51) { UInt64(bitPattern: $0) }
        case .float64(let values):
            addFixed(values, validity, salt: 0x77) { ($0 == 0 ? 0 : $0).bitPattern }
        case .bool(let values):
            addFixed(values, validity, salt: 0x33) { UInt64($0) }
        case .date(let values):
            addFixed(values, validity, salt: 0x99) { UInt64(bitPattern: Int64($0)) }
        case .string(let strings):
            addStrings(strings) { validity?[$0] ?? true }
        case .dictionary(let codes, let dictionary):
            var used = [Bool](repeating: false, count: dictionary.count)
            for index in codes.indices where validity?[index] ?? true { used[Int(codes[index])] = true }
            addStrings(dictionary) { used[$0] }
        }
    }

    /// Adds the strings of `strings` whose index passes `include`, hashing straight from its byte
    /// buffer (one buffer access for the whole array, not a closure call per value).
    @inline(__always)
    private mutating func addStrings(_ strings: StringArray, _ include: (Int) -> Bool) {
        strings.bytes.withUnsafeBytes { bytes in
            strings.offsets.withUnsafeBufferPointer { offsets in
                let base = bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!
                for index in 0..<(offsets.count - 1) where include(index) {
                    let start = Int(offsets[index])
                    add(hash: ByteHash.hash(base + start, Int(offsets[index + 1]) &- start))
                }
            }
        }
    }

    /// Adds fixed-width values (present ones only), without a closure or bitmap call per value:
    /// the validity is read a word (64 rows) at a time, so an all-null word costs one test and an
    /// all-present word runs without per-row checks (survey columns are mostly null).
    @inline(__always)
    private mutating func addFixed<T>(_ values: [T], _ validity: Bitmap?, salt: UInt64, _ bits: (T) -> UInt64) {
        let shift = UInt64(64 - Self.bits)
        let cap = 64 - Self.bits + 1
        registers.withUnsafeMutableBufferPointer { registerBuffer in
            let registers = registerBuffer.baseAddress!
            values.withUnsafeBufferPointer { valueBuffer in
                guard let base = valueBuffer.baseAddress else { return }
                let count = valueBuffer.count
                @inline(__always) func add(_ index: Int) {
                    let hash = ByteHash.mix(bits(base[index]) &+ salt)
                    let slot = Int(truncatingIfNeeded: hash >> shift)
                    let rank = UInt8(truncatingIfNeeded: min((hash << UInt64(Self.bits)).leadingZeroBitCount &+ 1, cap))
                    if rank > registers[slot] { registers[slot] = rank }
                }
                guard let words = validity?.words else {
                    for index in 0..<count { add(index) }
                    return
                }
                words.withUnsafeBufferPointer { wordBuffer in
                    for wordIndex in 0..<min(wordBuffer.count, (count &+ 63) >> 6) {
                        let first = wordIndex &<< 6
                        // Bits past `count` in the last word are never set, but stay in range anyway.
                        var word = wordBuffer[wordIndex]
                        if count &- first < 64 { word &= (1 &<< UInt64(count &- first)) &- 1 }
                        if word == ~0 {
                            for index in first..<(first &+ 64) { add(index) }
                            continue
                        }
                        while word != 0 {
                            add(first &+ word.trailingZeroBitCount)
                            word &= word &- 1
                        }
                    }
                }
            }
        }
    }

    var estimate: Int {
        let m = Double(registers.count)
        var sum = 0.0
        var zeros = 0
        for register in registers {
            sum += 1.0 / Double(1 << Int(register))
            if register == 0 { zeros += 1 }
        }
        let alpha = 0.7213 / (1 + 1.079 / m)
        var estimate = alpha * m * m / sum
        if estimate <= 2.5 * m, zeros > 0 { estimate = m * log(m / Double(zeros)) }
        return Int(estimate.rounded())
    }
}
