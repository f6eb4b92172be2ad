import LumbungCore

/// A position in a query text: 0-based UTF-8 byte offset, 1-based line and column.
/// Columns count Unicode scalars, so a caret lines up under non-ASCII text.
public struct SourcePosition: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var offset: Int
    public var line: Int
    public var column: Int

    public init(offset: Int, line: Int, column: Int) {
        self.offset = offset
        self.line = line
        self.column = column
    }

    public static let start = SourcePosition(offset: 0, line: 1, column: 1)

    public static func < (lhs: SourcePosition, rhs: SourcePosition) -> Bool { lhs.offset < rhs.offset }

    /// `line:column`.
    public var description: String { "\(line):\(column)" }
}

/// A half-open range `[start, end)` of a query text.
public struct SourceRange: Sendable, Hashable, CustomStringConvertible {
    public var start: SourcePosition
    public var end: SourcePosition

    public init(_ start: SourcePosition, _ end: SourcePosition) {
        self.start = start
        self.end = end
    }

    /// An empty range at `position` (for "expected …" at the end of a line).
    public init(at position: SourcePosition) {
        self.start = position
        self.end = position
    }

    /// The smallest range covering both.
    public func union(_ other: SourceRange) -> SourceRange {
        SourceRange(Swift.min(start, other.start), Swift.max(end, other.end))
    }

    /// Length in bytes.
    public var length: Int { end.offset - start.offset }

    /// The range's start as a `SourceLocation` of `file`.
    public func location(file: String) -> SourceLocation {
        SourceLocation(file: file, line: start.line, column: start.column, byteOffset: start.offset)
    }

    /// `line:column-line:column`.
    public var description: String { "\(start)-\(end)" }
}
