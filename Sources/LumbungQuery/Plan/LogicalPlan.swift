import LumbungCore
import LumbungEngine

/// Where a source's rows come from.
public enum DataSource: Sendable, CustomStringConvertible {
    /// A file: gzip or plain CSV, NDJSON or JSON array, detected when read.
    case file(String)
    /// A table already in memory (tests, the REPL's cache).
    case table(Table)

    public var description: String {
        switch self {
        case .file(let path): return path
        case .table(let table): return "in-memory table (\(table.rowCount) rows)"
        }
    }
}

/// Reading one source: which of its columns are materialised, and the conditions that run on its
/// rows as they are scanned (predicate pushdown).
struct ScanNode: Sendable {
    var name: String
    var location: DataSource
    /// Every column of the source, as probed.
    var schema: Schema
    /// Columns to read, in file order (`nil`: all) — set by projection pushdown.
    var columns: [String]?
    var filters: [FilterNode]
    /// Set by `LimitPushdown` when a `sort … | take N` reads this scan directly: each block keeps
    /// only its first N rows in that order (after the filters) as the file is read.
    var topK: ScanTopK? = nil
    /// Set by `LimitPushdown` when a `take N` reads this scan directly: reading stops once the
    /// first N rows (after the filters) are parsed.
    var limit: Int? = nil
}

/// The top-k a scan applies to each block it reads.
struct ScanTopK: Sendable {
    var keys: [SortKey]
    var count: Int
    /// The column of each key, with its type as probed: the type the blocks are cut under.
    var columns: [Field]
}

/// A `where` condition, lowered, with what the warnings need to know about it.
struct FilterNode: Sendable {
    var predicate: LumbungEngine.Expr
    /// The `where` step's number in the query (the tag of its observations).
    var tag: Int
    var range: SourceRange
    /// Columns the condition compares (analyst names), for the nulls warning.
    var columnNames: [String]
}

/// A `join`, lowered: physical key names and output columns.
struct JoinNode: Sendable {
    var kind: JoinKind
    var table: String
    var leftKeys: [String]
    var rightKeys: [String]
    /// Left columns output, in order.
    var leftColumns: [String]
    /// Right columns output (inner and left joins) and their names in the output.
    var rightColumns: [String]
    var rightNames: [String]
    var tag: Int
    var range: SourceRange
}

/// The checked query as a tree of relational operations over physical column names; the
/// optimizer rewrites it, the planner turns it into engine operators.
indirect enum LogicalPlan: Sendable {
    case scan(ScanNode)
    case filter(LogicalPlan, FilterNode)
    case derive(LogicalPlan, [NamedExpr])
    case project(LogicalPlan, [NamedExpr])
    case aggregate(LogicalPlan, keys: [NamedExpr], aggregates: [AggregateExpr])
    case join(LogicalPlan, LogicalPlan, JoinNode)
    case sort(LogicalPlan, [SortKey])
    case topK(LogicalPlan, [SortKey], Int)
    case limit(LogicalPlan, Int)
    case distinct(LogicalPlan, [String])

    /// This operation over its inputs rewritten by `transform` (a scan is returned as it is).
    func mapInputs(_ transform: (LogicalPlan) -> LogicalPlan) -> LogicalPlan {
        switch self {
        case .scan: return self
        case .filter(let input, let filter): return .filter(transform(input), filter)
        case .derive(let input, let assignments): return .derive(transform(input), assignments)
        case .project(let input, let outputs): return .project(transform(input), outputs)
        case .aggregate(let input, let keys, let aggregates): return .aggregate(transform(input), keys: keys, aggregates: aggregates)
        case .join(let left, let right, let join): return .join(transform(left), transform(right), join)
        case .sort(let input, let keys): return .sort(transform(input), keys)
        case .topK(let input, let keys, let count): return .topK(transform(input), keys, count)
        case .limit(let input, let count): return .limit(transform(input), count)
        case .distinct(let input, let columns): return .distinct(transform(input), columns)
        }
    }

    /// The operations this one reads from (left before right for a join).
    var inputs: [LogicalPlan] {
        switch self {
        case .scan: return []
        case .filter(let input, _), .derive(let input, _), .project(let input, _), .aggregate(let input, _, _),
            .sort(let input, _), .topK(let input, _, _), .limit(let input, _), .distinct(let input, _):
            return [input]
        case .join(let left, let right, _): return [left, right]
        }
    }

    /// Output column names.
    var columnNames: [String] {
        switch self {
        case .scan(let scan): return scan.columns ?? scan.schema.names
        case .filter(let input, _), .sort(let input, _), .topK(let input, _, _), .limit(let input, _),
            .distinct(let input, _):
            return input.columnNames
        case .derive(let input, let assignments):
            var names = input.columnNames
            for assignment in assignments where !names.contains(assignment.name) { names.append(assignment.name) }
            return names
        case .project(_, let outputs): return outputs.map(\.name)
        case .aggregate(_, let keys, let aggregates): return keys.map(\.name) + aggregates.map(\.name)
        case .join(_, _, let join):
            return join.leftColumns + (join.kind == .inner || join.kind == .left ? join.rightNames : [])
        }
    }
}
