import Testing

@testable import LumbungWriters

@Suite struct DisplayWidthTests {
    @Test(
        "terminal columns per string",
        arguments: [
            ("", 0), ("abc", 3), ("Café", 4), ("Cafe\u{301}", 4), ("Nguyễn Thị", 10), ("東京", 4), ("한국어", 6),
            ("ｱｲｳ", 3), ("ＡＢ", 4), ("😀", 2), ("👨‍👩‍👧", 2), ("❤\u{FE0F}", 2), ("a\u{200B}b", 2), ("\u{301}", 0),
            ("…", 1), ("Ελληνικά", 8), ("\u{3000}", 2),
        ])
    func widths(text: String, width: Int) {
        #expect(DisplayWidth.of(text) == width)
    }

    @Test("truncation keeps whole characters and ends with …")
    func truncation() {
        #expect(DisplayWidth.truncate("abcdef", toWidth: 6) == "abcdef")
        #expect(DisplayWidth.truncate("abcdefg", toWidth: 6) == "abcde…")
        #expect(DisplayWidth.truncate("東京都庁", toWidth: 6) == "東京…")
        #expect(DisplayWidth.truncate("東京都庁", toWidth: 7) == "東京都…")
        #expect(DisplayWidth.truncate("Cafe\u{301}s and more", toWidth: 5) == "Cafe\u{301}…")
        #expect(DisplayWidth.truncate("abc", toWidth: 1) == "…")
        #expect(DisplayWidth.of(DisplayWidth.truncate(String(repeating: "東", count: 30), toWidth: 40)) == 39)
    }
}
