import LumbungCore

/// `count_distinct(x)`: the number of distinct non-null values of every group, exact.
///
/// Works on (group, value) pairs, hashed once and never interned into one table for the whole
/// input (which would be sequential):
/// 1. units of chunks (see `Grouping.units`), in parallel, hash each pair of a row that has a group
///    and a value and scatter it into one of `P` partitions by the high bits of its hash. Strings
///    hash their bytes; fixed-width values hash their key word (floats canonical, so `-0.0` and
///    `0.0` are one value and so are NaNs, as in grouping). Dictionary chunks, and chunks of
///    integers of a narrow range, first drop the pairs they repeat (see `collect`).
/// 2. partitions, in parallel, are deduplicated each with its own open-addressing table, sized
///    from the partition's pair count so it never grows. Fixed-width pairs compare their words and
///    groups; string pairs compare their group and 32 bits of their hash held in one word, and only
///    when those are equal, the bytes.
/// 3. each new pair adds one to its group's count (per worker); the counts are added up.
///
/// A pair lands in the same partition whatever the thread count and the counts are integers, so
/// the result is exact and identical at every thread count.
///
/// - Complexity: O(rows) expected; 16 bytes per (group, value) pair scattered, plus one table of
///   about 32 bytes per pair of one partition per worker.
struct CountDistinctKernel: HolisticKernel {
    let type: DataType
    /// Bits kept of string pairs' hashes: all but in tests, which keep few to force collisions.
    var hashMask: UInt64 = .max

    /// The most partitions: about 2 000 × 1 024 pairs before tables outgrow a core's cache.
    static let maxPartitionBits = 10

    func finish(
        arguments: [Column], rowGroups: [[UInt32]], groupCount: Int, context: ExecutionContext, scope: MemoryScope
    ) throws -> Column {
        let rowCounts = arguments.map(\.count)
        let totalRows = rowCounts.reduce(0, +)
        if groupCount == 0 || totalRows == 0 {
            return Column(
                type: .int64, values: .int64([Int64](repeating: 0, count: groupCount)), validity: nil,
                count: groupCount)
        }
        // Partitions of about unitRows / 8 rows each (16 384 by default), a power of two.
        let partitionRows = max(1, context.unitRows / 8)
        var bits = 0
        while bits < Self.maxPartitionBits, (1 << bits) * partitionRows < totalRows { bits += 1 }
        let isString = type == .string
        try scope.reserve(totalRows * MemoryLayout<DistinctPair>.stride * 2, for: "count_distinct pairs")

        // 1. Hash and partition the pairs, units in parallel.
        let units = Grouping.units(rowCounts, unitRows: context.unitRows)
        let partitioned: [PartitionedPairs] = try context.parallelMap(units.count) { unit, _ in
            var pairs = PairCollector(partitionBits: bits, capacity: units[unit].reduce(0) { $0 + rowCounts[$1] })
            for chunk in units[unit] {
                rowGroups[chunk].withUnsafeBufferPointer { groups in
                    Self.collect(
                        arguments[chunk], chunk: chunk, groups: groups, groupCount: groupCount, hashMask: hashMask,
                        into: &pairs)
                }
            }
            return pairs.partitioned()
        }

        // 2–3. Deduplicate each partition, partitions in parallel; count new pairs per group.
        let partitionCount = 1 << bits
        let strings = PairStrings(isString ? arguments : [])
        let scratch = DistinctScratch(workers: min(context.threadCount, partitionCount), groupCount: groupCount)
        try context.parallelFor(partitionCount) { partition, worker in
            var size = 0
            for unit in partitioned { size += unit.starts[partition + 1] - unit.starts[partition] }
            if size == 0 { return }
            let space = scratch.workers[worker]
            space.prepare(capacity: size)
            let mask = space.capacity - 1
            space.counts.withUnsafeMutableBufferPointer { counts in
                space.slots.withUnsafeMutableBufferPointer { slots in
                    for unit in partitioned {
                        unit.pairs.withUnsafeBufferPointer { pairs in
                            for index in unit.starts[partition]..<unit.starts[partition + 1] {
                                let pair = pairs[index]
                                let hash = isString ? pair.key : Self.pairHash(word: pair.key, group: pair.row)
                                var slot = Int(truncatingIfNeeded: hash) & mask
                                while true {
                                    let held = slots[slot]
                                    if held.row == DistinctPair.empty {
                                        slots[slot] = pair
                                        counts[Int(truncatingIfNeeded: isString ? pair.key >> 32 : pair.row)] &+= 1
                                        break
                                    }
                                    if held.key == pair.key {
                                        if !isString {
                                            if held.row == pair.row { break }
                                        } else {
                                            let (p, n) = strings.bytes(held.row)
                                            let (q, m) = strings.bytes(pair.row)
                                            if equalBytes(p, n, q, m) { break }
                                        }
                                    }
                                    slot = (slot + 1) & mask
                                }
                            }
                        }
                    }
                }
            }
        }
        var counts = [Int64](repeating: 0, count: groupCount)
        for space in scratch.workers where !space.counts.isEmpty {
            for group in 0..<groupCount { counts[group] &+= space.counts[group] }
        }
        return Column(type: .int64, values: .int64(counts), validity: nil, count: groupCount)
    }

