import LumbungCore

/// An `Expr` resolved against a schema: column names are indices, every node has a type, null
/// literals have the type their context needs, and implicit widenings (int → float,
/// date → timestamp) are explicit `cast` nodes, so kernels only ever see matching operand types.
public final class BoundExpr: Sendable, CustomStringConvertible {
    enum Node: Sendable {
        case column(Int)
        /// A constant of `type` (or null).
        case literal(Value)
        case unary(UnaryOperator, BoundExpr)
        case binary(BinaryOperator, BoundExpr, BoundExpr)
        case call(ScalarFunction, [BoundExpr])
        /// Items already converted to the operand's type; null items kept.
        case inList(BoundExpr, [Value])
        case isNull(BoundExpr, negated: Bool)
        case coalesce([BoundExpr])
        case ifThenElse(BoundExpr, BoundExpr, BoundExpr)
        /// A widening conversion inserted by the binder (int64 → float64, date → timestamp).
        case cast(BoundExpr, DataType)
    }

    let node: Node
    /// The type of the values the expression produces.
    public let type: DataType
    /// Input columns read, ascending.
    let columns: [Int]
    /// The source expression, for messages and `description`.
    public let source: Expr

    init(_ node: Node, type: DataType, source: Expr) {
        self.node = node
        self.type = type
        self.source = source
        var set = Set<Int>()
        switch node {
        case .column(let index): set.insert(index)
        case .literal: break
        case .unary(_, let operand), .isNull(let operand, _), .cast(let operand, _), .inList(let operand, _):
            set.formUnion(operand.columns)
        case .binary(_, let lhs, let rhs):
            set.formUnion(lhs.columns)
            set.formUnion(rhs.columns)
        case .call(_, let arguments), .coalesce(let arguments): for argument in arguments { set.formUnion(argument.columns) }
        case .ifThenElse(let condition, let then, let otherwise):
            set.formUnion(condition.columns)
            set.formUnion(then.columns)
            set.formUnion(otherwise.columns)
        }
        columns = set.sorted()
    }

    public var description: String { source.description }

    var isLiteral: Bool { if case .literal = node { return true } else { return false } }

    var literalValue: Value? { if case .literal(let value) = node { return value } else { return nil } }
}

extension Expr {
    /// Resolves column names against `schema` and type-checks the expression.
    /// - Throws: `EngineError` (`unknownColumn`, `typeMismatch`, `invalidArgument`).
    /// - Parameter expected: the type a bare `null` takes (the context's type), `int64` if `nil`.
    public func bind(to schema: Schema, expecting expected: DataType? = nil) throws -> BoundExpr {
        try Binder(schema: schema).bind(self, expecting: expected)
    }

    /// The type of the values the expression produces over `schema`.
    public func resultType(in schema: Schema, expecting expected: DataType? = nil) throws -> DataType {
        try bind(to: schema, expecting: expected).type
    }
}

/// Type-checks expressions. Untyped null literals are bound as `nil`-typed placeholders first and
/// get a type from their context (the other operand, the other branch), else `int64`.
struct Binder {
    let schema: Schema

    func bind(_ expr: Expr, expecting expected: DataType? = nil) throws -> BoundExpr {
        let bound = try bindLoose(expr)
        return bound.type.map { _ in bound.expr } ?? typedNull(expr, expected ?? .int64)
    }

    /// A bound expression whose type may still be open (a bare `null`).
    private struct Loose {
        var expr: BoundExpr
        var type: DataType?
    }

    private func typedNull(_ source: Expr, _ type: DataType) -> BoundExpr {
        BoundExpr(.literal(.null), type: type, source: source)
    }

    /// Gives an open-typed operand the type `type`.
    private func settle(_ loose: Loose, as type: DataType) -> BoundExpr {
        loose.type == nil ? typedNull(loose.expr.source, type) : loose.expr
    }

