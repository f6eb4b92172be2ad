import LumbungCore

/// Sort keys of every row as unsigned words whose lexicographic order is the sort order, so a
/// sort compares integers instead of typed values.
///
/// Per key: a null flag word when the column has nulls (0 present, 1 null: nulls last in both
/// directions), then the value: integers and timestamps with the sign bit flipped, dates widened,
/// floats in DuckDB's total order, bools as 0/1, dictionary strings by the rank of their string
/// among all distinct strings, other strings by up to four big-endian 8-byte prefix words
/// (`needsTieBreak`: equal words are then compared in full). Descending keys invert the value
/// words.
struct SortKeys {
    let wordCount: Int
    /// `wordCount` words per row, rows numbered across chunks in order.
    let words: [UInt64]
    /// First global row of every chunk (plus the total at the end).
    let chunkStarts: [Int]
    /// Whether equal words may hide different strings (prefix-encoded string keys).
    let needsTieBreak: Bool

    init(_ keys: [ChunkedColumn], descending: [Bool], context: ExecutionContext, scope: MemoryScope) throws {
        var starts = [0]
        for column in keys[0].columns { starts.append(starts.last! + column.count) }
        chunkStarts = starts
        let rows = starts.last!
        // Plan each key: flag word? value words? string ranks?
        struct Plan {
            var nullable: Bool
            var valueWords: Int
            var ranks: [[UInt32]]?  // per chunk: dictionary code → rank
        }
        var plans: [Plan] = []
        var tieBreak = false
        for key in keys {
            let nullable = key.columns.contains { $0.validity != nil }
            if key.type != .string {
                plans.append(Plan(nullable: nullable, valueWords: 1, ranks: nil))
                continue
            }
            if let ranks = try SortKeys.dictionaryRanks(key.columns, context: context, scope: scope) {
                plans.append(Plan(nullable: nullable, valueWords: 1, ranks: ranks))
            } else {
                var longest = 0
                for column in key.columns {
                    if case .string(let strings) = column.values {
                        strings.offsets.withUnsafeBufferPointer { offsets in
                            for row in 0..<column.count { longest = max(longest, Int(offsets[row + 1] &- offsets[row])) }
                        }
                    }
                }
                plans.append(Plan(nullable: nullable, valueWords: max(1, min(4, (longest + 7) / 8)), ranks: nil))
                tieBreak = true
            }
        }
        needsTieBreak = tieBreak
        let width = plans.reduce(0) { $0 + ($1.nullable ? 1 : 0) + $1.valueWords }
        wordCount = width
        try scope.reserve(rows * width * 8, for: "sort keys")
        var words = [UInt64](repeating: 0, count: rows * width)
        try words.withUnsafeMutableBufferPointer { words in
            let shared = UncheckedSendable(words)
            try context.parallelFor(keys[0].columns.count) { chunk, _ in
                let base = starts[chunk]
                var offset = 0
                for (index, key) in keys.enumerated() {
                    let plan = plans[index]
                    let column = key.columns[chunk]
                    let invert: UInt64 = descending[index] ? ~0 : 0
                    let valueOffset = offset + (plan.nullable ? 1 : 0)
                    func put(_ row: Int, _ word: UInt64) { shared.value[(base + row) * width + valueOffset] = word ^ invert }
                    switch column.values {
                    case .int64(let values), .timestamp(let values):
                        for row in 0..<column.count { put(row, UInt64(bitPattern: values[row]) ^ (1 << 63)) }
                    case .date(let values):
                        for row in 0..<column.count { put(row, UInt64(bitPattern: Int64(values[row])) ^ (1 << 63)) }
                    case .float64(let values):
                        for row in 0..<column.count { put(row, QuantileKernel.key(values[row])) }
                    case .bool(let values):
                        for row in 0..<column.count { put(row, UInt64(values[row])) }
                    case .dictionary(let codes, _) where plan.ranks != nil:
                        let ranks = plan.ranks![chunk]
                        for row in 0..<column.count { put(row, UInt64(ranks[Int(codes[row])])) }
                    case .string, .dictionary:
                        withStringView(column) { view in
                            for row in 0..<column.count {
                                let (pointer, length) = view.string(row)
                                for word in 0..<plan.valueWords {
                                    var value: UInt64 = 0
                                    for byte in 0..<8 {
                                        let position = word * 8 + byte
                                        let next: UInt64 =
                                            position < length ? UInt64(pointer!.load(fromByteOffset: position, as: UInt8.self)) : 0
                                        value = value << 8 | next
                                    }
                                    shared.value[(base + row) * width + valueOffset + word] = value ^ invert
                                }
                            }
                        }
                    }
                    if plan.nullable, let validity = column.validity {
                        for row in 0..<column.count where !validity[row] {
                            shared.value[(base + row) * width + offset] = 1
                            for word in 0..<plan.valueWords { shared.value[(base + row) * width + valueOffset + word] = 0 }
                        }
                    }
                    offset = valueOffset + plan.valueWords
                }
            }
        }
        self.words = words
    }

    /// Ranks of every dictionary entry among all distinct strings of the column, when every chunk
    /// is dictionary-encoded and the dictionaries are small; `nil` otherwise.
    static func dictionaryRanks(_ columns: [Column], context: ExecutionContext, scope: MemoryScope) throws -> [[UInt32]]? {
        var entries = 0
        var rows = 0
        for column in columns {
            guard case .dictionary(_, let dictionary) = column.values else { return nil }
            entries += dictionary.count
            rows += column.count
        }
        guard entries <= max(1 << 16, rows / 4) else { return nil }
        let global = try KeyEncoder.globalStringIDs(columns, context: context, scope: scope)
        let strings = global.strings
        // Sort the distinct strings once; rank = position.
        let order = strings.bytes.withUnsafeBytes { raw in
            strings.offsets.withUnsafeBufferPointer { offsets in
                (0..<strings.count).sorted { a, b in
                    let p = raw.baseAddress.map { $0 + Int(offsets[a]) }
                    let q = raw.baseAddress.map { $0 + Int(offsets[b]) }
                    return compareBytes(p, Int(offsets[a + 1] - offsets[a]), q, Int(offsets[b + 1] - offsets[b])) < 0
                }
            }
        }
        var rank = [UInt32](repeating: 0, count: strings.count)
        for (position, id) in order.enumerated() { rank[id] = UInt32(position) }
        return global.remap.map { remap in remap.map { rank[Int($0)] } }
    }

    /// The `RowRef` of global row `row`.
    @inline(__always)
    func ref(_ row: Int) -> RowRef {
        // Binary search for the chunk (only on ties of prefix-encoded strings and at the end).
        var low = 0
        var high = chunkStarts.count - 1
        while high - low > 1 {
            let middle = (low + high) / 2
            if chunkStarts[middle] <= row { low = middle } else { high = middle }
        }
        return RowRef(chunk: low, row: row - chunkStarts[low])
    }
}
