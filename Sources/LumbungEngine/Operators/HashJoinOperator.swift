import LumbungCore

/// The kinds of join of LQ's `join`.
public enum JoinKind: String, Sendable, Hashable, CaseIterable {
    /// Left rows with a match, once per match.
    case inner
    /// Every left row, once per match, or once with nulls on the right when it has none.
    case left
    /// Left rows that have a match, once each; right columns are not added.
    case semi
    /// Left rows that have no match, once each; right columns are not added.
    case anti
}

/// Joins two tables on equal keys (LQ `join`).
///
/// Keys compare like `==`, except that null never matches (so an anti join keeps left rows with a
/// null key); NaN matches NaN and `-0.0` matches `0.0`, as in DuckDB. Integer and float keys may
/// be mixed (compared as floats); other types must be equal.
///
/// Builds a hash table on the smaller side and probes it with the other side's chunks in
/// parallel. The table is laid out by bucket (a counting sort of build rows by hash), so building
/// is deterministic and probing reads one contiguous run per row. Output rows come in left order,
/// and each left row's matches in right order, whichever side is built and whatever the thread
/// count. Copies the columns it outputs; left columns keep dictionary encoding when the left side
/// is probed.
public struct HashJoinOperator: Sendable, CustomStringConvertible {
    public var kind: JoinKind
    public var leftKeys: [String]
    public var rightKeys: [String]
    /// Left columns to output, in order; `nil` = all.
    public var leftColumns: [String]?
    /// Right columns to output (inner and left joins), in order; `nil` = all but the right keys.
    public var rightColumns: [String]?
    /// Output names of the right columns (same count as the right columns output); `nil` = their
    /// own names. Use it to qualify clashing names (`pegawai.instansi`).
    public var rightNames: [String]?
    /// When set, the operator records how many left rows matched and how many pairs it made
    /// (`OperatorObservation.join`), so the caller can warn about joins that multiply or drop rows.
    public var tag: Int?

    public init(
        _ kind: JoinKind, leftKeys: [String], rightKeys: [String], leftColumns: [String]? = nil,
        rightColumns: [String]? = nil, rightNames: [String]? = nil, tag: Int? = nil
    ) {
        self.tag = tag
        self.kind = kind
        self.leftKeys = leftKeys
        self.rightKeys = rightKeys
        self.leftColumns = leftColumns
        self.rightColumns = rightColumns
        self.rightNames = rightNames
    }

    /// A join on columns named the same on both sides.
    public init(_ kind: JoinKind, on keys: [String]) {
        self.init(kind, leftKeys: keys, rightKeys: keys)
    }

    public var description: String {
        let pairs = zip(leftKeys, rightKeys).map { $0 == $1 ? $0 : "\($0) == \($1)" }
        return "HashJoin(\(kind.rawValue) on \(pairs.joined(separator: ", ")))"
    }

    private struct Plan {
        var leftKeyExprs: [BoundExpr]
        var rightKeyExprs: [BoundExpr]
        var leftOutput: [Int]
        var rightOutput: [Int]
        var schema: Schema
    }

    private func plan(_ left: Schema, _ right: Schema) throws -> Plan {
        guard !leftKeys.isEmpty, leftKeys.count == rightKeys.count else {
            throw EngineError(.invalidArgument, "a join needs one or more pairs of key columns")
        }
        func index(_ name: String, _ schema: Schema, _ side: String) throws -> Int {
            guard let index = schema.index(of: name) else {
                throw EngineError(
                    .unknownColumn,
                    "unknown column '\(name)' on the \(side) side of the join; it has "
                        + schema.names.map { "'\($0)'" }.joined(separator: ", "))
            }
            return index
        }
        var leftKeyExprs: [BoundExpr] = []
        var rightKeyExprs: [BoundExpr] = []
        for (leftName, rightName) in zip(leftKeys, rightKeys) {
            let leftType = left.fields[try index(leftName, left, "left")].type
            let rightType = right.fields[try index(rightName, right, "right")].type
            var leftExpr = Expr.column(leftName)
            var rightExpr = Expr.column(rightName)
            if leftType != rightType {
                guard leftType.isNumeric, rightType.isNumeric else {
                    throw EngineError.typeMismatch(
                        "cannot join '\(leftName)' (\(leftType)) with '\(rightName)' (\(rightType)): key types differ")
                }
                leftExpr = .call(.float, [leftExpr])
                rightExpr = .call(.float, [rightExpr])
            }
            leftKeyExprs.append(try leftExpr.bind(to: left))
            rightKeyExprs.append(try rightExpr.bind(to: right))
        }
        let leftOutput = try (leftColumns ?? left.names).map { try index($0, left, "left") }
        var rightOutput: [Int] = []
        if kind == .inner || kind == .left {
            let names = rightColumns ?? right.names.filter { !rightKeys.contains($0) }
            rightOutput = try names.map { try index($0, right, "right") }
        }
        var fields = leftOutput.map { left.fields[$0] }
        if let rightNames, rightNames.count != rightOutput.count {
            throw EngineError(
                .invalidArgument, "the join outputs \(rightOutput.count) right columns but got \(rightNames.count) names")
        }
        for (position, column) in rightOutput.enumerated() {
            fields.append(Field(name: rightNames?[position] ?? right.fields[column].name, type: right.fields[column].type))
        }
        return Plan(
            leftKeyExprs: leftKeyExprs, rightKeyExprs: rightKeyExprs, leftOutput: leftOutput, rightOutput: rightOutput,
            schema: Schema(fields))
    }

