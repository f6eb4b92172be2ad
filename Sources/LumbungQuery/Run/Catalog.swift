import Foundation
import LumbungCore
import LumbungIO
import Synchronization

/// The sources a query can name: `--source NAME=PATH`, a pipeline's datasets, or tables in
/// memory. Schemas are probed from a file's head once and cached; data is read only when a query
/// runs, and only the columns it uses.
public final class Catalog: Sendable {
    private struct Entry: Sendable {
        var location: DataSource
        var options: ReadOptions
    }

    private struct State: Sendable {
        var order: [String] = []
        var entries: [String: Entry] = [:]
        var schemas: [String: Schema] = [:]
    }

    private let state = Mutex(State())
    /// Options for files named in a query (`from "data.csv.gz"`).
    public let defaultOptions: ReadOptions

    public init(defaultOptions: ReadOptions = ReadOptions()) {
        self.defaultOptions = defaultOptions
    }

    /// Registers (or replaces) a file source.
    public func register(_ name: String, path: String, options: ReadOptions? = nil) {
        let entry = Entry(location: .file(path), options: options ?? defaultOptions)
        state.withLock { state in
            if state.entries[name] == nil { state.order.append(name) }
            state.entries[name] = entry
            state.schemas[path] = nil
        }
    }

    /// Registers (or replaces) a table in memory.
    public func register(_ name: String, table: Table) {
        state.withLock { state in
            if state.entries[name] == nil { state.order.append(name) }
            state.entries[name] = Entry(location: .table(table), options: defaultOptions)
        }
    }

    /// Source names, in the order they were registered.
    public var names: [String] { state.withLock { $0.order } }

    /// Where the source `name` is, if it is registered.
    public func location(of name: String) -> DataSource? { state.withLock { $0.entries[name]?.location } }

    /// Read options for a source (its own, or the defaults for a file named in a query).
    public func options(for name: String, location: DataSource) -> ReadOptions {
        state.withLock { state in
            if let entry = state.entries[name], case .file(let path) = entry.location, case .file(let asked) = location,
               path == asked {
                return entry.options
            }
            return defaultOptions
        }
    }

    /// The columns and types of a source: probed from the head of a file, cached per path.
    /// - Throws: `LumbungError` when the file cannot be read.
    public func schema(of location: DataSource, name: String) throws -> Schema {
        switch location {
        case .table(let table): return table.schema
        case .file(let path):
            if let cached = state.withLock({ $0.schemas[path] }) { return cached }
            let probe = try TableReader.probe(path: path, options: options(for: name, location: location))
            let schema = probe.table.schema
            state.withLock { $0.schemas[path] = schema }
            return schema
        }
    }

    /// The name a file source goes by in qualified names: its file name without extensions
    /// (`data/layanan.csv.gz` → `layanan`).
    public static func tableName(forPath path: String) -> String {
        let file = path.split(separator: "/").last.map(String.init) ?? path
        return file.split(separator: ".").first.map(String.init) ?? file
    }
}
