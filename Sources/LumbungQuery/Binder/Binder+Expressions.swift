import LumbungCore
import LumbungEngine

/// Where an expression is bound: aggregates are allowed only in `summarize`, and not inside one another.
enum ExpressionContext {
    /// A step where aggregates are not allowed (the step's name, for the message).
    case plain(String)
    /// An aggregate expression of `summarize`: bare columns must be keys.
    case summarize(AggregateCollector)
    /// The argument of an aggregate.
    case insideAggregate
}

/// Collects the aggregates of one `summarize` as hidden columns of the aggregation.
final class AggregateCollector {
    /// Keys by output name, with their types.
    let keys: [String: DataType]
    var aggregates: [AggregateExpr] = []

    init(keys: [String: DataType]) { self.keys = keys }
}

/// The functions of LQ, for suggestions.
enum FunctionCatalogue {
    static let aggregates = [
        "count", "count_distinct", "count_if", "share", "sum", "avg", "min", "max", "median", "quantile", "stddev",
    ]
    static let special = ["if", "coalesce"]
    static var all: [String] { ScalarFunction.allCases.map(\.rawValue) + special + aggregates }
}

extension Binder {
    mutating func lower(_ expr: Expr, in scope: Scope, context: ExpressionContext) -> Lowered {
        let range = expr.range
        let failed = Lowered(expr: .literal(.null), type: .error, range: range)
        switch expr.kind {
        case .literal(let literal):
            return constant(literal, range: range) ?? failed
        case .parameter(let name):
            guard let literal = parameters[name.text] else {
                reportMissingParameter(name.text, range)
                return failed
            }
            return constant(literal, range: range) ?? failed
        case .column(let ref):
            if case .summarize(let collector) = context {
                if ref.qualifier == nil, let type = collector.keys[ref.name.text] {
                    return Lowered(expr: .column(ref.name.text), type: .known(type), range: range)
                }
                if case .found = scope.lookup(ref.name.text, qualifier: ref.qualifier?.text) {
                    error(.notAggregated, Messages.notAggregated(ref.name.text), range,
                          helps: [Messages.helpAggregateOrKey(ref.name.text)])
                    return failed
                }
            }
            guard let column = resolve(ref, in: scope) else { return failed }
            let type: BoundType = poisoned.contains(column.physical) ? .error : .known(column.type)
            return Lowered(expr: .column(column.physical), type: type, range: range)
        case .unary(let op, let operand):
            let inner = lower(operand, in: scope, context: context)
            switch op {
            case .not:
                let type = require(inner, [.bool], what: "'not'", result: .bool)
                return Lowered(expr: .unary(.not, inner.expr), type: type, range: range, hasAggregate: inner.hasAggregate)
            case .negate:
                // `-null` is an integer null, as the engine types it.
                let type = inner.type == .null ? .known(.int64) : require(inner, [.int64, .float64], what: "'-'", result: nil)
                let negated = EngineExpr.unary(.negate, inner.expr)
                overflowSites.record(negated, range: range, text: text(range))
                return Lowered(expr: negated, type: type, range: range, hasAggregate: inner.hasAggregate)
            }
        case .binary(let op, let lhs, let rhs):
            let left = lower(lhs, in: scope, context: context)
            let right = lower(rhs, in: scope, context: context)
            return binary(op, left, right, range: range)
        case .inList(let value, let items, let negated):
            let operand = lower(value, in: scope, context: context)
            let lowered = items.map { lower($0, in: scope, context: context) }
            var common = operand.type
            for item in lowered {
                common = unify(common, item.type, what: "'in'", at: item.range, lhs: operand, rhs: item)
            }
            var result: EngineExpr
            let constants = lowered.compactMap { item -> Value? in
                if case .literal(let value) = item.expr { return value } else { return nil }
            }
            if constants.count == lowered.count {
                result = .inList(operand.expr, constants)
            } else {
                result = lowered.map { EngineExpr.binary(.equal, operand.expr, $0.expr) }
                    .reduce(EngineExpr.literal(.bool(false))) { .binary(.or, $0, $1) }
            }
            if negated { result = .unary(.not, result) }
            let type: BoundType = common == .error ? .error : .known(.bool)
            return Lowered(expr: result, type: type, range: range,
                           hasAggregate: operand.hasAggregate || lowered.contains { $0.hasAggregate })
        case .inPeriod(let value, let periodExpr, let negated):
            let operand = lower(value, in: scope, context: context)
            if let type = operand.type.dataType, type != .date, type != .timestamp {
                error(.typeMismatch, Messages.noPeriod(text(value.range)), value.range)
                return failed
            }
            var literal: Literal?
            switch periodExpr.kind {
            case .literal(let value): literal = value
            case .parameter(let name):
                literal = parameters[name.text]
                if literal == nil {
                    reportMissingParameter(name.text, periodExpr.range)
                    return failed
                }
            default: break
            }
            let bounds: (Int32, Int32)
            switch literal {
            case .period(let period): bounds = (period.firstDay, period.endDay)
            case .date(let day): bounds = (day, day + 1)
            case .integer(let year) where (1...9999).contains(year):
                let period = Period(year: Int(year), unit: .year)
                bounds = (period.firstDay, period.endDay)
            default:
                error(.typeMismatch, Messages.periodOnlyWithIn, periodExpr.range, helps: [Messages.helpDateForms])
                return failed
            }
            var result = EngineExpr.binary(
                .and, .binary(.greaterOrEqual, operand.expr, .literal(.date(bounds.0))),
                .binary(.less, operand.expr, .literal(.date(bounds.1))))
            if negated { result = .unary(.not, result) }
            return Lowered(expr: result, type: operand.type == .error ? .error : .known(.bool), range: range,
                           hasAggregate: operand.hasAggregate)
        case .isNull(let operand, let negated):
            let inner = lower(operand, in: scope, context: context)
            return Lowered(expr: .isNull(inner.expr, negated: negated), type: .known(.bool), range: range,
                           hasAggregate: inner.hasAggregate)
        case .call(let name, let arguments):
            return call(name, arguments, in: scope, context: context, range: range)
        }
    }

