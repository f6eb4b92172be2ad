import LumbungCore

/// A scalar expression over the columns of one table, evaluated column-at-a-time per chunk.
///
/// Semantics follow LQ (query-language.md): arithmetic and comparisons with null give null,
/// `and`/`or` use three-valued logic, `/` always gives a float, `%` takes integers, strings
/// compare by UTF-8 bytes. Bind an expression to a schema with `bind(to:)` to type-check it;
/// operators do that for you.
public indirect enum Expr: Sendable, Hashable, CustomStringConvertible {
    /// A column of the input, by exact (case-sensitive) name.
    case column(String)
    /// A constant; `.null` takes its type from the context (the other operand), else `int64`.
    case literal(Value)
    case unary(UnaryOperator, Expr)
    case binary(BinaryOperator, Expr, Expr)
    case call(ScalarFunction, [Expr])
    /// `value in [items]` with SQL semantics: null when `value` is null, or when nothing matches
    /// and an item is null.
    case inList(Expr, [Value])
    /// `value is null`, or `value is not null` when `negated`. Never null.
    case isNull(Expr, negated: Bool)
    /// The first non-null argument.
    case coalesce([Expr])
    /// `if(condition, then, else)`: `else` when the condition is false or null.
    case ifThenElse(Expr, Expr, Expr)

    public var description: String {
        switch self {
        case .column(let name): return name
        case .literal(let value):
            switch value {
            case .string(let text): return "\"\(text)\""
            case .date: return "@\(value)"
            case .timestamp: return "@\(value)"
            case .null: return "null"
            default: return value.description
            }
        case .unary(.negate, let operand): return "-\(operand.parenthesized)"
        case .unary(.not, let operand): return "not \(operand.parenthesized)"
        case .binary(let op, let lhs, let rhs): return "\(lhs.parenthesized) \(op.symbol) \(rhs.parenthesized)"
        case .call(let function, let arguments):
            return "\(function.rawValue)(\(arguments.map(\.description).joined(separator: ", ")))"
        case .inList(let value, let items):
            return "\(value.parenthesized) in [\(items.map { Expr.literal($0).description }.joined(separator: ", "))]"
        case .isNull(let value, let negated): return "\(value.parenthesized) is \(negated ? "not " : "")null"
        case .coalesce(let arguments): return "coalesce(\(arguments.map(\.description).joined(separator: ", ")))"
        case .ifThenElse(let condition, let then, let otherwise): return "if(\(condition), \(then), \(otherwise))"
        }
    }

    private var parenthesized: String {
        switch self {
        case .column, .literal, .call, .coalesce, .ifThenElse: return description
        default: return "(\(description))"
        }
    }

    /// Names of the columns the expression reads, in first-use order.
    public var columnNames: [String] {
        var names: [String] = []
        func visit(_ expr: Expr) {
            switch expr {
            case .column(let name): if !names.contains(name) { names.append(name) }
            case .literal: break
            case .unary(_, let operand): visit(operand)
            case .binary(_, let lhs, let rhs): visit(lhs); visit(rhs)
            case .call(_, let arguments), .coalesce(let arguments): arguments.forEach(visit)
            case .inList(let value, _), .isNull(let value, _): visit(value)
            case .ifThenElse(let condition, let then, let otherwise): visit(condition); visit(then); visit(otherwise)
            }
        }
        visit(self)
        return names
    }
}

public enum UnaryOperator: String, Sendable, Hashable, CaseIterable {
    /// Arithmetic negation (`-x`).
    case negate
    /// Three-valued `not`.
    case not
}

public enum BinaryOperator: String, Sendable, Hashable, CaseIterable {
    case add, subtract, multiply, divide, modulo
    case equal, notEqual, less, lessOrEqual, greater, greaterOrEqual
    case and, or

    public var symbol: String {
        switch self {
        case .add: return "+"
        case .subtract: return "-"
        case .multiply: return "*"
        case .divide: return "/"
        case .modulo: return "%"
        case .equal: return "=="
        case .notEqual: return "!="
        case .less: return "<"
        case .lessOrEqual: return "<="
        case .greater: return ">"
        case .greaterOrEqual: return ">="
        case .and: return "and"
        case .or: return "or"
        }
    }

    var isComparison: Bool {
        switch self {
        case .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual: return true
        default: return false
        }
    }

