/// Where something is in an input: a data file, a query or a pipeline spec.
/// Lines and columns are 1-based; `byteOffset` is 0-based in the (decompressed) text.
public struct SourceLocation: Sendable, Hashable, Codable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int
    public var byteOffset: Int?

    public init(file: String, line: Int, column: Int, byteOffset: Int? = nil) {
        self.file = file
        self.line = line
        self.column = column
        self.byteOffset = byteOffset
    }

    /// `file:line:column`.
    public var description: String { "\(file):\(line):\(column)" }
}