    /// A literal as an engine constant; nil (reported) for a period outside `in`.
    mutating func constant(_ literal: Literal, range: SourceRange) -> Lowered? {
        guard let value = literal.value else {
            error(.typeMismatch, Messages.periodOnlyWithIn, range)
            return nil
        }
        return Lowered(expr: .literal(value), type: value.dataType.map { .known($0) } ?? .null, range: range)
    }

    /// Checks that `operand` is one of `allowed`; the result type is `result`, or the operand's own type.
    mutating func require(_ operand: Lowered, _ allowed: [DataType], what: String, result: DataType?) -> BoundType {
        switch operand.type {
        case .error: return .error
        case .null: return result.map { .known($0) } ?? .null
        case .known(let type):
            guard allowed.contains(type) else {
                error(.typeMismatch,
                      Messages.operandType(what, needs: Messages.kindName(allowed), operand: text(operand.range), is: type),
                      operand.range)
                return .error
            }
            return .known(result ?? type)
        }
    }

    /// The common type of two operands (int/float → float, date/timestamp → timestamp), or an error.
    mutating func unify(_ a: BoundType, _ b: BoundType, what: String, at range: SourceRange, lhs: Lowered, rhs: Lowered)
        -> BoundType
    {
        switch (a, b) {
        case (.error, _), (_, .error): return .error
        case (.null, let other), (let other, .null): return other
        case (.known(let x), .known(let y)):
            if let common = Self.widened(x, y) { return .known(common) }
            let comparison = ["'=='", "'!='", "'<'", "'<='", "'>'", "'>='", "'in'"].contains(what)
            let message = comparison
                ? Messages.operandTypes(("compare", "membandingkan"), text(lhs.range), x, text(rhs.range), y)
                : Messages.mixedTypes(what, x, y) + Messages.operands(text(lhs.range), text(rhs.range))
            error(.typeMismatch, message, range, helps: [Messages.helpConvert])
            return .error
        }
    }

    static func widened(_ a: DataType, _ b: DataType) -> DataType? {
        if a == b { return a }
        switch (a, b) {
        case (.int64, .float64), (.float64, .int64): return .float64
        case (.date, .timestamp), (.timestamp, .date): return .timestamp
        default: return nil
        }
    }

    // MARK: - Operators

