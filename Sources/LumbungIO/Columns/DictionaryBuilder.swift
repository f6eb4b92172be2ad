import LumbungCore


/// Assigns dictionary codes to a column's byte strings as they arrive (first-seen order), and
/// remembers which distinct values are not valid UTF-8 so that each is validated only once.
struct DictionaryBuilder {
    private var interner: StringInterner
    private var invalid: [Int32] = []
    /// Whether any value so far is invalid UTF-8.
    private(set) var anyInvalid = false

    /// Sized for about `expected` distinct values of `bytes` bytes in all.
    init(expected: Int, bytes: Int = 0) {
        interner = StringInterner(expected: expected, bytes: bytes)
        invalid.reserveCapacity(expected)
    }

    var count: Int { interner.count }
    var dictionary: StringArray { interner.dictionary }

    /// The code of these bytes, validating new values; `invalidAt` is the offset of the first
    /// byte that is not UTF-8 when the value is invalid.
    @inline(__always)
    mutating func code(for p: UnsafePointer<UInt8>, _ length: Int) -> (code: UInt32, invalidAt: Int?) {
        let (code, isNew) = interner.code(for: p, length)
        if isNew {
            let bad = UTF8Validation.firstInvalid(p, length)
            invalid.append(bad.map { Int32($0) } ?? -1)
            if bad != nil { anyInvalid = true }
            return (code, bad)
        }
        if anyInvalid, invalid[Int(code)] >= 0 { return (code, Int(invalid[Int(code)])) }
        return (code, nil)
    }
}

extension Column {
    /// The rows where `keep` is true, in order.
    func filtered(_ keep: [Bool]) -> Column {
        var items: [Value] = []
        items.reserveCapacity(keep.count)
        for row in 0..<count where keep[row] { items.append(value(at: row)) }
        return Column.from(items, type: type)
    }
}
