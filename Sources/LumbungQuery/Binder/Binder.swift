import LumbungCore
import LumbungEngine

typealias EngineExpr = LumbungEngine.Expr

/// The type of a bound expression: known, an untyped `null` (fits anything), or unknown because
/// of an error already reported (so one mistake does not cascade into more messages).
enum BoundType: Sendable, Hashable {
    case known(DataType)
    case null
    case error

    var dataType: DataType? { if case .known(let type) = self { return type } else { return nil } }
}

/// An expression lowered to the engine's form, with its type and its text in the query.
struct Lowered {
    var expr: EngineExpr
    var type: BoundType
    var range: SourceRange
    /// Whether it contains an aggregate (in `summarize`).
    var hasAggregate = false
}

/// Checks a parsed query against the sources' schemas — every name resolved, every type checked —
/// and lowers it to a `LogicalPlan` over engine expressions. Reports every independent error it
/// finds; a step with an error still passes on its columns, so later steps are checked too.
struct Binder {
    let catalog: Catalog
    let source: [UInt8]
    var parameters: [String: Literal]
    /// Parameters whose value was already reported as invalid: their uses are not reported again.
    var failedParameters = Set<String>()
    var diagnostics: [Diagnostic] = []
    /// The operations that can overflow while the query runs, with their places.
    var overflowSites = OverflowSites()
    /// Physical names of columns whose type is unknown because of an earlier error.
    var poisoned = Set<String>()
    var stepNumber = 0
    /// Tables used by the query, by name (for the runner's read list and `--explain`).
    var hiddenCounter = 0

    init(catalog: Catalog, source: String, parameters: [String: Literal]) {
        self.catalog = catalog
        self.source = Array(source.utf8)
        self.parameters = parameters
    }

    /// The query's text at `range`.
    func text(_ range: SourceRange) -> String {
        let start = max(0, min(range.start.offset, source.count))
        let end = max(start, min(range.end.offset, source.count))
        return String(decoding: source[start..<end], as: UTF8.self)
    }

    mutating func error(_ id: DiagnosticID, _ message: Message, _ range: SourceRange?, helps: [Message] = [],
                        notes: [Diagnostic.Note] = [], fixIts: [FixIt] = []) {
        diagnostics.append(Diagnostic(id, message, range: range, notes: notes,
                                      helps: helps.map { Diagnostic.Note($0) }, fixIts: fixIts))
    }

    var hasErrors: Bool { diagnostics.contains { $0.isError } }

    /// Reports `$name` without a value (unless its value was already reported as invalid).
    mutating func reportMissingParameter(_ name: String, _ range: SourceRange) {
        guard !failedParameters.contains(name) else { return }
        error(.missingParameter, Messages.missingParameter(name), range, helps: [Messages.helpGiveParameter(name)])
    }

    // MARK: - Steps

    /// Binds the steps; `nil` when an error leaves no plan.
    mutating func bind(_ query: Query) throws -> (LogicalPlan, Scope)? {
        var plan: LogicalPlan?
        var scope = Scope(columns: [])
        for (index, step) in query.steps.enumerated() {
            stepNumber = index
            if index == 0 {
                guard case .from(let from) = step else { return nil }  // the parser reported it
                guard let (scan, scanScope) = try bindSource(from) else { return nil }
                plan = .scan(scan)
                scope = scanScope
                continue
            }
            guard let input = plan else { return nil }
            plan = try bindStep(step, input: input, scope: &scope)
        }
        guard let plan else { return nil }
        return (plan, scope)
    }

    private mutating func bindStep(_ step: Step, input: LogicalPlan, scope: inout Scope) throws -> LogicalPlan {
        switch step {
        case .from(let from):
            error(.unexpectedToken, Messages.fromNotFirst, from.range)
            return input
        case .where(let step):
            let condition = lower(step.condition, in: scope, context: .plain("where"))
            if let type = condition.type.dataType, type != .bool {
                error(.typeMismatch,
                      Messages.operandType("'where'", needs: Messages.typeName(.bool), operand: text(step.condition.range), is: type),
                      step.condition.range)
            }
            let names = columnNames(step.condition, in: scope)
            return .filter(input, FilterNode(predicate: condition.expr, tag: stepNumber, range: step.range, columnNames: names))
        case .derive(let step):
            var plan = input
            for assignment in step.assignments {
                let value = lower(assignment.value, in: scope, context: .plain("derive"))
                let name = assignment.name.text
                var physical = name
                switch scope.lookup(name, qualifier: nil) {
                case .found(let existing):
                    physical = existing.physical
                    scope.columns.removeAll { $0.physical == existing.physical }
                    poisoned.remove(existing.physical)
                case .ambiguous(let columns):
                    reportAmbiguous(name, columns, assignment.name.range)
                    continue
                default:
                    break
                }
                plan = .derive(plan, [NamedExpr(physical, value.expr)])
                scope.columns.append(ScopeColumn(name: name, physical: physical, type: settle(value, name: physical),
                                                 tables: []))
            }
            return plan
        case .select(let step):
            var outputs: [NamedExpr] = []
            var columns: [ScopeColumn] = []
            for item in step.items {
                let value = lower(item.value, in: scope, context: .plain("select"))
                let name = item.outputName ?? text(item.value.range)
                if columns.contains(where: { $0.name == name }) {
                    error(.duplicateColumn, Messages.duplicateColumn(name), (item.alias?.range ?? item.range),
                          helps: [Messages.helpRename(name, text(item.value.range))])
                    continue
                }
                var tables: [String] = []
                if item.alias == nil, case .column(let ref) = item.value.kind,
                   case .found(let column) = scope.lookup(ref.name.text, qualifier: ref.qualifier?.text) {
                    tables = column.tables
                }
                outputs.append(NamedExpr(name, value.expr))
                columns.append(ScopeColumn(name: name, physical: name, type: settle(value, name: name), tables: tables))
            }
            scope = Scope(columns: columns)
            return .project(input, outputs)
        case .summarize(let step):
            return bindSummarize(step, input: input, scope: &scope)
        case .join(let step):
            return try bindJoin(step, input: input, scope: &scope)
        case .sort(let step):
            var keys: [SortKey] = []
            for key in step.keys {
                if let column = resolve(key.column, in: scope) {
                    keys.append(.column(column.physical, descending: key.descending))
                }
            }
            return .sort(input, keys)
        case .take(let step):
            guard let count = takeCount(step.count) else { return input }
            if case .sort(let sorted, let keys) = input { return .topK(sorted, keys, count) }
            return .limit(input, count)
        case .distinct(let step):
            var names: [String] = []
            for ref in step.columns {
                if let column = resolve(ref, in: scope) { names.append(column.physical) }
            }
            return .distinct(input, names)
        }
    }

