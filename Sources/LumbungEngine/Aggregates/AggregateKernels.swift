import Foundation
import LumbungCore

/// The partial state of one aggregate over one unit's local groups.
protocol AggregatePartial: Sendable {}

/// One chunk of a unit of work: its index, the evaluated argument (nil for `count()`) and the
/// local group of every row (or `LocalGroups.skipped`).
struct KernelInput {
    var chunk: Int
    var argument: Column?
    var rowGroup: [UInt32]
}

/// An aggregate computed as partial states per unit of work (in parallel) merged in unit order.
///
/// Units are fixed runs of chunks (see `Grouping.units`), summed in row order and merged in unit
/// order, which makes every result, floating-point sums included, independent of the thread
/// count.
protocol AggregateKernel: Sendable {
    /// The partial state of one unit: the chunks in order, with `groupCount` local groups.
    func partial(_ inputs: [KernelInput], groupCount: Int) throws -> any AggregatePartial

    /// Merges the partials of every unit, in unit order, into one value per global group.
    /// - Parameter arguments: the argument column of every chunk (for kernels whose partials
    ///   refer to rows).
    func finish(
        _ partials: [any AggregatePartial], localToGlobal: [[UInt32]], groupCount: Int, arguments: [Column?]
    ) throws -> Column
}

/// Walks every (row, group) pair of every input where the row has a group and, when
/// `present` is set, a present argument value.
@inline(__always)
func forEachGrouped(
    _ inputs: [KernelInput], present: Bool, _ body: (_ input: Int, _ row: Int, _ group: Int) -> Void
) {
    for (index, input) in inputs.enumerated() {
        input.rowGroup.withUnsafeBufferPointer { rowGroup in
            forEachGrouped(rowGroup, validity: present ? input.argument?.validity : nil) { row, group in
                body(index, row, group)
            }
        }
    }
}

/// Walks every (row, group) pair of a chunk where the row has a group and, when `validity` is
/// given, a present value.
@inline(__always)
func forEachGrouped(
    _ rowGroup: UnsafeBufferPointer<UInt32>, validity: Bitmap?, _ body: (_ row: Int, _ group: Int) -> Void
) {
    withValidityWords(validity) { words in
        if let words {
            for row in 0..<rowGroup.count {
                let group = rowGroup[row]
                if group == LocalGroups.skipped || (words[row >> 6] >> UInt64(row & 63)) & 1 == 0 { continue }
                body(row, Int(group))
            }
        } else {
            for row in 0..<rowGroup.count {
                let group = rowGroup[row]
                if group == LocalGroups.skipped { continue }
                body(row, Int(group))
            }
        }
    }
}

// MARK: - Counts

struct CountPartial: AggregatePartial {
    var counts: [Int64]
}

/// `count()`, `count(x)` and `count_if(cond)`.
struct CountKernel: AggregateKernel {
    enum Mode { case rows, present, isTrue }
    let mode: Mode

    func partial(_ inputs: [KernelInput], groupCount: Int) throws -> any AggregatePartial {
        var counts = [Int64](repeating: 0, count: groupCount)
        counts.withUnsafeMutableBufferPointer { counts in
            for input in inputs {
                input.rowGroup.withUnsafeBufferPointer { rowGroup in
                    switch mode {
                    case .rows:
                        for row in 0..<rowGroup.count where rowGroup[row] != LocalGroups.skipped {
                            counts[Int(rowGroup[row])] &+= 1
                        }
                    case .present:
                        forEachGrouped(rowGroup, validity: input.argument?.validity) { _, group in counts[group] &+= 1 }
                    case .isTrue:
                        input.argument!.values.boolArray!.withUnsafeBufferPointer { values in
                            forEachGrouped(rowGroup, validity: input.argument!.validity) { row, group in
                                counts[group] &+= Int64(values[row])
                            }
                        }
                    }
                }
            }
        }
        return CountPartial(counts: counts)
    }

