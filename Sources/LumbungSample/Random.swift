// Small, fast, deterministic random numbers. The output of the generator must depend only on
// the seed (never on threads or the system), so every block of rows owns its own generator,
// seeded from (seed, table, block).
import Foundation

/// SplitMix64's finaliser: a good 64-bit mixing function (Steele, Lea, Flood 2014).
@inline(__always)
func mix64(_ value: UInt64) -> UInt64 {
    var z = value &+ 0x9E37_79B9_7F4A_7C15
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
}

/// A stateless hash of several values, for choices that must not depend on generation order.
@inline(__always)
func hashValues(_ a: UInt64, _ b: UInt64, _ c: UInt64 = 0, _ d: UInt64 = 0) -> UInt64 {
    mix64(mix64(mix64(mix64(a) ^ b) ^ c) ^ d)
}

/// Stable 64-bit FNV-1a of a string (Swift's `hashValue` changes between runs).
func stableHash(_ text: String) -> UInt64 {
    var h: UInt64 = 0xCBF2_9CE4_8422_2325
    for byte in text.utf8 { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
    return h
}

/// xoshiro256** (Blackman, Vigna), seeded through SplitMix64.
struct Rng {
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    init(seed: UInt64) {
        var x = seed
        func next() -> UInt64 { x = x &+ 0x9E37_79B9_7F4A_7C15; return mix64(x &- 0x9E37_79B9_7F4A_7C15) }
        s0 = next(); s1 = next(); s2 = next(); s3 = next()
        if s0 | s1 | s2 | s3 == 0 { s0 = 1 }
    }

    /// The generator of block `block` of a table: depends on nothing else.
    init(seed: UInt64, stream: String, block: Int) {
        self.init(seed: hashValues(seed, stableHash(stream), UInt64(block)))
    }

    @inline(__always)
    mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = (s3 << 45) | (s3 >> 19)
        return result
    }

    /// Uniform in 0..<n (multiply-high; the bias is below 2^-32 for the sizes used here).
    @inline(__always)
    mutating func below(_ n: Int) -> Int {
        Int(truncatingIfNeeded: next().multipliedFullWidth(by: UInt64(n)).high)
    }

    /// Uniform in lo...hi.
    @inline(__always)
    mutating func between(_ lo: Int, _ hi: Int) -> Int { hi <= lo ? lo : lo + below(hi - lo + 1) }

    /// Uniform in [0, 1).
    @inline(__always)
    mutating func unit() -> Double { Double(next() >> 11) * 0x1p-53 }

    @inline(__always)
    mutating func chance(_ p: Double) -> Bool { unit() < p }

    /// Approximately normal (sum of four uniforms), mean 0, standard deviation 1.
    @inline(__always)
    mutating func normal() -> Double { (unit() + unit() + unit() + unit() - 2.0) * 1.7320508075688772 }

    /// Exponential with the given mean.
    @inline(__always)
    mutating func exponential(_ mean: Double) -> Double { -mean * Foundation.log(1.0 - unit()) }
}

/// Vose's alias method: O(1) draws from a fixed discrete distribution.
struct AliasTable {
    private let probability: [Double]
    private let alias: [Int32]
    let count: Int

    init(_ weights: [Double]) {
        precondition(!weights.isEmpty, "empty distribution")
        let n = weights.count
        let total = weights.reduce(0, +)
        precondition(total > 0 && weights.allSatisfy { $0 >= 0 }, "weights must be non-negative with a positive sum")
        var scaled = weights.map { $0 * Double(n) / total }
        var prob = [Double](repeating: 1, count: n)
        var alias = [Int32](repeating: 0, count: n)
        var small: [Int] = [], large: [Int] = []
        for i in 0..<n { if scaled[i] < 1 { small.append(i) } else { large.append(i) } }
        while let s = small.popLast() {
            guard let l = large.popLast() else { prob[s] = 1; continue }
            prob[s] = scaled[s]
            alias[s] = Int32(l)
            scaled[l] = scaled[l] + scaled[s] - 1
            if scaled[l] < 1 { small.append(l) } else { large.append(l) }
        }
        for l in large { prob[l] = 1 }
        probability = prob
        self.alias = alias
        count = n
    }

    @inline(__always)
    func pick(_ rng: inout Rng) -> Int {
        let r = rng.next()
        let i = Int(truncatingIfNeeded: r.multipliedFullWidth(by: UInt64(count)).high)
        // The low 53 bits are independent enough of the high bits used for the column.
        let u = Double(r & 0x1F_FFFF_FFFF_FFFF) * 0x1p-53
        return u < probability[i] ? i : Int(alias[i])
    }
}

/// A distribution over labelled values.
struct Picker<T> {
    let values: [T]
    let table: AliasTable

    init(_ entries: [(T, Double)]) {
        values = entries.map(\.0)
        table = AliasTable(entries.map(\.1))
    }

    @inline(__always)
    func pick(_ rng: inout Rng) -> T { values[table.pick(&rng)] }
}

extension Picker where T == String {
    /// From a weight dictionary, in key order.
    init(weights: Weights) { self.init(weights.sortedEntries.map { ($0.key, $0.weight) }) }
}
