extension StringArray {
    /// Dictionary-encodes the strings when they repeat enough to pay off: returns the codes (one per
    /// value, indexing the dictionary in first-seen order) and the dictionary of distinct strings,
    /// or `nil` when there are more than `maxDistinct` distinct values.
    ///
    /// Null slots (`validity` bit clear) get code 0 and add nothing to the dictionary.
    /// - Complexity: O(bytes), one pass with an open-addressing hash table.
    public func dictionaryEncoded(validity: Bitmap?, maxDistinct: Int) -> (codes: [UInt32], dictionary: StringArray)? {
        let valueCount = count
        guard valueCount > 0 else { return ([], StringArray()) }
        var capacity = 64
        while capacity < min(maxDistinct, valueCount) * 2 { capacity <<= 1 }
        let mask = capacity - 1
        var slots = [Int32](repeating: -1, count: capacity)
        var hashes = [UInt64]()
        var dictionary = StringArray()
        var codes = [UInt32](repeating: 0, count: valueCount)
        let ok = bytes.withUnsafeBytes { raw -> Bool in
            guard let base = raw.baseAddress ?? UnsafeRawPointer(bitPattern: 1) else { return false }
            return offsets.withUnsafeBufferPointer { offs -> Bool in
                for index in 0..<valueCount {
                    if let validity, !validity[index] { continue }
                    let start = Int(offs[index])
                    let length = Int(offs[index + 1]) - start
                    let h = ByteHash.hash(base + start, length)
                    var slot = Int(truncatingIfNeeded: h) & mask
                    while true {
                        let code = slots[slot]
                        if code < 0 {
                            if dictionary.count >= maxDistinct { return false }
                            slots[slot] = Int32(dictionary.count)
                            codes[index] = UInt32(dictionary.count)
                            hashes.append(h)
                            dictionary.append(UnsafeRawBufferPointer(start: base + start, count: length))
                            break
                        }
                        if hashes[Int(code)] == h {
                            let dStart = Int(dictionary.offsets[Int(code)])
                            let dLength = Int(dictionary.offsets[Int(code) + 1]) - dStart
                            if dLength == length,
                                length == 0
                                    || dictionary.bytes.withUnsafeBytes({ memcmp($0.baseAddress! + dStart, base + start, length) == 0 })
                            {
                                codes[index] = UInt32(code)
                                break
                            }
                        }
                        slot = (slot + 1) & mask
                    }
                }
                return true
            }
        }
        return ok ? (codes, dictionary) : nil
    }
}

#if canImport(Glibc)
import Glibc
#endif
