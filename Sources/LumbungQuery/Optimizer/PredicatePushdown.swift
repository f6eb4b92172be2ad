import LumbungCore
import LumbungEngine

/// Moves each `where` as close to the data as its columns allow: below `derive`s that do not
/// make its columns, through `select`s and keys that only rename, into the side of a join that
/// owns its columns, and finally into the scan, where it runs on the rows as they are read. A
/// filter never moves below `take`, `distinct` or an aggregate over non-key columns.
enum PredicatePushdown {
    static func apply(_ plan: LogicalPlan) -> LogicalPlan {
        guard case .filter(let input, let filter) = plan else { return plan.mapInputs(apply) }
        let optimized = apply(input)
        return sink(filter, into: optimized) ?? .filter(optimized, filter)
    }

    /// `plan` with `filter` placed inside it, or nil when it must stay above.
    private static func sink(_ filter: FilterNode, into plan: LogicalPlan) -> LogicalPlan? {
        let used = Set(filter.predicate.columnNames)
        func below(_ input: LogicalPlan, _ filter: FilterNode) -> LogicalPlan {
            sink(filter, into: input) ?? .filter(input, filter)
        }
        switch plan {
        case .scan(var scan):
            scan.filters.append(filter)
            return .scan(scan)
        case .filter(let input, let other):
            guard let moved = sink(filter, into: input) else { return nil }
            return .filter(moved, other)
        case .derive(let input, let assignments):
            guard used.isDisjoint(with: assignments.map(\.name)) else { return nil }
            return .derive(below(input, filter), assignments)
        case .project(let input, let outputs):
            guard let renamed = renamed(filter, through: outputs) else { return nil }
            return .project(below(input, renamed), outputs)
        case .aggregate(let input, let keys, let aggregates):
            guard let renamed = renamed(filter, through: keys) else { return nil }
            return .aggregate(below(input, renamed), keys: keys, aggregates: aggregates)
        case .sort(let input, let keys):
            return .sort(below(input, filter), keys)
        case .join(let left, let right, let join):
            let rightOutput = Set(join.rightNames)
            if used.isDisjoint(with: rightOutput), used.isSubset(of: Set(join.leftColumns)) {
                return .join(below(left, filter), right, join)
            }
            if join.kind == .inner, used.isSubset(of: rightOutput) {
                let map = Dictionary(uniqueKeysWithValues: zip(join.rightNames, join.rightColumns))
                var moved = filter
                moved.predicate = rename(filter.predicate, map)
                return .join(left, below(right, moved), join)
            }
            return nil
        case .topK, .limit, .distinct:
            return nil
        }
    }

    /// The filter over the inputs of `outputs`, when each column it uses is a plain column there.
    private static func renamed(_ filter: FilterNode, through outputs: [NamedExpr]) -> FilterNode? {
        var map: [String: String] = [:]
        for name in filter.predicate.columnNames {
            guard let output = outputs.first(where: { $0.name == name }), case .column(let source) = output.expr else {
                return nil
            }
            map[name] = source
        }
        var moved = filter
        moved.predicate = rename(filter.predicate, map)
        return moved
    }

    /// `expr` with its column names replaced by `map`.
    static func rename(_ expr: LumbungEngine.Expr, _ map: [String: String]) -> LumbungEngine.Expr {
        switch expr {
        case .column(let name): return .column(map[name] ?? name)
        case .literal: return expr
        case .unary(let op, let operand): return .unary(op, rename(operand, map))
        case .binary(let op, let lhs, let rhs): return .binary(op, rename(lhs, map), rename(rhs, map))
        case .call(let function, let arguments): return .call(function, arguments.map { rename($0, map) })
        case .inList(let value, let items): return .inList(rename(value, map), items)
        case .isNull(let value, let negated): return .isNull(rename(value, map), negated: negated)
        case .coalesce(let arguments): return .coalesce(arguments.map { rename($0, map) })
        case .ifThenElse(let condition, let then, let otherwise):
            return .ifThenElse(rename(condition, map), rename(then, map), rename(otherwise, map))
        }
    }
}
