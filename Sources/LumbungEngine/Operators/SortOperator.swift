import LumbungCore

/// Sorts a table on several keys (LQ `sort`): ascending or descending, nulls last, stable.
///
/// Runs in parallel: sort keys become order-preserving words (`SortKeys`), every unit of chunks is
/// sorted on its own, then sorted runs are merged pairwise, pairs in parallel, and the output is
/// gathered in parallel into new chunks of the context's morsel size. Copies every column. Ties
/// keep input order, so the result never depends on the thread count.
public struct SortOperator: Sendable, CustomStringConvertible {
    public var keys: [SortKey]

    public init(_ keys: [SortKey]) { self.keys = keys }

    public var description: String { "Sort(\(keys.map(\.description).joined(separator: ", ")))" }

    public func execute(_ input: Table, context: ExecutionContext) throws -> Table {
        if keys.isEmpty || input.rowCount <= 1 { return input }
        let scope = MemoryScope(context.memory)
        defer { scope.close() }
        let comparator = try makeComparator(keys, input: input, context: context)
        let sortKeys = try SortKeys(comparator.keys, descending: comparator.descending, context: context, scope: scope)
        let rowCount = input.rowCount
        try scope.reserve(rowCount * 16, for: "sort permutation")
        // Every global row's reference, for tie-breaks and the final gather.
        var refs = [RowRef](repeating: 0, count: rowCount)
        refs.withUnsafeMutableBufferPointer { refs in
            for (chunk, start) in sortKeys.chunkStarts.dropLast().enumerated() {
                for row in 0..<input.chunks[chunk].count { refs[start + row] = RowRef(chunk: chunk, row: row) }
            }
        }
        let width = sortKeys.wordCount
        let stride = width + 1
        let tieBreak = sortKeys.needsTieBreak
        try scope.reserve(rowCount * stride * 16, for: "sort runs")
        // Runs are flat records: the key words, then the global row, so that merging reads
        // memory in order instead of chasing row numbers.
        let sorted: [UInt64] = try sortKeys.words.withUnsafeBufferPointer { words in
            try refs.withUnsafeBufferPointer { refs in
                let shared = UncheckedSendable((words, refs))
                @inline(__always) func lessRows(_ a: UInt32, _ b: UInt32) -> Bool {
                    let (words, refs) = shared.value
                    let x = Int(a) * width
                    let y = Int(b) * width
                    for index in 0..<width where words[x + index] != words[y + index] {
                        return words[x + index] < words[y + index]
                    }
                    if tieBreak {
                        let order = comparator.compareKeys(refs[Int(a)], refs[Int(b)])
                        if order != 0 { return order < 0 }
                    }
                    return a < b
                }
                if width <= 4 {
                    // Records with the words inline, sorted at once by a parallel LSD radix sort:
                    // stable, so ties keep input order, and the same whatever the split.
                    let (words, refs) = shared.value
                    var records = [SortRecord](repeating: SortRecord(row: 0), count: rowCount)
                    try records.withUnsafeMutableBufferPointer { records in
                        let target = UncheckedSendable(records)
                        let ranges = context.ranges(rowCount, minimum: 65_536)
                        try context.parallelFor(ranges.count) { index, _ in
                            for row in ranges[index] {
                                var record = SortRecord(row: UInt32(truncatingIfNeeded: row))
                                let base = row * width
                                record.words.0 = words[base]
                                if width > 1 { record.words.1 = words[base + 1] }
                                if width > 2 { record.words.2 = words[base + 2] }
                                if width > 3 { record.words.3 = words[base + 3] }
                                target.value[row] = record
                            }
                        }
                    }
                    try parallelRadixSort(&records, width: width, context: context)
                    if tieBreak {
                        // Equal words may hide different strings: order such runs in full.
                        var start = 0
                        while start < records.count {
                            var end = start + 1
                            while end < records.count, sameWords(records[start], records[end]) { end += 1 }
                            if end - start > 1 {
                                records[start..<end].sort { a, b in
                                    let order = comparator.compareKeys(refs[Int(a.row)], refs[Int(b.row)])
                                    return order != 0 ? order < 0 : a.row < b.row
                                }
                            }
                            start = end
                        }
                    }
                    var flat = [UInt64](repeating: 0, count: rowCount * stride)
                    for (position, record) in records.enumerated() { flat[position * stride + width] = UInt64(record.row) }
                    return flat
                }
                let units = Grouping.units(input.chunks.map(\.count), unitRows: context.unitRows)
                var runs: [[UInt64]] = try context.parallelMap(units.count) { unit, _ in
                    let (words, _) = shared.value
                    let range = sortKeys.chunkStarts[units[unit].lowerBound]..<sortKeys.chunkStarts[units[unit].upperBound]
                    var order = range.map { UInt32(truncatingIfNeeded: $0) }
                    order.sort(by: lessRows)
                    var records = [UInt64](repeating: 0, count: order.count * stride)
                    records.withUnsafeMutableBufferPointer { records in
                        for (position, row) in order.enumerated() {
                            let target = position * stride
                            for index in 0..<width { records[target + index] = words[Int(row) * width + index] }
                            records[target + width] = UInt64(row)
                        }
                    }
                    return records
                }
                while runs.count > 1 {
                    let pairs = (runs.count + 1) / 2
                    let current = runs
                    runs = try context.parallelMap(pairs) { pair, _ in
                        let left = current[pair * 2]
                        guard pair * 2 + 1 < current.count else { return left }
                        return mergeRecords(current[pair * 2], current[pair * 2 + 1], width: width) { a, b in
                            // Equal words: compare the strings in full, then keep input order.
                            let (_, refs) = shared.value
                            if tieBreak {
                                let order = comparator.compareKeys(refs[Int(a)], refs[Int(b)])
                                if order != 0 { return order < 0 }
                            }
                            return a < b
                        }
                    }
                }
                return runs.first ?? []
            }
        }
        let order = (0..<rowCount).map { refs[Int(sorted[$0 * stride + width])] }
        try context.memory.reserve(input.estimatedByteSize, for: "sorted output")
        return try input.gatherRows(order, context: context)
    }
}

