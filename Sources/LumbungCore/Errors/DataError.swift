/// Bad input data: what kind of fault, where it is, and what to do about it.
///
/// Kinds are stable identifiers (they appear in rejects files and `--json` output).
public struct DataError: Error, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case castFailed
        case tooFewColumns
        case tooManyColumns
        case unterminatedQuote
        case unexpectedQuote
        case invalidUTF8
        case lineTooLong
        case invalidJSON
        case notAnObject
        case missingHeader
        case emptyHeaderName
        case duplicateHeaderName
        case truncatedGzip
        case corruptGzip
        case decompressedTooLarge
        case tooManyRejects
        case unreadable
    }

    public var kind: Kind
    public var file: String
    /// 1-based line in the decompressed text, when known.
    public var line: Int?
    /// 1-based field number (CSV) or byte column (JSON), when known.
    public var column: Int?
    public var columnName: String?
    /// Byte offset: in the compressed file for gzip faults, in the decompressed text otherwise.
    public var byteOffset: Int64?
    /// Rows read successfully before the fault, for faults that stop the read.
    public var rowsRead: Int?
    public var message: String
    /// How to fix it, or options to try.
    public var hint: String?

    public init(
        _ kind: Kind, file: String, line: Int? = nil, column: Int? = nil, columnName: String? = nil,
        byteOffset: Int64? = nil, rowsRead: Int? = nil, message: String, hint: String? = nil
    ) {
        self.kind = kind
        self.file = file
        self.line = line
        self.column = column
        self.columnName = columnName
        self.byteOffset = byteOffset
        self.rowsRead = rowsRead
        self.message = message
        self.hint = hint
    }

    /// `file:line:column: message (kind)`, then the hint on its own line.
    public var description: String {
        var text = file
        if let line { text += ":\(line)" }
        if let column { text += ":\(column)" }
        text += ": \(message)"
        if let columnName { text += " [column '\(columnName)']" }
        if let byteOffset { text += " [byte \(byteOffset)]" }
        if let rowsRead { text += " [\(rowsRead) rows read before the error]" }
        text += " (\(kind.rawValue))"
        if let hint { text += "\n  hint: \(hint)" }
        return text
    }
}
