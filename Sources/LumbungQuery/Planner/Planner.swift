import LumbungCore
import LumbungEngine

/// Turns an optimized logical plan into engine operators, once its scans have been read.
enum Planner {
    /// The scans of `plan`, in the order `physical(_:tables:)` consumes them (depth first, left first).
    static func scans(_ plan: LogicalPlan) -> [ScanNode] {
        if case .scan(let scan) = plan { return [scan] }
        return plan.inputs.flatMap(scans)
    }

    /// The engine plan, with `tables[i]` the rows of `scans(plan)[i]`.
    static func physical(_ plan: LogicalPlan, tables: [Table]) -> PhysicalPlan {
        var next = 0
        func build(_ plan: LogicalPlan) -> PhysicalPlan {
            switch plan {
            case .scan(let scan):
                let table = tables[next]
                next += 1
                var result = PhysicalPlan.scan(table, name: scan.name)
                for filter in scan.filters {
                    result = .filter(result, FilterOperator(filter.predicate, tag: filter.tag))
                }
                return result
            case .filter(let input, let filter):
                return .filter(build(input), FilterOperator(filter.predicate, tag: filter.tag))
            case .derive(let input, let assignments):
                return .derive(build(input), DeriveOperator(assignments))
            case .project(let input, let outputs):
                return .project(build(input), ProjectOperator(outputs))
            case .aggregate(let input, let keys, let aggregates):
                return .aggregate(build(input), HashAggregateOperator(keys: keys, aggregates: aggregates))
            case .join(let left, let right, let join):
                let leftPlan = build(left)
                let rightPlan = build(right)
                let outputsRight = join.kind == .inner || join.kind == .left
                let op = HashJoinOperator(
                    join.kind, leftKeys: join.leftKeys, rightKeys: join.rightKeys, leftColumns: join.leftColumns,
                    rightColumns: outputsRight ? join.rightColumns : nil, rightNames: outputsRight ? join.rightNames : nil,
                    tag: join.tag)
                return .join(left: leftPlan, right: rightPlan, op)
            case .sort(let input, let keys):
                return .sort(build(input), SortOperator(keys))
            case .topK(let input, let keys, let count):
                return .topK(build(input), TopKOperator(keys, count: count))
            case .limit(let input, let count):
                return .limit(build(input), LimitOperator(count))
            case .distinct(let input, let columns):
                return .distinct(build(input), DistinctOperator(columns))
            }
        }
        return build(plan)
    }

    /// The plan as an indented tree, root first, with what each scan reads (`--explain`).
    static func explain(_ plan: LogicalPlan) -> String {
        var lines: [String] = []
        func line(_ depth: Int, _ text: String) { lines.append(String(repeating: "  ", count: depth) + text) }
        func visit(_ plan: LogicalPlan, _ depth: Int) {
            switch plan {
            case .scan(let scan):
                let format: String
                switch scan.location {
                case .file(let path): format = path
                case .table(let table): format = "in memory, \(table.rowCount) rows"
                }
                line(depth, "Scan \(scan.name) (\(format))")
                let columns = scan.columns ?? scan.schema.names
                line(depth + 1, "columns read: \(columns.count) of \(scan.schema.count): \(columns.joined(separator: ", "))")
                for filter in scan.filters {
                    line(depth + 1, "filter during scan: \(filter.predicate)")
                }
                if let limit = scan.limit {
                    line(depth + 1, "reading stops after the first \(limit) rows")
                }
                if let topK = scan.topK {
                    line(depth + 1, "top \(topK.count) of each block during scan: \(topK.keys.map(\.description).joined(separator: ", "))")
                }
            case .filter(let input, let filter):
                line(depth, "Filter \(filter.predicate)")
                visit(input, depth + 1)
            case .derive(let input, let assignments):
                line(depth, DeriveOperator(assignments).description)
                visit(input, depth + 1)
            case .project(let input, let outputs):
                line(depth, ProjectOperator(outputs).description)
                visit(input, depth + 1)
            case .aggregate(let input, let keys, let aggregates):
                line(depth, HashAggregateOperator(keys: keys, aggregates: aggregates).description)
                visit(input, depth + 1)
            case .join(let left, let right, let join):
                let pairs = zip(join.leftKeys, join.rightKeys).map { $0 == $1 ? $0 : "\($0) == \($1)" }
                line(depth, "HashJoin(\(join.kind.rawValue) \(join.table) on \(pairs.joined(separator: ", ")))")
                visit(left, depth + 1)
                visit(right, depth + 1)
            case .sort(let input, let keys):
                line(depth, SortOperator(keys).description)
                visit(input, depth + 1)
            case .topK(let input, let keys, let count):
                line(depth, TopKOperator(keys, count: count).description)
                visit(input, depth + 1)
            case .limit(let input, let count):
                line(depth, LimitOperator(count).description)
                visit(input, depth + 1)
            case .distinct(let input, let columns):
                line(depth, DistinctOperator(columns).description)
                visit(input, depth + 1)
            }
        }
        visit(plan, 0)
        return lines.joined(separator: "\n")
    }
}
