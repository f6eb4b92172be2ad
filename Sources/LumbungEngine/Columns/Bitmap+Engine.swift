import LumbungCore

extension Bitmap {
    /// A bitmap of `count` bits from packed words (bit `i` is bit `i & 63` of `words[i >> 6]`),
    /// with the bits past `count` in the last word cleared (so counts of set bits stay right).
    static func fromWords(_ words: [UInt64], count: Int) -> Bitmap {
        var words = words
        if count & 63 != 0, !words.isEmpty { words[words.count - 1] &= (1 << UInt64(count & 63)) - 1 }
        return Bitmap(words: words, count: count)
    }

    /// A validity bitmap from one flag per value (non-zero = present); `nil` when every flag is set.
    static func validity(fromFlags flags: UnsafeBufferPointer<UInt8>) -> Bitmap? {
        let count = flags.count
        var words = [UInt64](repeating: 0, count: (count + 63) >> 6)
        var allSet = true
        words.withUnsafeMutableBufferPointer { out in
            var index = 0
            var wordIndex = 0
            while index + 64 <= count {
                var word: UInt64 = 0
                for bit in 0..<64 where flags[index + bit] != 0 { word |= 1 << UInt64(bit) }
                if word != ~0 { allSet = false }
                out[wordIndex] = word
                index += 64
                wordIndex += 1
            }
            if index < count {
                var word: UInt64 = 0
                for bit in 0..<(count - index) where flags[index + bit] != 0 { word |= 1 << UInt64(bit) }
                if word != (1 << UInt64(count - index)) - 1 { allSet = false }
                out[wordIndex] = word
            }
        }
        return allSet ? nil : Bitmap.fromWords(words, count: count)
    }

    /// `nil` when every bit is set, else `self`.
    var normalized: Bitmap? { nonzeroBitCount == count ? nil : self }

    /// Bits `range` as a new bitmap.
    func slice(_ range: Range<Int>) -> Bitmap {
        let count = range.count
        var words = [UInt64](repeating: 0, count: (count + 63) >> 6)
        let shift = range.lowerBound & 63
        let first = range.lowerBound >> 6
        self.words.withUnsafeBufferPointer { source in
            for wordIndex in 0..<words.count {
                var word = source[first + wordIndex] >> UInt64(shift)
                if shift != 0, first + wordIndex + 1 < source.count {
                    word |= source[first + wordIndex + 1] << UInt64(64 - shift)
                }
                words[wordIndex] = word
            }
        }
        return Bitmap.fromWords(words, count: count)
    }
}

/// Validity of a value that needs both inputs present: the AND of two masks (`nil` = all present).
func intersectValidity(_ lhs: Bitmap?, _ rhs: Bitmap?) -> Bitmap? {
    guard let lhs else { return rhs }
    guard let rhs else { return lhs }
    var words = lhs.words
    rhs.words.withUnsafeBufferPointer { other in
        words.withUnsafeMutableBufferPointer { out in
            for index in 0..<out.count { out[index] &= other[index] }
        }
    }
    return Bitmap.fromWords(words, count: lhs.count).normalized
}

/// Validity of a value present when either input is: the OR of two masks (`nil` = all present).
func unionValidity(_ lhs: Bitmap?, _ rhs: Bitmap?) -> Bitmap? {
    guard let lhs, let rhs else { return nil }
    var words = lhs.words
    rhs.words.withUnsafeBufferPointer { other in
        words.withUnsafeMutableBufferPointer { out in
            for index in 0..<out.count { out[index] |= other[index] }
        }
    }
    return Bitmap.fromWords(words, count: lhs.count).normalized
}

/// Calls `body` with the validity words of `bitmap`, or `nil` when every value is present.
@inline(__always)
func withValidityWords<R>(_ bitmap: Bitmap?, _ body: (UnsafeBufferPointer<UInt64>?) throws -> R) rethrows -> R {
    if let bitmap { return try bitmap.words.withUnsafeBufferPointer { try body($0) } }
    return try body(nil)
}

@inline(__always)
func isValid(_ words: UnsafeBufferPointer<UInt64>?, _ index: Int) -> Bool {
    guard let words else { return true }
    return (words[index >> 6] >> UInt64(index & 63)) & 1 != 0
}