    private func bindLoose(_ expr: Expr) throws -> Loose {
        switch expr {
        case .column(let name):
            guard let index = schema.index(of: name) else {
                throw EngineError(
                    .unknownColumn,
                    "unknown column '\(name)'; the input has \(schema.names.map { "'\($0)'" }.joined(separator: ", "))")
            }
            let type = schema.fields[index].type
            return Loose(expr: BoundExpr(.column(index), type: type, source: expr), type: type)
        case .literal(let value):
            guard let type = value.dataType else {
                return Loose(expr: BoundExpr(.literal(.null), type: .int64, source: expr), type: nil)
            }
            return Loose(expr: BoundExpr(.literal(value), type: type, source: expr), type: type)
        case .unary(let op, let operand):
            let inner = try bindLoose(operand)
            switch op {
            case .not:
                let typed = try requireType(inner, .bool, "not")
                return Loose(expr: BoundExpr(.unary(.not, typed), type: .bool, source: expr), type: .bool)
            case .negate:
                let typed = settle(inner, as: .int64)
                guard typed.type.isNumeric else {
                    throw EngineError.typeMismatch("cannot negate \(describe(operand)), which is a \(typed.type)")
                }
                return Loose(expr: BoundExpr(.unary(.negate, typed), type: typed.type, source: expr), type: typed.type)
            }
        case .binary(let op, let lhs, let rhs):
            return try bindBinary(op, lhs, rhs, source: expr)
        case .call(let function, let arguments):
            return try bindCall(function, arguments, source: expr)
        case .inList(let operand, let items):
            return try bindInList(operand, items, source: expr)
        case .isNull(let operand, let negated):
            let inner = try bindLoose(operand)
            let typed = settle(inner, as: .int64)
            return Loose(expr: BoundExpr(.isNull(typed, negated: negated), type: .bool, source: expr), type: .bool)
        case .coalesce(let arguments):
            guard !arguments.isEmpty else {
                throw EngineError(.invalidArgument, "coalesce() needs at least one argument")
            }
            let bound = try arguments.map { try bindLoose($0) }
            let common = try commonType(bound, arguments, what: "coalesce()")
            guard let common else {
                return Loose(expr: typedNull(expr, .int64), type: nil)
            }
            let widened = bound.map { widen(settle($0, as: common), to: common) }
            return Loose(expr: BoundExpr(.coalesce(widened), type: common, source: expr), type: common)
        case .ifThenElse(let condition, let then, let otherwise):
            let boundCondition = try requireType(try bindLoose(condition), .bool, "if()")
            let branches = [try bindLoose(then), try bindLoose(otherwise)]
            let common = try commonType(branches, [then, otherwise], what: "if()")
            let type = common ?? .int64
            let widened = branches.map { widen(settle($0, as: type), to: type) }
            return Loose(
                expr: BoundExpr(.ifThenElse(boundCondition, widened[0], widened[1]), type: type, source: expr),
                type: common)
        }
    }

    private func describe(_ expr: Expr) -> String {
        if case .column(let name) = expr { return "'\(name)'" }
        return "'\(expr)'"
    }

    private func requireType(_ loose: Loose, _ type: DataType, _ what: String) throws -> BoundExpr {
        let typed = settle(loose, as: type)
        guard typed.type == type else {
            throw EngineError.typeMismatch(
                "\(what) needs a \(type), but \(describe(typed.source)) is a \(typed.type)")
        }
        return typed
    }

    /// Inserts a widening cast when `expr` is narrower than `type`.
    private func widen(_ expr: BoundExpr, to type: DataType) -> BoundExpr {
        if expr.type == type { return expr }
        if case .literal(let value) = expr.node {
            return BoundExpr(.literal(value.converted(to: type)), type: type, source: expr.source)
        }
        return BoundExpr(.cast(expr, type), type: type, source: expr.source)
    }

    /// The type every operand widens to, ignoring open-typed nulls; `nil` if all are open.
    private func commonType(_ operands: [Loose], _ sources: [Expr], what: String) throws -> DataType? {
        var common: DataType?
        for (operand, source) in zip(operands, sources) {
            guard let type = operand.type else { continue }
            guard let current = common else {
                common = type
                continue
            }
            guard let merged = Binder.widened(current, type) else {
                throw EngineError.typeMismatch(
                    "\(what) mixes \(current) and \(type) (\(describe(source)) is a \(type))")
            }
            common = merged
        }
        return common
    }

