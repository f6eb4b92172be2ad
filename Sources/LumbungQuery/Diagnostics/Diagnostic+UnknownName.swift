extension Diagnostic {
    /// An unknown column, source or function, for the binder: `unknown column 'instansii' — did you
    /// mean 'instansi'?` with a fix-it to the nearest name, or, when nothing is close, the known names
    /// as a help.
    ///
    /// - Parameters:
    ///   - kind: what was looked up; decides the id (`lq.unknownColumn`, `lq.unknownTable`, `lq.unknownFunction`).
    ///   - name: the name as written (without backticks).
    ///   - range: where it is written; the fix-it replaces this range.
    ///   - candidates: the names that exist at that point.
    public static func unknownName(_ kind: Messages.NameKind, _ name: String, range: SourceRange?,
                                   candidates: [String]) -> Diagnostic {
        let result = NameSuggester(candidates).result(for: name)
        let id: DiagnosticID
        switch kind {
        case .column: id = .unknownColumn
        case .table: id = .unknownTable
        case .function: id = .unknownFunction
        }
        var helps: [Note] = []
        var fixIts: [FixIt] = []
        switch result {
        case .didYouMean(let best):
            if let range {
                let replacement = kind == .function ? best : Canonical.name(best)
                fixIts.append(FixIt(Messages.fixReplace(name, replacement), range: range, replacement: replacement))
            }
        case .candidates(let names):
            if !names.isEmpty { helps.append(Note(Messages.oneOf(names))) }
        }
        return Diagnostic(id, Messages.unknown(kind, name, result), range: range, helps: helps, fixIts: fixIts)
    }
}
