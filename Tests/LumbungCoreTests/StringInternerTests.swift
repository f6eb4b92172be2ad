import Testing
@testable import LumbungCore

@Suite("string interner")
struct StringInternerTests {
    /// A small deterministic generator (xorshift64*), so a failure repeats.
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state ^= state >> 12
            state ^= state << 25
            state ^= state >> 27
            return state &* 0x2545_F491_4F6C_DD1D
        }
        mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
    }

    /// Strings built to defeat the shortcuts: every length from 0 to 48, and for each a family
    /// sharing the first and last 8 bytes (which the table's slot compares) and differing in one
    /// middle byte, which only the full comparison can tell apart.
    static func trickyStrings(seed: UInt64) -> [[UInt8]] {
        var random = Generator(state: seed)
        var strings: [[UInt8]] = []
        for length in 0...48 {
            let base = (0..<length).map { _ in UInt8(ascii: "a") + UInt8(random.below(3)) }
            strings.append(base)
            for position in 0..<length {
                var variant = base
                variant[position] = UInt8(ascii: "x")
                strings.append(variant)
            }
        }
        // Repeats in a random order, as a column's values come.
        var values: [[UInt8]] = []
        for _ in 0..<(strings.count * 4) { values.append(strings[random.below(strings.count)]) }
        return values
    }

    @Test("codes follow first-seen order and tell apart strings differing only in the middle", arguments: [1, 2, 3] as [UInt64])
    func codesMatchReference(seed: UInt64) {
        let values = Self.trickyStrings(seed: seed)
        var interner = StringInterner(expected: 4)
        var reference: [[UInt8]: UInt32] = [:]
        var order: [[UInt8]] = []
        for value in values {
            let (code, isNew) = value.withUnsafeBufferPointer { buffer -> (UInt32, Bool) in
                var zero: UInt8 = 0
                return interner.code(for: buffer.baseAddress ?? withUnsafePointer(to: &zero) { $0 }, buffer.count)
            }
            if let known = reference[value] {
                #expect(code == known && !isNew, "\(String(decoding: value, as: UTF8.self)) got \(code), expected \(known)")
            } else {
                #expect(isNew && Int(code) == order.count)
                reference[value] = code
                order.append(value)
            }
        }
        #expect(interner.count == order.count)
        for (code, value) in order.enumerated() {
            #expect(Array(interner.dictionary.bytes[Int(interner.dictionary.offsets[code])..<Int(interner.dictionary.offsets[code + 1])]) == value)
        }
    }

    @Test("the exact comparison behind a hash match checks every byte, lengths 17 to 48")
    func exactComparison() {
        // Hashes of different strings practically never collide, so the comparison a collision
        // relies on is checked directly: a string equal in length and in its first and last 8
        // bytes, differing in one byte between them, is not a match.
        for length in 17...48 {
            let base = (0..<length).map { UInt8(ascii: "a") + UInt8($0 % 26) }
            var interner = StringInterner()
            let code = base.withUnsafeBufferPointer { interner.code(for: $0.baseAddress!, length).code }
            base.withUnsafeBufferPointer { #expect(interner.matches(Int(code), $0.baseAddress!, length)) }
            for position in 8..<(length - 8) {
                var variant = base
                variant[position] = UInt8(ascii: "#")
                variant.withUnsafeBufferPointer {
                    #expect(!interner.matches(Int(code), $0.baseAddress!, length), "length \(length), byte \(position)")
                }
            }
        }
    }

    @Test("a table sized from a hint holds the same codes as one that grows")
    func sizedTableAgrees() {
        let values = Self.trickyStrings(seed: 9)
        var grown = StringInterner(expected: 1)
        var sized = StringInterner(expected: 4_000, bytes: 100_000)
        for value in values {
            value.withUnsafeBufferPointer { buffer in
                guard let base = buffer.baseAddress else { return }
                #expect(grown.code(for: base, buffer.count) == sized.code(for: base, buffer.count))
            }
        }
        #expect(grown.dictionary == sized.dictionary)
    }

    @Test("the inlined hash of 17 to 32 bytes equals the general one")
    func inlinedHashAgrees() {
        var random = Generator(state: 77)
        for length in 17...32 {
            for _ in 0..<50 {
                let bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: random.next()) }
                let seed = random.next()
                bytes.withUnsafeBytes { raw in
                    #expect(ByteHash.hash(raw.baseAddress!, length, seed: seed) == ByteHash.long(raw.baseAddress!, length, seed: seed))
                }
            }
        }
    }
}
