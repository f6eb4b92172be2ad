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
/// Values become order-preserving 64-bit keys (integers with the sign bit flipped, floats in
/// DuckDB's total order, dates as microseconds) and are scattered into one contiguous run per
/// group, units of chunks in parallel (a counting sort on group ids); each group then selects its
/// ranks with quickselect, groups in parallel.
struct QuantileKernel: HolisticKernel {
    let fraction: Double
    let type: DataType

    func finish(
        arguments: [Column], rowGroups: [[UInt32]], groupCount: Int, context: ExecutionContext, scope: MemoryScope
    ) throws -> Column {
        let rowCounts = arguments.map(\.count)
        var units = Grouping.units(rowCounts, unitRows: context.unitRows)
        if units.count * groupCount > 8 << 20 { units = [0..<arguments.count] }
        // 1. Values per (unit, group).
        let counts: [[Int]] = try context.parallelMap(units.count) { unit, _ in
            var counts = [Int](repeating: 0, count: groupCount)
            for chunk in units[unit] {
                rowGroups[chunk].withUnsafeBufferPointer { groups in
                    forEachGrouped(groups, validity: arguments[chunk].validity) { _, group in counts[group] += 1 }
                }
            }
            return counts
        }
        // 2. Where each (unit, group) writes; runs are in group order, units in order inside.
        var starts = [Int](repeating: 0, count: groupCount + 1)
        var cursors = [[Int]](repeating: [], count: units.count)
        var total = 0
        for unit in units.indices { cursors[unit] = [Int](repeating: 0, count: groupCount) }
        for group in 0..<groupCount {
            starts[group] = total
            for unit in units.indices {
                cursors[unit][group] = total
                total += counts[unit][group]
            }
        }
        starts[groupCount] = total
        try scope.reserve(total * 8 + units.count * groupCount * 16, for: "median values")
        // 3. Scatter keys, units in parallel (disjoint ranges).
        var keys = [UInt64](repeating: 0, count: total)
        let isFloat = type == .float64
        try keys.withUnsafeMutableBufferPointer { keys in
            let shared = UncheckedSendable(keys)
            try context.parallelFor(units.count) { unit, _ in
                var cursor = cursors[unit]
                for chunk in units[unit] {
                    let column = arguments[chunk]
                    rowGroups[chunk].withUnsafeBufferPointer { groups in
                        switch column.values {
                        case .float64(let values):
                            values.withUnsafeBufferPointer { values in
                                forEachGrouped(groups, validity: column.validity) { row, group in
                                    shared.value[cursor[group]] = QuantileKernel.key(values[row])
                                    cursor[group] += 1
                                }
                            }
                        case .date(let values):
                            values.withUnsafeBufferPointer { values in
                                forEachGrouped(groups, validity: column.validity) { row, group in
                                    shared.value[cursor[group]] = QuantileKernel.key(Int64(values[row]) &* microsPerDay)
                                    cursor[group] += 1
                                }
                            }
                        default:
                            column.values.int64Array!.withUnsafeBufferPointer { values in
                                forEachGrouped(groups, validity: column.validity) { row, group in
                                    shared.value[cursor[group]] = QuantileKernel.key(values[row])
                                    cursor[group] += 1
                                }
                            }
                        }
                    }
                }
            }
        }
        // 4. Select ranks per group, ranges of groups in parallel.
        var flags = [UInt8](repeating: 0, count: groupCount)
        var lows = [UInt64](repeating: 0, count: groupCount)
        var highs = [UInt64](repeating: 0, count: groupCount)
        var fractions = [Double](repeating: 0, count: groupCount)
        let ranges = context.ranges(groupCount, minimum: 64)
        let fraction = self.fraction
        try keys.withUnsafeMutableBufferPointer { keys in
            try flags.withUnsafeMutableBufferPointer { flags in
                try lows.withUnsafeMutableBufferPointer { lows in
                    try highs.withUnsafeMutableBufferPointer { highs in
                        try fractions.withUnsafeMutableBufferPointer { fractions in
                            let shared = UncheckedSendable((keys, flags, lows, highs, fractions))
                            try context.parallelFor(ranges.count) { rangeIndex, _ in
                                let (keys, flags, lows, highs, fractions) = shared.value
                                for group in ranges[rangeIndex] {
                                    let start = starts[group]
                                    let count = starts[group + 1] - start
                                    if count == 0 { continue }
                                    let run = UnsafeMutableBufferPointer(rebasing: keys[start..<(start + count)])
                                    let position = fraction * Double(count - 1)
                                    let lowIndex = Int(position.rounded(.down))
                                    quickselect(run, lowIndex)
                                    var high = run[lowIndex]
                                    let d = position - Double(lowIndex)
                                    if d > 0, lowIndex + 1 < count {
                                        high = run[lowIndex + 1]
                                        for index in (lowIndex + 1)..<count where run[index] < high { high = run[index] }
                                    }
                                    lows[group] = run[lowIndex]
                                    highs[group] = high
                                    fractions[group] = d
                                    flags[group] = 1
                                }
                            }
                        }
                    }
                }
            }
        }
        let validity = Bitmap.validity(fromFlags: flags)
        if isFloat || type == .int64 {
            let values = (0..<groupCount).map { group -> Double in
                guard flags[group] != 0 else { return 0 }
                let lo = isFloat ? QuantileKernel.double(lows[group]) : Double(QuantileKernel.integer(lows[group]))
                if fractions[group] == 0 { return lo }
                let hi = isFloat ? QuantileKernel.double(highs[group]) : Double(QuantileKernel.integer(highs[group]))
                return lo + (hi - lo) * fractions[group]
            }
            return Column(type: .float64, values: .float64(values), validity: validity, count: groupCount)
        }
        let values = (0..<groupCount).map { group -> Int64 in
            guard flags[group] != 0 else { return 0 }
            let lo = QuantileKernel.integer(lows[group])
            if fractions[group] == 0 { return lo }
            let hi = QuantileKernel.integer(highs[group])
            return lo &+ Int64((Double(hi &- lo) * fractions[group]).rounded())
        }
        return Column(type: .timestamp, values: .timestamp(values), validity: validity, count: groupCount)
    }

