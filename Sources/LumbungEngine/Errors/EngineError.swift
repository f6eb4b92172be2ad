/// An error raised while executing a query: the query asked for something the data cannot give
/// (an integer overflow), the plan does not fit the data (a type mismatch, an unknown column), or
/// the query needs more memory than its budget allows.
///
/// Kinds are stable identifiers; messages are complete sentences meant for an analyst.
public struct EngineError: Error, Sendable, CustomStringConvertible, Equatable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// An integer result does not fit in 64 bits (`sum`, `+`, `-`, `*`, `abs`, unary `-`).
        case integerOverflow
        /// The query needs more memory than the configured budget.
        case memoryBudgetExceeded
        /// An operand or argument has a type the operation does not accept.
        case typeMismatch
        /// A column name does not exist in the input.
        case unknownColumn
        /// A function got the wrong number of arguments or an argument outside its domain.
        case invalidArgument
        /// Tables that must share a schema do not (append, join keys).
        case schemaMismatch
    }

    public var kind: Kind
    public var message: String
    /// For an overflow in an expression: the innermost operation that overflowed, as the engine
    /// got it (so a front end can point at it in the query text).
    public var expression: Expr?
    /// For an overflow in an aggregate (`sum`): the aggregate, as the engine got it.
    public var aggregate: AggregateExpr?

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }

    static func overflow(_ what: String) -> EngineError {
        EngineError(.integerOverflow, "integer overflow in \(what): the result does not fit in a 64-bit integer")
    }

    /// An overflow of `sum()` in `aggregate`.
    static func overflow(in aggregate: AggregateExpr) -> EngineError {
        var error = overflow("\(aggregate.function.name)() of '\(aggregate.name)'")
        error.aggregate = aggregate
        return error
    }

    /// This overflow, now known to come from `expression` (unless an inner one was named already).
    func raised(in expression: Expr) -> EngineError {
        guard kind == .integerOverflow, self.expression == nil, aggregate == nil else { return self }
        var error = EngineError.overflow("'\(expression)'")
        error.expression = expression
        return error
    }

    static func typeMismatch(_ message: String) -> EngineError { EngineError(.typeMismatch, message) }
}
