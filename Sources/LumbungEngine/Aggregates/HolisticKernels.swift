import LumbungCore

/// An aggregate that needs all values of a group at once (`median`, `quantile`,
/// `count_distinct`). It runs after grouping, from the global group of every row.
protocol HolisticKernel: Sendable {
    /// - Parameters:
    ///   - arguments: the argument column of every chunk.
    ///   - rowGroups: per chunk, the global group of every row (`LocalGroups.skipped` = none).
    func finish(
        arguments: [Column], rowGroups: [[UInt32]], groupCount: Int, context: ExecutionContext, scope: MemoryScope
    ) throws -> Column
}

/// `median(x)` and `quantile(x, p)`: exact, interpolating linearly between the closest ranks as
/// DuckDB's `quantile_cont` does: position `p × (n − 1)`, result `lo + (hi − lo) × fraction`.
///
/// Values are scattered into one contiguous run per group (a counting sort on group ids); each
/// group then selects its ranks with quickselect, groups in parallel.
struct QuantileKernel: HolisticKernel {
    let fraction: Double
    let type: DataType

    func finish(
        arguments: [Column], rowGroups: [[UInt32]], groupCount: Int, context: ExecutionContext, scope: MemoryScope
    ) throws -> Column {
        // Run starts per group.
        var starts = [Int](repeating: 0, count: groupCount + 1)
        for (chunk, column) in arguments.enumerated() {
            rowGroups[chunk].withUnsafeBufferPointer { groups in
                forEachGrouped(groups, validity: column.validity) { _, group in starts[group + 1] += 1 }
            }
        }
        for group in 0..<groupCount { starts[group + 1] += starts[group] }
        let total = starts[groupCount]
        try scope.reserve(total * 8, for: "\(type == .float64 ? "median of floats" : "median") values")
        var flags = [UInt8](repeating: 0, count: groupCount)
        let values: ColumnValues
        if type == .float64 {
            var runs = scatter(arguments, rowGroups, starts: starts, total: total, zero: 0.0) { $0.values.float64Array! }
            var results = [Double](repeating: 0, count: groupCount)
            try selectRuns(&runs, starts: starts, context: context, flags: &flags, results: &results, less: floatLess) {
                lo, hi, d in lo + (hi - lo) * d
            }
            values = .float64(results)
        } else {
            var runs = scatter(arguments, rowGroups, starts: starts, total: total, zero: Int64(0)) { column in
                switch column.values {
                case .date(let days): return days.map { Int64($0) &* microsPerDay }
                default: return column.values.int64Array!
                }
            }
            if type == .int64 {
                var results = [Double](repeating: 0, count: groupCount)
                try selectRuns(&runs, starts: starts, context: context, flags: &flags, results: &results, less: <) {
                    lo, hi, d in
                    let low = Double(lo)
                    return low + (Double(hi) - low) * d
                }
                values = .float64(results)
            } else {
                var results = [Int64](repeating: 0, count: groupCount)
                try selectRuns(&runs, starts: starts, context: context, flags: &flags, results: &results, less: <) {
                    lo, hi, d in
                    if d == 0 { return lo }
                    return lo &+ Int64((Double(hi &- lo) * d).rounded())
                }
                values = .timestamp(results)
            }
        }
        let resultType: DataType = type == .int64 || type == .float64 ? .float64 : .timestamp
        return Column(type: resultType, values: values, validity: Bitmap.validity(fromFlags: flags), count: groupCount)
    }

    private func scatter<T>(
        _ arguments: [Column], _ rowGroups: [[UInt32]], starts: [Int], total: Int, zero: T, _ extract: (Column) -> [T]
    ) -> [T] {
        var runs = [T](repeating: zero, count: total)
        var cursor = starts
        runs.withUnsafeMutableBufferPointer { runs in
            for (chunk, column) in arguments.enumerated() {
                let input = extract(column)
                input.withUnsafeBufferPointer { input in
                    rowGroups[chunk].withUnsafeBufferPointer { groups in
                        forEachGrouped(groups, validity: column.validity) { row, group in
                            runs[cursor[group]] = input[row]
                            cursor[group] += 1
                        }
                    }
                }
            }
        }
        return runs
    }

    private func selectRuns<T, R>(
        _ runs: inout [T], starts: [Int], context: ExecutionContext, flags: inout [UInt8], results: inout [R],
        less: @escaping (T, T) -> Bool, interpolate: @escaping (T, T, Double) -> R
    ) throws {
        let groupCount = starts.count - 1
        let ranges = context.ranges(groupCount, minimum: 256)
        let fraction = self.fraction
        try runs.withUnsafeMutableBufferPointer { runs in
            try flags.withUnsafeMutableBufferPointer { flags in
                try results.withUnsafeMutableBufferPointer { results in
                    let shared = UncheckedSendable((runs, flags, results))
                    try context.parallelFor(ranges.count) { rangeIndex, _ in
                        let (runs, flags, results) = shared.value
                        for group in ranges[rangeIndex] {
                            let start = starts[group]
                            let count = starts[group + 1] - start
                            if count == 0 { continue }
                            let run = UnsafeMutableBufferPointer(rebasing: runs[start..<(start + count)])
                            let position = fraction * Double(count - 1)
                            let lowIndex = Int(position.rounded(.down))
                            let d = position - Double(lowIndex)
                            quickselect(run, lowIndex, less)
                            let lo = run[lowIndex]
                            var hi = lo
                            if d > 0, lowIndex + 1 < count {
                                hi = run[lowIndex + 1]
                                for index in (lowIndex + 2)..<max(lowIndex + 2, count) where less(run[index], hi) {
                                    hi = run[index]
                                }
                            }
                            results[group] = interpolate(lo, hi, d)
                            flags[group] = 1
                        }
                    }
                }
            }
        }
    }
}