    private mutating func binary(_ op: BinaryOperator, _ lhs: Lowered, _ rhs: Lowered, range: SourceRange) -> Lowered {
        let aggregate = lhs.hasAggregate || rhs.hasAggregate
        func make(_ engineOp: LumbungEngine.BinaryOperator, _ type: BoundType) -> Lowered {
            Lowered(expr: .binary(engineOp, lhs.expr, rhs.expr), type: type, range: range, hasAggregate: aggregate)
        }
        let l = lhs.type
        let r = rhs.type
        switch op {
        case .and, .or:
            let a = require(lhs, [.bool], what: "'\(op.rawValue)'", result: .bool)
            let b = require(rhs, [.bool], what: "'\(op.rawValue)'", result: .bool)
            return make(op == .and ? .and : .or, a == .error || b == .error ? .error : .known(.bool))
        case .coalesce:
            let type = unify(l, r, what: "'??'", at: range, lhs: lhs, rhs: rhs)
            return Lowered(expr: .coalesce([lhs.expr, rhs.expr]), type: type, range: range, hasAggregate: aggregate)
        case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual:
            let type = unify(l, r, what: "'\(op.rawValue)'", at: range, lhs: lhs, rhs: rhs)
            let engineOp: LumbungEngine.BinaryOperator
            switch op {
            case .equal: engineOp = .equal
            case .notEqual: engineOp = .notEqual
            case .less: engineOp = .less
            case .lessEqual: engineOp = .lessOrEqual
            case .greater: engineOp = .greater
            default: engineOp = .greaterOrEqual
            }
            return make(engineOp, type == .error ? .error : .known(.bool))
        case .add, .subtract, .multiply, .divide, .remainder:
            let engineOp: LumbungEngine.BinaryOperator
            let verb: (String, String)
            switch op {
            case .add: engineOp = .add; verb = ("add", "menjumlahkan")
            case .subtract: engineOp = .subtract; verb = ("subtract", "mengurangkan")
            case .multiply: engineOp = .multiply; verb = ("multiply", "mengalikan")
            case .divide: engineOp = .divide; verb = ("divide", "membagi")
            default: engineOp = .modulo; verb = ("take the remainder of", "mengambil sisa bagi")
            }
            if l == .error || r == .error { return make(engineOp, .error) }
            // An untyped null takes the type that makes the operation valid.
            let x = l.dataType ?? (r.dataType == .date ? .int64 : r.dataType ?? .int64)
            let y = r.dataType ?? (x == .date && op == .subtract ? .int64 : (x == .date ? .int64 : x))
            var result: DataType?
            switch op {
            case .add, .subtract, .multiply:
                if x == .int64, y == .int64 { result = .int64 }
                else if x.isNumeric, y.isNumeric { result = .float64 }
                else if op == .add, (x == .date && y == .int64) || (x == .int64 && y == .date) { result = .date }
                else if op == .subtract, x == .date, y == .int64 { result = .date }
                else if op == .subtract, x == .date, y == .date { result = .int64 }
            case .divide:
                if x.isNumeric, y.isNumeric { result = .float64 }
            default:
                if x == .int64, y == .int64 { result = .int64 }
            }
            guard let result else {
                var helps: [Message] = []
                if op == .add, x == .string || y == .string { helps.append(Messages.helpConcat) }
                if op == .remainder { helps.append(Messages.helpRemainder) }
                if op == .subtract, [DataType.date, .timestamp].contains(x), [DataType.date, .timestamp].contains(y) {
                    helps.append(Messages.helpDaysBetween(text(lhs.range), text(rhs.range)))
                }
                error(.typeMismatch, Messages.operandTypes(verb, text(lhs.range), x, text(rhs.range), y), range, helps: helps)
                return make(engineOp, .error)
            }
            let lowered = make(engineOp, .known(result))
            overflowSites.record(lowered.expr, range: range, text: text(range))
            return lowered
        }
    }

    // MARK: - Calls

