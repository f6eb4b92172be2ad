// `lumbung sample`: synthetic exports of pegawai, layanan and kinerja (domain.md §5).
import ArgumentParser
import Dispatch
import Foundation
import LumbungIO
import LumbungSample

struct SampleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample",
        abstract: "Generate synthetic sample exports (pegawai, layanan, kinerja) as gzipped CSV and NDJSON.",
        discussion: """
        --scale 1 gives 1,000,000 layanan rows, 56,000 pegawai and about 13 kinerja rows per pegawai \
        (one TAHUNAN for the year before the snapshot, twelve BULANAN for the snapshot's year). \
        The output depends only on --seed, --scale, --snapshot and --block-rows, not on --threads. \
        Each file is a multi-member gzip (one member per block of rows).
        """
    )

    @Option(help: "Size: 1 = 1,000,000 layanan rows and 56,000 pegawai. Fractions work (0.01).")
    var scale: Double = 1

    @Option(help: "Seed of the generator.")
    var seed: UInt64 = 42

    @Option(help: "Output directory (created if needed).")
    var out: String

    @Option(help: "Snapshot date (tanggal_data), YYYY-MM-DD.")
    var snapshot: String = "2025-11-01"

    @Option(help: "Tables to write, comma-separated: pegawai,layanan,kinerja.")
    var tables: String = "pegawai,layanan,kinerja"

    @Option(help: "Formats, comma-separated: csv,ndjson.")
    var formats: String = "csv,ndjson"

    @Option(help: "Worker threads (default: all cores). Does not change the output.")
    var threads: Int?

    @Option(name: .customLong("block-rows"), help: "Rows per block (one gzip member per block). Changes the output.")
    var blockRows: Int = 100_000

    @Option(help: "gzip (deflate) level, 1-9.")
    var level: Int = 1

    @Option(help: "Deflate implementation: auto (libdeflate when installed, else zlib), zlib, libdeflate. Changes the gzip bytes, not their content.")
    var gzip: String = "auto"

    func validate() throws {
        guard scale.isFinite, scale >= 0 else { throw ValidationError("--scale must be a non-negative number") }
        guard (1...9).contains(level) else { throw ValidationError("--level must be within 1-9") }
        guard blockRows >= 1 else { throw ValidationError("--block-rows must be positive") }
        if let threads, threads < 1 { throw ValidationError("--threads must be positive") }
        guard let compressor = GzipCompressor(rawValue: gzip) else { throw ValidationError("--gzip must be auto, zlib or libdeflate") }
        if compressor == .libdeflate && !GzipCompressor.libdeflateAvailable { throw ValidationError("libdeflate is not installed (Debian: libdeflate0)") }
        _ = try parsedTables()
        _ = try parsedFormats()
    }

    private func parsedTables() throws -> Set<SampleTable> {
        var result = Set<SampleTable>()
        for name in tables.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) where !name.isEmpty {
            guard let table = SampleTable(rawValue: name) else {
                throw ValidationError("unknown table '\(name)' (pegawai, layanan, kinerja)")
            }
            result.insert(table)
        }
        guard !result.isEmpty else { throw ValidationError("--tables is empty") }
        return result
    }

    private func parsedFormats() throws -> Set<SampleFormat> {
        var result = Set<SampleFormat>()
        for name in formats.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) where !name.isEmpty {
            guard let format = SampleFormat(rawValue: name == "json" ? "ndjson" : name) else {
                throw ValidationError("unknown format '\(name)' (csv, ndjson)")
            }
            result.insert(format)
        }
        guard !result.isEmpty else { throw ValidationError("--formats is empty") }
        return result
    }

    func run() throws {
        var config = SampleConfig(scale: scale, seed: seed, outputDirectory: out, snapshot: snapshot,
                                  tables: try parsedTables(), formats: try parsedFormats(),
                                  blockRows: blockRows, compressionLevel: Int32(level), compressor: GzipCompressor(rawValue: gzip) ?? .automatic)
        if let threads { config.threads = threads }
        let started = DispatchTime.now()
        let reports: [SampleFileReport]
        do {
            reports = try SampleGenerator.run(config) { report in
                FileHandle.standardError.write(Data((report.description + "\n").utf8))
            }
        } catch let error as SampleError {
            throw ValidationError(error.description)
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
        let bytes = reports.reduce(0) { $0 + $1.bytes }
        FileHandle.standardError.write(Data("total: \(reports.count) files, \(bytes) bytes, \(String(format: "%.2f", seconds)) s (seed \(seed), scale \(scale), snapshot \(snapshot), gzip \(config.compressor.resolved.rawValue))\n".utf8))
    }
}