    /// The schema of the output.
    public func outputSchema(left: Schema, right: Schema) throws -> Schema { try plan(left, right).schema }

    public func execute(left: Table, right: Table, context: ExecutionContext) throws -> Table {
        let plan = try plan(left.schema, right.schema)
        let scope = MemoryScope(context.memory)
        defer { scope.close() }
        // Build on the smaller side.
        let buildLeft = left.rowCount < right.rowCount
        let build = buildLeft ? left : right
        let probe = buildLeft ? right : left
        let buildKeys = try JoinKeys(
            table: build, exprs: buildLeft ? plan.leftKeyExprs : plan.rightKeyExprs, context: context)
        let probeKeys = try JoinKeys(
            table: probe, exprs: buildLeft ? plan.rightKeyExprs : plan.leftKeyExprs, context: context)
        let table = try JoinHashTable(keys: buildKeys, context: context, scope: scope)
        let matcher = KeyMatcher(probe: probeKeys.columns, build: table.keys)

        let leftSources = plan.leftOutput.map { left.chunkedColumn($0) }
        let rightSources = plan.rightOutput.map { right.chunkedColumn($0) }
        var chunks: [Chunk]
        var matchedLeftRows = 0
        var matchCount = 0
        if !buildLeft {
            // Probe with the left side: one output chunk per left chunk, in order.
            let results: [(Chunk, Int, Int)] = try context.parallelMap(left.chunks.count) { chunk, _ in
                let (probeRows, buildRefs) = table.probe(probeKeys, chunk: chunk, matcher: matcher, kind: kind)
                let output: Chunk
                let leftChunk = left.chunks[chunk]
                // Left rows with a match, and (left, right) pairs.
                var matched = 0
                var pairs = 0
                switch kind {
                case .semi: matched = probeRows.count
                case .anti: matched = leftChunk.count - probeRows.count
                case .inner, .left:
                    var previous: UInt32 = .max
                    for index in probeRows.indices where kind == .inner || buildRefs[index] != .null {
                        pairs += 1
                        if probeRows[index] != previous {
                            matched += 1
                            previous = probeRows[index]
                        }
                    }
                }
                var columns = probeRows.withUnsafeBufferPointer { rows in
                    plan.leftOutput.map { leftChunk.columns[$0].gather(rows) }
                }
                if kind == .inner || kind == .left {
                    buildRefs.withUnsafeBufferPointer { refs in
                        for source in rightSources { columns.append(source.gather(refs)) }
                    }
                }
                output = Chunk(columns: columns, count: probeRows.count)
                try context.memory.reserve(output.estimatedByteSize, for: "join output")
                return (output, matched, pairs)
            }
            chunks = results.map(\.0)
            matchedLeftRows = results.reduce(0) { $0 + $1.1 }
            matchCount = results.reduce(0) { $0 + $1.2 }
        } else {
            // Probe with the right side, then put rows in left order.
            let matches: [[(RowRef, RowRef)]] = try context.parallelMap(right.chunks.count) { chunk, _ in
                let (probeRows, buildRefs) = table.probe(probeKeys, chunk: chunk, matcher: matcher, kind: .inner)
                return zip(probeRows, buildRefs).map { (RowRef($1), RowRef(chunk: chunk, row: Int($0))) }
            }
            var pairs = matches.flatMap { $0 }
            try scope.reserve(pairs.count * 16, for: "join matches")
            matchCount = pairs.count
            // Left rows with a match: what semi and anti joins keep or drop, and what a tagged join reports.
            var matched = Set<RowRef>()
            if tag != nil || kind == .semi || kind == .anti { for (leftRef, _) in pairs { matched.insert(leftRef) } }
            matchedLeftRows = matched.count
            var refs: [RowRef] = []
            var rightRefs: [RowRef] = []
            switch kind {
            case .semi, .anti:
                for (chunk, leftChunk) in left.chunks.enumerated() {
                    for row in 0..<leftChunk.count {
                        let ref = RowRef(chunk: chunk, row: row)
                        if matched.contains(ref) == (kind == .semi) { refs.append(ref) }
                    }
                }
            case .inner, .left:
                pairs.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
                if kind == .inner {
                    refs = pairs.map(\.0)
                    rightRefs = pairs.map(\.1)
                } else {
                    var cursor = 0
                    for (chunk, leftChunk) in left.chunks.enumerated() {
                        for row in 0..<leftChunk.count {
                            let ref = RowRef(chunk: chunk, row: row)
                            var any = false
                            while cursor < pairs.count, pairs[cursor].0 == ref {
                                refs.append(ref)
                                rightRefs.append(pairs[cursor].1)
                                cursor += 1
                                any = true
                            }
                            if !any {
                                refs.append(ref)
                                rightRefs.append(.null)
                            }
                        }
                    }
                }
            }
            let schema = Schema(Array(plan.schema.fields))
            let combined = Table.gatherPairs(
                refs, rightRefs, leftSources: leftSources, rightSources: rightSources, schema: schema, context: context)
            chunks = try combined.get().chunks
            try context.memory.reserve(chunks.reduce(0) { $0 + $1.estimatedByteSize }, for: "join output")
        }
        chunks.removeAll { $0.count == 0 }
        let output = Table(schema: plan.schema, chunks: chunks)
        if let tag {
            context.record(
                .join(
                    tag: tag, leftRows: left.rowCount, matchedLeftRows: matchedLeftRows, matches: matchCount,
                    outputRows: output.rowCount))
        }
        return output
    }
}

