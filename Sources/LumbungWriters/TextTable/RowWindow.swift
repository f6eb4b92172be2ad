/// Which rows the `table` format shows of a long result: the first `first` and the last `last`,
/// with one `…` row between them. A result of at most `first + last` rows is shown whole.
public struct RowWindow: Sendable, Equatable {
    public var first: Int
    public var last: Int

    public init(first: Int, last: Int) {
        self.first = max(first, 0)
        self.last = max(last, 0)
    }

    /// The rows to show of `rowCount`: the head, the tail (empty when nothing is left out), and
    /// whether rows were left out between them.
    func ranges(rowCount: Int) -> (head: Range<Int>, tail: Range<Int>, elided: Bool) {
        guard rowCount > first + last else { return (0..<rowCount, rowCount..<rowCount, false) }
        return (0..<first, (rowCount - last)..<rowCount, true)
    }
}
