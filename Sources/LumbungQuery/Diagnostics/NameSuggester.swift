/// Finds the known name nearest to a misspelt one, tuned to Indonesian snake_case names.
///
/// Comparison ignores case, `_`, spaces and backticks (`Tanggal Permohonan` is
/// `tanggal_permohonan`), and also works word by word, where a word may be abbreviated the way
/// Indonesian data officers do (`tgl` for `tanggal`, `jml` for `jumlah`: same first letter, the
/// rest in order). A name is suggested when its score (0 = same, 1 = nothing in common) is at
/// most `threshold` and clearly better than the runner-up; otherwise the caller lists the candidates.
public struct NameSuggester: Sendable {
    public enum Result: Sendable, Hashable {
        /// One name is close enough to suggest.
        case didYouMean(String)
        /// Nothing is close: these are the names to choose from (all of them when few, else the nearest).
        case candidates([String])
    }

    public let candidates: [String]
    public var threshold: Double
    /// At most this many candidates are listed when nothing is close.
    public var listLimit: Int

    public init(_ candidates: [String], threshold: Double = 0.34, listLimit: Int = 12) {
        self.candidates = candidates
        self.threshold = threshold
        self.listLimit = listLimit
    }

    /// The name to suggest for `name`, if one is close enough.
    public func suggest(_ name: String) -> String? {
        if case .didYouMean(let best) = result(for: name) { return best }
        return nil
    }

    /// A suggestion, or the candidates to list.
    public func result(for name: String) -> Result {
        let scored = candidates.map { (name: $0, score: Self.score(name, $0)) }
            .sorted { $0.score < $1.score }
        if let best = scored.first, best.score <= threshold {
            let runnerUp = scored.dropFirst().first?.score ?? 1
            // Two equally good guesses are no guess at all.
            if runnerUp > best.score || best.score == 0 { return .didYouMean(best.name) }
        }
        if candidates.count <= listLimit { return .candidates(candidates) }
        return .candidates(scored.prefix(5).map(\.name).sorted())
    }

    // MARK: - Scoring

    /// Lowercased with `_`, spaces, `-` and backticks removed.
    public static func normalize(_ name: String) -> String {
        String(name.lowercased().unicodeScalars.filter { !"_ `-".unicodeScalars.contains($0) }.map(Character.init))
    }

    /// The words of a name: split at `_`, spaces, `-`, backticks and lower-to-upper case changes.
    public static func words(_ name: String) -> [String] {
        var words: [String] = []
        var current = ""
        var previousLower = false
        for character in name {
            if character == "_" || character == " " || character == "`" || character == "-" {
                if !current.isEmpty { words.append(current) }
                current = ""
                previousLower = false
                continue
            }
            if character.isUppercase, previousLower, !current.isEmpty {
                words.append(current)
                current = ""
            }
            current.append(Character(character.lowercased()))
            previousLower = character.isLowercase || character.isNumber
        }
        if !current.isEmpty { words.append(current) }
        return words
    }

    /// 0 for the same name (ignoring case, `_`, spaces, backticks), up to 1 for nothing in common.
    public static func score(_ written: String, _ candidate: String) -> Double {
        let a = normalize(written)
        let b = normalize(candidate)
        if a == b { return 0 }
        var best = normalizedDistance(Array(a.unicodeScalars), Array(b.unicodeScalars))
        let writtenWords = words(written)
        let candidateWords = words(candidate)
        if writtenWords.count == candidateWords.count, writtenWords.count > 1 {
            var total = 0.0
            for (w, c) in zip(writtenWords, candidateWords) { total += wordScore(w, c) }
            best = min(best, total / Double(writtenWords.count))
        }
        // The first words of a longer name: `sla_hari` for `sla_hari_kerja`, `tepat` for `tepat_waktu`.
        if !writtenWords.isEmpty, writtenWords.count < candidateWords.count,
           2 * writtenWords.count >= candidateWords.count {
            var total = 0.0
            for (w, c) in zip(writtenWords, candidateWords) {
                let word = w == c ? 0 : (isAbbreviation(w, of: c) ? 0.2 : 1)
                total += word
            }
            if total < 1 {
                let missing = Double(candidateWords.count - writtenWords.count) / Double(candidateWords.count)
                best = min(best, 0.15 + 0.3 * missing + total / Double(writtenWords.count))
            }
        }
        return best
    }

    /// One word against another: equal 0, abbreviation 0.2, otherwise the edit distance.
    static func wordScore(_ written: String, _ candidate: String) -> Double {
        if written == candidate { return 0 }
        if isAbbreviation(written, of: candidate) || isAbbreviation(candidate, of: written) { return 0.2 }
        return normalizedDistance(Array(written.unicodeScalars), Array(candidate.unicodeScalars))
    }

    /// `tgl` of `tanggal`: at least two letters, same first letter, the rest in order.
    static func isAbbreviation(_ short: String, of long: String) -> Bool {
        let s = Array(short.unicodeScalars)
        let l = Array(long.unicodeScalars)
        guard s.count >= 2, s.count < l.count, s[0] == l[0] else { return false }
        var index = 1
        for scalar in l.dropFirst() where index < s.count && scalar == s[index] { index += 1 }
        return index == s.count
    }

    /// Optimal-string-alignment distance (insertions, deletions, substitutions, adjacent
    /// transpositions) divided by the longer length.
    static func normalizedDistance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Double {
        let longest = max(a.count, b.count)
        if longest == 0 { return 0 }
        return Double(editDistance(a, b)) / Double(longest)
    }

    static func editDistance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previousPrevious = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for aIndex in 1...a.count {
            current[0] = aIndex
            for bIndex in 1...b.count {
                let cost = a[aIndex - 1] == b[bIndex - 1] ? 0 : 1
                var value = min(previous[bIndex] + 1, current[bIndex - 1] + 1, previous[bIndex - 1] + cost)
                if aIndex > 1, bIndex > 1, a[aIndex - 1] == b[bIndex - 2], a[aIndex - 2] == b[bIndex - 1] {
                    value = min(value, previousPrevious[bIndex - 2] + 1)
                }
                current[bIndex] = value
            }
            swap(&previousPrevious, &previous)
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
