import Dispatch
import Foundation
import LumbungCore
import LumbungEngine
import LumbungIO

/// How queries run.
public struct QueryOptions: Sendable {
    /// Threads for reading and for the engine; `nil`: every core.
    public var threads: Int?
    /// Most bytes a query may hold at once; `nil`: no limit.
    public var memoryBudget: Int?
    /// Read only the columns a query uses (turn off to measure what pushdown saves).
    public var projectionPushdown = true
    /// Run `where` conditions as early as possible, on the rows as they are scanned.
    public var predicatePushdown = true
    /// `sort … | take N` straight over a file keeps only each block's first N rows as it is read
    /// (memory for N rows per block instead of the whole file).
    public var topKPushdown = true
    /// `take N` straight over a file stops reading once the first N rows are parsed. The columns
    /// then have the types of the rows read, and rows rejected further on are not seen.
    public var takePushdown = true

    public init(threads: Int? = nil, memoryBudget: Int? = nil) {
        self.threads = threads
        self.memoryBudget = memoryBudget
    }
}

/// A query that failed to check: every error found, and any warnings, with their ranges.
public struct QueryError: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [Diagnostic]

    public init(diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }

    public var errors: [Diagnostic] { diagnostics.filter(\.isError) }
    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}

/// Where a query's time and memory went.
public struct QueryStats: Sendable {
    /// Parsing, binding and optimizing (including probing the sources' schemas).
    public var planSeconds: Double = 0
    public var readSeconds: Double = 0
    public var executeSeconds: Double = 0
    /// Peak bytes held by the engine (the tables read included).
    public var peakMemoryBytes = 0
    public var rowsRead = 0
    public var compressedBytesRead: Int64 = 0
    public var decompressedBytesRead: Int64 = 0
    /// Per scan: source name, columns read, columns in the source, rows, and whether the read
    /// stopped before the end of the file (a `take N` straight over it).
    public var scans: [(name: String, columnsRead: Int, columns: Int, rows: Int, stoppedEarly: Bool)] = []
    public var operators: [OperatorProfile] = []
}

/// A checked and optimized query, ready to run.
public struct PreparedQuery: Sendable {
    let plan: LogicalPlan
    /// Warnings found while checking (`=` in a condition …).
    public var warnings: [Diagnostic]
    /// The plan as text (`--explain`): operators, and per source the columns read and the filters run during the scan.
    public var explain: String { Planner.explain(plan) }
    /// Output column names.
    public var columnNames: [String] { plan.columnNames }
    var filters: [Int: FilterNode] = [:]
    var joins: [Int: JoinNode] = [:]
    /// Where an overflow while running comes from in the query.
    var overflowSites = OverflowSites()
    public var planSeconds: Double = 0
}

/// The result of a query.
public struct QueryResult: Sendable {
    public var table: Table
    /// Warnings of the query, from checking and from running (rows a `where` dropped on a null,
    /// joins that repeated or lost rows), in query order.
    public var warnings: [Diagnostic]
    /// Warnings of the readers: rejected rows (and where they were written), numbers widened.
    public var readWarnings: [String]
    public var stats: QueryStats
}

/// Checks, plans and runs LQ queries over the sources of a catalog.
///
/// ```swift
/// let catalog = Catalog()
/// catalog.register("layanan", path: "sample-data/layanan.csv.gz")
/// let result = try QueryRunner(catalog: catalog).run("from layanan | summarize n = count() by kanal")
/// ```
public struct QueryRunner: Sendable {
    public let catalog: Catalog
    public var options: QueryOptions

    public init(catalog: Catalog, options: QueryOptions = QueryOptions()) {
        self.catalog = catalog
        self.options = options
    }

    /// Parses, checks and optimizes `text`.
    /// - Throws: `QueryError` with every diagnostic when the query has errors; `LumbungError` when
    ///   a source's schema cannot be read.
    public func prepare(_ text: String, parameters: [String: String] = [:]) throws -> PreparedQuery {
        let started = DispatchTime.now().uptimeNanoseconds
        let parsed = Parser.parse(text)
        var diagnostics = parsed.diagnostics
        var failed = Set<String>()
        let values = Parameters.resolve(parsed.query, given: parameters, diagnostics: &diagnostics, failed: &failed)
        if parsed.hasErrors || parsed.query.steps.isEmpty {
            throw QueryError(diagnostics: diagnostics)
        }
        var binder = Binder(catalog: catalog, source: text, parameters: values)
        binder.failedParameters = failed
        let bound = try binder.bind(parsed.query)
        diagnostics += binder.diagnostics
        guard let (plan, _) = bound, !diagnostics.contains(where: \.isError) else {
            throw QueryError(diagnostics: Self.ordered(diagnostics))
        }
        var optimized = plan
        if options.predicatePushdown { optimized = PredicatePushdown.apply(optimized) }
        if options.projectionPushdown { optimized = ProjectionPushdown.apply(optimized) }
        optimized = LimitPushdown.apply(optimized, take: options.takePushdown, topK: options.topKPushdown)
        var prepared = PreparedQuery(plan: optimized, warnings: Self.ordered(diagnostics))
        prepared.overflowSites = binder.overflowSites
        Self.collect(optimized, into: &prepared)
        prepared.planSeconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        return prepared
    }

