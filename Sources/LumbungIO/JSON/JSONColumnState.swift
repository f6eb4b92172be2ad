import Foundation
import LumbungCore

/// The columns of one JSON read, shared by its parser threads: every column gets an id on first
/// sight, and its type only ever widens (int64 → float64, date → timestamp, anything → string).
/// Declared types (`ReadOptions.schema`) never change. A column seen only with nulls has no type yet.
final class JSONColumnState: @unchecked Sendable {
    private let lock = NSLock()
    private var ids: [String: Int] = [:]
    private var types: [DataType?] = []
    private var declared: [Bool] = []
    private let schema: Schema?
    private var sampledBytesPerRow: Double = 0

    init(schema: Schema?) {
        self.schema = schema
    }

    /// The id of column `name`, its current type and whether the type is declared.
    func register(_ name: String) -> (id: Int, type: DataType?, declared: Bool) {
        lock.lock()
        defer { lock.unlock() }
        if let id = ids[name] { return (id, types[id], declared[id]) }
        let id = types.count
        ids[name] = id
        if let field = schema?[name] {
            types.append(field.type)
            declared.append(true)
        } else {
            types.append(nil)
            declared.append(false)
        }
        return (id, types[id], declared[id])
    }

    /// Widens column `id` to hold `type` too; returns the resulting type.
    @discardableResult
    func widen(_ id: Int, toHold type: DataType) -> DataType {
        lock.lock()
        defer { lock.unlock() }
        if declared[id], let fixed = types[id] { return fixed }
        let widened = types[id].map { $0.widened(with: type) } ?? type
        types[id] = widened
        return widened
    }

    /// The type of every column that has one, by name.
    func finalTypes() -> [String: DataType] {
        lock.lock()
        defer { lock.unlock() }
        var result: [String: DataType] = [:]
        for (name, id) in ids {
            if let type = types[id] { result[name] = type }
        }
        return result
    }

    /// Columns with too many distinct strings for a dictionary, and the last dictionary sizes.
    let cardinality = CardinalityHints()
    private var misalignedBlock = false

    /// A parser thread found a block that is not whole elements of the array (speculative cuts).
    func markMisaligned() {
        lock.lock()
        misalignedBlock = true
        lock.unlock()
    }

    var misaligned: Bool {
        lock.lock()
        defer { lock.unlock() }
        return misalignedBlock
    }
    private var stringBytes: [Int: Int] = [:]
    /// Scratch memory recycled between blocks.
    let pool = JSONMemoryPool()

    /// Bytes of string text per value last seen in column `id` (16 when unknown).
    func stringBytesPerValue(_ id: Int) -> Int {
        lock.lock()
        defer { lock.unlock() }
        return stringBytes[id] ?? 16
    }

    func noteStringBytesPerValue(_ id: Int, _ bytes: Int) {
        lock.lock()
        stringBytes[id] = bytes
        lock.unlock()
    }


    /// Bytes per row measured on the sample, to size the column builders of a block.
    var bytesPerRow: Double {
        get { lock.lock(); defer { lock.unlock() }; return sampledBytesPerRow }
        set { lock.lock(); sampledBytesPerRow = newValue; lock.unlock() }
    }
}