    var isArithmetic: Bool {
        switch self {
        case .add, .subtract, .multiply, .divide, .modulo: return true
        default: return false
        }
    }
}

/// The scalar functions of LQ. `rawValue` is the LQ spelling.
public enum ScalarFunction: String, Sendable, Hashable, CaseIterable {
    // Strings (bytes are UTF-8; lengths and positions count Unicode code points).
    case lower, upper, trim, length, contains
    case startsWith = "starts_with"
    case endsWith = "ends_with"
    case replace, substr, concat
    // Numbers.
    case abs, round, floor, ceil
    // Dates and timestamps.
    case year, month, day, quarter
    case daysBetween = "days_between"
    case ageYears = "age_years"
    // Conversions: a value that does not convert gives null.
    case int, float, string, date

    /// The function named `name` (case-insensitive), if any. `if` and `coalesce` are `Expr` cases.
    public static func named(_ name: String) -> ScalarFunction? { ScalarFunction(rawValue: name.lowercased()) }

    /// Allowed argument counts.
    public var arity: ClosedRange<Int> {
        switch self {
        case .lower, .upper, .trim, .length, .abs, .floor, .ceil, .year, .month, .day, .quarter, .int, .float, .string,
            .date:
            return 1...1
        case .contains, .startsWith, .endsWith, .daysBetween, .ageYears: return 2...2
        case .replace: return 3...3
        case .substr: return 2...3
        case .round: return 1...2
        case .concat: return 1...Int.max
        }
    }
}

// Building expressions in code (tests, planner): `.col("a") + 1 > .col("b")`, `.col("s").eq("x")`.
extension Expr: ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByStringLiteral,
    ExpressibleByBooleanLiteral
{
    public init(integerLiteral value: Int64) { self = .literal(.int(value)) }
    public init(floatLiteral value: Double) { self = .literal(.float(value)) }
    /// A string literal (not a column name: use `.col` for columns).
    public init(stringLiteral value: String) { self = .literal(.string(value)) }
    public init(booleanLiteral value: Bool) { self = .literal(.bool(value)) }

    public static func col(_ name: String) -> Expr { .column(name) }
    public static func lit(_ value: Value) -> Expr { .literal(value) }
    public static var null: Expr { .literal(.null) }

    public static func + (lhs: Expr, rhs: Expr) -> Expr { .binary(.add, lhs, rhs) }
    public static func - (lhs: Expr, rhs: Expr) -> Expr { .binary(.subtract, lhs, rhs) }
    public static func * (lhs: Expr, rhs: Expr) -> Expr { .binary(.multiply, lhs, rhs) }
    public static func / (lhs: Expr, rhs: Expr) -> Expr { .binary(.divide, lhs, rhs) }
    public static func % (lhs: Expr, rhs: Expr) -> Expr { .binary(.modulo, lhs, rhs) }
    public static func < (lhs: Expr, rhs: Expr) -> Expr { .binary(.less, lhs, rhs) }
    public static func <= (lhs: Expr, rhs: Expr) -> Expr { .binary(.lessOrEqual, lhs, rhs) }
    public static func > (lhs: Expr, rhs: Expr) -> Expr { .binary(.greater, lhs, rhs) }
    public static func >= (lhs: Expr, rhs: Expr) -> Expr { .binary(.greaterOrEqual, lhs, rhs) }
    public static func && (lhs: Expr, rhs: Expr) -> Expr { .binary(.and, lhs, rhs) }
    public static func || (lhs: Expr, rhs: Expr) -> Expr { .binary(.or, lhs, rhs) }
    public static prefix func ! (operand: Expr) -> Expr { .unary(.not, operand) }
    public static prefix func - (operand: Expr) -> Expr { .unary(.negate, operand) }

    /// `self == other` (`==` itself is `Equatable`'s).
    public func eq(_ other: Expr) -> Expr { .binary(.equal, self, other) }
    /// `self != other`.
    public func ne(_ other: Expr) -> Expr { .binary(.notEqual, self, other) }
    public func call(_ function: ScalarFunction, _ more: Expr...) -> Expr { .call(function, [self] + more) }
    public var isNull: Expr { .isNull(self, negated: false) }
    public var isNotNull: Expr { .isNull(self, negated: true) }
    public func isIn(_ items: [Value]) -> Expr { .inList(self, items) }
}