    private mutating func call(_ name: Name, _ arguments: [Expr], in scope: Scope, context: ExpressionContext,
                               range: SourceRange) -> Lowered {
        let failed = Lowered(expr: .literal(.null), type: .error, range: range)
        let function = name.text.lowercased()
        if FunctionCatalogue.aggregates.contains(function) {
            switch context {
            case .plain(let step):
                error(.aggregateOutsideSummarize, Messages.aggregateOutsideSummarize(function, step: step), range,
                      helps: [Messages.helpAggregateFirst])
                return failed
            case .insideAggregate:
                error(.nestedAggregate, Messages.nestedAggregate(function), range)
                return failed
            case .summarize(let collector):
                return aggregate(function, arguments, in: scope, collector: collector, range: range)
            }
        }
        if !FunctionCatalogue.special.contains(function), ScalarFunction.named(function) == nil {
            diagnostics.append(Diagnostic.unknownName(.function, name.text, range: name.range,
                                                      candidates: FunctionCatalogue.all))
            // Still check the arguments' names, but a bare column is no mistake of its own here.
            var inner = context
            if case .summarize = context { inner = .insideAggregate }
            for argument in arguments { _ = lower(argument, in: scope, context: inner) }
            return failed
        }
        let lowered = arguments.map { lower($0, in: scope, context: context) }
        let hasAggregate = lowered.contains { $0.hasAggregate }
        func make(_ expr: EngineExpr, _ type: BoundType) -> Lowered {
            Lowered(expr: expr, type: lowered.contains { $0.type == .error } ? .error : type, range: range,
                    hasAggregate: hasAggregate)
        }
        switch function {
        case "if":
            guard checkArity("if", 3...3, lowered.count, range) else { return failed }
            _ = require(lowered[0], [.bool], what: "if()", result: .bool)
            let type = unify(lowered[1].type, lowered[2].type, what: "if()", at: range, lhs: lowered[1], rhs: lowered[2])
            return make(.ifThenElse(lowered[0].expr, lowered[1].expr, lowered[2].expr), type)
        case "coalesce":
            guard checkArity("coalesce", 1...Int.max, lowered.count, range) else { return failed }
            var type = lowered[0].type
            for item in lowered.dropFirst() {
                type = unify(type, item.type, what: "coalesce()", at: item.range, lhs: lowered[0], rhs: item)
            }
            return make(.coalesce(lowered.map(\.expr)), type)
        default:
            break
        }
        guard let scalar = ScalarFunction.named(function) else {
            diagnostics.append(Diagnostic.unknownName(.function, name.text, range: name.range,
                                                      candidates: FunctionCatalogue.all))
            return failed
        }
        guard checkArity(scalar.rawValue, scalar.arity, lowered.count, range) else { return failed }
        func argument(_ index: Int, _ allowed: [DataType]) -> BoundType {
            let operand = lowered[index]
            guard let type = operand.type.dataType else { return operand.type }
            guard allowed.contains(type) else {
                error(.typeMismatch,
                      Messages.argumentType(scalar.rawValue, needs: Messages.kindName(allowed),
                                            operand: text(operand.range), is: type),
                      operand.range)
                return .error
            }
            return operand.type
        }
        let expr = EngineExpr.call(scalar, lowered.map(\.expr))
        overflowSites.record(expr, range: range, text: text(range))
        let strings: [DataType] = [.string]
        let numbers: [DataType] = [.int64, .float64]
        let dates: [DataType] = [.date, .timestamp]
        var types: [BoundType] = []
        switch scalar {
        case .lower, .upper, .trim:
            types = [argument(0, strings)]
            return make(expr, types.contains(.error) ? .error : .known(.string))
        case .length:
            types = [argument(0, strings)]
            return make(expr, types.contains(.error) ? .error : .known(.int64))
        case .contains, .startsWith, .endsWith:
            types = [argument(0, strings), argument(1, strings)]
            return make(expr, types.contains(.error) ? .error : .known(.bool))
        case .replace:
            types = (0..<3).map { argument($0, strings) }
            return make(expr, types.contains(.error) ? .error : .known(.string))
        case .substr:
            types = [argument(0, strings)] + (1..<lowered.count).map { argument($0, [.int64]) }
            return make(expr, types.contains(.error) ? .error : .known(.string))
        case .concat:
            return make(expr, .known(.string))
        case .abs, .floor, .ceil:
            let type = argument(0, numbers)
            return make(expr, type == .null ? .known(.float64) : type)
        case .round:
            let type = argument(0, numbers)
            if lowered.count == 2, argument(1, [.int64]) == .error { return make(expr, .error) }
            return make(expr, type == .null ? .known(.float64) : type)
        case .year, .month, .day, .quarter:
            let type = argument(0, dates)
            return make(expr, type == .error ? .error : .known(.int64))
        case .daysBetween, .ageYears:
            types = [argument(0, dates), argument(1, dates)]
            return make(expr, types.contains(.error) ? .error : .known(.int64))
        case .int:
            let type = argument(0, [.int64, .float64, .string, .bool])
            return make(expr, type == .error ? .error : .known(.int64))
        case .float:
            let type = argument(0, [.int64, .float64, .string, .bool])
            return make(expr, type == .error ? .error : .known(.float64))
        case .string:
            return make(expr, .known(.string))
        case .date:
            let type = argument(0, [.string, .date, .timestamp])
            return make(expr, type == .error ? .error : .known(.date))
        }
    }