extension Table {
    /// Gathers output chunks from two sets of sources: `leftRefs` into the left ones and
    /// `rightRefs` (same count) into the right ones.
    static func gatherPairs(
        _ leftRefs: [RowRef], _ rightRefs: [RowRef], leftSources: [ChunkedColumn], rightSources: [ChunkedColumn],
        schema: Schema, context: ExecutionContext
    ) -> Result<Table, any Error> {
        Result {
            let morsel = context.morselSize
            let chunkCount = (leftRefs.count + morsel - 1) / morsel
            let chunks = try context.parallelMap(chunkCount) { chunkIndex, _ in
                let range = chunkIndex * morsel..<min(leftRefs.count, (chunkIndex + 1) * morsel)
                var columns = leftRefs[range].withUnsafeBufferPointer { refs in leftSources.map { $0.gather(refs) } }
                if !rightSources.isEmpty {
                    rightRefs[range].withUnsafeBufferPointer { refs in
                        for source in rightSources { columns.append(source.gather(refs)) }
                    }
                }
                return Chunk(columns: columns, count: range.count)
            }
            return Table(schema: schema, chunks: chunks)
        }
    }
}

/// The evaluated key columns of one side of a join, and a hash per row.
struct JoinKeys: @unchecked Sendable {
    /// Per key: the column over all chunks.
    let columns: [ChunkedColumn]
    /// Per chunk: a hash per row.
    let hashes: [[UInt64]]
    /// Per chunk: flags, 1 where every key is present.
    let present: [[UInt8]]

