import LumbungCore
import LumbungEngine

/// A query that passed its checks but failed on the data while it ran: an integer overflow,
/// named by the part of the query that overflowed and its place. A data error, not a query
/// error: the CLI exits with status 1 for it.
public struct QueryRuntimeError: Error, Sendable, CustomStringConvertible {
    /// What failed, and where in the query (`lq.resultOverflow` at the expression or aggregate).
    public var diagnostic: Diagnostic
    /// The engine's error.
    public var engineError: EngineError

    public var description: String { diagnostic.description }
}

/// The operations of a checked query that can overflow (integer `+ - *`, unary `-`, functions,
/// `sum`), in their lowered engine form, with their place and text in the query, so that an
/// overflow the engine reports is traced back to the query. Recording costs an append; the
/// search happens only when a query fails. When two places lower to the same form, the first
/// is named.
struct OverflowSites: Sendable {
    struct Site: Sendable {
        var expression: LumbungEngine.Expr?
        var function: AggregateFunction?
        var argument: LumbungEngine.Expr?
        var range: SourceRange
        var text: String
    }

    private var sites: [Site] = []

    /// An operation of an expression.
    mutating func record(_ expression: LumbungEngine.Expr, range: SourceRange, text: String) {
        sites.append(Site(expression: expression, range: range, text: text))
    }

    /// An aggregate: `function` over `argument`, whatever its output name.
    mutating func record(
        _ function: AggregateFunction, argument: LumbungEngine.Expr?, range: SourceRange, text: String
    ) {
        sites.append(Site(function: function, argument: argument, range: range, text: text))
    }

    /// The error to report for `error`: the overflow at its place in the query, or `error`
    /// itself when it names no place recorded here.
    func error(for error: EngineError) -> any Error {
        guard error.kind == .integerOverflow else { return error }
        let site: Site?
        if let expression = error.expression {
            site = sites.first { $0.expression == expression }
        } else if let aggregate = error.aggregate {
            site = sites.first {
                $0.expression == nil && $0.function == aggregate.function && $0.argument == aggregate.argument
            }
        } else {
            site = nil
        }
        guard let site else { return error }
        let diagnostic = Diagnostic(
            .resultOverflow, Messages.resultOverflow(site.text), range: site.range,
            helps: [Diagnostic.Note(Messages.helpResultOverflow)])
        return QueryRuntimeError(diagnostic: diagnostic, engineError: error)
    }
}