    func finish(_ partials: [any AggregatePartial], localToGlobal: [[UInt32]], groupCount: Int, arguments: [Column?])
        throws -> Column
    {
        let totals = mergeCounts(partials, localToGlobal: localToGlobal, groupCount: groupCount) { ($0 as! CountPartial).counts }
        return Column(type: .int64, values: .int64(totals), validity: nil, count: groupCount)
    }
}

func mergeCounts(
    _ partials: [any AggregatePartial], localToGlobal: [[UInt32]], groupCount: Int,
    _ extract: (any AggregatePartial) -> [Int64]
) -> [Int64] {
    var totals = [Int64](repeating: 0, count: groupCount)
    totals.withUnsafeMutableBufferPointer { totals in
        for (chunk, partial) in partials.enumerated() {
            let counts = extract(partial)
            let map = localToGlobal[chunk]
            for group in 0..<counts.count { totals[Int(map[group])] &+= counts[group] }
        }
    }
    return totals
}

struct SharePartial: AggregatePartial {
    var trues: [Int64]
    var rows: [Int64]
}

/// `share(cond)` = rows where cond is true / rows.
struct ShareKernel: AggregateKernel {
    func partial(_ inputs: [KernelInput], groupCount: Int) throws -> any AggregatePartial {
        let trues = try CountKernel(mode: .isTrue).partial(inputs, groupCount: groupCount)
        let rows = try CountKernel(mode: .rows).partial(inputs, groupCount: groupCount)
        return SharePartial(trues: (trues as! CountPartial).counts, rows: (rows as! CountPartial).counts)
    }

    func finish(_ partials: [any AggregatePartial], localToGlobal: [[UInt32]], groupCount: Int, arguments: [Column?])
        throws -> Column
    {
        let trues = mergeCounts(partials, localToGlobal: localToGlobal, groupCount: groupCount) { ($0 as! SharePartial).trues }
        let rows = mergeCounts(partials, localToGlobal: localToGlobal, groupCount: groupCount) { ($0 as! SharePartial).rows }
        let values = (0..<groupCount).map { rows[$0] == 0 ? 0 : Double(trues[$0]) / Double(rows[$0]) }
        let validity = rows.contains(0) ? Bitmap.validity(fromFlags: rows.map { $0 == 0 ? 0 : 1 }) : nil
        return Column(type: .float64, values: .float64(values), validity: validity, count: groupCount)
    }
}

extension Bitmap {
    static func validity(fromFlags flags: [UInt8]) -> Bitmap? {
        flags.withUnsafeBufferPointer { Bitmap.validity(fromFlags: $0) }
    }
}

// MARK: - Sums and averages

struct IntegerSumPartial: AggregatePartial {
    var sums: [Int128]
    var counts: [Int64]
}

/// `sum` and `avg` of integers, exact in 128 bits; a sum outside 64 bits is an overflow error.
struct IntegerSumKernel: AggregateKernel {
    let average: Bool
    /// The aggregate computed, named by an overflow.
    let aggregate: AggregateExpr

    func partial(_ inputs: [KernelInput], groupCount: Int) throws -> any AggregatePartial {
        var sums = [Int128](repeating: 0, count: groupCount)
        var counts = [Int64](repeating: 0, count: groupCount)
        sums.withUnsafeMutableBufferPointer { sums in
            counts.withUnsafeMutableBufferPointer { counts in
                for input in inputs {
                    input.argument!.values.int64Array!.withUnsafeBufferPointer { values in
                        input.rowGroup.withUnsafeBufferPointer { rowGroup in
                            forEachGrouped(rowGroup, validity: input.argument!.validity) { row, group in
                                sums[group] &+= Int128(values[row])
                                counts[group] &+= 1
                            }
                        }
                    }
                }
            }
        }
        return IntegerSumPartial(sums: sums, counts: counts)
    }

