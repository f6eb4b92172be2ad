/// The stable identifier of a kind of diagnostic: `lq.unknownStep`. Tests, golden files and
/// tools match on it; the message text may change, the id may not.
public struct DiagnosticID: Sendable, Hashable, CustomStringConvertible {
    public let domain: String
    public let code: String

    public init(domain: String, code: String) {
        self.domain = domain
        self.code = code
    }

    /// An LQ id named after the property that declares it.
    static func lq(_ code: String = #function) -> DiagnosticID { DiagnosticID(domain: "lq", code: code) }

    /// `domain.code`
    public var description: String { "\(domain).\(code)" }
}

// MARK: - Catalogue (please keep sorted; docs/query-language.md lists each with an example)

extension DiagnosticID {
    /// Binder: an aggregate such as `count()` outside `summarize` (`where count() > 1`).
    public static var aggregateOutsideSummarize: Self { .lq() }
    /// Binder: after a join, a name present on both sides used without `table.`.
    public static var ambiguousColumn: Self { .lq() }
    /// Warning: `=` in a condition, where `==` was meant (fix-it: `==`).
    public static var assignInCondition: Self { .lq() }
    /// Warning: `status == "Selesai" or "Ditolak"` (fix-it: `status in ["Selesai", "Ditolak"]`).
    public static var bareLiteralInOr: Self { .lq() }
    /// `a < b < c`: comparisons do not chain.
    public static var chainedComparison: Self { .lq() }
    /// Binder: two output columns with one name (`select a, a`).
    public static var duplicateColumn: Self { .lq() }
    /// The same `param` declared twice.
    public static var duplicateParameter: Self { .lq() }
    /// A query with no steps.
    public static var emptyQuery: Self { .lq() }
    /// Nothing between two `|`: `from x | | take 1` (fix-it: remove the extra `|`).
    public static var emptyStep: Self { .lq() }
    /// An operand is missing: `where status ==`.
    public static var expectedExpression: Self { .lq() }
    /// A column, table or parameter name is missing.
    public static var expectedName: Self { .lq() }
    /// Nothing after `|`.
    public static var expectedStep: Self { .lq() }
    /// An integer literal beyond ±9223372036854775807.
    public static var integerOverflow: Self { .lq() }
    /// Binder: a value out of range: `take -1`, `quantile(x, 2)`.
    public static var invalidArgument: Self { .lq() }
    /// A character that has no meaning in LQ (or a smart quote, or a non-ASCII name without backticks).
    public static var invalidCharacter: Self { .lq() }
    /// An `@…` literal that is no valid date, timestamp or period.
    public static var invalidDate: Self { .lq() }
    /// A string escape other than `\"` `\\` `\n` `\t` `\u{…}`.
    public static var invalidEscape: Self { .lq() }
    /// A number run into letters: `12abc`.
    public static var invalidNumber: Self { .lq() }
    /// `&&`, `||`, `!`, `<>` (fix-it: `and`, `or`, `not`, `!=`).
    public static var invalidOperator: Self { .lq() }
    /// A `--param` value that does not fit the type its `param` line declares.
    public static var invalidParameter: Self { .lq() }
    /// Warning (while running): a join whose right key is not unique repeated left rows.
    public static var joinMultipliesRows: Self { .lq() }
    /// Warning (while running): left rows that found no match in a join.
    public static var joinUnmatchedRows: Self { .lq() }
    /// A `param` line after the first step.
    public static var misplacedParameter: Self { .lq() }
    /// The first step is not `from`.
    public static var missingFrom: Self { .lq() }
    /// A `$name` with no `--param` value and no default.
    public static var missingParameter: Self { .lq() }
    /// Binder: an aggregate inside an aggregate (`sum(count())`).
    public static var nestedAggregate: Self { .lq() }
    /// Parentheses, `not` or `-` nested deeper than the parser allows (64 levels).
    public static var nestingTooDeep: Self { .lq() }
    /// Binder: in `summarize`, a column that is neither a key nor inside an aggregate.
    public static var notAggregated: Self { .lq() }
    /// Warning (while running): a `where` dropped rows because its condition was null.
    public static var nullsDropped: Self { .lq() }
    /// Error while running: an integer result (`+ - *`, unary `-`, `abs`, `sum`) does not fit in 64
    /// bits; reported at the expression or aggregate. A data error (exit status 1), not a query error.
    public static var resultOverflow: Self { .lq() }
    /// Binder: operand or argument types that do not fit (`avg(golongan)` on a string).
    public static var typeMismatch: Self { .lq() }
    /// A `(` or `[` without its closing `)` or `]`.
    public static var unclosedDelimiter: Self { .lq() }
    /// A token that cannot come here; the message says what was expected.
    public static var unexpectedToken: Self { .lq() }
    /// Binder: a column name that is not in the input (with the nearest name).
    public static var unknownColumn: Self { .lq() }
    /// Binder: a function name that does not exist (with the nearest name).
    public static var unknownFunction: Self { .lq() }
    /// `param x: tipe` with an unknown type.
    public static var unknownParameterType: Self { .lq() }
    /// A step name that does not exist (with the nearest step).
    public static var unknownStep: Self { .lq() }
    /// Binder: a source name that is not defined (with the nearest name).
    public static var unknownTable: Self { .lq() }
    /// `derive count()` or `summarize count()`: every new column needs `NAME =`.
    public static var unnamedColumn: Self { .lq() }
    /// A backtick name without its closing backtick.
    public static var unterminatedName: Self { .lq() }
    /// A string without its closing `"` on the same line.
    public static var unterminatedString: Self { .lq() }
    /// Binder: a function called with too few or too many arguments.
    public static var wrongArgumentCount: Self { .lq() }

    /// Every LQ id, sorted.
    public static var catalogue: [DiagnosticID] {
        [
            .aggregateOutsideSummarize, .ambiguousColumn, .assignInCondition, .bareLiteralInOr, .chainedComparison,
            .duplicateColumn, .duplicateParameter, .emptyQuery, .emptyStep, .expectedExpression, .expectedName,
            .expectedStep, .integerOverflow, .invalidArgument, .invalidCharacter, .invalidDate, .invalidEscape,
            .invalidNumber, .invalidOperator, .invalidParameter, .joinMultipliesRows, .joinUnmatchedRows,
            .misplacedParameter, .missingFrom, .missingParameter, .nestedAggregate, .nestingTooDeep, .notAggregated,
            .nullsDropped, .resultOverflow, .typeMismatch, .unclosedDelimiter, .unexpectedToken, .unknownColumn,
            .unknownFunction, .unknownParameterType, .unknownStep, .unknownTable, .unnamedColumn, .unterminatedName,
            .unterminatedString, .wrongArgumentCount,
        ]
    }
}
