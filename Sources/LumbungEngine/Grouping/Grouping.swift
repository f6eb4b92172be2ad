import LumbungCore

/// The groups of one unit of work (a run of consecutive chunks): a group id per row, in
/// first-seen order, and each group's key words.
struct LocalGroups: Sendable {
    /// The chunks of the unit.
    var chunks: Range<Int>
    /// Per chunk of the unit: the local group of every row, or `LocalGroups.skipped`.
    var rowGroups: [[UInt32]]
    /// `wordCount` words per group.
    var keys: [UInt64]
    /// Per group: its first row.
    var firstRef: [RowRef]
    /// Per group: the hash of its key (hash path only; empty on the dense path).
    var hashes: [UInt64]

    var count: Int { firstRef.count }
    static let skipped = UInt32.max

    var byteSize: Int { rowGroups.reduce(0) { $0 + $1.count * 4 } + keys.count * 8 + firstRef.count * 8 + hashes.count * 8 }
}

/// The groups of a whole table: global group ids in first-seen order over the table.
struct GlobalGroups: Sendable {
    /// Per unit: local group → global group.
    var localToGlobal: [[UInt32]]
    /// Per global group: its first row.
    var firstRef: [RowRef]
    var count: Int { firstRef.count }
}

/// Hash grouping on encoded key words: each unit of work (consecutive chunks of at least
/// `unitRows` rows) is grouped on its own, units in parallel, then unit groups are merged in unit
/// order into global groups. Units depend only on the chunk sizes, never on the thread count, so
/// group ids, first rows and every partial-state merge order are reproducible.
enum Grouping {
    /// Largest dense domain grouped by direct indexing (per worker scratch of this many slots).
    static let denseLimit = 1 << 20
    /// Consecutive runs of chunks of at least `unitRows` rows (the last may be shorter).
    static func units(_ rowCounts: [Int], unitRows: Int) -> [Range<Int>] {
        var units: [Range<Int>] = []
        var start = 0
        var rows = 0
        for (chunk, count) in rowCounts.enumerated() {
            rows += count
            if rows >= unitRows {
                units.append(start..<(chunk + 1))
                start = chunk + 1
                rows = 0
            }
        }
        if start < rowCounts.count {
            if rows < unitRows / 4, let last = units.popLast() {
                units.append(last.lowerBound..<rowCounts.count)
            } else {
                units.append(start..<rowCounts.count)
            }
        }
        return units
    }

    /// Per-worker scratch for dense grouping: one slot per code, all `UInt32.max` between uses.
    final class Scratch: @unchecked Sendable {
        final class Slots { var values: [UInt32] = [] }
        let workers: [Slots]
        init(workers: Int) { self.workers = (0..<workers).map { _ in Slots() } }
    }

    /// Groups the rows of every unit, then merges the groups.
    static func group(
        _ keys: EncodedKeys, rowCounts: [Int], context: ExecutionContext, scope: MemoryScope
    ) throws -> (locals: [LocalGroups], global: GlobalGroups) {
        let dense = keys.denseDomain.flatMap { $0 <= denseLimit ? $0 : nil }
        let scratch = Scratch(workers: context.threadCount)
        let units = Self.units(rowCounts, unitRows: context.unitRows)
        try scope.reserve(rowCounts.reduce(0, +) * 4, for: "group ids")
        let locals: [LocalGroups] = try context.parallelMap(units.count) { unit, worker in
            let chunks = units[unit]
            if let dense {
                let slots = scratch.workers[worker]
                if slots.values.isEmpty { slots.values = [UInt32](repeating: .max, count: dense) }
                return groupDense(keys, chunks: chunks, rowCounts: rowCounts, slots: &slots.values)
            }
            return groupHashed(keys, chunks: chunks, rowCounts: rowCounts)
        }
        try scope.reserve(locals.reduce(0) { $0 + $1.byteSize - $1.rowGroups.reduce(0) { $0 + $1.count * 4 } }, for: "partial groups")
        let global: GlobalGroups
        if let dense {
            global = mergeDense(locals, domain: dense)
        } else {
            global = mergeHashed(locals, wordCount: keys.wordCount)
        }
        return (locals, global)
    }

    private static func groupDense(
        _ keys: EncodedKeys, chunks: Range<Int>, rowCounts: [Int], slots: inout [UInt32]
    ) -> LocalGroups {
        var codes: [UInt64] = []
        var firstRef: [RowRef] = []
        var rowGroups: [[UInt32]] = []
        slots.withUnsafeMutableBufferPointer { slots in
            for chunk in chunks {
                let rows = rowCounts[chunk]
                var rowGroup = [UInt32](repeating: LocalGroups.skipped, count: rows)
                keys.words[chunk].withUnsafeBufferPointer { words in
                    rowGroup.withUnsafeMutableBufferPointer { rowGroup in
                        for row in 0..<rows {
                            let code = Int(truncatingIfNeeded: words[row])
                            var id = slots[code]
                            if id == .max {
                                id = UInt32(truncatingIfNeeded: firstRef.count)
                                slots[code] = id
                                firstRef.append(RowRef(chunk: chunk, row: row))
                                codes.append(words[row])
                            }
                            rowGroup[row] = id
                        }
                    }
                }
                rowGroups.append(rowGroup)
            }
            for code in codes { slots[Int(truncatingIfNeeded: code)] = .max }
        }
        return LocalGroups(chunks: chunks, rowGroups: rowGroups, keys: codes, firstRef: firstRef, hashes: [])
    }

