extension StringArray {
    /// Dictionary-encodes the strings when they repeat enough to pay off: returns the codes (one per
    /// value, indexing the dictionary in first-seen order) and the dictionary of distinct strings,
    /// or `nil` when there are more than `maxDistinct` distinct values.
    ///
    /// Null slots (`validity` bit clear) get code 0 and add nothing to the dictionary.
    /// - Complexity: O(bytes), one pass with a `StringInterner`.
    public func dictionaryEncoded(validity: Bitmap?, maxDistinct: Int) -> (codes: [UInt32], dictionary: StringArray)? {
        let valueCount = count
        guard valueCount > 0 else { return ([], StringArray()) }
        var interner = StringInterner(expected: min(maxDistinct, valueCount))
        var codes = [UInt32](repeating: 0, count: valueCount)
        let ok = bytes.withUnsafeBufferPointer { raw -> Bool in
            let base = raw.baseAddress ?? UnsafePointer(bitPattern: 1)!
            return offsets.withUnsafeBufferPointer { offs -> Bool in
                for index in 0..<valueCount {
                    if let validity, !validity[index] { continue }
                    let start = Int(offs[index])
                    let (code, isNew) = interner.code(for: base + start, Int(offs[index + 1]) - start)
                    if isNew && interner.count > maxDistinct { return false }
                    codes[index] = code
                }
                return true
            }
        }
        return ok ? (codes, interner.dictionary) : nil
    }
}
