import Foundation
import Testing

/// `lumbung query` and `lumbung repl` as users run them: formats, exit statuses, nothing on stdout
/// after an error, warnings on stderr. Query results themselves are checked against DuckDB by the
/// conformance suite in LumbungQueryTests.
@Suite struct QueryCommandTests {
    static let query = "from layanan | where kanal == \"web\" | summarize n = count(), ikm = avg(skor_ikm), pertama = min(tanggal_permohonan) by status | sort -n"

    /// Runs the binary with `input` on stdin.
    static func run(_ arguments: [String], input: String, environment: [String: String] = [:]) throws -> CLIRun {
        let process = Process()
        process.executableURL = CLI.binary
        process.arguments = arguments
        process.currentDirectoryURL = CLI.repository
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let stdin = Pipe()
        let out = Pipe()
        let err = Pipe()
        process.standardInput = stdin
        process.standardOutput = out
        process.standardError = err
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return CLIRun(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }

    @Test("ndjson: one object per row, keys in column order, timestamps as text, numbers as numbers")
    func ndjson() throws {
        let run = try CLI.run(["query", "--data", "sample-data", "--format", "ndjson", Self.query])
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n")
        #expect(!lines.isEmpty)
        var previous = Int.max
        for line in lines {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect(Set(object.keys) == ["status", "n", "ikm", "pertama"])
            // Key order is the column order.
            let keys = line.split(separator: "\"").enumerated().filter { $0.offset % 2 == 1 }.map(\.element)
            #expect(Array(keys.filter { ["status", "n", "ikm", "pertama"].contains(String($0)) }.prefix(4)) == ["status", "n", "ikm", "pertama"])
            let n = try #require(object["n"] as? Int)
            #expect(n <= previous)
            previous = n
            // tanggal_permohonan is a timestamp: ISO 8601 in UTC.
            let timestamp = try #require(object["pertama"] as? String)
            #expect(timestamp.count == 20 && timestamp.hasSuffix("Z") && timestamp.dropFirst(10).first == "T")
        }
        // The same rows as CSV.
        let csv = try CLI.run(["query", "--data", "sample-data", "--format", "csv", Self.query])
        #expect(csv.status == 0)
        #expect(csv.stdout.split(separator: "\n").count == lines.count + 1)
        #expect(csv.stdout.hasPrefix("status,n,ikm,pertama\n"))
    }

    @Test("json is one array; markdown and table print every row")
    func otherFormats() throws {
        let json = try CLI.run(["query", "--data", "sample-data", "--format", "json", Self.query])
        let array = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        let ndjson = try CLI.run(["query", "--data", "sample-data", "--format", "ndjson", Self.query])
        #expect(array.count == ndjson.stdout.split(separator: "\n").count)
        let markdown = try CLI.run(["query", "--data", "sample-data", "--format", "markdown", Self.query])
        #expect(markdown.stdout.hasPrefix("| status | n |"))
        #expect(markdown.stdout.split(separator: "\n").count == array.count + 2)
        let table = try CLI.run(["query", "--data", "sample-data", "--format", "table", "--numbers", "id", Self.query])
        #expect(table.status == 0)
        #expect(table.stdout.contains("(\(array.count) rows)"))
    }

    @Test("a query error exits 2 with the caret on stderr and nothing on stdout")
    func queryError() throws {
        let run = try CLI.run(["query", "--source", "layanan=sample-data/layanan.csv.gz", "--format", "csv",
                               "from layanan\n| summarize n = count() by kanall"])
        #expect(run.status == 2)
        #expect(run.stdout.isEmpty)
        #expect(run.stderr.contains("query:2:28: unknown column 'kanall' — did you mean 'kanal'?"))
        #expect(run.stderr.contains("^^^^^^"))
        let indonesian = try CLI.run(["query", "--data", "sample-data", "from layanann"], environment: ["LUMBUNG_LANG": "id"])
        #expect(indonesian.status == 2)
        #expect(indonesian.stderr.contains("sumber 'layanann' tidak dikenal — maksud Anda 'layanan'?"))
    }

    @Test("a data error exits 1 and prints nothing on stdout")
    func dataError() throws {
        let corrupt = try CLI.run(["query", "--source", "x=sample-data/malformed/corrupt_crc.csv.gz", "--format", "csv",
                                   "from x | summarize n = count()"])
        #expect(corrupt.status == 1, "\(corrupt.stderr)")
        #expect(corrupt.stdout.isEmpty)
        #expect(corrupt.stderr.contains("corrupt_crc.csv.gz"))
        let missing = try CLI.run(["query", "--source", "x=no/such/file.csv.gz", "from x"])
        #expect(missing.status == 1)
        #expect(missing.stdout.isEmpty)
    }

    @Test("an overflow while running exits 1 and points at the operation in the query")
    func overflow() throws {
        let run = try CLI.run(["query", "--source", "besar=Tests/LumbungQueryTests/Conformance/data/besar.csv",
                               "--format", "csv", "from besar\n| derive m = n * 2 + 1"])
        #expect(run.status == 1, "\(run.stderr)")
        #expect(run.stdout.isEmpty)
        #expect(run.stderr.hasPrefix("""
            query:2:14: integer overflow in 'n * 2': the result does not fit in a 64-bit integer
             2 | | derive m = n * 2 + 1
               |              ^^^^^
            """), "\(run.stderr)")
    }

    @Test("warnings go to stderr and the query still succeeds")
    func warnings() throws {
        let run = try CLI.run(["query", "--data", "sample-data", "--format", "csv",
                               "from layanan | where skor_ikm > 3 | summarize n = count()"])
        #expect(run.status == 0)
        #expect(run.stderr.contains("warning: this 'where' dropped"))
        #expect(run.stdout.hasPrefix("n\n"))
    }

    @Test("--explain shows the columns read and the filters run during the scan")
    func explain() throws {
        let run = try CLI.run(["query", "--data", "sample-data", "--explain", Self.query])
        #expect(run.status == 0)
        #expect(run.stdout.contains("columns read: 4 of"))
        #expect(run.stdout.contains("filter during scan: kanal == \"web\""))
    }

    @Test("-f reads a .lq file whose param header documents its parameters")
    func queryFile() throws {
        let scratch = CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let file = scratch.appendingPathComponent("per_kanal.lq")
        try "param kanal_dipilih: string = \"web\"\nfrom layanan\nwhere kanal == $kanal_dipilih\nsummarize n = count()\n"
            .write(to: file, atomically: true, encoding: .utf8)
        let web = try CLI.run(["query", "--data", "sample-data", "--format", "csv", "-f", file.path])
        let loket = try CLI.run(["query", "--data", "sample-data", "--format", "csv", "-f", file.path,
                                 "--param", "kanal_dipilih=loket"])
        #expect(web.status == 0 && loket.status == 0, "\(web.stderr)\(loket.stderr)")
        #expect(web.stdout != loket.stdout)
        let direct = try CLI.run(["query", "--data", "sample-data", "--format", "csv",
                                  "from layanan | where kanal == \"loket\" | summarize n = count()"])
        #expect(loket.stdout == direct.stdout)
    }

    @Test("repl: commands, a query over several lines, errors that do not end the session")
    func repl() throws {
        let input = """
            .tables
            .schema kinerja
            from layanan
            summarize n = count()
                   by kanal
            sort -n
            from layanann;
            .format csv
            .timer off
            from pegawai | summarize n = count()
            .bogus
            .quit
            from layanan
            """
        let run = try Self.run(["repl", "--data", "sample-data"], input: input)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("layanan\tsample-data/layanan.csv.gz"))
        #expect(run.stdout.contains("capaian_persen"))
        #expect(run.stdout.contains("(8 rows)"))
        #expect(run.stdout.contains("Time: "))
        #expect(run.stderr.contains("unknown source 'layanann' — did you mean 'layanan'?"))
        #expect(run.stdout.contains("n\n"))
        #expect(run.stderr.contains("unknown command '.bogus'"))
    }
}
