import LumbungQuery
import Testing

/// Span markers in test queries, as swift-syntax's tests do: `where 1️⃣instansii2️⃣ == "x"`.
/// Returns the query without markers and each marker's byte offset in it.
func extractMarkers(_ marked: String) -> (source: String, offsets: [String: Int]) {
    let markers: Set<Character> = ["1️⃣", "2️⃣", "3️⃣", "4️⃣", "5️⃣", "6️⃣", "7️⃣", "8️⃣", "9️⃣"]
    var source = ""
    var offsets: [String: Int] = [:]
    for character in marked {
        if markers.contains(character) {
            offsets[String(character.unicodeScalars.first!)] = source.utf8.count
        } else {
            source.append(character)
        }
    }
    return (source, offsets)
}

/// Parses `source`, requires no diagnostics, and returns the canonical text.
func canonical(_ source: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> String {
    let result = Parser.parse(source)
    #expect(result.diagnostics.isEmpty, "\(result.diagnostics)", sourceLocation: sourceLocation)
    return result.query.canonical
}

/// The canonical text of one expression (`where EXPR`), requiring no diagnostics.
func expression(_ source: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> String {
    let (expr, diagnostics) = Parser.parseExpression(source)
    #expect(diagnostics.isEmpty, "\(diagnostics)", sourceLocation: sourceLocation)
    return expr?.canonical ?? "<nil>"
}

/// Parses a query with markers 1️⃣ (start) and 2️⃣ (end) and checks that exactly one diagnostic
/// has `id` at that range; returns it and the rendered text.
@discardableResult
func expectDiagnostic(
    _ marked: String, _ id: DiagnosticID, message: String? = nil, severity: Diagnostic.Severity = .error,
    language: Language = .english, options: ParseOptions = ParseOptions(),
    sourceLocation: Testing.SourceLocation = #_sourceLocation
) -> (diagnostic: Diagnostic?, rendered: String, source: String) {
    let (source, offsets) = extractMarkers(marked)
    let result = Parser.parse(source, options: options)
    let matching = result.diagnostics.filter { $0.id == id }
    guard let diagnostic = matching.first else {
        Issue.record("no \(id) in \(result.diagnostics)", sourceLocation: sourceLocation)
        return (nil, "", source)
    }
    #expect(matching.count == 1, "\(matching)", sourceLocation: sourceLocation)
    #expect(diagnostic.severity == severity, sourceLocation: sourceLocation)
    if let start = offsets["1"] {
        #expect(diagnostic.range?.start.offset == start, "start of \(diagnostic)", sourceLocation: sourceLocation)
        let end = offsets["2"] ?? start
        #expect(diagnostic.range?.end.offset == end, "end of \(diagnostic)", sourceLocation: sourceLocation)
    }
    if let message {
        #expect(diagnostic.message.text(language) == message, sourceLocation: sourceLocation)
    }
    let rendered = DiagnosticRenderer(source: source, language: language).render(diagnostic)
    return (diagnostic, rendered, source)
}