    func finish(_ partials: [any AggregatePartial], localToGlobal: [[UInt32]], groupCount: Int, arguments: [Column?])
        throws -> Column
    {
        var sums = [Int128](repeating: 0, count: groupCount)
        var counts = [Int64](repeating: 0, count: groupCount)
        for (chunk, partial) in partials.enumerated() {
            let partial = partial as! IntegerSumPartial
            let map = localToGlobal[chunk]
            for group in 0..<partial.sums.count {
                let target = Int(map[group])
                sums[target] &+= partial.sums[group]
                counts[target] &+= partial.counts[group]
            }
        }
        let validity = counts.contains(0) ? Bitmap.validity(fromFlags: counts.map { $0 == 0 ? 0 : 1 }) : nil
        if average {
            let values = (0..<groupCount).map { counts[$0] == 0 ? 0 : Double(sums[$0]) / Double(counts[$0]) }
            return Column(type: .float64, values: .float64(values), validity: validity, count: groupCount)
        }
        var values = [Int64](repeating: 0, count: groupCount)
        for group in 0..<groupCount where counts[group] > 0 {
            guard let value = Int64(exactly: sums[group]) else { throw EngineError.overflow(in: aggregate) }
            values[group] = value
        }
        return Column(type: .int64, values: .int64(values), validity: validity, count: groupCount)
    }
}

struct FloatSumPartial: AggregatePartial {
    var sums: [Double]
    var compensations: [Double]
    var second: [Double]
    var counts: [Int64]
}

/// Neumaier's compensated addition of `value` into `(sum, compensation)`; returns nothing, the
/// rounding error of the addition goes into `compensation`.
@inline(__always)
func compensatedAdd(_ sum: inout Double, _ compensation: inout Double, _ value: Double) {
    let total = sum + value
    if Swift.abs(sum) >= Swift.abs(value) {
        compensation += (sum - total) + value
    } else {
        compensation += (value - total) + sum
    }
    sum = total
}

/// Second-order compensated addition (Kahan–Babuška–Klein): the errors of the compensation are
/// compensated too, so large values that cancel (1e300 − 1e300) do not swallow small ones.
@inline(__always)
func doublyCompensatedAdd(_ sum: inout Double, _ first: inout Double, _ second: inout Double, _ value: Double) {
    let total = sum + value
    let error: Double
    if Swift.abs(sum) >= Swift.abs(value) {
        error = (sum - total) + value
    } else {
        error = (value - total) + sum
    }
    sum = total
    let corrected = first + error
    if Swift.abs(first) >= Swift.abs(error) {
        second += (first - corrected) + error
    } else {
        second += (error - corrected) + first
    }
    first = corrected
}

/// `sum` and `avg` of floats with second-order compensated summation: accurate even when large
/// values cancel, and reproducible because units are summed in row order and merged in unit
/// order.
struct FloatSumKernel: AggregateKernel {
    let average: Bool