    init(table: Table, exprs: [BoundExpr], context: ExecutionContext) throws {
        let evaluated: [[Column]] = try context.parallelMap(table.chunks.count) { chunk, _ in
            let evaluator = ExpressionEvaluator(chunk: table.chunks[chunk])
            return try exprs.map { try evaluator.column($0) }
        }
        columns = exprs.indices.map { key in ChunkedColumn(evaluated.map { $0[key] }, type: exprs[key].type) }
        let hashed: [([UInt64], [UInt8])] = try context.parallelMap(table.chunks.count) { chunk, _ in
            let rows = table.chunks[chunk].count
            var hashes = [UInt64](repeating: Hashing.seed, count: rows)
            var present = [UInt8](repeating: 1, count: rows)
            for column in evaluated[chunk] {
                JoinKeys.hashColumn(column, into: &hashes)
                if let validity = column.validity {
                    for row in 0..<rows where !validity[row] { present[row] = 0 }
                }
            }
            return (hashes, present)
        }
        hashes = hashed.map(\.0)
        present = hashed.map(\.1)
    }

    /// Folds the hash of every row's value into `hashes`.
    static func hashColumn(_ column: Column, into hashes: inout [UInt64]) {
        hashes.withUnsafeMutableBufferPointer { hashes in
            switch column.values {
            case .int64(let values), .timestamp(let values):
                for row in 0..<values.count { hashes[row] = Hashing.combine(hashes[row], UInt64(bitPattern: values[row])) }
            case .float64(let values):
                for row in 0..<values.count {
                    hashes[row] = Hashing.combine(hashes[row], KeyEncoder.canonicalBits(values[row]))
                }
            case .date(let values):
                for row in 0..<values.count {
                    hashes[row] = Hashing.combine(hashes[row], UInt64(bitPattern: Int64(values[row])))
                }
            case .bool(let values):
                for row in 0..<values.count { hashes[row] = Hashing.combine(hashes[row], UInt64(values[row])) }
            case .string(let strings):
                strings.bytes.withUnsafeBytes { raw in
                    strings.offsets.withUnsafeBufferPointer { offsets in
                        for row in 0..<strings.count {
                            let start = Int(offsets[row])
                            let hash = Hashing.bytes(raw.baseAddress.map { $0 + start }, Int(offsets[row + 1]) - start)
                            hashes[row] = Hashing.combine(hashes[row], hash)
                        }
                    }
                }
            case .dictionary(let codes, let dictionary):
                // Hash each dictionary entry once.
                let entryHashes: [UInt64] = dictionary.bytes.withUnsafeBytes { raw in
                    dictionary.offsets.withUnsafeBufferPointer { offsets in
                        (0..<dictionary.count).map { entry in
                            let start = Int(offsets[entry])
                            return Hashing.bytes(raw.baseAddress.map { $0 + start }, Int(offsets[entry + 1]) - start)
                        }
                    }
                }
                for row in 0..<codes.count { hashes[row] = Hashing.combine(hashes[row], entryHashes[Int(codes[row])]) }
            }
        }
    }
}

/// Compares a probe row's keys with a build row's keys.
struct KeyMatcher: @unchecked Sendable {
    let probe: [ChunkedColumn]
    let build: [ChunkedColumn]

    /// Reads the first bytes of the build keys of `slots` (chunk 0 of `build`), to start their
    /// cache misses together; returns a value that depends on the reads.
    func touchBuild(_ slots: [UInt32]) -> UInt64 {
        var total: UInt64 = 0
        for key in build where key.type == .string {
            for slot in slots {
                let (pointer, length) = key.bytesOf(RowRef(chunk: 0, row: Int(slot)))
                if length > 0 { total &+= UInt64(pointer.load(as: UInt8.self)) }
            }
        }
        return total
    }

    @inline(__always)
    func equal(_ probeRef: RowRef, _ buildRef: RowRef) -> Bool {
        for key in 0..<probe.count {
            let a = probe[key]
            let b = build[key]
            switch a.type {
            case .int64, .timestamp: if a.int64(probeRef) != b.int64(buildRef) { return false }
            case .float64: if floatCompare(a.double(probeRef), b.double(buildRef)) != 0 { return false }
            case .date: if a.int32(probeRef) != b.int32(buildRef) { return false }
            case .bool: if a.byte(probeRef) != b.byte(buildRef) { return false }
            case .string:
                let (p, n) = a.bytesOf(probeRef)
                let (q, m) = b.bytesOf(buildRef)
                if !equalBytes(p, n, q, m) { return false }
            }
        }
        return true
    }
}

