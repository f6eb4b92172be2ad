import Foundation
import Testing
import LumbungCore
@testable import LumbungIO

@Suite struct GzipTests {
    static var backends: [GzipBackend] { GzipBackend.isalStatus.available ? [.zlib, .isal] : [.zlib] }

    static func csv(rows: Range<Int>) -> [UInt8] {
        Array(rows.map { "\($0),nilai \($0),\(Double($0) / 8)" }.joined(separator: "\n").utf8) + [0x0a]
    }

    @Test("CI has ISA-L (skipped locally without it)", .enabled(if: ProcessInfo.processInfo.environment["CI"] != nil))
    func isalPresentInCI() {
        #expect(GzipBackend.isalStatus.available, "ISA-L should load in CI: \(GzipBackend.isalStatus.reason)")
    }

    @Test("zlib and ISA-L give identical bytes, in any read size", arguments: backends)
    func streamBytes(_ backend: GzipBackend) throws {
        let files = TestFiles()
        defer { files.remove() }
        let plain = Array("nomor,teks,nilai\n".utf8) + Self.csv(rows: 0..<20_000)
        let path = files.writeGzip("s.csv.gz", members: [plain])
        for readSize in [1, 7, 4096, 1 << 20] {
            let reader = try DecompressingReader(path: path, backend: backend)
            #expect(reader.compression == .gzip)
            #expect(reader.backend == backend)
            var output: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: readSize)
            while true {
                let count = try buffer.withUnsafeMutableBytes { try reader.read(into: $0) }
                if count == 0 { break }
                output += buffer[0..<count]
                if readSize == 1 && output.count > 5000 { break }
            }
            if readSize == 1 {
                #expect(Array(plain.prefix(output.count)) == output)
            } else {
                #expect(output == plain)
                #expect(reader.decompressedBytes == Int64(plain.count))
            }
        }
    }

    @Test("multi-member gzip is read to the end", arguments: backends)
    func multiMember(_ backend: GzipBackend) throws {
        let files = TestFiles()
        defer { files.remove() }
        let header = Array("nomor,teks,nilai\n".utf8)
        let path = files.writeGzip("m.csv.gz", members: [header + Self.csv(rows: 0..<1000), Self.csv(rows: 1000..<1001), [], Self.csv(rows: 1001..<5000)])
        var options = ReadOptions.testing(blockSize: 4096, threads: 3)
        options.gzipBackend = backend
        let result = try readTable(path, options)
        #expect(result.gzipMembers == 4)
        #expect(result.rowCount == 5000)
        #expect(result.table.rows().map { $0[0] } == (0..<5000).map { .int(Int64($0)) })
    }

    @Test("plain files are detected by their magic bytes, whatever the name")
    func plainDetection() throws {
        let files = TestFiles()
        defer { files.remove() }
        let text = "a,b\n1,2\n"
        let plain = try readTable(files.write("looks-gzipped.csv.gz", text))
        #expect(plain.compression == .none && plain.gzipBackend == nil && plain.rowCount == 1)
        let gzipped = try readTable(files.writeGzip("no-extension", text))
        #expect(gzipped.compression == .gzip && gzipped.rowCount == 1)
    }

    @Test("the same gzip file reads to the same table with either inflater")
    func backendsAgree() throws {
        guard GzipBackend.isalStatus.available else { return }
        let files = TestFiles()
        defer { files.remove() }
        let path = files.writeGzip("agree.csv.gz", members: [Array("nomor,teks,nilai\n".utf8) + Self.csv(rows: 0..<30_000)])
        var zlib = ReadOptions.testing(blockSize: 1 << 15, threads: 2)
        zlib.gzipBackend = .zlib
        var isal = zlib
        isal.gzipBackend = .isal
        let a = try readTable(path, zlib)
        let b = try readTable(path, isal)
        #expect(a.gzipBackend == .zlib && b.gzipBackend == .isal)
        #expect(a.table.rows() == b.table.rows())
        #expect(a.rowCount == 30_000)
    }

    @Test("a missing file is an I/O error naming the path")
    func missingFile() {
        do {
            _ = try DecompressingReader(path: "/nonexistent/x.csv.gz")
            Issue.record("expected an error")
        } catch LumbungError.io(let path, let message) {
            #expect(path == "/nonexistent/x.csv.gz")
            #expect(message.contains("No such file"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}

@Suite struct FormatDetectionTests {
    @Test("content decides the format; an empty file falls back to its name")
    func detection() throws {
        let files = TestFiles()
        defer { files.remove() }
        #expect(TableReader.detectFormat(ArraySlice(Array("  \n[{\"a\":1}]".utf8))) == .jsonArray)
        #expect(TableReader.detectFormat(ArraySlice(Array("{\"a\":1}\n".utf8)), path: "x.csv") == .ndjson)
        #expect(TableReader.detectFormat(ArraySlice(Array("a,b\n".utf8)), path: "x.json") == .csv)
        #expect(TableReader.detectFormat([], path: "x.ndjson.gz") == .ndjson)
        #expect(TableReader.detectFormat([], path: "x.JSON") == .jsonArray)
        #expect(TableReader.detectFormat([], path: "x.csv.gz") == .csv)
        let empty = try readTable(files.writeGzip("kosong.ndjson.gz", ""))
        #expect(empty.format == .ndjson && empty.rowCount == 0)
    }
}