    func partial(_ inputs: [KernelInput], groupCount: Int) throws -> any AggregatePartial {
        var sums = [Double](repeating: 0, count: groupCount)
        var compensations = [Double](repeating: 0, count: groupCount)
        var second = [Double](repeating: 0, count: groupCount)
        var counts = [Int64](repeating: 0, count: groupCount)
        sums.withUnsafeMutableBufferPointer { sums in
            compensations.withUnsafeMutableBufferPointer { compensations in
                second.withUnsafeMutableBufferPointer { second in
                    counts.withUnsafeMutableBufferPointer { counts in
                        for input in inputs {
                            input.argument!.values.float64Array!.withUnsafeBufferPointer { values in
                                input.rowGroup.withUnsafeBufferPointer { rowGroup in
                                    forEachGrouped(rowGroup, validity: input.argument!.validity) { row, group in
                                        doublyCompensatedAdd(&sums[group], &compensations[group], &second[group], values[row])
                                        counts[group] &+= 1
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return FloatSumPartial(sums: sums, compensations: compensations, second: second, counts: counts)
    }

    func finish(_ partials: [any AggregatePartial], localToGlobal: [[UInt32]], groupCount: Int, arguments: [Column?])
        throws -> Column
    {
        var sums = [Double](repeating: 0, count: groupCount)
        var compensations = [Double](repeating: 0, count: groupCount)
        var second = [Double](repeating: 0, count: groupCount)
        var counts = [Int64](repeating: 0, count: groupCount)
        for (unit, partial) in partials.enumerated() {
            let partial = partial as! FloatSumPartial
            let map = localToGlobal[unit]
            for group in 0..<partial.sums.count {
                let target = Int(map[group])
                doublyCompensatedAdd(&sums[target], &compensations[target], &second[target], partial.sums[group])
                doublyCompensatedAdd(&sums[target], &compensations[target], &second[target], partial.compensations[group])
                second[target] += partial.second[group]
                counts[target] &+= partial.counts[group]
            }
        }
        let values = (0..<groupCount).map { group -> Double in
            let sum = sums[group].isFinite ? sums[group] + (compensations[group] + second[group]) : sums[group]
            if average { return counts[group] == 0 ? 0 : sum / Double(counts[group]) }
            return sum
        }
        let validity = counts.contains(0) ? Bitmap.validity(fromFlags: counts.map { $0 == 0 ? 0 : 1 }) : nil
        return Column(type: .float64, values: .float64(values), validity: validity, count: groupCount)
    }
}

// MARK: - Standard deviation

struct MomentsPartial: AggregatePartial {
    var counts: [Int64]
    var means: [Double]
    var squares: [Double]
}

/// `stddev(x)`, the sample standard deviation, with Welford's updates per chunk and Chan's merge.
struct StddevKernel: AggregateKernel {
    func partial(_ inputs: [KernelInput], groupCount: Int) throws -> any AggregatePartial {
        var counts = [Int64](repeating: 0, count: groupCount)
        var means = [Double](repeating: 0, count: groupCount)
        var squares = [Double](repeating: 0, count: groupCount)
        for input in inputs {
            let column = input.argument!
            let doubles: [Double] = column.values.float64Array ?? column.values.int64Array!.map { Double($0) }
            doubles.withUnsafeBufferPointer { values in
                input.rowGroup.withUnsafeBufferPointer { rowGroup in
                    forEachGrouped(rowGroup, validity: column.validity) { row, group in
                        let value = values[row]
                        counts[group] += 1
                        let delta = value - means[group]
                        means[group] += delta / Double(counts[group])
                        squares[group] += delta * (value - means[group])
                    }
                }
            }
        }
        return MomentsPartial(counts: counts, means: means, squares: squares)
    }

    func finish(_ partials: [any AggregatePartial], localToGlobal: [[UInt32]], groupCount: Int, arguments: [Column?])
        throws -> Column
    {
        var counts = [Int64](repeating: 0, count: groupCount)
        var means = [Double](repeating: 0, count: groupCount)
        var squares = [Double](repeating: 0, count: groupCount)
        for (chunk, partial) in partials.enumerated() {
            let partial = partial as! MomentsPartial
            let map = localToGlobal[chunk]
            for group in 0..<partial.counts.count where partial.counts[group] > 0 {
                let target = Int(map[group])
                let countA = Double(counts[target])
                let countB = Double(partial.counts[group])
                if counts[target] == 0 {
                    counts[target] = partial.counts[group]
                    means[target] = partial.means[group]
                    squares[target] = partial.squares[group]
                    continue
                }
                let total = countA + countB
                let delta = partial.means[group] - means[target]
                means[target] += delta * countB / total
                squares[target] += partial.squares[group] + delta * delta * countA * countB / total
                counts[target] += partial.counts[group]
            }
        }
        let values = (0..<groupCount).map { group in
            counts[group] < 2 ? 0 : (max(0, squares[group]) / Double(counts[group] - 1)).squareRoot()
        }
        let validity = counts.contains { $0 < 2 } ? Bitmap.validity(fromFlags: counts.map { $0 < 2 ? 0 : 1 }) : nil
        return Column(type: .float64, values: .float64(values), validity: validity, count: groupCount)
    }
}

// MARK: - Min and max

struct ExtremePartial<T: Sendable>: AggregatePartial {
    var values: [T]
    var present: [UInt8]
}

/// `min` and `max` of fixed-width values (integers, floats in DuckDB's order, dates, bools).
struct FixedExtremeKernel<T: Sendable>: AggregateKernel {
    let isMax: Bool
    let type: DataType
    let extract: @Sendable (ColumnValues) -> [T]
    let wrap: @Sendable ([T]) -> ColumnValues
    let zero: T
    /// Negative when the first argument orders first.
    let compare: @Sendable (T, T) -> Int

    func partial(_ inputs: [KernelInput], groupCount: Int) throws -> any AggregatePartial {
        var values = [T](repeating: zero, count: groupCount)
        var present = [UInt8](repeating: 0, count: groupCount)
        let sign = isMax ? 1 : -1
        values.withUnsafeMutableBufferPointer { values in
            present.withUnsafeMutableBufferPointer { present in
                for chunkInput in inputs {
                    extract(chunkInput.argument!.values).withUnsafeBufferPointer { input in
                        chunkInput.rowGroup.withUnsafeBufferPointer { rowGroup in
                            forEachGrouped(rowGroup, validity: chunkInput.argument!.validity) { row, group in
                                let value = input[row]
                                if present[group] == 0 || compare(value, values[group]) * sign > 0 {
                                    values[group] = value
                                    present[group] = 1
                                }
                            }
                        }
                    }
                }
            }
        }
        return ExtremePartial(values: values, present: present)
    }

    func finish(_ partials: [any AggregatePartial], localToGlobal: [[UInt32]], groupCount: Int, arguments: [Column?])
        throws -> Column
    {
        var values = [T](repeating: zero, count: groupCount)
        var present = [UInt8](repeating: 0, count: groupCount)
        let sign = isMax ? 1 : -1
        for (chunk, partial) in partials.enumerated() {
            let partial = partial as! ExtremePartial<T>
            let map = localToGlobal[chunk]
            for group in 0..<partial.values.count where partial.present[group] != 0 {
                let target = Int(map[group])
                if present[target] == 0 || compare(partial.values[group], values[target]) * sign > 0 {
                    values[target] = partial.values[group]
                    present[target] = 1
                }
            }
        }
        return Column(type: type, values: wrap(values), validity: Bitmap.validity(fromFlags: present), count: groupCount)
    }
}

struct StringExtremePartial: AggregatePartial {
    /// Per local group: the row of the best string, or `RowRef.null`.
    var refs: [RowRef]
}

/// `min` and `max` of strings (by UTF-8 bytes): partials keep the best row, the merge compares
/// rows across chunks and the result gathers them.
struct StringExtremeKernel: AggregateKernel {
    let isMax: Bool

    func partial(_ inputs: [KernelInput], groupCount: Int) throws -> any AggregatePartial {
        let source = ChunkedColumn(inputs.map { $0.argument! }, type: .string)
        var best = [RowRef](repeating: .null, count: groupCount)
        let sign = isMax ? 1 : -1
        forEachGrouped(inputs, present: true) { index, row, group in
            let candidate = RowRef(chunk: index, row: row)
            let current = best[group]
            if current == .null {
                best[group] = candidate
                return
            }
            let (p, n) = source.bytesOf(candidate)
            let (q, m) = source.bytesOf(current)
            if compareBytes(p, n, q, m) * sign > 0 { best[group] = candidate }
        }
        // From positions in the unit to chunks of the table.
        return StringExtremePartial(refs: best.map { $0 == .null ? $0 : RowRef(chunk: inputs[$0.chunk].chunk, row: $0.row) })
    }

    func finish(_ partials: [any AggregatePartial], localToGlobal: [[UInt32]], groupCount: Int, arguments: [Column?])
        throws -> Column
    {
        let source = ChunkedColumn(arguments.map { $0! }, type: .string)
        var refs = [RowRef](repeating: .null, count: groupCount)
        let sign = isMax ? 1 : -1
        for (chunk, partial) in partials.enumerated() {
            let partial = partial as! StringExtremePartial
            let map = localToGlobal[chunk]
            for group in 0..<partial.refs.count where partial.refs[group] != .null {
                let target = Int(map[group])
                let candidate = partial.refs[group]
                if refs[target] == .null {
                    refs[target] = candidate
                    continue
                }
                let (p, n) = source.bytesOf(candidate)
                let (q, m) = source.bytesOf(refs[target])
                if compareBytes(p, n, q, m) * sign > 0 { refs[target] = candidate }
            }
        }
        return source.gather(refs).decoded()
    }
}
