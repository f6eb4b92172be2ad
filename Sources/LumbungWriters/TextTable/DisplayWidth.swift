/// How many terminal columns text takes, and cutting text to a width.
///
/// Measured per grapheme cluster (what the user sees as one character), by its first scalar:
/// - East Asian Wide and Fullwidth characters (CJK ideographs, kana, Hangul syllables,
///   fullwidth forms) and emoji shown as emoji take 2 columns;
/// - combining marks, format characters (zero-width space and joiner, …) and controls take 0, so
///   a combining accent adds nothing to its base letter;
/// - everything else, ASCII and precomposed Latin accents (`é`) included, takes 1.
///
/// This is `wcwidth` at cluster level, close to what modern terminals draw. Ambiguous-width
/// characters (`…`, Greek, Cyrillic) count as 1.
enum DisplayWidth {
    /// The width of `text` in terminal columns.
    static func of(_ text: String) -> Int {
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7f }) { return text.utf8.count }
        var width = 0
        for character in text { width += of(character) }
        return width
    }

    /// The width of one grapheme cluster.
    static func of(_ character: Character) -> Int {
        let scalars = character.unicodeScalars
        guard let first = scalars.first else { return 0 }
        if first.isASCII { return first.value >= 0x20 && first.value < 0x7f ? 1 : 0 }
        switch first.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format, .control: return 0
        default: break
        }
        if (0x1160...0x11FF).contains(first.value) { return 0 }  // Hangul medial vowels, final consonants
        if isWide(first) { return 2 }
        if scalars.count > 1, scalars.contains("\u{FE0F}") { return 2 }  // emoji presentation selector
        return 1
    }

    /// East Asian Wide/Fullwidth, or emoji with emoji presentation by default.
    static func isWide(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if value < 0x1100 { return false }
        for range in wideRanges where range.contains(value) { return true }
        return scalar.properties.isEmojiPresentation
    }

    private static let wideRanges: [ClosedRange<UInt32>] = [
        0x1100...0x115F, 0x2329...0x232A, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF,
        0x4E00...0x9FFF, 0xA000...0xA4CF, 0xA960...0xA97F, 0xAC00...0xD7A3, 0xF900...0xFAFF,
        0xFE10...0xFE19, 0xFE30...0xFE6F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x1F300...0x1F64F,
        0x1F900...0x1F9FF, 0x20000...0x2FFFD, 0x30000...0x3FFFD,
    ]

    /// `text` unchanged when it fits in `maxWidth` columns; otherwise its longest prefix of whole
    /// characters that fits in `maxWidth - 1` columns, followed by `…`.
    static func truncate(_ text: String, toWidth maxWidth: Int) -> String {
        let maxWidth = max(maxWidth, 1)
        guard of(text) > maxWidth else { return text }
        var result = ""
        var width = 0
        for character in text {
            let characterWidth = of(character)
            if width + characterWidth > maxWidth - 1 { break }
            result.append(character)
            width += characterWidth
        }
        return result + "…"
    }
}