    /// Runs `text`.
    /// - Throws: `QueryError` for a query error (exit status 2); `LumbungError` for data and I/O
    ///   errors and `QueryRuntimeError` for an integer overflow at a place in the query (exit
    ///   status 1); `EngineError` when the engine refuses otherwise (memory budget).
    public func run(_ text: String, parameters: [String: String] = [:]) throws -> QueryResult {
        try run(try prepare(text, parameters: parameters))
    }

    /// Runs a prepared query.
    public func run(_ prepared: PreparedQuery) throws -> QueryResult {
        var stats = QueryStats()
        stats.planSeconds = prepared.planSeconds
        let scans = Planner.scans(prepared.plan)
        var readStart = DispatchTime.now().uptimeNanoseconds
        let scanNulls = NullCounts()
        let reads = try read(scans, scanNulls: scanNulls)
        stats.readSeconds = Double(DispatchTime.now().uptimeNanoseconds - readStart) / 1e9
        var readWarnings: [String] = []
        for (scan, read) in zip(scans, reads) {
            stats.rowsRead += read.table.rowCount + read.filteredRows
            stats.compressedBytesRead += read.compressedBytes
            stats.decompressedBytesRead += read.decompressedBytes
            stats.scans.append((scan.name, read.table.schema.count, scan.schema.count, read.table.rowCount + read.filteredRows,
                                read.stoppedEarly))
            readWarnings += read.warnings
        }
        // Which columns of each scan-time condition held nulls, so a nulls warning names only those.
        let nullable = scanNulls.nullColumns
        readStart = DispatchTime.now().uptimeNanoseconds
        let context = ExecutionContext(threadCount: options.threads, memoryBudget: options.memoryBudget)
        let physical = Planner.physical(prepared.plan, tables: reads.map(\.table))
        let table: Table
        do {
            table = try physical.execute(context: context)
        } catch let error as EngineError {
            throw prepared.overflowSites.error(for: error)
        }
        stats.executeSeconds = Double(DispatchTime.now().uptimeNanoseconds - readStart) / 1e9
        stats.peakMemoryBytes = context.peakMemoryBytes
        stats.operators = context.operatorProfiles
        let warnings = prepared.warnings
            + Self.warnings(scanNulls.observations + context.observations, prepared, nullable: nullable)
        return QueryResult(table: table, warnings: Self.ordered(warnings), readWarnings: readWarnings, stats: stats)
    }

    // MARK: - Reading

    private struct Read: Sendable {
        var table: Table
        var warnings: [String]
        var compressedBytes: Int64
        var decompressedBytes: Int64
        var filteredRows = 0
        var stoppedEarly = false
    }

    /// Runs a scan's conditions on each block of rows as the reader parses it, so rows a `where`
    /// drops are never assembled. A block whose columns do not fit a condition (a type that only
    /// settles later in the file) is kept whole: the same conditions run again after the scan.
    /// Rows whose condition was null are counted per condition into `nulls`.
    static func rowFilter(_ filters: [FilterNode], nulls: NullCounts) -> @Sendable ([String], Chunk) -> Chunk? {
        { names, chunk in
            let schema = Schema(zip(names, chunk.columns).map { Field(name: $0, type: $1.type) })
            var table = Table(schema: schema, chunks: [chunk])
            let context = ExecutionContext(threadCount: 1)
            // Which of the conditions' columns hold nulls in this block (for the warning's wording).
            var nullColumns: [Int: Set<String>] = [:]
            for filter in filters {
                nullColumns[filter.tag] = Set(filter.predicate.columnNames.filter { name in
                    guard let index = names.firstIndex(of: name) else { return false }
                    return chunk.columns[index].nullCount > 0
                })
            }
            for filter in filters {
                guard let filtered = try? FilterOperator(filter.predicate, tag: filter.tag).execute(table, context: context)
                else { return nil }
                table = filtered
            }
            nulls.add(context.observations, nullColumns: nullColumns)
            return table.chunks.first ?? Chunk(columns: [], count: 0)
        }
    }

