import LumbungCore

/// Grouping keys of every row as fixed-width words, so that hash tables compare integers only.
///
/// `words[chunk]` holds `wordCount` words per row, row-major. When `denseDomain` is set, there is
/// one word per row and it is a code below `denseDomain`: grouping can index an array directly.
struct EncodedKeys: Sendable {
    var wordCount: Int
    var words: [[UInt64]]
    var denseDomain: Int?

    var byteSize: Int { words.reduce(0) { $0 + $1.count * 8 } }
}

/// Encodes key columns into `EncodedKeys`.
///
/// Each key column gets a plan from all its chunks:
/// - strings: an id per distinct string (dictionary entries are interned once per chunk; plain
///   chunks are dictionary-encoded locally, in parallel, first), so grouping works on integer
///   codes; 0 stands for null;
/// - integers, dates and timestamps spanning fewer than 2^20 values: `value - min + 1` (0 = null);
/// - bools: 1 false, 2 true, 0 null;
/// - anything else (wide integers, floats): the raw 64-bit pattern, with nulls flagged in an extra
///   word.
/// Dense codes of several keys multiply into one word when the product of their domains fits.
enum KeyEncoder {
    /// Largest range of an integer key encoded densely.
    static let denseIntegerRange: Int64 = 1 << 20

    enum Plan {
        /// Codes 0 (null) ..< domain; `rowCodes(chunk)` gives one code per row.
        case dense(domain: Int)
        case raw(hasNulls: Bool)
    }

    /// - Parameter columns: `columns[chunk][key]`.
    static func encode(
        _ columns: [[Column]], types: [DataType], context: ExecutionContext, scope: MemoryScope
    ) throws -> EncodedKeys {
        let chunkCount = columns.count
        let keyCount = types.count
        var plans: [Plan] = []
        var codes: [[[UInt64]]] = []  // [key][chunk][row] for dense keys
        for key in 0..<keyCount {
            let keyColumns = columns.map { $0[key] }
            let (plan, keyCodes) = try encodeColumn(keyColumns, type: types[key], context: context, scope: scope)
            plans.append(plan)
            codes.append(keyCodes)
        }
        // Pack dense keys into one word when the product of domains fits.
        var product: Int = 1
        var allDense = true
        var fits = true
        for plan in plans {
            guard case .dense(let domain) = plan else {
                allDense = false
                break
            }
            let (next, overflow) = product.multipliedReportingOverflow(by: domain)
            if overflow || next > Int(Int64.max / 2) { fits = false } else { product = next }
        }
        let rowCounts = columns.map { $0.first?.count ?? 0 }
        if allDense && fits {
            try scope.reserve(rowCounts.reduce(0, +) * 8, for: "grouping keys")
            let words: [[UInt64]] = try context.parallelMap(chunkCount) { chunk, _ in
                let rows = rowCounts[chunk]
                if keyCount == 1 { return codes[0][chunk] }
                var out = [UInt64](repeating: 0, count: rows)
                var stride: UInt64 = 1
                out.withUnsafeMutableBufferPointer { out in
                    for key in 0..<keyCount {
                        codes[key][chunk].withUnsafeBufferPointer { keyCodes in
                            for row in 0..<rows { out[row] &+= keyCodes[row] &* stride }
                        }
                        if case .dense(let domain) = plans[key] { stride &*= UInt64(domain) }
                    }
                }
                return out
            }
            return EncodedKeys(wordCount: 1, words: words, denseDomain: product)
        }
        // One word per key, plus a null-flag word when a raw key has nulls.
        let nullWord = plans.contains { if case .raw(true) = $0 { return true } else { return false } }
        let wordCount = keyCount + (nullWord ? 1 : 0)
        try scope.reserve(rowCounts.reduce(0, +) * 8 * wordCount, for: "grouping keys")
        let words: [[UInt64]] = try context.parallelMap(chunkCount) { chunk, _ in
            let rows = rowCounts[chunk]
            var out = [UInt64](repeating: 0, count: rows * wordCount)
            out.withUnsafeMutableBufferPointer { out in
                for key in 0..<keyCount {
                    switch plans[key] {
                    case .dense:
                        codes[key][chunk].withUnsafeBufferPointer { keyCodes in
                            for row in 0..<rows { out[row * wordCount + key] = keyCodes[row] }
                        }
                    case .raw:
                        let column = columns[chunk][key]
                        rawWords(column) { row, word in out[row * wordCount + key] = word }
                        if nullWord, let validity = column.validity {
                            for row in 0..<rows where !validity[row] {
                                out[row * wordCount + key] = 0
                                out[row * wordCount + keyCount] |= 1 << UInt64(key)
                            }
                        }
                    }
                }
            }
            return out
        }
        return EncodedKeys(wordCount: wordCount, words: words, denseDomain: nil)
    }

