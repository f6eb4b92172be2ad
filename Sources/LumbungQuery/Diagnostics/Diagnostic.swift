/// One problem found in a query: what (a stable `id` and a `message`), where (`range`), and
/// what to do (`notes`, `helps`, `fixIts`). Errors stop the query; warnings do not.
public struct Diagnostic: Sendable, Hashable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable {
        case error, warning, note
    }

    /// A secondary message, optionally about another place in the text ("this '(' is not closed").
    public struct Note: Sendable, Hashable {
        public var message: Message
        public var range: SourceRange?

        public init(_ message: Message, range: SourceRange? = nil) {
            self.message = message
            self.range = range
        }
    }

    public var id: DiagnosticID
    public var severity: Severity
    public var message: Message
    /// Where the fault is; nil for faults of the whole query.
    public var range: SourceRange?
    /// Facts that explain the fault.
    public var notes: [Note]
    /// What the user could do.
    public var helps: [Note]
    /// Edits that fix the fault; each is also shown as a help.
    public var fixIts: [FixIt]

    public init(_ id: DiagnosticID, _ message: Message, severity: Severity = .error, range: SourceRange?,
                notes: [Note] = [], helps: [Note] = [], fixIts: [FixIt] = []) {
        self.id = id
        self.severity = severity
        self.message = message
        self.range = range
        self.notes = notes
        self.helps = helps
        self.fixIts = fixIts
    }

    public var isError: Bool { severity == .error }

    /// `line:column: id: message` in English (for debugging; users see `DiagnosticRenderer`'s output).
    public var description: String {
        "\(range.map { "\($0.start): " } ?? "")\(severity == .error ? "" : "\(severity): ")\(id): \(message.english)"
    }
}

/// A textual edit that fixes a diagnostic: replace each range by its text.
public struct FixIt: Sendable, Hashable {
    public struct Edit: Sendable, Hashable {
        public var range: SourceRange
        public var replacement: String

        public init(range: SourceRange, replacement: String) {
            self.range = range
            self.replacement = replacement
        }
    }

    /// What the fix does, as a help: "replace '=' with '=='".
    public var message: Message
    public var edits: [Edit]

    public init(_ message: Message, edits: [Edit]) {
        self.message = message
        self.edits = edits
    }

    public init(_ message: Message, range: SourceRange, replacement: String) {
        self.init(message, edits: [Edit(range: range, replacement: replacement)])
    }

    /// `source` with every edit of `fixIts` applied (edits must not overlap).
    public static func apply(_ fixIts: [FixIt], to source: String) -> String {
        var bytes = Array(source.utf8)
        let edits = fixIts.flatMap(\.edits).sorted { $0.range.start.offset > $1.range.start.offset }
        for edit in edits where edit.range.end.offset <= bytes.count {
            bytes.replaceSubrange(edit.range.start.offset..<edit.range.end.offset, with: Array(edit.replacement.utf8))
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
