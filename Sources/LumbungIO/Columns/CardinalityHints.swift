import Foundation

/// The number of distinct strings of a block's column and their bytes.
struct DictionarySize: Sendable, Equatable {
    var values = 0
    var bytes = 0
}

/// What the blocks parsed so far saw of each column's strings, shared by the parser threads of one
/// read (CSV by column slot, JSON by global column id): columns with too many distinct values for
/// dictionary encoding (later blocks skip the attempt), and the size of the last dictionary (later
/// blocks start their encoder at that size).
final class CardinalityHints: @unchecked Sendable {
    private let lock = NSLock()
    private var high: Set<Int> = []
    private var sizes: [Int: DictionarySize] = [:]

    func hint(_ id: Int) -> (high: Bool, dictionary: DictionarySize) {
        lock.lock()
        defer { lock.unlock() }
        return (high.contains(id), sizes[id] ?? DictionarySize())
    }

    func markHigh(_ id: Int) {
        lock.lock()
        high.insert(id)
        lock.unlock()
    }

    /// Records a finished block's column: `plain` when it had too many distinct values.
    func record(_ id: Int, plain: Bool, dictionary: DictionarySize) {
        lock.lock()
        if plain { high.insert(id) }
        if dictionary.values > 0 { sizes[id] = dictionary }
        lock.unlock()
    }
}
