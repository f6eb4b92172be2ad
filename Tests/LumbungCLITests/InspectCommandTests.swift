import Foundation
import Testing

/// End-to-end: the `lumbung` binary built beside the tests, run as a user would.
struct CLIRun {
    var status: Int32
    var stdout: String
    var stderr: String
}

enum CLI {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The `lumbung` executable in the same build folder as this test bundle.
    static var binary: URL {
        var folder = Bundle.main.bundleURL
        for _ in 0..<4 {
            let candidate = folder.appendingPathComponent("lumbung")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            folder = folder.deletingLastPathComponent()
        }
        return repository.appendingPathComponent(".build/debug/lumbung")
    }

    static func run(_ arguments: [String], environment: [String: String] = [:], in directory: URL? = nil) throws -> CLIRun {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = directory ?? repository
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return CLIRun(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self))
    }

    static func temporaryDirectory() -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("lumbung-cli-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

@Suite struct InspectCommandTests {
    @Test("inspect --json reports rows, rejects and columns, and writes the rejects file")
    func inspectJSON() throws {
        let scratch = CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let file = CLI.repository.appendingPathComponent("sample-data/malformed/too_many_columns.csv.gz").path
        let run = try CLI.run(["inspect", "--json", "--rejects-dir", scratch.path, file])
        #expect(run.status == 0, "\(run.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]
        let report = try #require((json?["files"] as? [[String: Any]])?.first)
        #expect(report["rows"] as? Int == 99)
        #expect(report["rejected"] as? Int == 1)
        #expect(report["format"] as? String == "csv")
        #expect(report["compression"] as? String == "gzip")
        let columns = try #require(report["columns"] as? [[String: Any]])
        let names: [String] = columns.compactMap { $0["name"] as? String }
        let types: [String] = columns.compactMap { $0["type"] as? String }
        let expectedNames = ["id_permohonan", "kode_instansi", "kanal", "status", "tanggal_permohonan", "sla_hari_kerja", "biaya", "skor_ikm"]
        let expectedTypes = ["string", "string", "string", "string", "timestamp", "int64", "float64", "float64"]
        #expect(names == expectedNames)
        #expect(types == expectedTypes)
        let kanal = try #require(columns.first { $0["name"] as? String == "kanal" })
        #expect(kanal["distinct_estimate"] as? Int == 5)
        let rejects = try String(contentsOf: scratch.appendingPathComponent("too_many_columns.csv.gz.rejects.ndjson"), encoding: .utf8)
        #expect(rejects.contains("\"line\":11") && rejects.contains("tooManyColumns"))
    }

    @Test("a corrupt gzip file exits 1 with file, kind and compressed offset on stderr, nothing on stdout")
    func corruptFile() throws {
        let file = CLI.repository.appendingPathComponent("sample-data/malformed/corrupt_crc.csv.gz").path
        for gzip in ["zlib", "auto"] {
            let run = try CLI.run(["inspect", "--gzip", gzip, file])
            #expect(run.status == 1)
            #expect(run.stdout.isEmpty)
            #expect(run.stderr.contains("corrupt_crc.csv.gz"))
            #expect(run.stderr.contains("corruptGzip"))
            #expect(run.stderr.contains("byte"))
        }
    }

    @Test("too many rejected rows fail the read with exit 1 and keep the rejects")
    func rejectThreshold() throws {
        let scratch = CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let file = CLI.repository.appendingPathComponent("sample-data/malformed/too_few_columns.csv.gz").path
        let run = try CLI.run(["inspect", "--max-reject-ratio", "0", "--rejects-dir", scratch.path, file])
        #expect(run.status == 1)
        #expect(run.stderr.contains("tooManyRejects"))
        #expect(FileManager.default.fileExists(atPath: scratch.appendingPathComponent("too_few_columns.csv.gz.rejects.ndjson").path))
    }

    @Test("bad flags exit 2 with a usage message")
    func usage() throws {
        let run = try CLI.run(["inspect", "--gzip", "brotli", "x.csv"])
        #expect(run.status == 2 || run.status == 64)
        #expect(run.stderr.contains("--gzip"))
        let missing = try CLI.run(["inspect", "/nonexistent/file.csv"])
        #expect(missing.status == 1)
        #expect(missing.stderr.hasPrefix("error: /nonexistent/file.csv: no such file"), "\(missing.stderr)")
        #expect(!missing.stderr.contains("report("), "the error is described, not dumped: \(missing.stderr)")
    }

    @Test("--version prints the version and exits 0")
    func version() throws {
        let run = try CLI.run(["--version"])
        #expect(run.status == 0)
        #expect(run.stdout.hasPrefix("0."), "\(run.stdout)")
    }

    @Test("a rejects folder that does not exist yet is made, and an older rejects file is replaced whole")
    func rejectsFolderIsMade() throws {
        let scratch = CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let folder = scratch.appendingPathComponent("nightly/rejects")
        let file = CLI.repository.appendingPathComponent("sample-data/malformed/too_many_columns.csv.gz").path
        let rejects = folder.appendingPathComponent("too_many_columns.csv.gz.rejects.ndjson")
        for _ in 0..<2 {
            let run = try CLI.run(["inspect", "--rejects-dir", folder.path, file])
            #expect(run.status == 0, "\(run.stderr)")
            let text = try String(contentsOf: rejects, encoding: .utf8)
            #expect(text.split(separator: "\n").count == 1, "one rejected row, written once: \(text)")
        }
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix(".") }
        #expect(leftovers.isEmpty, "no temporary files left: \(leftovers)")
    }
}
