import LumbungCore

/// An aggregate function of LQ's `summarize`.
///
/// Aggregates skip nulls and give null over no values, except the counts, which give 0.
public enum AggregateFunction: Sendable, Hashable, CustomStringConvertible {
    /// `count()`: rows.
    case count
    /// `count(x)`: non-null values.
    case countNonNull
    /// `count_distinct(x)`: distinct non-null values (exact).
    case countDistinct
    /// `count_if(cond)`: rows where the condition is true.
    case countIf
    /// `share(cond)` = `count_if(cond) / count()`, a float.
    case share
    /// `sum(x)`: an integer for integers (overflow is an error), else a float.
    case sum
    /// `avg(x)`: a float.
    case avg
    case min
    case max
    /// `median(x)` = `quantile(x, 0.5)`.
    case median
    /// `quantile(x, p)`, 0 ≤ p ≤ 1, interpolating linearly between the closest ranks (DuckDB's
    /// `quantile_cont`, numpy's default). Numbers give a float; dates and timestamps a timestamp.
    case quantile(Double)
    /// `stddev(x)`: the sample standard deviation; null for fewer than two values.
    case stddev

    /// The LQ spelling.
    public var name: String {
        switch self {
        case .count, .countNonNull: return "count"
        case .countDistinct: return "count_distinct"
        case .countIf: return "count_if"
        case .share: return "share"
        case .sum: return "sum"
        case .avg: return "avg"
        case .min: return "min"
        case .max: return "max"
        case .median: return "median"
        case .quantile: return "quantile"
        case .stddev: return "stddev"
        }
    }

    public var description: String {
        if case .quantile(let p) = self { return "quantile(_, \(p))" }
        return name
    }

    /// Whether the aggregate needs every value of a group at once (no partial states).
    var isHolistic: Bool {
        switch self {
        case .countDistinct, .median, .quantile: return true
        default: return false
        }
    }

    /// The result type for an argument of `argumentType` (`nil` for `count()`).
    /// - Throws: `EngineError.typeMismatch` when the argument type does not suit the function.
    public func resultType(argument argumentType: DataType?, argumentText: String = "the argument") throws -> DataType {
        func need(_ what: String) -> EngineError {
            EngineError.typeMismatch(
                "\(name)() needs \(what), but \(argumentText) is a \(argumentType.map(\.rawValue) ?? "missing argument")")
        }
        switch self {
        case .count:
            return .int64
        case .countNonNull, .countDistinct:
            guard argumentType != nil else { throw need("an argument") }
            return .int64
        case .countIf, .share:
            guard argumentType == .bool else { throw need("a condition (a bool)") }
            return self == .countIf ? .int64 : .float64
        case .sum:
            guard let argumentType, argumentType.isNumeric else { throw need("a number") }
            return argumentType
        case .avg, .stddev:
            guard let argumentType, argumentType.isNumeric else { throw need("a number") }
            return .float64
        case .min, .max:
            guard let argumentType else { throw need("an argument") }
            return argumentType
        case .median, .quantile:
            if case .quantile(let p) = self, !(0...1).contains(p) {
                throw EngineError(.invalidArgument, "quantile() needs a fraction between 0 and 1, but got \(p)")
            }
            guard let argumentType else { throw need("a number or a date") }
            switch argumentType {
            case .int64, .float64: return .float64
            case .date, .timestamp: return .timestamp
            default: throw need("a number or a date")
            }
        }
    }
}

/// One output column of an aggregation: `name = function(argument)`.
public struct AggregateExpr: Sendable, Hashable, CustomStringConvertible {
    public var name: String
    public var function: AggregateFunction
    /// `nil` for `count()`.
    public var argument: Expr?

    public init(_ name: String, _ function: AggregateFunction, _ argument: Expr? = nil) {
        self.name = name
        self.function = function
        self.argument = argument
    }

    public var description: String {
        let inner: String
        if case .quantile(let p) = function {
            inner = "\(argument?.description ?? ""), \(Value.formatFloat(p))"
        } else {
            inner = argument?.description ?? ""
        }
        return "\(name) = \(function.name)(\(inner))"
    }
}

/// A named expression: an output column of a projection, a derived column or a grouping key.
public struct NamedExpr: Sendable, Hashable, CustomStringConvertible {
    public var name: String
    public var expr: Expr

    public init(_ name: String, _ expr: Expr) {
        self.name = name
        self.expr = expr
    }

    /// The column `name` itself.
    public static func column(_ name: String) -> NamedExpr { NamedExpr(name, .column(name)) }

    public var description: String {
        if case .column(let column) = expr, column == name { return name }
        return "\(name) = \(expr)"
    }
}
