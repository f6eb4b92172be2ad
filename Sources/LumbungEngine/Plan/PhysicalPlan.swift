import Dispatch
import LumbungCore

/// A tree of physical operators, executed bottom-up, each operator materializing its output.
///
/// This is what the LQ planner produces: `where` → `.filter`, `derive` → `.derive`, `select` →
/// `.project`, `summarize` → `.aggregate`, `join` → `.join`, `sort` → `.sort`, `sort` + `take` →
/// `.topK`, `take` → `.limit`, `distinct` → `.distinct`. Executing it accounts memory in the
/// context: the scanned tables, every operator's output while its parent runs, and operators'
/// scratch space; `context.peakMemoryBytes` is the query's peak afterwards.
public indirect enum PhysicalPlan: Sendable, CustomStringConvertible {
    /// A table already in memory.
    case scan(Table, name: String)
    case filter(PhysicalPlan, FilterOperator)
    case project(PhysicalPlan, ProjectOperator)
    case derive(PhysicalPlan, DeriveOperator)
    case aggregate(PhysicalPlan, HashAggregateOperator)
    case join(left: PhysicalPlan, right: PhysicalPlan, HashJoinOperator)
    case sort(PhysicalPlan, SortOperator)
    case topK(PhysicalPlan, TopKOperator)
    case distinct(PhysicalPlan, DistinctOperator)
    case limit(PhysicalPlan, LimitOperator)
    case append([PhysicalPlan])

    /// Runs the plan.
    /// - Throws: `EngineError` (overflow, memory budget, types) from any operator.
    public func execute(context: ExecutionContext) throws -> Table {
        let (table, held) = try run(context)
        context.memory.release(held)
        return table
    }

    /// Runs the plan; returns the table and the bytes still reserved for it.
    private func run(_ context: ExecutionContext) throws -> (Table, Int) {
        let start = DispatchTime.now().uptimeNanoseconds
        func finish(_ inputsHeld: Int, _ body: () throws -> Table) throws -> (Table, Int) {
            let before = context.memory.currentBytes
            let table = try body()
            let held = max(0, context.memory.currentBytes - before)
            context.memory.release(inputsHeld)
            context.record(
                OperatorProfile(
                    name: label, rows: table.rowCount,
                    seconds: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9))
            return (table, held)
        }
        switch self {
        case .scan(let table, _):
            let bytes = table.estimatedByteSize
            try context.memory.reserve(bytes, for: "input table \(label)")
            context.record(OperatorProfile(name: label, rows: table.rowCount, seconds: 0))
            return (table, bytes)
        case .filter(let input, let op):
            let (table, held) = try input.run(context)
            return try finish(held) { try op.execute(table, context: context) }
        case .project(let input, let op):
            let (table, held) = try input.run(context)
            return try finish(held) { try op.execute(table, context: context) }
        case .derive(let input, let op):
            let (table, held) = try input.run(context)
            return try finish(held) { try op.execute(table, context: context) }
        case .aggregate(let input, let op):
            let (table, held) = try input.run(context)
            return try finish(held) { try op.execute(table, context: context) }
        case .sort(let input, let op):
            let (table, held) = try input.run(context)
            return try finish(held) { try op.execute(table, context: context) }
        case .topK(let input, let op):
            let (table, held) = try input.run(context)
            return try finish(held) { try op.execute(table, context: context) }
        case .distinct(let input, let op):
            let (table, held) = try input.run(context)
            return try finish(held) { try op.execute(table, context: context) }
        case .limit(let input, let op):
            let (table, held) = try input.run(context)
            return try finish(held) { try op.execute(table, context: context) }
        case .join(let left, let right, let op):
            let (leftTable, leftHeld) = try left.run(context)
            let (rightTable, rightHeld) = try right.run(context)
            return try finish(leftHeld + rightHeld) {
                try op.execute(left: leftTable, right: rightTable, context: context)
            }
        case .append(let inputs):
            var tables: [Table] = []
            var held = 0
            for input in inputs {
                let (table, bytes) = try input.run(context)
                tables.append(table)
                held += bytes
            }
            // Appending shares chunks: the inputs' bytes stay held by the output.
            let table = try AppendOperator().execute(tables, context: context)
            context.record(OperatorProfile(name: label, rows: table.rowCount, seconds: 0))
            return (table, held)
        }
    }

    /// One line naming the operator.
    public var label: String {
        switch self {
        case .scan(let table, let name): return "Scan(\(name): \(table.rowCount) rows)"
        case .filter(_, let op): return op.description
        case .project(_, let op): return op.description
        case .derive(_, let op): return op.description
        case .aggregate(_, let op): return op.description
        case .join(_, _, let op): return op.description
        case .sort(_, let op): return op.description
        case .topK(_, let op): return op.description
        case .distinct(_, let op): return op.description
        case .limit(_, let op): return op.description
        case .append: return "Append"
        }
    }

    var children: [PhysicalPlan] {
        switch self {
        case .scan: return []
        case .filter(let input, _), .project(let input, _), .derive(let input, _), .aggregate(let input, _),
            .sort(let input, _), .topK(let input, _), .distinct(let input, _), .limit(let input, _):
            return [input]
        case .join(let left, let right, _): return [left, right]
        case .append(let inputs): return inputs
        }
    }

    /// The plan as an indented tree, root first (for `--explain`).
    public var description: String {
        var lines: [String] = []
        func visit(_ plan: PhysicalPlan, _ depth: Int) {
            lines.append(String(repeating: "  ", count: depth) + plan.label)
            for child in plan.children { visit(child, depth + 1) }
        }
        visit(self, 0)
        return lines.joined(separator: "\n")
    }
}

/// What one operator of a plan did: its output rows and wall time (children included).
public struct OperatorProfile: Sendable, Hashable {
    public var name: String
    public var rows: Int
    public var seconds: Double
}
