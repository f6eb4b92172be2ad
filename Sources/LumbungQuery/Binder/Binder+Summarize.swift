import LumbungCore
import LumbungEngine

extension Binder {
    /// `summarize NAME = AGG, … by KEY, …`: an aggregation whose outputs are the keys, then
    /// the aggregates. Aggregates combined arithmetically (`sum(a) / sum(b)`) become hidden
    /// aggregate columns and a projection that computes each output from them.
    mutating func bindSummarize(_ step: SummarizeStep, input: LogicalPlan, scope: inout Scope) -> LogicalPlan {
        var keys: [NamedExpr] = []
        var keyTypes: [String: DataType] = [:]
        var columns: [ScopeColumn] = []
        for item in step.keys {
            let value = lower(item.value, in: scope, context: .plain("summarize … by"))
            let name = item.outputName ?? text(item.value.range)
            if columns.contains(where: { $0.name == name }) {
                error(.duplicateColumn, Messages.duplicateColumn(name), item.alias?.range ?? item.range)
                continue
            }
            let type = settle(value, name: name)
            keys.append(NamedExpr(name, value.expr))
            keyTypes[name] = type
            columns.append(ScopeColumn(name: name, physical: name, type: type, tables: []))
        }
        let collector = AggregateCollector(keys: keyTypes)
        var outputs: [NamedExpr] = []
        var simple = true
        for assignment in step.aggregates {
            let name = assignment.name.text
            if columns.contains(where: { $0.name == name }) {
                error(.duplicateColumn, Messages.duplicateColumn(name), assignment.name.range)
                continue
            }
            let before = collector.aggregates.count
            let value = lower(assignment.value, in: scope, context: .summarize(collector))
            let type = settle(value, name: name)
            if case .column(let hidden) = value.expr, collector.aggregates.count == before + 1,
               collector.aggregates[before].name == hidden {
                // The whole expression is one aggregate: name it directly.
                collector.aggregates[before].name = name
                outputs.append(.column(name))
            } else {
                simple = false
                outputs.append(NamedExpr(name, value.expr))
            }
            columns.append(ScopeColumn(name: name, physical: name, type: type, tables: []))
        }
        scope = Scope(columns: columns)
        var plan = LogicalPlan.aggregate(input, keys: keys, aggregates: collector.aggregates)
        if !simple {
            plan = .project(plan, keys.map { .column($0.name) } + outputs)
        }
        return plan
    }

    /// `join [kind] NAME on KEY, …`
    mutating func bindJoin(_ step: JoinStep, input: LogicalPlan, scope: inout Scope) throws -> LogicalPlan {
        let table = step.table.text
        guard let location = catalog.location(of: table) else {
            diagnostics.append(Diagnostic.unknownName(.table, table, range: step.table.range, candidates: catalog.names))
            return input
        }
        let rightSchema = try catalog.schema(of: location, name: table)
        let right = Scope(columns: rightSchema.fields.map {
            ScopeColumn(name: $0.name, physical: $0.name, type: $0.type, tables: [table])
        })
        var leftKeys: [String] = []
        var rightKeys: [String] = []
        var sharedKeys: [String: String] = [:]  // left physical → right name, for keys named alike
        var failed = false
        for key in step.keys {
            var leftRef = key.left
            var rightRef = key.right ?? key.left
            // `pegawai.nip == kinerja.nip`: the sides may be written either way round.
            if key.right != nil, leftRef.qualifier?.text == table, rightRef.qualifier?.text != table {
                swap(&leftRef, &rightRef)
            }
            var rightLookup = rightRef
            if rightLookup.qualifier?.text == table { rightLookup.qualifier = nil }
            let leftColumn = resolve(key.right == nil ? ColumnRef(name: leftRef.name, range: leftRef.range) : leftRef,
                                     in: scope)
            let rightColumn = resolve(rightLookup, in: right)
            guard let leftColumn, let rightColumn else {
                failed = true
                continue
            }
            let compatible = leftColumn.type == rightColumn.type
                || (leftColumn.type.isNumeric && rightColumn.type.isNumeric)
            if !poisoned.contains(leftColumn.physical), !compatible {
                error(.typeMismatch,
                      Messages.joinKeyTypes(text(leftRef.range), leftColumn.type, "\(table).\(rightColumn.name)",
                                            rightColumn.type),
                      key.range, helps: [Messages.helpConvert])
                failed = true
                continue
            }
            leftKeys.append(leftColumn.physical)
            rightKeys.append(rightColumn.physical)
            if leftColumn.name == rightColumn.name { sharedKeys[leftColumn.physical] = rightColumn.name }
        }
        if failed || leftKeys.isEmpty { return input }

        let kind: JoinKind
        switch step.kind {
        case .inner: kind = .inner
        case .left: kind = .left
        case .semi: kind = .semi
        case .anti: kind = .anti
        }
        var columns = scope.columns
        // Keys named alike on both sides are one column, qualified by either table.
        for index in columns.indices where sharedKeys[columns[index].physical] != nil {
            columns[index].tables.append(table)
        }
        var rightColumns: [String] = []
        var rightNames: [String] = []
        if kind == .inner || kind == .left {
            let leftPhysical = Set(columns.map(\.physical))
            for column in right.columns where !rightKeys.contains(column.physical) {
                var physical = column.name
                if columns.contains(where: { $0.name == column.name }) || leftPhysical.contains(physical) {
                    physical = "\(table).\(column.name)"
                    var suffix = 2
                    while leftPhysical.contains(physical) || rightNames.contains(physical) {
                        physical = "\(table).\(column.name)_\(suffix)"
                        suffix += 1
                    }
                }
                rightColumns.append(column.physical)
                rightNames.append(physical)
                columns.append(ScopeColumn(name: column.name, physical: physical, type: column.type, tables: [table]))
            }
        }
        let node = JoinNode(
            kind: kind, table: table, leftKeys: leftKeys, rightKeys: rightKeys, leftColumns: scope.columns.map(\.physical),
            rightColumns: rightColumns, rightNames: rightNames, tag: stepNumber, range: step.range)
        scope = Scope(columns: columns)
        let scan = ScanNode(name: table, location: location, schema: rightSchema, columns: nil, filters: [])
        return .join(input, .scan(scan), node)
    }
}