    /// Cuts each block to its first `topK.count` rows in the top-k's order, after `filter` (which
    /// may keep a block whole: then so does this). A block whose sort columns do not have the
    /// probed types (a type that widened since) is kept whole too.
    static func topKFilter(
        _ topK: ScanTopK, after filter: (@Sendable ([String], Chunk) -> Chunk?)?
    ) -> @Sendable ([String], Chunk) -> Chunk? {
        let op = TopKOperator(topK.keys, count: topK.count)
        return { names, chunk in
            var rows = chunk
            if let filter {
                guard let kept = filter(names, chunk) else { return nil }
                rows = kept
            }
            let unchanged: Chunk? = filter == nil ? nil : rows
            guard rows.count > topK.count else { return unchanged }
            for column in topK.columns {
                guard let index = names.firstIndex(of: column.name), rows.columns[index].type == column.type else { return unchanged }
            }
            let table = Table(schema: Schema(zip(names, rows.columns).map { Field(name: $0, type: $1.type) }), chunks: [rows])
            guard let top = try? op.execute(table, context: ExecutionContext(threadCount: 1)), top.chunks.count == 1
            else { return unchanged }
            return top.chunks[0]
        }
    }

    /// Whether the read table's sort columns still have the types the blocks were cut under.
    static func keysKeptTypes(_ topK: ScanTopK, in read: Schema) -> Bool {
        topK.columns.allSatisfy { column in
            guard let index = read.index(of: column.name) else { return false }
            return read.fields[index].type == column.type
        }
    }

    /// The scan's `where` conditions as a per-block filter for the reader, or nil without any.
    static func scanFilter(_ scan: ScanNode, nulls: NullCounts) -> (@Sendable ([String], Chunk) -> Chunk?)? {
        scan.filters.isEmpty ? nil : rowFilter(scan.filters, nulls: nulls)
    }

    /// Reads every scan's columns, several files at once.
    private func read(_ scans: [ScanNode], scanNulls: NullCounts) throws -> [Read] {
        // Every file gets every parser thread: files differ in size, and a small one finishing
        // early must not leave the big one with half the machine. The OS shares the cores.
        let threads = max(1, options.threads ?? ProcessInfo.processInfo.activeProcessorCount)
        var files: [(path: String, options: ReadOptions)] = []
        for scan in scans {
            guard case .file(let path) = scan.location else { continue }
            var options = catalog.options(for: scan.name, location: scan.location)
            options.columns = scan.columns
            options.threads = threads
            options.rowFilter = Self.scanFilter(scan, nulls: scanNulls)
            if let topK = scan.topK { options.rowFilter = Self.topKFilter(topK, after: options.rowFilter) }
            options.rowLimit = scan.limit
            files.append((path, options))
        }
        var fileResults = TableReader.read(files).makeIterator()
        var fileIndex = 0
        return try scans.map { scan in
            let path: String
            switch scan.location {
            case .table(let table):
                return Read(table: Self.select(scan.columns, of: table), warnings: [], compressedBytes: 0,
                            decompressedBytes: 0)
            case .file(let file): path = file
            }
            var result = try fileResults.next()!.get()
            if let topK = scan.topK, !Self.keysKeptTypes(topK, in: result.table.schema) {
                // A sort column widened after some blocks were cut to their top rows under its
                // earlier type (int to string would reorder them): read the file again without
                // cutting. Rare: the probe's types held for the first 2 MiB of the file.
                var options = files[fileIndex].options
                options.rowFilter = Self.scanFilter(scan, nulls: NullCounts())
                result = try TableReader.read(path: path, options: options)
            }
            fileIndex += 1
            var warnings = result.warnings.map { "\(path): \($0)" }
            if !result.rejects.isEmpty {
                let target = result.rejectsPath.map { "; they are in \($0)" } ?? ""
                warnings.append("\(path): \(result.rejects.count) row(s) were rejected and left out\(target)")
            }
            return Read(table: result.table, warnings: warnings, compressedBytes: result.compressedBytes,
                        decompressedBytes: result.decompressedBytes, filteredRows: result.filteredRows,
                        stoppedEarly: result.stoppedAtLimit)
        }
    }

