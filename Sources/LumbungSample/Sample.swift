// Synthetic exports of the three tables of domain.md §5 (pegawai, layanan, kinerja), for
// tests, demos and benchmarks: `lumbung sample`.
//
// Code lists and distributions live in Resources/*.json. Output depends only on the seed,
// the scale, the snapshot date and the block size, never on the number of threads.
import Dispatch
import Foundation
import LumbungIO

public enum SampleTable: String, CaseIterable, Sendable, Comparable {
    case pegawai, layanan, kinerja

    public static func < (a: SampleTable, b: SampleTable) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

public enum SampleFormat: String, CaseIterable, Sendable {
    case csv, ndjson
}

public enum SampleError: Error, CustomStringConvertible, Sendable {
    case invalid(String)
    case reference(String)
    case io(String)

    public var description: String {
        switch self {
        case .invalid(let m): return "invalid sample option: \(m)"
        case .reference(let m): return "sample reference data: \(m)"
        case .io(let m): return m
        }
    }
}

public struct SampleConfig: Sendable {
    /// 1 = 1,000,000 layanan rows and 56,000 pegawai (~13 kinerja rows each).
    public var scale: Double
    public var seed: UInt64
    public var outputDirectory: String
    /// tanggal_data, `YYYY-MM-DD`.
    public var snapshot: String
    public var tables: Set<SampleTable>
    public var formats: Set<SampleFormat>
    /// Worker threads; the output does not depend on it.
    public var threads: Int
    /// Target rows per block (one gzip member per block and format). Part of the output's
    /// identity: the same seed with another block size gives other rows.
    public var blockRows: Int
    /// Deflate level for the gzip members (1 = fastest).
    public var compressionLevel: Int32
    /// Which deflate implementation writes the members. The gzip bytes depend on it; the
    /// decompressed content does not.
    public var compressor: GzipCompressor

    public static let defaultSnapshot = "2025-11-01"
    public static let layananPerScale = 1_000_000.0
    public static let pegawaiPerScale = 56_000.0

    public init(scale: Double = 1, seed: UInt64 = 42, outputDirectory: String, snapshot: String = SampleConfig.defaultSnapshot,
                tables: Set<SampleTable> = Set(SampleTable.allCases), formats: Set<SampleFormat> = Set(SampleFormat.allCases),
                threads: Int = ProcessInfo.processInfo.activeProcessorCount, blockRows: Int = 100_000, compressionLevel: Int32 = 1,
                compressor: GzipCompressor = .automatic) {
        self.scale = scale
        self.seed = seed
        self.outputDirectory = outputDirectory
        self.snapshot = snapshot
        self.tables = tables
        self.formats = formats
        self.threads = threads
        self.blockRows = blockRows
        self.compressionLevel = compressionLevel
        self.compressor = compressor
    }

    public var pegawaiRows: Int { Int((SampleConfig.pegawaiPerScale * scale).rounded()) }
    public var layananRows: Int { Int((SampleConfig.layananPerScale * scale).rounded()) }
}

/// One written file.
public struct SampleFileReport: Sendable, CustomStringConvertible {
    public let table: SampleTable
    public let format: SampleFormat
    public let path: String
    public let rows: Int
    public let bytes: Int
    /// Wall time of the table (both formats are produced together).
    public let seconds: Double

    public var description: String {
        let name = (path as NSString).lastPathComponent
        return "\(name): \(rows) rows, \(bytes) bytes, \(String(format: "%.2f", seconds)) s"
    }
}

/// The columns of each table, in output order (domain.md §5; every table ends with
/// tanggal_data and sumber).
public enum SampleSchema {
    public static func columns(_ table: SampleTable) throws -> [String] {
        let ref = try ReferenceData.bundled()
        switch table {
        case .pegawai: return PegawaiTable.columns
        case .layanan: return LayananTable.columns
        case .kinerja: return KinerjaTable.columns(ref)
        }
    }
}

public enum SampleGenerator {
    /// Generates the requested tables into `config.outputDirectory` (created if needed) and
    /// returns one report per file; `progress` is called as each table finishes.
    @discardableResult
    public static func run(_ config: SampleConfig, progress: (SampleFileReport) -> Void = { _ in }) throws -> [SampleFileReport] {
        guard config.scale.isFinite, config.scale >= 0 else { throw SampleError.invalid("scale must be a non-negative number") }
        guard config.pegawaiRows <= 50_000_000, config.layananRows <= 2_000_000_000 else { throw SampleError.invalid("scale \(config.scale) is too large") }
        guard let snapshotDay = Civil.parse(config.snapshot) else { throw SampleError.invalid("snapshot must be YYYY-MM-DD, got \(config.snapshot)") }
        let snapshotYear = Civil.year(snapshotDay)
        guard (2020...2035).contains(snapshotYear) else { throw SampleError.invalid("snapshot year must be within 2020-2035") }
        guard !config.tables.isEmpty else { throw SampleError.invalid("no table selected") }
        guard !config.formats.isEmpty else { throw SampleError.invalid("no format selected") }
        guard config.threads >= 1 else { throw SampleError.invalid("threads must be at least 1") }
        guard config.blockRows >= 1 else { throw SampleError.invalid("block rows must be at least 1") }

        try FileManager.default.createDirectory(atPath: config.outputDirectory, withIntermediateDirectories: true)
        let ref = try ReferenceData.bundled()
        let world = try World(ref: ref, seed: config.seed, snapshotDay: snapshotDay)

        var reports: [SampleFileReport] = []
        func record(_ more: [SampleFileReport]) { for r in more { progress(r) }; reports += more }

        // Pegawai come first: kinerja picks its NIPs (and appraisers) from them.
        var pegawai: PegawaiTable?
        if config.tables.contains(.pegawai) || config.tables.contains(.kinerja) {
            pegawai = try PegawaiTable(world: world, count: config.pegawaiRows, threads: config.threads)
        }
        let kinerja = config.tables.contains(.kinerja) ? KinerjaTable(world: world) : nil
        let layanan = config.tables.contains(.layanan) ? LayananTable(world: world, rows: config.layananRows, blockRows: config.blockRows) : nil
        world.arena.freeze()

        if let pegawai, config.tables.contains(.pegawai) {
            record(try pegawai.write(config: config))
        }
        if let kinerja, let pegawai {
            record(try kinerja.write(pegawai: pegawai, config: config))
        }
        if let layanan {
            record(try layanan.write(config: config))
        }
        return reports
    }
}