    /// Calls `body(row, word)` with the raw 64-bit pattern of every row of a fixed-width column.
    @inline(__always)
    static func rawWords(_ column: Column, _ body: (Int, UInt64) -> Void) {
        switch column.values {
        case .int64(let values), .timestamp(let values):
            values.withUnsafeBufferPointer { for row in 0..<$0.count { body(row, UInt64(bitPattern: $0[row])) } }
        case .float64(let values):
            values.withUnsafeBufferPointer { for row in 0..<$0.count { body(row, canonicalBits($0[row])) } }
        case .date(let values):
            values.withUnsafeBufferPointer { for row in 0..<$0.count { body(row, UInt64(bitPattern: Int64($0[row]))) } }
        case .bool(let values):
            values.withUnsafeBufferPointer { for row in 0..<$0.count { body(row, UInt64($0[row])) } }
        case .string, .dictionary:
            preconditionFailure("strings are always encoded densely")
        }
    }

    /// The bits of a float with every NaN made one NaN and -0 made +0, so equal keys hash alike.
    @inline(__always)
    static func canonicalBits(_ value: Double) -> UInt64 {
        if value.isNaN { return Double.nan.bitPattern }
        if value == 0 { return 0 }
        return value.bitPattern
    }

    /// The plan of one key column and, for dense plans, its codes per chunk.
    static func encodeColumn(
        _ columns: [Column], type: DataType, context: ExecutionContext, scope: MemoryScope
    ) throws -> (Plan, [[UInt64]]) {
        switch type {
        case .string:
            let (domain, codes) = try stringCodes(columns, context: context, scope: scope)
            return (.dense(domain: domain), codes)
        case .bool:
            let codes: [[UInt64]] = try context.parallelMap(columns.count) { chunk, _ in
                let column = columns[chunk]
                let values = column.values.boolArray!
                return withValidityWords(column.validity) { words in
                    (0..<column.count).map { row in isValid(words, row) ? UInt64(values[row]) + 1 : 0 }
                }
            }
            return (.dense(domain: 3), codes)
        case .int64, .date, .timestamp:
            // Range of present values, per chunk in parallel.
            let ranges: [(Int64, Int64)?] = try context.parallelMap(columns.count) { chunk, _ in
                integerRange(columns[chunk])
            }
            var low = Int64.max
            var high = Int64.min
            var hasNulls = false
            for (chunk, range) in ranges.enumerated() {
                if columns[chunk].validity != nil { hasNulls = true }
                guard let range else { continue }
                low = min(low, range.0)
                high = max(high, range.1)
            }
            if low > high {
                // No present values at all.
                return (.dense(domain: 1), columns.map { [UInt64](repeating: 0, count: $0.count) })
            }
            let (span, overflow) = high.subtractingReportingOverflow(low)
            if !overflow, span < denseIntegerRange {
                let base = low
                let codes: [[UInt64]] = try context.parallelMap(columns.count) { chunk, _ in
                    let column = columns[chunk]
                    var out = [UInt64](repeating: 0, count: column.count)
                    withValidityWords(column.validity) { words in
                        out.withUnsafeMutableBufferPointer { out in
                            switch column.values {
                            case .int64(let values), .timestamp(let values):
                                for row in 0..<column.count where isValid(words, row) {
                                    out[row] = UInt64(values[row] &- base) &+ 1
                                }
                            case .date(let values):
                                for row in 0..<column.count where isValid(words, row) {
                                    out[row] = UInt64(Int64(values[row]) &- base) &+ 1
                                }
                            default: break
                            }
                        }
                    }
                    return out
                }
                return (.dense(domain: Int(span) + 2), codes)
            }
            return (.raw(hasNulls: hasNulls), [])
        case .float64:
            return (.raw(hasNulls: columns.contains { $0.validity != nil }), [])
        }
    }

    static func integerRange(_ column: Column) -> (Int64, Int64)? {
        var low = Int64.max
        var high = Int64.min
        var any = false
        withValidityWords(column.validity) { words in
            switch column.values {
            case .int64(let values), .timestamp(let values):
                values.withUnsafeBufferPointer { values in
                    if words == nil {
                        for value in values {
                            low = min(low, value)
                            high = max(high, value)
                        }
                        any = !values.isEmpty
                    } else {
                        for row in 0..<values.count where isValid(words, row) {
                            low = min(low, values[row])
                            high = max(high, values[row])
                            any = true
                        }
                    }
                }
            case .date(let values):
                for row in 0..<values.count where isValid(words, row) {
                    low = min(low, Int64(values[row]))
                    high = max(high, Int64(values[row]))
                    any = true
                }
            default: break
            }
        }
        return any ? (low, high) : nil
    }