    @inline(__always)
    static func hash(_ words: UnsafeBufferPointer<UInt64>, at offset: Int, wordCount: Int) -> UInt64 {
        if wordCount == 1 { return Hashing.mix(words[offset] &+ Hashing.seed) }
        var hash = Hashing.seed
        for index in 0..<wordCount { hash = Hashing.combine(hash, words[offset + index]) }
        return hash
    }

    private static func groupHashed(
        _ keys: EncodedKeys, chunks: Range<Int>, rowCounts: [Int]
    ) -> LocalGroups {
        let wordCount = keys.wordCount
        var table = OpenTable(wordCount: wordCount, expected: 1024)
        var rowGroups: [[UInt32]] = []
        for chunk in chunks {
            let rows = rowCounts[chunk]
            var rowGroup = [UInt32](repeating: LocalGroups.skipped, count: rows)
            keys.words[chunk].withUnsafeBufferPointer { words in
                rowGroup.withUnsafeMutableBufferPointer { rowGroup in
                    for row in 0..<rows {
                        let offset = row * wordCount
                        let hash = Grouping.hash(words, at: offset, wordCount: wordCount)
                        rowGroup[row] = table.findOrInsert(
                            words, at: offset, hash: hash, firstRef: RowRef(chunk: chunk, row: row))
                    }
                }
            }
            rowGroups.append(rowGroup)
        }
        return LocalGroups(
            chunks: chunks, rowGroups: rowGroups, keys: table.keys, firstRef: table.firstRefs, hashes: table.hashes)
    }

    private static func mergeDense(_ locals: [LocalGroups], domain: Int) -> GlobalGroups {
        var globalOf = [UInt32](repeating: .max, count: domain)
        var firstRef: [RowRef] = []
        let localToGlobal = locals.map { local in
            (0..<local.count).map { group -> UInt32 in
                let code = Int(truncatingIfNeeded: local.keys[group])
                var id = globalOf[code]
                if id == .max {
                    id = UInt32(truncatingIfNeeded: firstRef.count)
                    globalOf[code] = id
                    firstRef.append(local.firstRef[group])
                }
                return id
            }
        }
        return GlobalGroups(localToGlobal: localToGlobal, firstRef: firstRef)
    }

    private static func mergeHashed(_ locals: [LocalGroups], wordCount: Int) -> GlobalGroups {
        var table = OpenTable(wordCount: wordCount, expected: locals.first?.count ?? 16)
        let localToGlobal = locals.map { local in
            local.keys.withUnsafeBufferPointer { keys in
                (0..<local.count).map { group -> UInt32 in
                    table.findOrInsert(keys, at: group * wordCount, hash: local.hashes[group], firstRef: local.firstRef[group])
                }
            }
        }
        return GlobalGroups(localToGlobal: localToGlobal, firstRef: table.firstRefs)
    }

    /// Per chunk: the global group of every row (`LocalGroups.skipped` for rows left out).
    static func rowGroups(_ locals: [LocalGroups], _ global: GlobalGroups, context: ExecutionContext) throws -> [[UInt32]] {
        let perUnit: [[[UInt32]]] = try context.parallelMap(locals.count) { unit, _ in
            let map = global.localToGlobal[unit]
            return map.withUnsafeBufferPointer { map in
                locals[unit].rowGroups.map { groups in groups.map { $0 == LocalGroups.skipped ? $0 : map[Int($0)] } }
            }
        }
        return perUnit.flatMap { $0 }
    }
}

/// An open-addressing hash table from fixed-width key words to dense ids (first-seen order).
struct OpenTable {
    let wordCount: Int
    private(set) var keys: [UInt64] = []
    private(set) var hashes: [UInt64] = []
    private(set) var firstRefs: [UInt64] = []
    private var slots: [UInt32]
    private var mask: Int

    init(wordCount: Int, expected: Int) {
        self.wordCount = wordCount
        var size = 16
        while size < expected * 2 { size <<= 1 }
        slots = [UInt32](repeating: .max, count: size)
        mask = size - 1
    }

    var count: Int { hashes.count }

    @inline(__always)
    mutating func findOrInsert(_ words: UnsafeBufferPointer<UInt64>, at offset: Int, hash: UInt64, firstRef: UInt64)
        -> UInt32
    {
        if hashes.count * 2 >= slots.count { grow() }
        var slot = Int(truncatingIfNeeded: hash >> 20) & mask
        while true {
            let id = slots[slot]
            if id == .max {
                let newID = UInt32(truncatingIfNeeded: hashes.count)
                slots[slot] = newID
                hashes.append(hash)
                firstRefs.append(firstRef)
                for index in 0..<wordCount { keys.append(words[offset + index]) }
                return newID
            }
            if hashes[Int(id)] == hash {
                var same = true
                let base = Int(id) * wordCount
                for index in 0..<wordCount where keys[base + index] != words[offset + index] {
                    same = false
                    break
                }
                if same { return id }
            }
            slot = (slot + 1) & mask
        }
    }

    private mutating func grow() {
        let size = slots.count * 2
        slots = [UInt32](repeating: .max, count: size)
        mask = size - 1
        for (id, hash) in hashes.enumerated() {
            var slot = Int(truncatingIfNeeded: hash >> 20) & mask
            while slots[slot] != .max { slot = (slot + 1) & mask }
            slots[slot] = UInt32(id)
        }
    }
}