    /// `table` with only `columns` (all when nil).
    private static func select(_ columns: [String]?, of table: Table) -> Table {
        guard let columns else { return table }
        let indices = columns.compactMap { table.schema.index(of: $0) }
        return Table(
            schema: Schema(indices.map { table.schema.fields[$0] }),
            chunks: table.chunks.map { chunk in Chunk(columns: indices.map { chunk.columns[$0] }, count: chunk.count) })
    }

    // MARK: - Warnings

    /// The `where` and `join` nodes of `plan` by tag, for the warnings of a run.
    private static func collect(_ plan: LogicalPlan, into prepared: inout PreparedQuery) {
        switch plan {
        case .scan(let scan): for filter in scan.filters { prepared.filters[filter.tag] = filter }
        case .filter(_, let filter): prepared.filters[filter.tag] = filter
        case .join(_, _, let join): prepared.joins[join.tag] = join
        default: break
        }
        for input in plan.inputs { collect(input, into: &prepared) }
    }

    private static func warnings(_ observations: [OperatorObservation], _ prepared: PreparedQuery,
                                 nullable: [Int: Set<String>]) -> [Diagnostic] {
        var result: [Diagnostic] = []
        // A condition runs on every block during the scan and again after it: add up its null rows.
        var nullRowsByTag: [Int: Int] = [:]
        var order: [Int] = []
        for case .filter(let tag, _, let nullRows) in observations {
            if nullRowsByTag[tag] == nil { order.append(tag) }
            nullRowsByTag[tag, default: 0] += nullRows
        }
        var merged: [OperatorObservation] = order.map { .filter(tag: $0, inputRows: 0, nullRows: nullRowsByTag[$0]!) }
        for observation in observations {
            if case .join = observation { merged.append(observation) }
        }
        for observation in merged {
            switch observation {
            case .filter(let tag, _, let nullRows):
                guard nullRows > 0, let filter = prepared.filters[tag] else { continue }
                var plain = filter.columnNames
                if let columns = nullable[tag] {
                    plain = plain.filter { columns.contains($0) || columns.contains(String($0.split(separator: ".").last ?? "")) }
                }
                result.append(Diagnostic(
                    .nullsDropped, Messages.nullsDropped(nullRows, plain), severity: .warning, range: filter.range,
                    helps: [Diagnostic.Note(Messages.helpKeepNulls(plain.first))]))
            case .join(let tag, let leftRows, let matched, let matches, let outputRows):
                guard let join = prepared.joins[tag], join.kind == .inner || join.kind == .left else { continue }
                if matches > matched {
                    result.append(Diagnostic(
                        .joinMultipliesRows,
                        Messages.joinMultiplies(join.table, leftRows: leftRows, outputRows: outputRows, extra: matches - matched),
                        severity: .warning, range: join.range, helps: [Diagnostic.Note(Messages.helpDeduplicate)]))
                }
                if matched < leftRows {
                    result.append(Diagnostic(
                        .joinUnmatchedRows,
                        Messages.joinUnmatched(join.table, unmatched: leftRows - matched, leftRows: leftRows,
                                               kept: join.kind == .left),
                        severity: .warning, range: join.range,
                        helps: join.kind == .inner ? [Diagnostic.Note(Messages.helpLeftJoin)] : []))
                }
            }
        }
        return result
    }

    /// Diagnostics in text order (those without a place last), errors before warnings at one place.
    static func ordered(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
        diagnostics.enumerated().sorted { a, b in
            let x = a.element.range?.start.offset ?? Int.max
            let y = b.element.range?.start.offset ?? Int.max
            return x != y ? x < y : a.offset < b.offset
        }.map(\.element)
    }
}

/// What the readers' threads saw of a scan's conditions: their observations (`warnings` adds up
/// the null rows per condition) and which of their columns held nulls.
final class NullCounts: @unchecked Sendable {
    private let lock = NSLock()
    private var seen: [OperatorObservation] = []
    private var columns: [Int: Set<String>] = [:]

    func add(_ observations: [OperatorObservation], nullColumns: [Int: Set<String>]) {
        lock.lock()
        defer { lock.unlock() }
        seen += observations
        for (tag, names) in nullColumns { columns[tag, default: []].formUnion(names) }
    }

    var observations: [OperatorObservation] {
        lock.lock()
        defer { lock.unlock() }
        return seen
    }

    var nullColumns: [Int: Set<String>] {
        lock.lock()
        defer { lock.unlock() }
        return columns
    }
}
