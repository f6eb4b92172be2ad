/// A packed bit vector, used as a column's validity mask (bit set = value present).
public struct Bitmap: Sendable, Equatable {
    /// The bits, 64 per word. Settable so that the bit subscript can be inlined into other
    /// modules' loops; keep `words.count == (count + 63) / 64`.
    public var words: [UInt64]
    public private(set) var count: Int

    public init() {
        words = []
        count = 0
    }

    /// A bitmap over `count` bits stored in `words` (bit `i` is bit `i % 64` of word `i / 64`).
    public init(words: [UInt64], count: Int) {
        precondition(words.count == (count + 63) >> 6, "Bitmap needs (count + 63) / 64 words")
        self.words = words
        self.count = count
    }

    public init(repeating value: Bool, count: Int) {
        self.count = count
        words = [UInt64](repeating: value ? ~0 : 0, count: (count + 63) >> 6)
        if value, count & 63 != 0 { words[words.count - 1] = (1 << UInt64(count & 63)) - 1 }
    }

    @inlinable @inline(__always)
    public subscript(index: Int) -> Bool {
        get { (words[index >> 6] >> UInt64(index & 63)) & 1 != 0 }
        set {
            if newValue {
                words[index >> 6] |= 1 << UInt64(index & 63)
            } else {
                words[index >> 6] &= ~(1 << UInt64(index & 63))
            }
        }
    }

    @inline(__always)
    public mutating func append(_ value: Bool) {
        if count & 63 == 0 { words.append(0) }
        if value { words[count >> 6] |= 1 << UInt64(count & 63) }
        count += 1
    }

    public mutating func append(contentsOf other: Bitmap) {
        for index in 0..<other.count { append(other[index]) }
    }

    /// Number of set bits.
    public var nonzeroBitCount: Int { words.reduce(0) { $0 + $1.nonzeroBitCount } }

    public mutating func reserveCapacity(_ bits: Int) { words.reserveCapacity((bits + 63) >> 6) }
}
