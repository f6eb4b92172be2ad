import LumbungCore

// The syntax tree of a query. Every node keeps its source range; names keep whether they were
// written in backticks. Nothing here is resolved: the binder checks names and types.

/// A whole query: optional `param` lines, then steps.
public struct Query: Sendable, Hashable {
    public var parameters: [ParameterDecl]
    public var steps: [Step]
    public var range: SourceRange

    public init(parameters: [ParameterDecl] = [], steps: [Step], range: SourceRange) {
        self.parameters = parameters
        self.steps = steps
        self.range = range
    }
}

/// The step names of LQ, in the order the reference lists them.
public enum StepKind: String, Sendable, Hashable, CaseIterable {
    case from, `where`, derive, select, summarize, join, sort, take, distinct

    /// The step spelt `text` in any case.
    public static func lookup(_ text: String) -> StepKind? {
        allCases.first { text.equalsIgnoringASCIICase($0.rawValue) }
    }
}

/// A name as written: `instansi`, or `` `nama kolom` `` (`isQuoted`).
public struct Name: Sendable, Hashable, CustomStringConvertible {
    public var text: String
    public var range: SourceRange
    public var isQuoted: Bool

    public init(_ text: String, range: SourceRange, isQuoted: Bool = false) {
        self.text = text
        self.range = range
        self.isQuoted = isQuoted
    }

    public var description: String { text }
}

/// `param tahun: int = 2024`
public struct ParameterDecl: Sendable, Hashable {
    public var name: Name
    public var type: DataType
    public var typeRange: SourceRange
    public var defaultValue: Expr?
    public var range: SourceRange
}

/// One step of the pipe. The `keyword` range covers the step name.
public enum Step: Sendable, Hashable {
    case from(FromStep)
    case `where`(WhereStep)
    case derive(DeriveStep)
    case select(SelectStep)
    case summarize(SummarizeStep)
    case join(JoinStep)
    case sort(SortStep)
    case take(TakeStep)
    case distinct(DistinctStep)

    public var kind: StepKind {
        switch self {
        case .from: return .from
        case .where: return .where
        case .derive: return .derive
        case .select: return .select
        case .summarize: return .summarize
        case .join: return .join
        case .sort: return .sort
        case .take: return .take
        case .distinct: return .distinct
        }
    }

    public var range: SourceRange {
        switch self {
        case .from(let s): return s.range
        case .where(let s): return s.range
        case .derive(let s): return s.range
        case .select(let s): return s.range
        case .summarize(let s): return s.range
        case .join(let s): return s.range
        case .sort(let s): return s.range
        case .take(let s): return s.range
        case .distinct(let s): return s.range
        }
    }
}

/// `from layanan`, `from "data/layanan.csv.gz"`, `from $sumber`
public struct FromStep: Sendable, Hashable {
    public enum Source: Sendable, Hashable {
        case name(Name)
        /// A file path, as a string literal.
        case path(String, range: SourceRange)
        case parameter(Name)
    }

    public var source: Source
    public var range: SourceRange
}

/// `where EXPR`
public struct WhereStep: Sendable, Hashable {
    public var condition: Expr
    public var range: SourceRange
}

/// `NAME = EXPR` in `derive` and `summarize`.
public struct Assignment: Sendable, Hashable {
    public var name: Name
    public var value: Expr
    public var range: SourceRange
}

/// `derive NAME = EXPR, ...`
public struct DeriveStep: Sendable, Hashable {
    public var assignments: [Assignment]
    public var range: SourceRange
}

/// `NAME`, `table.NAME` or `NAME = EXPR` in `select` and in `summarize … by`.
public struct SelectItem: Sendable, Hashable {
    /// The output name when written `NAME = EXPR`; nil for a plain column.
    public var alias: Name?
    public var value: Expr
    public var range: SourceRange

    /// The output column name: the alias, or the column's own name.
    public var outputName: String? {
        if let alias { return alias.text }
        if case .column(let column) = value.kind { return column.name.text }
        return nil
    }
}

/// `select ITEM, ...`
public struct SelectStep: Sendable, Hashable {
    public var items: [SelectItem]
    public var range: SourceRange
}

/// `summarize NAME = AGG, ... [by KEY, ...]`
public struct SummarizeStep: Sendable, Hashable {
    public var aggregates: [Assignment]
    public var keys: [SelectItem]
    /// The range of `by`, when present.
    public var byRange: SourceRange?
    public var range: SourceRange
}

