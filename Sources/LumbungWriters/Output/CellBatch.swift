/// The encoded text of one column's cells for a run of rows: their bytes back to back plus
/// `rowCount + 1` offsets (cell `i` is `bytes[ends[i] ..< ends[i + 1]]`).
///
/// Machine formats encode column by column (one type switch per column, tight typed loops),
/// then `RowStitcher` interleaves the batches into rows.
final class CellBatch {
    let buffer: ByteBuffer
    /// `ends[0] == 0`; `ends[i + 1]` is the end of cell `i`.
    let ends: UnsafeMutablePointer<Int>
    let maxRows: Int
    private(set) var rowCount = 0

    init(maxRows: Int, byteCapacity: Int = 16 * 1024) {
        self.maxRows = maxRows
        buffer = ByteBuffer(capacity: byteCapacity)
        ends = .allocate(capacity: maxRows + 1)
        ends[0] = 0
    }

    deinit { ends.deallocate() }

    /// Forgets all cells.
    @inline(__always)
    func removeAll() {
        buffer.removeAll()
        rowCount = 0
    }

    /// Closes the current cell: everything appended since the previous `endCell` belongs to it.
    @inline(__always)
    func endCell() {
        rowCount += 1
        ends[rowCount] = buffer.count
    }

    /// The bytes of cell `row`.
    @inline(__always)
    func cell(_ row: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: buffer.base + ends[row], count: ends[row + 1] - ends[row])
    }
}