@inline(__always)
func floatLess(_ a: Double, _ b: Double) -> Bool { floatCompare(a, b) < 0 }

/// Reorders `buffer` so that `buffer[k]` holds the value that sorting would put there, smaller
/// values before it and larger after (Hoare's selection with median-of-three pivots).
func quickselect<T>(_ buffer: UnsafeMutableBufferPointer<T>, _ k: Int, _ less: (T, T) -> Bool) {
    var low = 0
    var high = buffer.count - 1
    while high > low {
        if high - low < 16 {
            // Insertion sort for short ranges.
            for index in (low + 1)...high {
                let value = buffer[index]
                var position = index - 1
                while position >= low, less(value, buffer[position]) {
                    buffer[position + 1] = buffer[position]
                    position -= 1
                }
                buffer[position + 1] = value
            }
            return
        }
        let middle = low + (high - low) / 2
        if less(buffer[middle], buffer[low]) { buffer.swapAt(middle, low) }
        if less(buffer[high], buffer[low]) { buffer.swapAt(high, low) }
        if less(buffer[high], buffer[middle]) { buffer.swapAt(high, middle) }
        let pivot = buffer[middle]
        var i = low
        var j = high
        while i <= j {
            while less(buffer[i], pivot) { i += 1 }
            while less(pivot, buffer[j]) { j -= 1 }
            if i <= j {
                buffer.swapAt(i, j)
                i += 1
                j -= 1
            }
        }
        if k <= j {
            high = j
        } else if k >= i {
            low = i
        } else {
            return
        }
    }
}

/// `count_distinct(x)`: the number of distinct (group, value) pairs per group, found by grouping
/// on the pair with the same parallel hash grouping as `summarize` (values encoded as for keys:
/// strings by id, floats by canonical bits, so `-0.0` and `0.0` are one value and so are NaNs).
struct CountDistinctKernel: HolisticKernel {
    let type: DataType

    func finish(
        arguments: [Column], rowGroups: [[UInt32]], groupCount: Int, context: ExecutionContext, scope: MemoryScope
    ) throws -> Column {
        let (plan, codes) = try KeyEncoder.encodeColumn(arguments, type: type, context: context, scope: scope)
        let rowCounts = arguments.map(\.count)
        var wordCount = 2
        var denseDomain: Int?
        var valueDomain = 0
        if case .dense(let domain) = plan {
            valueDomain = domain
            let (product, overflow) = groupCount.multipliedReportingOverflow(by: domain)
            if !overflow, product < Int(Int64.max / 2) {
                wordCount = 1
                denseDomain = product
            }
        }
        try scope.reserve(rowCounts.reduce(0, +) * (8 * wordCount + 1), for: "count_distinct pairs")
        let include: [[UInt8]?] = arguments.enumerated().map { chunk, column in
            var flags = [UInt8](repeating: 0, count: column.count)
            let groups = rowGroups[chunk]
            withValidityWords(column.validity) { words in
                for row in 0..<column.count where groups[row] != LocalGroups.skipped && isValid(words, row) {
                    flags[row] = 1
                }
            }
            return flags
        }
        let words: [[UInt64]] = try context.parallelMap(arguments.count) { chunk, _ in
            let groups = rowGroups[chunk]
            let rows = rowCounts[chunk]
            var out = [UInt64](repeating: 0, count: rows * wordCount)
            if case .dense = plan {
                let valueCodes = codes[chunk]
                for row in 0..<rows where groups[row] != LocalGroups.skipped {
                    if wordCount == 1 {
                        out[row] = UInt64(groups[row]) &* UInt64(valueDomain) &+ valueCodes[row]
                    } else {
                        out[row * 2] = UInt64(groups[row])
                        out[row * 2 + 1] = valueCodes[row]
                    }
                }
            } else {
                for row in 0..<rows { out[row * 2] = UInt64(groups[row]) }
                KeyEncoder.rawWords(arguments[chunk]) { row, word in out[row * 2 + 1] = word }
            }
            return out
        }
        let keys = EncodedKeys(wordCount: wordCount, words: words, denseDomain: denseDomain)
        let (_, pairs) = try Grouping.group(keys, rowCounts: rowCounts, include: include, context: context, scope: scope)
        var counts = [Int64](repeating: 0, count: groupCount)
        for ref in pairs.firstRef { counts[Int(rowGroups[ref.chunk][ref.row])] += 1 }
        return Column(type: .int64, values: .int64(counts), validity: nil, count: groupCount)
    }
}