    /// The type a new column gets; an unknown type poisons the column's name.
    mutating func settle(_ value: Lowered, name: String) -> DataType {
        switch value.type {
        case .known(let type): return type
        case .null: return .int64  // the engine's type for an untyped null
        case .error:
            poisoned.insert(name)
            return .string
        }
    }

    private mutating func takeCount(_ expr: Expr) -> Int? {
        var literal: Literal?
        switch expr.kind {
        case .literal(let value): literal = value
        case .parameter(let name):
            guard let value = parameters[name.text] else {
                reportMissingParameter(name.text, expr.range)
                return nil
            }
            literal = value
        case .unary(.negate, _):
            literal = .integer(-1)
        default: break
        }
        guard case .integer(let count) = literal, count >= 0 else {
            error(.invalidArgument, Messages.takeNeedsCount, expr.range)
            return nil
        }
        return Int(clamping: count)
    }

    // MARK: - from

    private mutating func bindSource(_ from: FromStep) throws -> (ScanNode, Scope)? {
        let name: String
        let range: SourceRange
        var location: DataSource?
        switch from.source {
        case .name(let written):
            name = written.text
            range = written.range
            location = catalog.location(of: name)
            if location == nil {
                diagnostics.append(Diagnostic.unknownName(.table, name, range: range, candidates: catalog.names))
                return nil
            }
        case .path(let path, let pathRange):
            name = Catalog.tableName(forPath: path)
            range = pathRange
            location = .file(path)
        case .parameter(let parameter):
            range = parameter.range
            guard let value = parameters[parameter.text] else {
                reportMissingParameter(parameter.text, range)
                return nil
            }
            let text: String
            if case .string(let string) = value { text = string } else { text = "\(value)" }
            if let known = catalog.location(of: text) {
                name = text
                location = known
            } else {
                name = Catalog.tableName(forPath: text)
                location = .file(text)
            }
        }
        guard let location else { return nil }
        let schema = try catalog.schema(of: location, name: name)
        let scope = Scope(columns: schema.fields.map {
            ScopeColumn(name: $0.name, physical: $0.name, type: $0.type, tables: [name])
        })
        return (ScanNode(name: name, location: location, schema: schema, columns: nil, filters: []), scope)
    }

    // MARK: - Names

    /// Resolves a column reference, reporting unknown and ambiguous names.
    mutating func resolve(_ ref: ColumnRef, in scope: Scope) -> ScopeColumn? {
        switch scope.lookup(ref.name.text, qualifier: ref.qualifier?.text) {
        case .found(let column): return column
        case .ambiguous(let columns):
            reportAmbiguous(ref.name.text, columns, ref.range)
        case .unknownTable:
            diagnostics.append(Diagnostic.unknownName(.table, ref.qualifier!.text, range: ref.qualifier!.range,
                                                      candidates: scope.tables))
        case .missing:
            let candidates: [String]
            if let qualifier = ref.qualifier?.text {
                candidates = scope.columns.filter { $0.tables.contains(qualifier) }.map(\.name)
            } else {
                candidates = scope.names
            }
            var diagnostic = Diagnostic.unknownName(.column, ref.name.text, range: ref.name.range, candidates: candidates)
            if diagnostic.helps.isEmpty, !candidates.isEmpty {
                diagnostic.notes.append(Diagnostic.Note(Messages.availableColumns(candidates)))
            }
            diagnostics.append(diagnostic)
        }
        return nil
    }

    mutating func reportAmbiguous(_ name: String, _ columns: [ScopeColumn], _ range: SourceRange) {
        let tables = columns.compactMap(\.tables.first)
        let options = columns.map { Scope.qualified($0) }
        error(.ambiguousColumn, Messages.ambiguous(name, tables), range, helps: [Messages.helpQualify(options)])
    }

    /// Names of the columns an expression reads (as analysts wrote them).
    func columnNames(_ expr: Expr, in scope: Scope) -> [String] {
        var names: [String] = []
        func visit(_ expr: Expr) {
            switch expr.kind {
            case .column(let ref):
                let name = ref.qualifier.map { "\($0.text).\(ref.name.text)" } ?? ref.name.text
                if !names.contains(name) { names.append(name) }
            case .literal, .parameter: break
            case .unary(_, let operand), .isNull(let operand, _): visit(operand)
            case .binary(_, let lhs, let rhs), .inPeriod(let lhs, let rhs, _): visit(lhs); visit(rhs)
            case .inList(let value, let items, _): visit(value); items.forEach(visit)
            case .call(_, let arguments): arguments.forEach(visit)
            }
        }
        visit(expr)
        return names
    }
}
