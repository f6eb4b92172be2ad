import LumbungCore

/// How a CSV file is written: delimiter, quote and decimal separator.
public struct CSVDialect: Sendable, Equatable {
    public var delimiter: UInt8
    public var quote: UInt8 = UInt8(ascii: "\"")
    /// `,` when numbers are written the Indonesian way (`12,5`), else `.`.
    public var decimalSeparator: UInt8 = UInt8(ascii: ".")

    public init(delimiter: UInt8, decimalSeparator: UInt8 = UInt8(ascii: ".")) {
        self.delimiter = delimiter
        self.decimalSeparator = decimalSeparator
    }

    /// Printable delimiter name for reports: `,` `;` `\t` `|`.
    public var delimiterName: String { delimiter == 9 ? "\\t" : String(UnicodeScalar(delimiter)) }

    static let candidates: [UInt8] = [UInt8(ascii: ","), UInt8(ascii: ";"), 9, UInt8(ascii: "|")]

    /// Picks the delimiter that splits the first lines into the same number (> 1) of fields most
    /// consistently; ties go to the order `,` `;` tab `|`. Quoted text is skipped.
    static func sniffDelimiter(_ sample: UnsafeRawBufferPointer) -> UInt8 {
        var best = candidates[0]
        var bestScore = -1
        for candidate in candidates {
            let counts = fieldCounts(sample, delimiter: candidate, maxLines: 50)
            guard let first = counts.first, first > 1 else { continue }
            let consistent = counts.filter { $0 == first }.count
            let score = consistent * 1000 + first
            if score > bestScore {
                bestScore = score
                best = candidate
            }
        }
        return best
    }

    private static func fieldCounts(_ sample: UnsafeRawBufferPointer, delimiter: UInt8, maxLines: Int) -> [Int] {
        var counts: [Int] = []
        var inQuotes = false
        var fields = 1
        var lineHasContent = false
        for byte in sample {
            if byte == UInt8(ascii: "\"") { inQuotes.toggle(); lineHasContent = true; continue }
            if inQuotes { continue }
            if byte == delimiter { fields += 1; lineHasContent = true }
            else if byte == 0x0a {
                if lineHasContent { counts.append(fields) }
                if counts.count >= maxLines { break }
                fields = 1
                lineHasContent = false
            } else if byte != 0x0d { lineHasContent = true }
        }
        return counts
    }
}

/// Tallies the values that read as digits, one `,` or `.`, digits: a decimal comma is assumed
/// when some look like `12,5` and none like `12.5`.
struct DecimalMarks {
    private var commas = 0
    private var dots = 0

    var isComma: Bool { commas > 0 && dots == 0 }

    /// Counts one field's text (`-` signs before the digits are allowed).
    mutating func add(_ p: UnsafePointer<UInt8>, _ count: Int) {
        var separator = 0
        while separator < count && p[separator] != UInt8(ascii: ",") && p[separator] != UInt8(ascii: ".") { separator += 1 }
        guard separator < count, separator + 1 < count else { return }
        var index = 0
        while index < separator && p[index] == UInt8(ascii: "-") { index += 1 }
        guard index < separator else { return }
        while index < separator {
            if p[index] &- 48 > 9 { return }
            index += 1
        }
        for after in (separator + 1)..<count where p[after] &- 48 > 9 { return }
        if p[separator] == UInt8(ascii: ",") { commas += 1 } else { dots += 1 }
    }
}

/// One field's text (used for the header only): a slice of the input, or a copy when doubled
/// quotes had to be undone.
struct FieldText {
    var bytes: ArraySlice<UInt8>
    var quoted: Bool
}