/// A row's sort words inline (unused words zero), for sorting runs in cache.
struct SortRecord {
    var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    var row: UInt32
}

@inline(__always)
func sameWords(_ a: SortRecord, _ b: SortRecord) -> Bool {
    a.words.0 == b.words.0 && a.words.1 == b.words.1 && a.words.2 == b.words.2 && a.words.3 == b.words.3
}

/// Stable LSD radix sort of records on their first `width` words, 11 bits per pass, only for
/// the bits that vary. Each pass counts digits per range of records in parallel, then scatters
/// the ranges in parallel to offsets computed in order, so the result is that of a sequential
/// stable sort: ties keep their order (rows ascending).
func parallelRadixSort(_ records: inout [SortRecord], width: Int, context: ExecutionContext) throws {
    let count = records.count
    if count < 2 { return }
    @inline(__always) func word(_ record: SortRecord, _ index: Int) -> UInt64 {
        switch index {
        case 0: return record.words.0
        case 1: return record.words.1
        case 2: return record.words.2
        default: return record.words.3
        }
    }
    // Bits that vary, per word.
    let first = records[0]
    let ranges = context.ranges(count, minimum: 65_536)
    let varying: [[UInt64]] = try records.withUnsafeBufferPointer { records in
        let shared = UncheckedSendable(records)
        return try context.parallelMap(ranges.count) { index, _ in
            var diff = [UInt64](repeating: 0, count: width)
            for position in ranges[index] {
                for w in 0..<width { diff[w] |= word(shared.value[position], w) ^ word(first, w) }
            }
            return diff
        }
    }
    var passes: [(word: Int, shift: Int)] = []
    for w in stride(from: width - 1, through: 0, by: -1) {
        let diff = varying.reduce(0) { $0 | $1[w] }
        for shift in stride(from: 0, to: 64, by: 11) where (diff >> UInt64(shift)) & 2047 != 0 { passes.append((w, shift)) }
    }
    if passes.isEmpty { return }
    var scratch = [SortRecord](repeating: SortRecord(row: 0), count: count)
    var inRecords = true
    try records.withUnsafeMutableBufferPointer { recordBuffer in
        try scratch.withUnsafeMutableBufferPointer { scratchBuffer in
            for pass in passes {
                let from = UncheckedSendable(inRecords ? recordBuffer : scratchBuffer)
                let to = UncheckedSendable(inRecords ? scratchBuffer : recordBuffer)
                @inline(__always) func digit(_ record: SortRecord) -> Int {
                    Int(truncatingIfNeeded: (word(record, pass.word) >> UInt64(pass.shift)) & 2047)
                }
                let histograms: [[Int]] = try context.parallelMap(ranges.count) { index, _ in
                    var histogram = [Int](repeating: 0, count: 2048)
                    for position in ranges[index] { histogram[digit(from.value[position])] += 1 }
                    return histogram
                }
                // Offsets: bucket by bucket, ranges in order inside a bucket.
                var offsets = histograms.map { _ in [Int](repeating: 0, count: 2048) }
                var total = 0
                for bucket in 0..<2048 {
                    for index in 0..<ranges.count {
                        offsets[index][bucket] = total
                        total += histograms[index][bucket]
                    }
                }
                try context.parallelFor(ranges.count) { index, _ in
                    var cursor = offsets[index]
                    for position in ranges[index] {
                        let record = from.value[position]
                        let bucket = digit(record)
                        to.value[cursor[bucket]] = record
                        cursor[bucket] += 1
                    }
                }
                inRecords.toggle()
            }
        }
    }
    if !inRecords { records = scratch }
}

