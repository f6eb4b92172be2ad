/// Renders diagnostics the one way users see them (docs/query-language.md, "Errors"):
///
/// ```
/// 1:22: unknown column 'instansii' — did you mean 'instansi'?
///  1 | from layanan | where instansii == "x"
///    |                      ^^^^^^^^^
///    = help: …
/// ```
/// `file:` comes first when a file is given; warnings say `warning:`. Notes with a range in
/// another place name its `line:column`.
public struct DiagnosticRenderer: Sendable {
    public var file: String?
    public var language: Language
    private let bytes: [UInt8]

    public init(source: String, file: String? = nil, language: Language = .current) {
        self.bytes = Array(source.utf8)
        self.file = file
        self.language = language
    }

    /// Every diagnostic, in order, separated by blank lines; ends with a newline.
    public func render(_ diagnostics: [Diagnostic]) -> String {
        diagnostics.map { render($0) }.joined(separator: "\n")
    }

    /// One diagnostic; ends with a newline.
    public func render(_ diagnostic: Diagnostic) -> String {
        var head = ""
        if let file { head += file + ":" }
        if let range = diagnostic.range { head += "\(range.start.line):\(range.start.column):" }
        if !head.isEmpty { head += " " }
        switch diagnostic.severity {
        case .error: break
        case .warning: head += language == .indonesian ? "peringatan: " : "warning: "
        case .note: head += language == .indonesian ? "catatan: " : "note: "
        }
        var lines = [head + diagnostic.message.text(language)]
        let gutterWidth = String(diagnostic.range?.start.line ?? 1).count + 1
        let blankGutter = String(repeating: " ", count: gutterWidth) + " |"
        if let range = diagnostic.range {
            let (text, caret) = snippet(range)
            let number = String(range.start.line)
            lines.append(String(repeating: " ", count: gutterWidth - number.count) + number + " | " + text)
            lines.append(blankGutter + " " + caret)
        }
        let noteWord = language == .indonesian ? "catatan" : "note"
        let helpWord = language == .indonesian ? "bantuan" : "help"
        let prefix = String(repeating: " ", count: gutterWidth) + " = "
        for note in diagnostic.notes {
            lines.append(prefix + noteWord + ": " + place(note) + note.message.text(language))
        }
        for help in diagnostic.helps {
            lines.append(prefix + helpWord + ": " + place(help) + help.message.text(language))
        }
        for fixIt in diagnostic.fixIts {
            lines.append(prefix + helpWord + ": " + fixIt.message.text(language))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private func place(_ note: Diagnostic.Note) -> String {
        guard let range = note.range else { return "" }
        return "\(range.start.line):\(range.start.column): "
    }

    /// The line holding `range.start`, and the caret line under the range (clipped to the line).
    private func snippet(_ range: SourceRange) -> (String, String) {
        let offset = min(max(0, range.start.offset), bytes.count)
        var lineStart = offset
        while lineStart > 0, bytes[lineStart - 1] != UInt8(ascii: "\n") { lineStart -= 1 }
        var lineEnd = offset
        while lineEnd < bytes.count, bytes[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
        var shown = lineEnd
        if shown > lineStart, bytes[shown - 1] == UInt8(ascii: "\r") { shown -= 1 }
        let text = String(decoding: bytes[lineStart..<shown], as: UTF8.self)
        var caret = ""
        for scalar in String(decoding: bytes[lineStart..<offset], as: UTF8.self).unicodeScalars {
            caret.append(scalar == "\t" ? "\t" : " ")
        }
        let end = max(offset, min(range.end.offset, shown))
        let width = String(decoding: bytes[offset..<end], as: UTF8.self).unicodeScalars.count
        caret += String(repeating: "^", count: max(1, width))
        return (text, caret)
    }
}