    /// The common type of two types under implicit widening, if any.
    static func widened(_ lhs: DataType, _ rhs: DataType) -> DataType? {
        if lhs == rhs { return lhs }
        switch (lhs, rhs) {
        case (.int64, .float64), (.float64, .int64): return .float64
        case (.date, .timestamp), (.timestamp, .date): return .timestamp
        default: return nil
        }
    }

    private func bindBinary(_ op: BinaryOperator, _ lhsExpr: Expr, _ rhsExpr: Expr, source: Expr) throws -> Loose {
        let lhsLoose = try bindLoose(lhsExpr)
        let rhsLoose = try bindLoose(rhsExpr)
        // An open null takes the type that makes the operation valid: the other side's type, but
        // an integer next to a date in arithmetic (`d + null` is a date).
        func openType(_ other: DataType?) -> DataType {
            guard let other else { return op == .and || op == .or ? .bool : .int64 }
            if op.isArithmetic, other == .date { return .int64 }
            return other
        }
        let lhs = settle(lhsLoose, as: op == .subtract && rhsLoose.type == .date ? .date : openType(rhsLoose.type))
        let rhs = settle(rhsLoose, as: openType(lhs.type))
        let l = lhs.type
        let r = rhs.type
        func mismatch() -> EngineError {
            let verb: String
            switch op {
            case .add: verb = "add"
            case .subtract: verb = "subtract"
            case .multiply: verb = "multiply"
            case .divide: verb = "divide"
            case .modulo: verb = "take the remainder of"
            case .and, .or: verb = "combine with '\(op.symbol)'"
            default: verb = "compare"
            }
            return EngineError.typeMismatch(
                "cannot \(verb) \(describe(lhsExpr)) (\(l)) and \(describe(rhsExpr)) (\(r))"
                    + (op == .add && (l == .string || r == .string) ? "; use concat() to join strings" : "")
                    + (op == .modulo ? "; '%' takes integers" : ""))
        }
        func make(_ lhs: BoundExpr, _ rhs: BoundExpr, _ type: DataType) -> Loose {
            Loose(expr: BoundExpr(.binary(op, lhs, rhs), type: type, source: source), type: type)
        }
        switch op {
        case .and, .or:
            guard l == .bool, r == .bool else { throw mismatch() }
            return make(lhs, rhs, .bool)
        case .add, .subtract, .multiply:
            if l == .int64, r == .int64 { return make(lhs, rhs, .int64) }
            if l.isNumeric, r.isNumeric { return make(widen(lhs, to: .float64), widen(rhs, to: .float64), .float64) }
            if op == .add, l == .date, r == .int64 { return make(lhs, rhs, .date) }
            if op == .add, l == .int64, r == .date { return make(rhs, lhs, .date) }
            if op == .subtract, l == .date, r == .int64 { return make(lhs, rhs, .date) }
            if op == .subtract, l == .date, r == .date { return make(lhs, rhs, .int64) }
            throw mismatch()
        case .divide:
            guard l.isNumeric, r.isNumeric else { throw mismatch() }
            return make(widen(lhs, to: .float64), widen(rhs, to: .float64), .float64)
        case .modulo:
            guard l == .int64, r == .int64 else { throw mismatch() }
            return make(lhs, rhs, .int64)
        case .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual:
            guard let common = Binder.widened(l, r) else { throw mismatch() }
            return make(widen(lhs, to: common), widen(rhs, to: common), .bool)
        }
    }

    private func bindInList(_ operand: Expr, _ items: [Value], source: Expr) throws -> Loose {
        var itemType: DataType?
        for item in items {
            guard let type = item.dataType else { continue }
            guard let current = itemType else {
                itemType = type
                continue
            }
            guard let merged = Binder.widened(current, type) else {
                throw EngineError.typeMismatch("the list of 'in' mixes \(current) and \(type)")
            }
            itemType = merged
        }
        let inner = try bindLoose(operand)
        let value = settle(inner, as: itemType ?? .int64)
        var type = value.type
        if let itemType {
            guard let merged = Binder.widened(type, itemType) else {
                throw EngineError.typeMismatch(
                    "cannot look for \(describe(operand)) (\(type)) in a list of \(itemType) values")
            }
            type = merged
        }
        let converted = items.map { $0.isNull ? Value.null : $0.converted(to: type) }
        return Loose(expr: BoundExpr(.inList(widen(value, to: type), converted), type: .bool, source: source), type: .bool)
    }

