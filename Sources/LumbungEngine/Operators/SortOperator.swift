import LumbungCore

/// Sorts a table on several keys (LQ `sort`): ascending or descending, nulls last, stable.
///
/// Runs in parallel: every chunk is sorted on its own, then sorted runs are merged pairwise,
/// pairs in parallel, and the output is gathered in parallel into new chunks of the context's
/// morsel size. Copies every column. Ties keep input order, so the result never depends on the
/// thread count.
public struct SortOperator: Sendable, CustomStringConvertible {
    public var keys: [SortKey]

    public init(_ keys: [SortKey]) { self.keys = keys }

    public var description: String { "Sort(\(keys.map(\.description).joined(separator: ", ")))" }

    public func execute(_ input: Table, context: ExecutionContext) throws -> Table {
        if keys.isEmpty || input.rowCount <= 1 { return input }
        let scope = MemoryScope(context.memory)
        defer { scope.close() }
        let comparator = try makeComparator(keys, input: input, context: context)
        try scope.reserve(input.rowCount * 16, for: "sort permutation")
        var runs: [[RowRef]] = try context.parallelMap(input.chunks.count) { chunk, _ in
            var refs = (0..<input.chunks[chunk].count).map { RowRef(chunk: chunk, row: $0) }
            refs.sort { comparator.less($0, $1) }
            return refs
        }
        while runs.count > 1 {
            let pairs = (runs.count + 1) / 2
            let current = runs
            runs = try context.parallelMap(pairs) { pair, _ in
                let left = current[pair * 2]
                guard pair * 2 + 1 < current.count else { return left }
                return merge(left, current[pair * 2 + 1], comparator)
            }
        }
        try context.memory.reserve(input.estimatedByteSize, for: "sorted output")
        return try input.gatherRows(runs.first ?? [], context: context)
    }
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

/// Merges two sorted runs.
func merge(_ left: [RowRef], _ right: [RowRef], _ comparator: RowComparator) -> [RowRef] {
    var out: [RowRef] = []
    out.reserveCapacity(left.count + right.count)
    var i = 0
    var j = 0
    while i < left.count, j < right.count {
        if comparator.less(right[j], left[i]) {
            out.append(right[j])
            j += 1
        } else {
            out.append(left[i])
            i += 1
        }
    }
    out.append(contentsOf: left[i...])
    out.append(contentsOf: right[j...])
    return out
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
