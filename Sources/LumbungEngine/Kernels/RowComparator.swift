import LumbungCore

/// A sort key of `sort` (and of `summarize`'s output order): an expression, its direction, and
/// nulls last whatever the direction (LQ's rule).
public struct SortKey: Sendable, Hashable, CustomStringConvertible {
    public var expr: Expr
    public var descending: Bool

    public init(_ expr: Expr, descending: Bool = false) {
        self.expr = expr
        self.descending = descending
    }

    /// `name` ascending, or descending for `-name`.
    public static func column(_ name: String, descending: Bool = false) -> SortKey {
        SortKey(.column(name), descending: descending)
    }

    public var description: String { (descending ? "-" : "") + expr.description }
}

/// Compares rows of a chunked table on several keys: nulls last, then ascending or descending
/// value order (floats in DuckDB's order, strings by bytes), then input order (`RowRef` order),
/// so that every sort is stable and every order total.
final class RowComparator: @unchecked Sendable {
    let keys: [ChunkedColumn]
    let descending: [Bool]

    init(keys: [ChunkedColumn], descending: [Bool]) {
        self.keys = keys
        self.descending = descending
    }

    /// Compares two present values of key `index`: negative when `a` sorts first.
    @inline(__always)
    func compareValues(_ index: Int, _ a: RowRef, _ b: RowRef) -> Int {
        let key = keys[index]
        switch key.type {
        case .int64, .timestamp:
            let x = key.int64(a)
            let y = key.int64(b)
            return x < y ? -1 : (x > y ? 1 : 0)
        case .float64: return floatCompare(key.double(a), key.double(b))
        case .date:
            let x = key.int32(a)
            let y = key.int32(b)
            return x < y ? -1 : (x > y ? 1 : 0)
        case .bool:
            let x = key.byte(a)
            let y = key.byte(b)
            return x < y ? -1 : (x > y ? 1 : 0)
        case .string:
            let (p, n) = key.bytesOf(a)
            let (q, m) = key.bytesOf(b)
            return compareBytes(p, n, q, m)
        }
    }

    /// Negative when `a` sorts before `b` on the keys (ties: 0).
    @inline(__always)
    func compareKeys(_ a: RowRef, _ b: RowRef) -> Int {
        for index in 0..<keys.count {
            let aNull = keys[index].isNull(a)
            let bNull = keys[index].isNull(b)
            if aNull || bNull {
                if aNull && bNull { continue }
                return aNull ? 1 : -1  // nulls last, in both directions
            }
            let order = compareValues(index, a, b)
            if order != 0 { return descending[index] ? -order : order }
        }
        return 0
    }

    /// Whether `a` sorts before `b`, ties broken by input order.
    @inline(__always)
    func less(_ a: RowRef, _ b: RowRef) -> Bool {
        let order = compareKeys(a, b)
        if order != 0 { return order < 0 }
        return a < b
    }

    /// Rows of `chunk` in `rows` whose first key does not sort strictly after `threshold`'s: the
    /// only rows that can displace `threshold` from a top-k heap. A tight typed loop, so most rows
    /// of a large input never reach the full comparison.
    func rowsNotAfter(_ threshold: RowRef, chunk: Int, rows: Range<Int>) -> [UInt32] {
        let key = keys[0]
        let column = key.columns[chunk]
        let descending = self.descending[0]
        var out: [UInt32] = []
        if key.isNull(threshold) {
            // Nulls are last: every row is at most equal.
            return rows.map { UInt32(truncatingIfNeeded: $0) }
        }
        func scan<T>(_ values: [T], _ limit: T, _ order: (T, T) -> Int) {
            values.withUnsafeBufferPointer { values in
                withValidityWords(column.validity) { words in
                    for row in rows where isValid(words, row) {
                        let comparison = order(values[row], limit)
                        if (descending ? -comparison : comparison) <= 0 { out.append(UInt32(truncatingIfNeeded: row)) }
                    }
                }
            }
        }
        switch column.values {
        case .int64(let values), .timestamp(let values):
            scan(values, key.int64(threshold)) { $0 < $1 ? -1 : ($0 > $1 ? 1 : 0) }
        case .float64(let values):
            scan(values, key.double(threshold), floatCompare)
        case .date(let values):
            scan(values, key.int32(threshold)) { $0 < $1 ? -1 : ($0 > $1 ? 1 : 0) }
        case .bool(let values):
            scan(values, key.byte(threshold)) { $0 < $1 ? -1 : ($0 > $1 ? 1 : 0) }
        case .string, .dictionary:
            let (pointer, length) = key.bytesOf(threshold)
            withStringView(column) { view in
                withValidityWords(column.validity) { words in
                    for row in rows where isValid(words, row) {
                        let (p, n) = view.string(row)
                        let comparison = compareBytes(p, n, pointer, length)
                        if (descending ? -comparison : comparison) <= 0 { out.append(UInt32(truncatingIfNeeded: row)) }
                    }
                }
            }
        }
        return out
    }
}
