import Foundation
import Testing
import LumbungCore
@testable import LumbungIO

@Suite struct ProbeTests {
    @Test("a probe inflates only the head of a large gzip file and parses no rows")
    func probeReadsOnlyTheHead() throws {
        let files = TestFiles()
        defer { files.remove() }
        var text = "id,nilai,tanggal,kanal\n"
        for index in 0..<100_000 { text += "LYN-\(index),\(index % 97).5,2024-01-\(10 + index % 19),web\n" }
        let path = files.writeGzip("besar.csv.gz", text)
        let options = ReadOptions.testing(blockSize: 1 << 18)
        let probe = try TableReader.probe(path: path, options: options)
        #expect(probe.table.schema.fields.map(\.type) == [.string, .float64, .date, .string])
        #expect(probe.table.rowCount == 0)
        #expect(probe.decompressedBytes > 0)
        #expect(probe.decompressedBytes <= Int64(options.blockSize))
        let read = try readTable(path, options)
        #expect(read.decompressedBytes == Int64(text.utf8.count))
        #expect(read.table.schema == probe.table.schema)
    }

    @Test("an NDJSON probe inflates only the head and reports the columns a read of it finds")
    func ndjsonProbe() throws {
        let files = TestFiles()
        defer { files.remove() }
        var text = ""
        for index in 0..<60_000 {
            text += #"{"id":"LYN-\#(index)","nilai":\#(index % 7),"alamat":{"provinsi":"Jawa Barat"},"tgl":"2024-01-15"}"# + "\n"
        }
        let path = files.writeGzip("besar.ndjson.gz", text)
        let options = ReadOptions.testing(blockSize: 1 << 18)
        let probe = try TableReader.probe(path: path, options: options)
        #expect(probe.format == .ndjson)
        #expect(probe.table.schema == Schema([
            Field(name: "id", type: .string), Field(name: "nilai", type: .int64),
            Field(name: "alamat.provinsi", type: .string), Field(name: "tgl", type: .date),
        ]))
        #expect(probe.table.rowCount == 0)
        #expect(probe.decompressedBytes <= Int64(options.blockSize))
        #expect(try readTable(path, options).table.schema == probe.table.schema)
    }

    /// Files that fit in one head, where a probe must report the types a whole read ends with;
    /// a sample of 10 rows leaves the rest of the head to the rules of the block parser.
    static let wholeHeads: [(name: String, text: String, types: [DataType])] = [
        ("float then text after the sample", "a,b\n" + rows { "\($0),\($0)" } + "2.5,x\n", [.float64, .string]),
        ("a leading zero reads as an int, true widens an int to string", "a,b\n" + rows { "\($0),\($0)" } + "007,true\n",
         [.int64, .string]),
        ("a rejected row widens nothing", "a,b\n" + rows { "\($0),\($0)" } + "1,ab\"c\n\"1\"x,2.5\n1,2,3\n", [.int64, .int64]),
        ("dates then a timestamp", "d,n\n" + rows { "2024-01-0\($0 % 9 + 1),\($0)" } + "2024-01-01T10:00:00,\"NULL\"\n",
         [.timestamp, .string]),
        ("a CR before a delimiter keeps the field text", "a,b\r\n" + rows { "\($0)\r,\($0)\r" }, [.string, .int64]),
        ("decimal commas", "x;y\n" + rows { "\($0),5;\($0)" } + "1,25;2,5\n", [.float64, .float64]),
        ("quoted fields and doubled quotes", "q,n\n" + rows { "\"\($0)\",\"\"\"\($0)\"\"\"" }, [.int64, .string]),
    ]

    private static func rows(_ row: (Int) -> String) -> String {
        (0..<50).map { row($0) + "\n" }.joined()
    }

    @Test("a probe reports the types a read of the same head ends with", arguments: wholeHeads.indices)
    func probeMatchesRead(_ index: Int) throws {
        let (name, text, types) = Self.wholeHeads[index]
        let files = TestFiles()
        defer { files.remove() }
        let path = files.write("head.csv", text)
        var options = ReadOptions.testing()
        options.sampleRows = 10
        let probe = try TableReader.probe(path: path, options: options)
        let read = try readTable(path, options)
        #expect(probe.table.schema.fields.map(\.type) == types, "\(name)")
        #expect(read.table.schema == probe.table.schema, "\(name)")
    }

    @Test("without identifier hints, a number after the sample still widens an identifier column to string")
    func identifierAfterSample() throws {
        let files = TestFiles()
        defer { files.remove() }
        let path = files.write("kode.csv", "kode_x,n\n" + Self.rows { "\($0),\($0)" } + "1.5,2.5\n")
        var options = ReadOptions.testing()
        options.sampleRows = 10
        options.identifierHints = false
        let probe = try TableReader.probe(path: path, options: options)
        #expect(probe.table.schema.fields.map(\.type) == [.string, .float64])
        #expect(try readTable(path, options).table.schema == probe.table.schema)
    }

    @Test("the probe keeps declared types and projects columns")
    func probeOptions() throws {
        let files = TestFiles()
        defer { files.remove() }
        let path = files.write("opsi.csv", "a,b,c\n1,x,2.5\n2,y,3\n")
        var options = ReadOptions.testing()
        options.schema = Schema([Field(name: "a", type: .string)])
        options.columns = ["c", "a"]
        let probe = try TableReader.probe(path: path, options: options)
        #expect(probe.table.schema == Schema([Field(name: "a", type: .string), Field(name: "c", type: .float64)]))
    }
}
