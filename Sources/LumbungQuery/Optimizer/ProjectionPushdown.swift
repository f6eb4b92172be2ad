import LumbungCore
import LumbungEngine

/// Reads only the columns a query uses: walks the plan from the result down, keeping at each
/// operator the columns its parent needs plus the ones it reads itself, drops derived columns
/// nobody uses, and sets each scan's column list. A scan whose rows are needed but none of its
/// columns (`summarize n = count()`) reads its first column only.
enum ProjectionPushdown {
    static func apply(_ plan: LogicalPlan) -> LogicalPlan { prune(plan, nil) }

    /// `plan` producing at least the columns `required` (`nil`: all of them, in order).
    private static func prune(_ plan: LogicalPlan, _ required: Set<String>?) -> LogicalPlan {
        switch plan {
        case .scan(var scan):
            guard let required else { return plan }
            var needed = required
            for filter in scan.filters { needed.formUnion(filter.predicate.columnNames) }
            var columns = scan.schema.names.filter { needed.contains($0) }
            if columns.isEmpty, let first = scan.schema.names.first { columns = [first] }
            scan.columns = columns.count == scan.schema.count ? nil : columns
            return .scan(scan)
        case .filter(let input, let filter):
            return .filter(prune(input, required.map { $0.union(filter.predicate.columnNames) }), filter)
        case .derive(let input, let assignments):
            guard var needed = required else { return .derive(prune(input, nil), assignments) }
            // Later assignments may read earlier ones: walk them backwards.
            var kept: [NamedExpr] = []
            for assignment in assignments.reversed() where needed.contains(assignment.name) {
                kept.insert(assignment, at: 0)
                needed.remove(assignment.name)
                needed.formUnion(assignment.expr.columnNames)
            }
            let pruned = prune(input, needed)
            return kept.isEmpty ? pruned : .derive(pruned, kept)
        case .project(let input, let outputs):
            var kept = required.map { set in outputs.filter { set.contains($0.name) } } ?? outputs
            // Rows still matter when no column does (`summarize n = count()` above): keep one.
            if kept.isEmpty { kept = Array(outputs.prefix(1)) }
            let needed = Set(kept.flatMap(\.expr.columnNames))
            return .project(prune(input, needed), kept)
        case .aggregate(let input, let keys, let aggregates):
            var needed = Set(keys.flatMap(\.expr.columnNames))
            for aggregate in aggregates { needed.formUnion(aggregate.argument?.columnNames ?? []) }
            return .aggregate(prune(input, needed), keys: keys, aggregates: aggregates)
        case .join(let left, let right, var join):
            if let required {
                join.leftColumns = join.leftColumns.filter { required.contains($0) }
                let keep = join.rightNames.indices.filter { required.contains(join.rightNames[$0]) }
                join.rightColumns = keep.map { join.rightColumns[$0] }
                join.rightNames = keep.map { join.rightNames[$0] }
            }
            let leftNeeded = Set(join.leftColumns).union(join.leftKeys)
            let rightNeeded = Set(join.rightColumns).union(join.rightKeys)
            return .join(prune(left, leftNeeded), prune(right, rightNeeded), join)
        case .sort(let input, let keys):
            return .sort(prune(input, required.map { $0.union(keys.flatMap(\.expr.columnNames)) }), keys)
        case .topK(let input, let keys, let count):
            return .topK(prune(input, required.map { $0.union(keys.flatMap(\.expr.columnNames)) }), keys, count)
        case .limit(let input, let count):
            return .limit(prune(input, required), count)
        case .distinct(let input, let columns):
            // Distinct over all columns depends on every one of them.
            if columns.isEmpty { return .distinct(prune(input, nil), columns) }
            return .distinct(prune(input, required.map { $0.union(columns) }), columns)
        }
    }
}
