/// Numbers as people read them, in a `NumberStyle` (for the `table` and `markdown` formats).
///
/// Floats: the shortest round-trip decimal of the value is rounded to at most `maxFractionDigits`
/// decimals, half away from zero (so `2.675` shows `2.68` with 2 decimals, as it reads, not `2.67`
/// as its binary value would give), and trailing zeros are dropped (`3.0` → `3`, `0.1 + 0.2` →
/// `0.3`). Values of 1e15 and more are written in scientific notation with their shortest digits
/// (`1e+15`, `1,5e+16`); non-zero values that would round to zero keep their shortest text
/// (`0,0004`, `1e-07`); both with the style's decimal separator. NaN and infinities are
/// `NaN`, `Infinity`, `-Infinity`; negative zero is `0`.
enum NumberText {
    /// `1234567` (plain) or `1.234.567` (indonesian).
    static func integer(_ value: Int64, style: NumberStyle) -> String {
        let digits = String(value.magnitude)
        let grouped = style.groupSeparator.map { group(digits, with: $0) } ?? digits
        return value < 0 ? "-" + grouped : grouped
    }

    static func float(_ value: Double, style: NumberStyle, maxFractionDigits: Int) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Infinity" : "Infinity" }
        if value == 0 { return "0" }
        let magnitude = value.magnitude
        let sign = value < 0 ? "-" : ""

        // The shortest text, as digits d1 d2 … dn (d1 ≠ 0) and a point position p:
        // magnitude = 0.d1d2…dn × 10^p.
        let text = magnitude.description
        let parts = text.split(separator: "e", maxSplits: 1)
        let mantissa = parts[0]
        let exponent = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
        var digits = Array(mantissa.utf8.filter { $0 != UInt8(ascii: ".") })
        var point =
            (mantissa.firstIndex(of: ".").map { mantissa.distance(from: mantissa.startIndex, to: $0) } ?? mantissa.count)
            + exponent
        while digits.count > 1, digits[0] == UInt8(ascii: "0") {
            digits.removeFirst()
            point -= 1
        }
        while digits.count > 1, digits[digits.count - 1] == UInt8(ascii: "0") { digits.removeLast() }
        if magnitude >= 1e15 { return sign + scientific(digits, point: point, style: style) }

        // Round half away from zero to `maxFractionDigits` decimals.
        let keep = point + max(maxFractionDigits, 0)
        if keep < digits.count {
            let roundUp = keep >= 0 && digits[keep] >= UInt8(ascii: "5")
            digits.removeSubrange(max(keep, 0)...)
            if roundUp {
                var position = digits.count - 1
                while position >= 0, digits[position] == UInt8(ascii: "9") {
                    digits[position] = UInt8(ascii: "0")
                    position -= 1
                }
                if position >= 0 {
                    digits[position] += 1
                } else {
                    digits.insert(UInt8(ascii: "1"), at: 0)
                    point += 1
                }
            }
            if digits.allSatisfy({ $0 == UInt8(ascii: "0") }) {
                return sign + shortest(magnitude, style: style)
            }
        }

        var integerPart: String
        var fractionDigits: [UInt8]
        if point <= 0 {
            integerPart = "0"
            fractionDigits = [UInt8](repeating: UInt8(ascii: "0"), count: -point) + digits
        } else if point >= digits.count {
            integerPart = String(
                decoding: digits + [UInt8](repeating: UInt8(ascii: "0"), count: point - digits.count), as: UTF8.self)
            fractionDigits = []
        } else {
            integerPart = String(decoding: digits[..<point], as: UTF8.self)
            fractionDigits = Array(digits[point...])
        }
        while fractionDigits.last == UInt8(ascii: "0") { fractionDigits.removeLast() }
        if let separator = style.groupSeparator { integerPart = group(integerPart, with: separator) }
        guard !fractionDigits.isEmpty else { return sign + integerPart }
        return sign + integerPart + String(style.decimalSeparator) + String(decoding: fractionDigits, as: UTF8.self)
    }

    /// `d1.d2…dn e±XX` (at least two exponent digits, as Swift prints): `1e+15`, `1,5e+16`.
    private static func scientific(_ digits: [UInt8], point: Int, style: NumberStyle) -> String {
        var text = String(UnicodeScalar(digits[0]))
        if digits.count > 1 {
            text.append(style.decimalSeparator)
            text += String(decoding: digits[1...], as: UTF8.self)
        }
        let exponent = point - 1
        let exponentDigits = String(exponent.magnitude)
        return text + (exponent < 0 ? "e-" : "e+") + (exponentDigits.count < 2 ? "0" : "") + exponentDigits
    }

    /// The shortest round-trip text with the style's decimal separator (`1,5e+16`).
    private static func shortest(_ magnitude: Double, style: NumberStyle) -> String {
        let text = magnitude.description
        guard style.decimalSeparator != "." else { return text }
        return String(text.map { $0 == "." ? style.decimalSeparator : $0 })
    }

    /// Inserts `separator` every three digits from the right: `1234567` → `1.234.567`.
    static func group(_ digits: String, with separator: Character) -> String {
        guard digits.count > 3 else { return digits }
        var result = ""
        result.reserveCapacity(digits.count + digits.count / 3)
        let leading = digits.count % 3
        for (index, digit) in digits.enumerated() {
            if index > 0, (index - leading) % 3 == 0 { result.append(separator) }
            result.append(digit)
        }
        return result
    }
}