/// A column reference: `instansi` or `pegawai.instansi`.
public struct ColumnRef: Sendable, Hashable {
    public var qualifier: Name?
    public var name: Name
    public var range: SourceRange

    public init(qualifier: Name? = nil, name: Name, range: SourceRange) {
        self.qualifier = qualifier
        self.name = name
        self.range = range
    }
}

/// `join [inner|left|semi|anti] NAME on KEY, ...`
public struct JoinStep: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case inner, left, semi, anti

        /// The kind spelt `text` in any case.
        public static func lookup(_ text: String) -> Kind? {
            allCases.first { text.equalsIgnoringASCIICase($0.rawValue) }
        }
    }

    /// `nip` (the same name on both sides) or `nip_atasan == nip`.
    public struct Key: Sendable, Hashable {
        public var left: ColumnRef
        /// nil when the key has the same name on both sides.
        public var right: ColumnRef?
        public var range: SourceRange
    }

    public var kind: Kind
    /// Whether the kind was written (`join left …`) or defaulted to `inner`.
    public var kindRange: SourceRange?
    public var table: Name
    public var keys: [Key]
    public var range: SourceRange
}

/// `sort KEY, ...`: `-name` sorts descending.
public struct SortStep: Sendable, Hashable {
    public struct Key: Sendable, Hashable {
        public var column: ColumnRef
        public var descending: Bool
        public var range: SourceRange
    }

    public var keys: [Key]
    public var range: SourceRange
}

/// `take N`
public struct TakeStep: Sendable, Hashable {
    /// An integer literal or a parameter.
    public var count: Expr
    public var range: SourceRange
}

/// `distinct [NAME, ...]`
public struct DistinctStep: Sendable, Hashable {
    /// Empty: all columns.
    public var columns: [ColumnRef]
    public var range: SourceRange
}

// MARK: - Expressions

/// An expression with its range.
public struct Expr: Sendable, Hashable {
    public indirect enum Kind: Sendable, Hashable {
        case literal(Literal)
        case column(ColumnRef)
        /// `$tahun`
        case parameter(Name)
        /// `-x`, `not x`
        case unary(UnaryOperator, Expr)
        case binary(BinaryOperator, Expr, Expr)
        /// `x in [a, b]`, `x not in [a, b]`
        case inList(Expr, [Expr], negated: Bool)
        /// `tanggal in @2024-Q1` (a period literal or a parameter on the right).
        case inPeriod(Expr, Expr, negated: Bool)
        /// `x is null`, `x is not null`
        case isNull(Expr, negated: Bool)
        /// `avg(skor_ikm)`; `name` as written (compare case-insensitively).
        case call(Name, [Expr])
    }

    public var kind: Kind
    public var range: SourceRange

    public init(_ kind: Kind, range: SourceRange) {
        self.kind = kind
        self.range = range
    }
}

public enum UnaryOperator: String, Sendable, Hashable {
    case negate = "-"
    case not = "not"
}

/// Binary operators, with their precedence (higher binds tighter).
public enum BinaryOperator: String, Sendable, Hashable, CaseIterable {
    case or, and
    case equal = "==", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
    case coalesce = "??"
    case add = "+", subtract = "-"
    case multiply = "*", divide = "/", remainder = "%"

    public var precedence: Int {
        switch self {
        case .or: return 1
        case .and: return 2
        case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual: return 4
        case .coalesce: return 5
        case .add, .subtract: return 6
        case .multiply, .divide, .remainder: return 7
        }
    }

    public var isComparison: Bool { precedence == 4 }
}

/// A literal value as written.
public enum Literal: Sendable, Hashable {
    case null
    case bool(Bool)
    case integer(Int64)
    /// The value and its text (`3.50` keeps its digits for messages and printing).
    case decimal(Double, text: String)
    case string(String)
    /// Days since 1970-01-01.
    case date(Int32)
    /// Microseconds since the Unix epoch, UTC.
    case timestamp(Int64)
    case period(Period)

    /// The literal as a `Value` (nil for a period, which is a range, not a value).
    public var value: Value? {
        switch self {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .integer(let i): return .int(i)
        case .decimal(let d, _): return .float(d)
        case .string(let s): return .string(s)
        case .date(let d): return .date(d)
        case .timestamp(let t): return .timestamp(t)
        case .period: return nil
        }
    }
}