    /// Adds the pairs of one chunk: every row with a group and a present value. Where the chunk's
    /// (value, group) domain is small (dictionary codes, integers of a narrow range, bools), a
    /// bitmap over it drops the pairs the chunk repeats; other dictionary chunks drop them with a
    /// set of (group, code) words. Partitions deduplicate whatever is left.
    private static func collect(
        _ column: Column, chunk: Int, groups: UnsafeBufferPointer<UInt32>, groupCount: Int, hashMask: UInt64,
        into pairs: inout PairCollector
    ) {
        switch column.values {
        case .string(let strings):
            strings.bytes.withUnsafeBytes { raw in
                strings.offsets.withUnsafeBufferPointer { offsets in
                    forEachGrouped(groups, validity: column.validity) { row, group in
                        let start = Int(offsets[row])
                        let hash = Hashing.bytes(raw.baseAddress.map { $0 + start }, Int(offsets[row + 1]) - start)
                        let ref = RowRef(chunk: chunk, row: row)
                        pairs.add(stringPair(hash, group: group, hashMask: hashMask, row: ref))
                    }
                }
            }
        case .dictionary(let codes, let dictionary):
            dictionary.bytes.withUnsafeBytes { raw in
                dictionary.offsets.withUnsafeBufferPointer { offsets in
                    codes.withUnsafeBufferPointer { codes in
                        // The pair refers to the dictionary entry (see `PairStrings`), not to the row.
                        func add(_ row: Int, _ code: Int, _ group: Int) {
                            let start = Int(offsets[code])
                            let hash = Hashing.bytes(raw.baseAddress.map { $0 + start }, Int(offsets[code + 1]) - start)
                            let ref = RowRef(chunk: chunk, row: code)
                            pairs.add(stringPair(hash, group: group, hashMask: hashMask, row: ref))
                        }
                        if let bits = denseDomain(dictionary.count, groupCount: groupCount, rows: column.count) {
                            var seen = [UInt64](repeating: 0, count: (bits + 63) >> 6)
                            seen.withUnsafeMutableBufferPointer { seen in
                                forEachGrouped(groups, validity: column.validity) { row, group in
                                    let code = Int(codes[row])
                                    if firstSight(seen, code &* groupCount &+ group) { add(row, code, group) }
                                }
                            }
                        } else {
                            var seen = WordSet()
                            forEachGrouped(groups, validity: column.validity) { row, group in
                                let code = Int(codes[row])
                                if seen.insert(UInt64(truncatingIfNeeded: group) << 32 | UInt64(code)) {
                                    add(row, code, group)
                                }
                            }
                        }
                    }
                }
            }
        case .int64(let values), .timestamp(let values):
            let dense = integerDomain(column, groupCount: groupCount)
            collectWords(values, column.validity, groups, groupCount, dense, &pairs) { UInt64(bitPattern: $0) }
        case .float64(let values):
            collectWords(values, column.validity, groups, groupCount, nil, &pairs) { KeyEncoder.canonicalBits($0) }
        case .date(let values):
            let dense = integerDomain(column, groupCount: groupCount)
            collectWords(values, column.validity, groups, groupCount, dense, &pairs) { UInt64(bitPattern: Int64($0)) }
        case .bool(let values):
            let dense = denseDomain(2, groupCount: groupCount, rows: column.count).map { (low: Int64(0), bits: $0) }
            collectWords(values, column.validity, groups, groupCount, dense, &pairs) { UInt64($0) }
        }
    }

    /// Adds the pairs of a fixed-width chunk: the value's key word and the group itself. With
    /// `dense`, key words are integers from `low` and a bitmap of `bits` drops repeated pairs.
    @inline(__always)
    private static func collectWords<T>(
        _ values: [T], _ validity: Bitmap?, _ groups: UnsafeBufferPointer<UInt32>, _ groupCount: Int,
        _ dense: (low: Int64, bits: Int)?, _ pairs: inout PairCollector, _ word: (T) -> UInt64
    ) {
        values.withUnsafeBufferPointer { values in
            guard let dense else {
                forEachGrouped(groups, validity: validity) { row, group in
                    let key = word(values[row])
                    let group = UInt64(truncatingIfNeeded: group)
                    pairs.add((DistinctPair(key: key, row: group), pairHash(word: key, group: group)))
                }
                return
            }
            var seen = [UInt64](repeating: 0, count: (dense.bits + 63) >> 6)
            seen.withUnsafeMutableBufferPointer { seen in
                forEachGrouped(groups, validity: validity) { row, group in
                    let key = word(values[row])
                    let offset = Int(truncatingIfNeeded: Int64(bitPattern: key) &- dense.low)
                    guard firstSight(seen, offset &* groupCount &+ group) else { return }
                    let group = UInt64(truncatingIfNeeded: group)
                    pairs.add((DistinctPair(key: key, row: group), pairHash(word: key, group: group)))
                }
            }
        }
    }