/// Merges two runs of sorted records (`width` key words, then the row); `tied` orders two rows
/// whose words are equal.
func mergeRecords(_ left: [UInt64], _ right: [UInt64], width: Int, _ tied: (UInt64, UInt64) -> Bool) -> [UInt64] {
    let stride = width + 1
    var out = [UInt64](repeating: 0, count: left.count + right.count)
    left.withUnsafeBufferPointer { left in
        right.withUnsafeBufferPointer { right in
            out.withUnsafeMutableBufferPointer { out in
                var i = 0
                var j = 0
                var k = 0
                while i < left.count, j < right.count {
                    var takeRight = false
                    var decided = false
                    for index in 0..<width where left[i + index] != right[j + index] {
                        takeRight = right[j + index] < left[i + index]
                        decided = true
                        break
                    }
                    if !decided { takeRight = tied(right[j + width], left[i + width]) }
                    let source = takeRight ? right : left
                    let position = takeRight ? j : i
                    for index in 0..<stride { out[k + index] = source[position + index] }
                    k += stride
                    if takeRight { j += stride } else { i += stride }
                }
                while i < left.count {
                    out[k] = left[i]
                    k += 1
                    i += 1
                }
                while j < right.count {
                    out[k] = right[j]
                    k += 1
                    j += 1
                }
            }
        }
    }
    return out
}

/// Evaluates sort keys per chunk and builds a comparator over them.
func makeComparator(_ keys: [SortKey], input: Table, context: ExecutionContext) throws -> RowComparator {
    let bound = try keys.map { try $0.expr.bind(to: input.schema) }
    let columns: [[Column]] = try context.parallelMap(input.chunks.count) { chunk, _ in
        let evaluator = ExpressionEvaluator(chunk: input.chunks[chunk])
        return try bound.map { try evaluator.column($0) }
    }
    let chunked = bound.indices.map { key in ChunkedColumn(columns.map { $0[key] }, type: bound[key].type) }
    return RowComparator(keys: chunked, descending: keys.map(\.descending))
}