    /// Reports a wrong number of arguments; true when the count is allowed.
    mutating func checkArity(_ function: String, _ arity: ClosedRange<Int>, _ count: Int, _ range: SourceRange) -> Bool {
        if arity.contains(count) { return true }
        func plural(_ n: Int) -> String { n == 1 ? "1 argument" : "\(n) arguments" }
        let english: String
        let indonesian: String
        if arity.upperBound == Int.max {
            english = "at least \(plural(arity.lowerBound))"
            indonesian = "paling sedikit \(arity.lowerBound) argumen"
        } else if arity.lowerBound == arity.upperBound {
            english = plural(arity.lowerBound)
            indonesian = "\(arity.lowerBound) argumen"
        } else {
            english = "\(arity.lowerBound) or \(plural(arity.upperBound))"
            indonesian = "\(arity.lowerBound) atau \(arity.upperBound) argumen"
        }
        error(.wrongArgumentCount,
              Messages.argumentCount(function, expected: english, expectedID: indonesian, got: count), range)
        return false
    }

    // MARK: - Aggregates

    private mutating func aggregate(_ function: String, _ arguments: [Expr], in scope: Scope,
                                    collector: AggregateCollector, range: SourceRange) -> Lowered {
        let failed = Lowered(expr: .literal(.null), type: .error, range: range)
        let arity: ClosedRange<Int>
        switch function {
        case "count": arity = 0...1
        case "quantile": arity = 2...2
        default: arity = 1...1
        }
        guard checkArity(function, arity, arguments.count, range) else { return failed }
        let argument = arguments.first.map { lower($0, in: scope, context: .insideAggregate) }
        var aggregateFunction: AggregateFunction
        var resultType: DataType
        func need(_ allowed: [DataType]) -> Bool {
            guard let argument, let type = argument.type.dataType else { return argument?.type != .error }
            guard allowed.contains(type) else {
                error(.typeMismatch,
                      Messages.argumentType(function, needs: Messages.kindName(allowed), operand: text(argument.range),
                                            is: type),
                      argument.range)
                return false
            }
            return true
        }
        let argumentType = argument?.type.dataType
        switch function {
        case "count":
            aggregateFunction = argument == nil ? .count : .countNonNull
            resultType = .int64
        case "count_distinct":
            aggregateFunction = .countDistinct
            resultType = .int64
        case "count_if", "share":
            guard need([.bool]) else { return failed }
            aggregateFunction = function == "share" ? .share : .countIf
            resultType = function == "share" ? .float64 : .int64
        case "sum":
            if argumentType == .bool, let argument {
                error(.typeMismatch,
                      Messages.argumentType(function, needs: Messages.kindName([.int64, .float64]),
                                            operand: text(argument.range), is: .bool),
                      argument.range, helps: [Messages.helpCountIf(text(argument.range))])
                return failed
            }
            guard need([.int64, .float64]) else { return failed }
            aggregateFunction = .sum
            resultType = argumentType ?? .int64
        case "avg", "stddev":
            guard need([.int64, .float64]) else { return failed }
            aggregateFunction = function == "avg" ? .avg : .stddev
            resultType = .float64
        case "min", "max":
            aggregateFunction = function == "min" ? .min : .max
            resultType = argumentType ?? .int64
        default:  // median, quantile
            guard need([.int64, .float64, .date, .timestamp]) else { return failed }
            var fraction = 0.5
            if function == "quantile" {
                var literal: Literal?
                switch arguments[1].kind {
                case .literal(let value): literal = value
                case .parameter(let name): literal = parameters[name.text]
                default: break
                }
                switch literal {
                case .integer(let value) where (0...1).contains(value): fraction = Double(value)
                case .decimal(let value, _) where (0...1).contains(value): fraction = value
                default:
                    error(.invalidArgument, Messages.quantileNeedsFraction, arguments[1].range)
                    return failed
                }
                aggregateFunction = .quantile(fraction)
            } else {
                aggregateFunction = .median
            }
            resultType = argumentType == .date || argumentType == .timestamp ? .timestamp : .float64
        }
        if argument?.type == .error { return failed }
        let hidden = "__agg\(collector.aggregates.count)"
        let input = argument?.expr
        overflowSites.record(aggregateFunction, argument: input, range: range, text: text(range))
        collector.aggregates.append(AggregateExpr(hidden, aggregateFunction, aggregateFunction == .count ? nil : input))
        return Lowered(expr: .column(hidden), type: .known(resultType), range: range, hasAggregate: true)
    }
}