    /// The bits of a (value, group) bitmap for `values` values, when small next to the chunk's
    /// rows (so clearing it costs less than the rows).
    static func denseDomain(_ values: Int, groupCount: Int, rows: Int) -> Int? {
        let (bits, overflow) = values.multipliedReportingOverflow(by: groupCount)
        return !overflow && bits > 0 && bits <= max(1 << 12, rows * 8) ? bits : nil
    }

    /// The lowest present integer of a chunk and the bits of its (value, group) bitmap, when small.
    static func integerDomain(_ column: Column, groupCount: Int) -> (low: Int64, bits: Int)? {
        guard let (low, high) = KeyEncoder.integerRange(column) else { return nil }
        let (span, overflow) = high.subtractingReportingOverflow(low)
        guard !overflow, span < Int64(Int.max) else { return nil }
        return denseDomain(Int(span) + 1, groupCount: groupCount, rows: column.count).map { (low, $0) }
    }

    /// Sets bit `index` of `seen`; whether it was clear.
    @inline(__always)
    static func firstSight(_ seen: UnsafeMutableBufferPointer<UInt64>, _ index: Int) -> Bool {
        let bit: UInt64 = 1 << UInt64(index & 63)
        let word = seen[index >> 6]
        seen[index >> 6] = word | bit
        return word & bit == 0
    }

    /// The pair of a string whose bytes hash to `valueHash`, and the hash that partitions it. The
    /// key holds the group in its high half and the low half of the pair's hash in its low half.
    @inline(__always)
    static func stringPair(_ valueHash: UInt64, group: Int, hashMask: UInt64, row: RowRef) -> (DistinctPair, UInt64) {
        let hash = Hashing.combine(valueHash, UInt64(truncatingIfNeeded: group)) & hashMask
        let key = UInt64(truncatingIfNeeded: group) << 32 | (hash & 0xffff_ffff)
        return (DistinctPair(key: key, row: row), hash)
    }

    /// The hash of a (group, fixed-width value) pair from the value's key word.
    @inline(__always)
    static func pairHash(word: UInt64, group: UInt64) -> UInt64 {
        Hashing.combine(Hashing.mix(word &+ Hashing.seed), group)
    }
}

/// One (group, value) pair of `count_distinct`. For strings, `key` is the group (high half) and
/// 32 bits of the pair's hash (low half), and `row` a `RowRef` to the value: to a row of a plain
/// chunk, to an entry of a dictionary chunk's dictionary (see `PairStrings`). For fixed-width
/// values, `key` is the value's key word and `row` the group.
struct DistinctPair {
    var key: UInt64
    var row: UInt64

    /// `row` of an empty table slot (no `RowRef` nor group is all ones).
    static let empty = UInt64.max
}

/// The pairs of one unit, laid out partition by partition: partition `p` is
/// `pairs[starts[p]..<starts[p + 1]]`, in row order.
struct PartitionedPairs: Sendable {
    var pairs: [DistinctPair]
    var starts: [Int]
}

/// Collects pairs with their partition (the high bits of their hash) into buffers of a fixed
/// capacity, then lays them out by partition (a counting sort). `partitioned()` must be called
/// once: it frees the buffers.
struct PairCollector {
    private let shift: UInt64
    private let partitionCount: Int
    private let pending: UnsafeMutablePointer<DistinctPair>
    private let partitions: UnsafeMutablePointer<UInt16>
    private let counts: UnsafeMutablePointer<Int>
    private var count = 0

    /// - Parameter capacity: the most pairs that will be added.
    init(partitionBits: Int, capacity: Int) {
        shift = UInt64(64 - partitionBits)
        partitionCount = 1 << partitionBits
        pending = .allocate(capacity: max(1, capacity))
        partitions = .allocate(capacity: max(1, capacity))
        counts = .allocate(capacity: partitionCount)
        counts.initialize(repeating: 0, count: partitionCount)
    }

    /// Adds a pair and the hash that chooses its partition.
    @inline(__always)
    mutating func add(_ pairAndHash: (DistinctPair, UInt64)) {
        // With one partition the shift is 64, which Swift's `>>` turns into 0.
        let partition = Int(truncatingIfNeeded: pairAndHash.1 >> shift)
        pending[count] = pairAndHash.0
        partitions[count] = UInt16(truncatingIfNeeded: partition)
        counts[partition] &+= 1
        count &+= 1
    }