    /// Order-preserving key of an integer.
    @inline(__always)
    static func key(_ value: Int64) -> UInt64 { UInt64(bitPattern: value) ^ (1 << 63) }

    @inline(__always)
    static func integer(_ key: UInt64) -> Int64 { Int64(bitPattern: key ^ (1 << 63)) }

    /// Order-preserving key of a float in DuckDB's order (NaN last, -0 = 0).
    @inline(__always)
    static func key(_ value: Double) -> UInt64 {
        let bits = KeyEncoder.canonicalBits(value)
        return bits & (1 << 63) != 0 ? ~bits : bits | (1 << 63)
    }

    @inline(__always)
    static func double(_ key: UInt64) -> Double {
        Double(bitPattern: key & (1 << 63) != 0 ? key & ~(1 << 63) : ~key)
    }
}

/// Reorders `buffer` so that `buffer[k]` holds the value that sorting would put there, smaller
/// values before it and larger after (Hoare's selection with median-of-three pivots).
func quickselect(_ buffer: UnsafeMutableBufferPointer<UInt64>, _ k: Int) {
    var low = 0
    var high = buffer.count - 1
    while high > low {
        if high - low < 16 {
            // Insertion sort for short ranges.
            for index in (low + 1)...high {
                let value = buffer[index]
                var position = index - 1
                while position >= low, value < buffer[position] {
                    buffer[position + 1] = buffer[position]
                    position -= 1
                }
                buffer[position + 1] = value
            }
            return
        }
        let middle = low + (high - low) / 2
        if buffer[middle] < buffer[low] { buffer.swapAt(middle, low) }
        if buffer[high] < buffer[low] { buffer.swapAt(high, low) }
        if buffer[high] < buffer[middle] { buffer.swapAt(high, middle) }
        let pivot = buffer[middle]
        var i = low
        var j = high
        while i <= j {
            while buffer[i] < pivot { i += 1 }
            while pivot < buffer[j] { j -= 1 }
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