    /// A dense id per distinct string over all chunks (1-based; 0 = null), and the domain size.
    ///
    /// Plain chunks are dictionary-encoded locally in parallel; then the per-chunk dictionaries are
    /// interned in chunk order (so ids are deterministic), and codes are mapped in parallel.
    static func stringCodes(_ columns: [Column], context: ExecutionContext, scope: MemoryScope) throws -> (Int, [[UInt64]]) {
        let distinct = try globalStringIDs(columns, context: context, scope: scope)
        let codes: [[UInt64]] = try context.parallelMap(columns.count) { chunk, _ in
            let column = columns[chunk]
            let (localCodes, _) = distinct.local[chunk]
            let remap = distinct.remap[chunk]
            var out = [UInt64](repeating: 0, count: column.count)
            withValidityWords(column.validity) { words in
                remap.withUnsafeBufferPointer { remap in
                    localCodes.withUnsafeBufferPointer { localCodes in
                        out.withUnsafeMutableBufferPointer { out in
                            for row in 0..<column.count where isValid(words, row) {
                                out[row] = UInt64(remap[Int(localCodes[row])]) &+ 1
                            }
                        }
                    }
                }
            }
            return out
        }
        return (distinct.strings.count + 1, codes)
    }

    struct GlobalStrings {
        /// Per chunk: codes into the chunk's dictionary (its own, or one built locally) and that dictionary.
        var local: [([UInt32], StringArray)]
        /// Per chunk: dictionary code → global id.
        var remap: [[UInt32]]
        /// The distinct strings, by global id.
        var strings: StringArray
    }

    /// Interns every string of `columns` (ids in first-seen order, chunk by chunk).
    ///
    /// Two levels, so that little is sequential: each unit of chunks (see `Grouping.units`)
    /// interns its chunks' dictionaries in parallel with the others (chunks sharing one dictionary,
    /// as a join's output does, intern it once); then the units' dictionaries are interned in unit
    /// order. Ids come out in first-seen order over the chunks either way.
    static func globalStringIDs(_ columns: [Column], context: ExecutionContext, scope: MemoryScope) throws -> GlobalStrings {
        let units = Grouping.units(columns.map(\.count), unitRows: context.unitRows)
        // Level 1: per unit, each chunk's dictionary (its own or built locally) → unit ids.
        let perUnit: [(local: [([UInt32], StringArray)], remap: [[UInt32]], strings: StringArray)] =
            try context.parallelMap(units.count) { unit, _ in
                var interner = StringInterner(capacity: 1024)
                var local: [([UInt32], StringArray)] = []
                var remaps: [[UInt32]] = []
                var previous: (bytes: UnsafeRawPointer?, offsets: UnsafeRawPointer?, count: Int, remap: [UInt32])?
                for chunk in units[unit] {
                    let (codes, dictionary) = chunkDictionary(columns[chunk])
                    local.append((codes, dictionary))
                    let bytes = dictionary.bytes.withUnsafeBytes { $0.baseAddress.map { UnsafeRawPointer($0) } }
                    let offsets = dictionary.offsets.withUnsafeBytes { $0.baseAddress.map { UnsafeRawPointer($0) } }
                    if let previous, previous.bytes == bytes, previous.offsets == offsets, previous.count == dictionary.count,
                        bytes != nil
                    {
                        remaps.append(previous.remap)
                        continue
                    }
                    let remap = interner.intern(all: dictionary)
                    remaps.append(remap)
                    previous = (bytes, offsets, dictionary.count, remap)
                }
                return (local, remaps, interner.strings)
            }
        let total = perUnit.reduce(0) { $0 + $1.strings.count }
        try scope.reserve(total * 16, for: "string key dictionary")
        // Level 2: unit ids → global ids, units in order.
        var interner = StringInterner(capacity: min(total, 1 << 16))
        var local: [([UInt32], StringArray)] = []
        var remap: [[UInt32]] = []
        for unit in perUnit {
            let toGlobal = interner.intern(all: unit.strings)
            local.append(contentsOf: unit.local)
            for chunkRemap in unit.remap { remap.append(chunkRemap.map { toGlobal[Int($0)] }) }
        }
        return GlobalStrings(local: local, remap: remap, strings: interner.strings)
    }

    /// A chunk's strings as codes into a dictionary: its own, or one built now for plain strings.
    static func chunkDictionary(_ column: Column) -> ([UInt32], StringArray) {
        switch column.values {
        case .dictionary(let codes, let dictionary): return (codes, dictionary)
        case .string(let strings):
            var interner = StringInterner(capacity: min(column.count, 1024))
            var codes = [UInt32](repeating: 0, count: column.count)
            withValidityWords(column.validity) { words in
                strings.bytes.withUnsafeBytes { raw in
                    strings.offsets.withUnsafeBufferPointer { offsets in
                        for row in 0..<column.count where isValid(words, row) {
                            let start = Int(offsets[row])
                            codes[row] = interner.intern(raw.baseAddress.map { $0 + start }, Int(offsets[row + 1]) - start)
                        }
                    }
                }
            }
            return (codes, interner.strings)
        default:
            preconditionFailure("string key column holds \(column.type) values")
        }
    }
}
