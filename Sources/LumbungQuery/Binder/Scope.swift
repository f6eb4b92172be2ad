import LumbungCore

/// A column visible to a step: the name analysts write, the name the engine's table uses, its
/// type, and the tables whose name may qualify it (`pegawai.instansi`).
struct ScopeColumn: Sendable, Hashable {
    var name: String
    var physical: String
    var type: DataType
    var tables: [String]
}

/// The columns the next step can see, in output order.
struct Scope: Sendable {
    var columns: [ScopeColumn]

    enum Lookup {
        case found(ScopeColumn)
        case ambiguous([ScopeColumn])
        /// The qualifier names no table of the scope.
        case unknownTable
        case missing
    }

    /// The engine's schema for this scope.
    var schema: Schema { Schema(columns.map { Field(name: $0.physical, type: $0.type) }) }

    /// Names the analyst can write, without repeats.
    var names: [String] {
        var seen = Set<String>()
        return columns.map(\.name).filter { seen.insert($0).inserted }
    }

    /// Table names that qualify some column.
    var tables: [String] {
        var seen = Set<String>()
        return columns.flatMap(\.tables).filter { seen.insert($0).inserted }
    }

    func lookup(_ name: String, qualifier: String?) -> Lookup {
        if let qualifier {
            let matches = columns.filter { $0.name == name && $0.tables.contains(qualifier) }
            if matches.count == 1 { return .found(matches[0]) }
            if matches.count > 1 { return .ambiguous(matches) }
            return tables.contains(qualifier) ? .missing : .unknownTable
        }
        let matches = columns.filter { $0.name == name }
        if matches.count == 1 { return .found(matches[0]) }
        if matches.count > 1 { return .ambiguous(matches) }
        // A column whose engine name is written out in backticks: `pegawai.instansi`.
        if let physical = columns.first(where: { $0.physical == name }) { return .found(physical) }
        return .missing
    }

    /// Names a column of `table` for messages: `table.name`.
    static func qualified(_ column: ScopeColumn) -> String {
        column.tables.first.map { "\($0).\(column.name)" } ?? column.name
    }
}