/// The build side of a hash join: rows grouped by bucket, each bucket a contiguous run in row
/// order (a counting sort on the bucket of each row's hash), with the build keys copied in that
/// same order so that checking a candidate reads memory next to the entry.
struct JoinHashTable: Sendable {
    /// A build row and its hash, side by side so a probe reads one cache line.
    struct Entry: Sendable {
        var hash: UInt64
        var ref: RowRef
    }

    let mask: Int
    let bucketStart: [UInt32]
    let entries: [Entry]
    /// The build keys, one row per entry (chunk 0, row = entry index).
    let keys: [ChunkedColumn]

    init(keys buildKeys: JoinKeys, context: ExecutionContext, scope: MemoryScope) throws {
        let rows = buildKeys.hashes.reduce(0) { $0 + $1.count }
        var buckets = 1
        while buckets < rows { buckets <<= 1 }
        mask = buckets - 1
        try scope.reserve(buckets * 4 + rows * 16, for: "join hash table")
        var starts = [UInt32](repeating: 0, count: buckets + 1)
        for (chunk, hashes) in buildKeys.hashes.enumerated() {
            let present = buildKeys.present[chunk]
            for row in 0..<hashes.count where present[row] != 0 {
                starts[Int(truncatingIfNeeded: hashes[row]) & (buckets - 1) + 1] += 1
            }
        }
        for bucket in 0..<buckets { starts[bucket + 1] += starts[bucket] }
        let total = Int(starts[buckets])
        var cursor = starts
        var entries = [Entry](repeating: Entry(hash: 0, ref: 0), count: total)
        entries.withUnsafeMutableBufferPointer { entries in
            cursor.withUnsafeMutableBufferPointer { cursor in
                for (chunk, hashes) in buildKeys.hashes.enumerated() {
                    let present = buildKeys.present[chunk]
                    for row in 0..<hashes.count where present[row] != 0 {
                        let bucket = Int(truncatingIfNeeded: hashes[row]) & (buckets - 1)
                        let slot = Int(cursor[bucket])
                        cursor[bucket] += 1
                        entries[slot] = Entry(hash: hashes[row], ref: RowRef(chunk: chunk, row: row))
                    }
                }
            }
        }
        bucketStart = starts
        self.entries = entries
        let refs = entries.map(\.ref)
        let ordered = try context.parallelMap(buildKeys.columns.count) { key, _ in
            ChunkedColumn([buildKeys.columns[key].gather(refs).decoded()], type: buildKeys.columns[key].type)
        }
        try scope.reserve(ordered.reduce(0) { $0 + $1.columns[0].estimatedByteSize }, for: "join build keys")
        keys = ordered
    }

