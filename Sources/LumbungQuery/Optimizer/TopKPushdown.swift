import LumbungCore
import LumbungEngine

/// Marks a scan whose rows go straight into `sort … | take N` (a top-k over plain columns): the
/// reader then keeps only each block's first N rows in that order as it parses the file, so a
/// top-k over a file of any size holds N rows per block instead of the whole table. The top-k
/// above still runs, over the blocks' survivors in file order, and gives the same rows: a row
/// in the overall first N is among the first N of its own block, and ties keep file order.
enum TopKPushdown {
    static func apply(_ plan: LogicalPlan) -> LogicalPlan {
        guard case .topK(.scan(var scan), let keys, let count) = plan else { return plan.mapInputs(apply) }
        guard case .file = scan.location, count > 0, !keys.isEmpty else { return plan }
        let read = Set(scan.columns ?? scan.schema.names)
        let plain = keys.allSatisfy { key in
            if case .column(let name) = key.expr { return read.contains(name) && scan.schema.index(of: name) != nil }
            return false
        }
        if plain { scan.topK = ScanTopK(keys: keys, count: count) }
        return .topK(.scan(scan), keys, count)
    }
}
