import LumbungCore
import LumbungEngine

/// Lets a scan stop early or keep less when only the first rows are asked for.
///
/// - `take N` straight over a file (after the scan's `where` conditions): the reader stops once
///   the first N rows are parsed, so a peek at a file of any size reads a few blocks.
/// - `sort … | take N` over plain columns (a top-k): the reader keeps only each block's first N
///   rows in that order as it parses the file, so the top-k holds N rows per block instead of the
///   whole table. The top-k above still runs, over the blocks' survivors in file order, and gives
///   the same rows: a row in the overall first N is among the first N of its own block, and ties
///   keep file order.
enum LimitPushdown {
    static func apply(_ plan: LogicalPlan, take: Bool, topK: Bool) -> LogicalPlan {
        switch plan {
        case .limit(.scan(var scan), let count) where take:
            guard case .file = scan.location, count >= 0 else { return plan }
            scan.limit = count
            return .limit(.scan(scan), count)
        case .topK(.scan(var scan), let keys, let count) where topK:
            guard case .file = scan.location, count > 0, !keys.isEmpty else { return plan }
            let read = Set(scan.columns ?? scan.schema.names)
            let columns = keys.compactMap { key -> Field? in
                guard case .column(let name) = key.expr, read.contains(name), let index = scan.schema.index(of: name)
                else { return nil }
                return scan.schema.fields[index]
            }
            if columns.count == keys.count { scan.topK = ScanTopK(keys: keys, count: count, columns: columns) }
            return .topK(.scan(scan), keys, count)
        default:
            return plan.mapInputs { apply($0, take: take, topK: topK) }
        }
    }
}