/// The first `count` rows of a sort (LQ `sort` followed by `take`), without sorting everything.
///
/// Runs in parallel: each worker keeps the best `count` rows of the chunks it takes in a bounded
/// heap, skipping rows whose first key already ranks them out (a typed scan); the candidates of
/// all workers are then sorted and cut. Copies only the rows it returns.
public struct TopKOperator: Sendable, CustomStringConvertible {
    public var keys: [SortKey]
    public var count: Int

    public init(_ keys: [SortKey], count: Int) {
        self.keys = keys
        self.count = count
    }

    public var description: String { "TopK(\(count); \(keys.map(\.description).joined(separator: ", ")))" }

    public func execute(_ input: Table, context: ExecutionContext) throws -> Table {
        if count <= 0 { return Table(schema: input.schema, chunks: []) }
        if keys.isEmpty { return try LimitOperator(count).execute(input, context: context) }
        let comparator = try makeComparator(keys, input: input, context: context)
        let limit = count
        // One heap per worker, shared by the chunks it takes: the result is the same whatever
        // chunks each worker got, since the order is total (ties broken by row position).
        final class HeapBox: @unchecked Sendable {
            var heap: BoundedHeap
            init(_ heap: BoundedHeap) { self.heap = heap }
        }
        let heaps = (0..<context.threadCount).map { _ in HeapBox(BoundedHeap(capacity: limit, comparator: comparator)) }
        try context.parallelFor(input.chunks.count) { chunk, worker in
            let box = heaps[worker]
            var heap = box.heap
            defer { box.heap = heap }
            let rows = input.chunks[chunk].count
            var start = 0
            while start < rows {
                let end = min(rows, start + 1024)
                if heap.items.count < limit {
                    for row in start..<end { heap.offer(RowRef(chunk: chunk, row: row)) }
                } else {
                    // Skip rows whose first key alone ranks them after the worst row kept.
                    let survivors = comparator.rowsNotAfter(heap.items[0], chunk: chunk, rows: start..<end)
                    for row in survivors { heap.offer(RowRef(chunk: chunk, row: Int(row))) }
                }
                start = end
            }
        }
        let candidates = heaps.map(\.heap.items)
        var all = candidates.flatMap { $0 }
        all.sort { comparator.less($0, $1) }
        if all.count > limit { all.removeLast(all.count - limit) }
        let output = try input.gatherRows(all, context: context)
        try context.memory.reserve(output.estimatedByteSize, for: "top rows")
        return output
    }
}

/// The `capacity` smallest rows seen so far (a max-heap on the comparator: the worst kept row on top).
struct BoundedHeap {
    let capacity: Int
    let comparator: RowComparator
    private(set) var items: [RowRef] = []

    init(capacity: Int, comparator: RowComparator) {
        self.capacity = capacity
        self.comparator = comparator
        items.reserveCapacity(min(capacity, 1 << 16))
    }

    @inline(__always)
    mutating func offer(_ ref: RowRef) {
        if items.count < capacity {
            items.append(ref)
            var child = items.count - 1
            while child > 0 {
                let parent = (child - 1) / 2
                if comparator.less(items[parent], items[child]) {
                    items.swapAt(parent, child)
                    child = parent
                } else {
                    break
                }
            }
            return
        }
        guard comparator.less(ref, items[0]) else { return }
        items[0] = ref
        var parent = 0
        while true {
            let left = parent * 2 + 1
            if left >= items.count { break }
            var largest = left
            if left + 1 < items.count, comparator.less(items[left], items[left + 1]) { largest = left + 1 }
            if comparator.less(items[parent], items[largest]) {
                items.swapAt(parent, largest)
                parent = largest
            } else {
                break
            }
        }
    }
}