    /// The pairs laid out by partition; frees the buffers.
    func partitioned() -> PartitionedPairs {
        defer {
            pending.deallocate()
            partitions.deallocate()
            counts.deallocate()
        }
        var starts = [Int](repeating: 0, count: partitionCount + 1)
        for partition in 0..<partitionCount { starts[partition + 1] = starts[partition] + counts[partition] }
        var cursors = starts
        let pairs = [DistinctPair](unsafeUninitializedCapacity: count) { out, initialized in
            if partitionCount == 1 {
                _ = out.initialize(from: UnsafeBufferPointer(start: pending, count: count))
            } else {
                cursors.withUnsafeMutableBufferPointer { cursors in
                    for index in 0..<count {
                        let partition = Int(partitions[index])
                        out[cursors[partition]] = pending[index]
                        cursors[partition] &+= 1
                    }
                }
            }
            initialized = count
        }
        return PartitionedPairs(pairs: pairs, starts: starts)
    }
}

/// The bytes of string pairs for random access: per chunk, the strings a pair's `RowRef` row
/// indexes, which are the chunk's own strings or, for a dictionary chunk, its dictionary's entries
/// (its pairs hold codes, so comparing them reads no codes).
final class PairStrings: @unchecked Sendable {
    private let keepAlive: [AnyObject]
    private let bytes: [UnsafePointer<UInt8>]
    private let offsets: [UnsafePointer<UInt32>]

    init(_ columns: [Column]) {
        var keepAlive: [AnyObject] = []
        var bytes: [UnsafePointer<UInt8>] = []
        var offsets: [UnsafePointer<UInt32>] = []
        for column in columns {
            let strings: StringArray
            switch column.values {
            case .string(let array): strings = array
            case .dictionary(_, let dictionary): strings = dictionary
            default: preconditionFailure("count_distinct string pairs over \(column.type) values")
            }
            let pinnedBytes = Pinned(strings.bytes)
            let pinnedOffsets = Pinned(strings.offsets)
            keepAlive += [pinnedBytes, pinnedOffsets]
            bytes.append(pinnedBytes.base)
            offsets.append(pinnedOffsets.base)
        }
        self.keepAlive = keepAlive
        self.bytes = bytes
        self.offsets = offsets
    }

    /// The bytes `ref` refers to.
    @inline(__always)
    func bytes(_ ref: RowRef) -> (UnsafeRawPointer, Int) {
        let offsets = self.offsets[ref.chunk]
        let start = Int(offsets[ref.row])
        return (UnsafeRawPointer(bytes[ref.chunk] + start), Int(offsets[ref.row + 1]) - start)
    }
}

/// Per-worker space of `count_distinct`'s deduplication: a table reused from partition to
/// partition and the worker's count per group.
final class DistinctScratch: @unchecked Sendable {
    final class Space {
        let groupCount: Int
        var slots: [DistinctPair] = []
        var capacity = 0
        var counts: [Int64] = []

        init(groupCount: Int) { self.groupCount = groupCount }

        /// Empties a table of at least twice `pairs` slots (a power of two).
        func prepare(capacity pairs: Int) {
            if counts.isEmpty { counts = [Int64](repeating: 0, count: groupCount) }
            var size = 16
            while size < pairs * 2 { size <<= 1 }
            capacity = size
            let empty = DistinctPair(key: 0, row: DistinctPair.empty)
            if slots.count < size {
                slots = [DistinctPair](repeating: empty, count: size)
            } else {
                slots.withUnsafeMutableBufferPointer { slots in
                    for index in 0..<size { slots[index] = empty }
                }
            }
        }
    }

    let workers: [Space]
    init(workers: Int, groupCount: Int) { self.workers = (0..<workers).map { _ in Space(groupCount: groupCount) } }
}

/// A set of 64-bit words other than `UInt64.max` (open addressing, linear probing).
struct WordSet {
    private var slots = [UInt64](repeating: .max, count: 256)
    private var count = 0

    /// Adds `word`; whether it was new.
    @inline(__always)
    mutating func insert(_ word: UInt64) -> Bool {
        if count * 2 >= slots.count { grow() }
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: Hashing.mix(word)) & mask
        while true {
            let held = slots[slot]
            if held == word { return false }
            if held == .max {
                slots[slot] = word
                count += 1
                return true
            }
            slot = (slot + 1) & mask
        }
    }

    private mutating func grow() {
        let old = slots
        slots = [UInt64](repeating: .max, count: old.count * 2)
        count = 0
        for word in old where word != .max { _ = insert(word) }
    }
}
