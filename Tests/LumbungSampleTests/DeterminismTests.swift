import Foundation
import LumbungIO
import LumbungSample
import Testing

@Suite struct DeterminismTests {
    static let files = ["pegawai.csv.gz", "pegawai.ndjson.gz", "layanan.csv.gz", "layanan.ndjson.gz", "kinerja.csv.gz", "kinerja.ndjson.gz"]

    func bytes(_ dir: String) throws -> [[UInt8]] { try Self.files.map { try readBytes(dir + "/" + $0) } }

    @Test func sameSeedSameBytes() throws {
        let a = try generate("det-a", scale: 0.003, seed: 7, blockRows: 900)
        let b = try generate("det-b", scale: 0.003, seed: 7, blockRows: 900)
        #expect(try bytes(a) == bytes(b))
    }

    @Test(arguments: [GzipCompressor.zlib, .automatic])
    func threadCountDoesNotMatter(_ compressor: GzipCompressor) throws {
        // Small blocks so that there are many of them to share out.
        let one = try generate("det-1", scale: 0.003, seed: 9, threads: 1, blockRows: 700, compressor: compressor)
        let four = try generate("det-4", scale: 0.003, seed: 9, threads: 4, blockRows: 700, compressor: compressor)
        let members = try gunzip(try readBytes(one + "/layanan.csv.gz")).count
        #expect(members > 0)
        #expect(try bytes(one) == bytes(four))
    }

    @Test func differentSeedDifferentData() throws {
        let a = try generate("seed-1", scale: 0.002, seed: 1)
        let b = try generate("seed-2", scale: 0.002, seed: 2)
        for table in ["pegawai", "layanan", "kinerja"] {
            let x = try gunzip(try readBytes("\(a)/\(table).csv.gz")), y = try gunzip(try readBytes("\(b)/\(table).csv.gz"))
            #expect(x != y, "\(table) should differ between seeds")
        }
    }

    /// The compressor changes the gzip bytes but never the content.
    @Test func compressorDoesNotChangeContent() throws {
        guard GzipCompressor.libdeflateAvailable else { return }
        let z = try generate("zlib", scale: 0.002, compressor: .zlib)
        let d = try generate("libdeflate", scale: 0.002, compressor: .libdeflate)
        for file in Self.files {
            #expect(try gunzip(try readBytes(z + "/" + file)) == gunzip(try readBytes(d + "/" + file)))
        }
    }

    @Test func rowCountsFollowScale() throws {
        let s = try standard()
        #expect(s.pegawai.rows.count == 560)
        #expect(s.layanan.rows.count == 10_000)
        let perPegawai = Double(s.kinerja.rows.count) / Double(s.pegawai.rows.count)
        #expect(perPegawai > 10.5 && perPegawai <= 13, "about 13 kinerja rows per pegawai, got \(perPegawai)")
        #expect(SampleConfig(outputDirectory: "/tmp", snapshot: "2025-11-01").layananRows == 1_000_000)
        #expect(SampleConfig(scale: 10, outputDirectory: "/tmp").pegawaiRows == 560_000)
    }

    @Test func tableSelectionAndEmptyTables() throws {
        let dir = try generate("only-kinerja", scale: 0, tables: [.kinerja])
        let files = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
        #expect(files == ["kinerja.csv.gz", "kinerja.ndjson.gz"])
        let csv = String(decoding: try gunzip(try readBytes(dir + "/kinerja.csv.gz")), as: UTF8.self)
        #expect(csv.hasPrefix("nip,tahun,jenis_periode,"), "an empty table still has its header")
        #expect(csv.split(separator: "\n").count == 1)
    }
}