    private func bindCall(_ function: ScalarFunction, _ arguments: [Expr], source: Expr) throws -> Loose {
        guard function.arity.contains(arguments.count) else {
            let expected =
                function.arity.upperBound == Int.max
                ? "at least \(function.arity.lowerBound)"
                : function.arity.lowerBound == function.arity.upperBound
                    ? "\(function.arity.lowerBound)" : "\(function.arity.lowerBound) or \(function.arity.upperBound)"
            throw EngineError(
                .invalidArgument,
                "\(function.rawValue)() takes \(expected) argument\(expected == "1" ? "" : "s"), but got \(arguments.count)")
        }
        let loose = try arguments.map { try bindLoose($0) }
        func argument(_ index: Int, _ allowed: [DataType], default fallback: DataType) throws -> BoundExpr {
            let typed = settle(loose[index], as: fallback)
            guard allowed.contains(typed.type) else {
                let names = allowed.map(\.rawValue)
                let list = names.count == 1 ? "a \(names[0])" : "a " + names.dropLast().joined(separator: ", ") + " or \(names.last!)"
                throw EngineError.typeMismatch(
                    "\(function.rawValue)() needs \(list), but \(describe(arguments[index])) is a \(typed.type)")
            }
            return typed
        }
        func make(_ bound: [BoundExpr], _ type: DataType) -> Loose {
            Loose(expr: BoundExpr(.call(function, bound), type: type, source: source), type: type)
        }
        let dates: [DataType] = [.date, .timestamp]
        switch function {
        case .lower, .upper, .trim:
            return make([try argument(0, [.string], default: .string)], .string)
        case .length:
            return make([try argument(0, [.string], default: .string)], .int64)
        case .contains, .startsWith, .endsWith:
            return make(
                [try argument(0, [.string], default: .string), try argument(1, [.string], default: .string)], .bool)
        case .replace:
            return make(try (0..<3).map { try argument($0, [.string], default: .string) }, .string)
        case .substr:
            var bound = [try argument(0, [.string], default: .string), try argument(1, [.int64], default: .int64)]
            if arguments.count == 3 { bound.append(try argument(2, [.int64], default: .int64)) }
            return make(bound, .string)
        case .concat:
            let bound = loose.map { settle($0, as: .string) }
            return make(bound, .string)
        case .abs, .floor, .ceil:
            let value = try argument(0, [.int64, .float64], default: .float64)
            return make([value], value.type)
        case .round:
            let value = try argument(0, [.int64, .float64], default: .float64)
            var bound = [value]
            if arguments.count == 2 { bound.append(try argument(1, [.int64], default: .int64)) }
            return make(bound, value.type)
        case .year, .month, .day, .quarter:
            return make([try argument(0, dates, default: .date)], .int64)
        case .daysBetween, .ageYears:
            return make([try argument(0, dates, default: .date), try argument(1, dates, default: .date)], .int64)
        case .int:
            return make([try argument(0, [.int64, .float64, .string, .bool], default: .int64)], .int64)
        case .float:
            return make([try argument(0, [.int64, .float64, .string, .bool], default: .float64)], .float64)
        case .string:
            return make([settle(loose[0], as: .string)], .string)
        case .date:
            return make([try argument(0, [.string, .date, .timestamp], default: .date)], .date)
        }
    }
}

extension Value {
    /// The type of a non-null value; `nil` for null.
    public var dataType: DataType? {
        switch self {
        case .null: return nil
        case .int: return .int64
        case .float: return .float64
        case .bool: return .bool
        case .string: return .string
        case .date: return .date
        case .timestamp: return .timestamp
        }
    }

    /// The value widened to `type` (int → float, date → timestamp); unchanged otherwise.
    func converted(to type: DataType) -> Value {
        switch (self, type) {
        case (.int(let v), .float64): return .float(Double(v))
        case (.date(let v), .timestamp): return .timestamp(Int64(v) * microsPerDay)
        default: return self
        }
    }
}
