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

    /// A decimal comma is assumed when the delimiter is not `,`, some unquoted values look like
    /// `12,5` and none look like `12.5`.
    static func sniffDecimalComma(_ rows: [[FieldText]]) -> Bool {
        var commas = 0
        var dots = 0
        for row in rows {
            for field in row where !field.quoted || true {
                let bytes = field.bytes
                guard let separator = bytes.firstIndex(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: ".") }) else { continue }
                let before = bytes[..<separator]
                let after = bytes[(separator + 1)...]
                let digitsBefore = before.drop { $0 == UInt8(ascii: "-") }
                guard !digitsBefore.isEmpty, !after.isEmpty,
                    digitsBefore.allSatisfy({ $0 &- 48 <= 9 }), after.allSatisfy({ $0 &- 48 <= 9 })
                else { continue }
                if bytes[separator] == UInt8(ascii: ",") { commas += 1 } else { dots += 1 }
            }
        }
        return commas > 0 && dots == 0
    }
}

/// One field's text (used for the header and the inference sample only): a slice of the input,
/// or a copy when doubled quotes had to be undone.
struct FieldText {
    var bytes: ArraySlice<UInt8>
    var quoted: Bool
}