    /// Matches of one probe chunk: parallel arrays of probe rows and build rows, in probe-row
    /// order then build order. `left` adds unmatched probe rows with `RowRef.null`; `semi` and
    /// `anti` list each qualifying probe row once (with `RowRef.null`).
    ///
    /// Works in batches, in stages whose memory reads do not depend on each other (bucket ranges,
    /// then candidate entries by hash, then key checks), so the processor overlaps cache misses.
    /// A row whose key equals the previous row's (exports are often sorted or grouped by key)
    /// reuses that row's matches without touching the table.
    func probe(_ probeKeys: JoinKeys, chunk: Int, matcher: KeyMatcher, kind: JoinKind) -> ([UInt32], [RowRef]) {
        let sameProbe = KeyMatcher(probe: probeKeys.columns, build: probeKeys.columns)
        // One dictionary-encoded key: compare codes to spot repeated keys.
        var singleCodes: [UInt32]?
        if probeKeys.columns.count == 1, case .dictionary(let codes, _) = probeKeys.columns[0].columns[chunk].values {
            singleCodes = codes
        }
        let hashes = probeKeys.hashes[chunk]
        let present = probeKeys.present[chunk]
        var probeRows: [UInt32] = []
        var buildRefs: [RowRef] = []
        probeRows.reserveCapacity(hashes.count)
        if kind == .inner || kind == .left { buildRefs.reserveCapacity(hashes.count) }
        let batch = 256
        var low = [UInt32](repeating: 0, count: batch)
        var high = [UInt32](repeating: 0, count: batch)
        var candidateRows: [UInt32] = []
        var candidateSlots: [UInt32] = []
        var verified: [Bool] = []
        var repeats = [Bool](repeating: false, count: batch)
        var previousMatches: [RowRef] = []
        var sink: UInt64 = 0
        var currentMatches: [RowRef] = []
        candidateRows.reserveCapacity(batch * 2)
        candidateSlots.reserveCapacity(batch * 2)
        bucketStart.withUnsafeBufferPointer { starts in
            entries.withUnsafeBufferPointer { entries in
                hashes.withUnsafeBufferPointer { hashes in
                    var batchStart = 0
                    while batchStart < hashes.count {
                        let batchEnd = min(hashes.count, batchStart + batch)
                        // 1. Bucket ranges (none for rows that repeat the previous key).
                        for row in batchStart..<batchEnd {
                            let index = row - batchStart
                            if row > 0, present[row] != 0, present[row - 1] != 0, hashes[row] == hashes[row - 1] {
                                if let codes = singleCodes {
                                    // Same dictionary code, same string (different codes may still be
                                    // equal strings: then the row just takes the table path).
                                    repeats[index] = codes[row] == codes[row - 1]
                                } else {
                                    repeats[index] = sameProbe.equal(
                                        RowRef(chunk: chunk, row: row), RowRef(chunk: chunk, row: row - 1))
                                }
                            } else {
                                repeats[index] = false
                            }
                            if present[row] != 0 && !repeats[index] {
                                let bucket = Int(truncatingIfNeeded: hashes[row]) & mask
                                low[index] = starts[bucket]
                                high[index] = starts[bucket + 1]
                            } else {
                                low[index] = 0
                                high[index] = 0
                            }
                        }
                        // 1b. Touch the first entry of every range in a loop without branches, so
                        // the cache misses of the whole batch are in flight at once.
                        let lastEntry = max(0, entries.count - 1)
                        var touched: UInt64 = 0
                        if !entries.isEmpty {
                            for index in 0..<(batchEnd - batchStart) {
                                touched &+= entries[min(Int(low[index]), lastEntry)].hash
                            }
                        }
                        sink &+= touched
                        // 2. Candidates whose hash matches.
                        candidateRows.removeAll(keepingCapacity: true)
                        candidateSlots.removeAll(keepingCapacity: true)
                        for row in batchStart..<batchEnd {
                            let index = row - batchStart
                            let hash = hashes[row]
                            var slot = Int(low[index])
                            let end = Int(high[index])
                            while slot < end {
                                if entries[slot].hash == hash {
                                    candidateRows.append(UInt32(truncatingIfNeeded: row))
                                    candidateSlots.append(UInt32(truncatingIfNeeded: slot))
                                }
                                slot += 1
                            }
                        }
                        // 3a. Touch the build keys of the candidates, likewise.
                        sink &+= matcher.touchBuild(candidateSlots)
                        // 3. Key checks.
                        verified.removeAll(keepingCapacity: true)
                        for candidate in 0..<candidateRows.count {
                            verified.append(
                                matcher.equal(
                                    RowRef(chunk: chunk, row: Int(candidateRows[candidate])),
                                    RowRef(chunk: 0, row: Int(candidateSlots[candidate]))))
                        }
                        // 4. Output in row order.
                        var candidate = 0
                        for row in batchStart..<batchEnd {
                            if !repeats[row - batchStart] {
                                currentMatches.removeAll(keepingCapacity: true)
                                while candidate < candidateRows.count, candidateRows[candidate] == UInt32(truncatingIfNeeded: row) {
                                    if verified[candidate] { currentMatches.append(entries[Int(candidateSlots[candidate])].ref) }
                                    candidate += 1
                                }
                                swap(&previousMatches, &currentMatches)
                            }
                            let matched = !previousMatches.isEmpty
                            if kind == .inner || kind == .left {
                                for match in previousMatches {
                                    probeRows.append(UInt32(truncatingIfNeeded: row))
                                    buildRefs.append(match)
                                }
                            }
                            switch kind {
                            case .left where !matched:
                                probeRows.append(UInt32(truncatingIfNeeded: row))
                                buildRefs.append(.null)
                            case .semi where matched, .anti where !matched:
                                probeRows.append(UInt32(truncatingIfNeeded: row))
                            default:
                                break
                            }
                        }
                        batchStart = batchEnd
                    }
                }
            }
        }
        if sink == 42 { probeRows.reserveCapacity(probeRows.count) }  // keeps the touches
        return (probeRows, buildRefs)
    }
}
