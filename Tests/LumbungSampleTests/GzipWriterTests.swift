import Foundation
import LumbungIO
import Testing

@Suite struct GzipWriterTests {
    static let compressors: [GzipCompressor] = GzipCompressor.libdeflateAvailable ? [.zlib, .libdeflate] : [.zlib]

    @Test(arguments: compressors)
    func roundTrip(_ compressor: GzipCompressor) throws {
        var state: UInt64 = 7
        var data = [UInt8]()
        for i in 0..<300_000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            // Half compressible text, half noise.
            data.append(i % 2 == 0 ? UInt8(65 + i % 7) : UInt8(truncatingIfNeeded: state >> 56))
        }
        for level: Int32 in [1, 6, 9] {
            let member = try GzipWriter.member(data, level: level, compressor: compressor)
            #expect(member.prefix(3) == [0x1F, 0x8B, 8], "gzip magic and deflate method")
            #expect(try gunzip(member) == data)
        }
    }

    @Test(arguments: compressors)
    func emptyInput(_ compressor: GzipCompressor) throws {
        let member = try GzipWriter.member([UInt8](), compressor: compressor)
        #expect(member.count >= 18)
        #expect(try gunzip(member) == [])
    }

    @Test func zlibDefaultOverloads() throws {
        let text = Array(String(repeating: "nip,nama\n198609262015051001,Budi\n", count: 1000).utf8)
        let a = try GzipWriter.member(text)
        let b = try text.withUnsafeBufferPointer { try GzipWriter.member($0.baseAddress, count: $0.count) }
        #expect(a == b, "zlib output is deterministic")
        #expect(a.count < text.count / 10)
        #expect(try gunzip(a) == text)
    }

    @Test(arguments: compressors)
    func membersConcatenate(_ compressor: GzipCompressor) throws {
        let parts = (0..<5).map { i in Array("block \(i)\n".utf8) + [UInt8](repeating: UInt8(48 + i), count: 1000 * i) }
        var file: [UInt8] = []
        for p in parts { file += try GzipWriter.member(p, compressor: compressor) }
        #expect(try gunzip(file) == parts.flatMap { $0 })
    }

    /// The system gunzip reads the multi-member files the generator writes.
    @Test func systemGunzipReadsOutput() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/gzip") else { return }
        let dir = try generate("gzip-cli", scale: 0.002, blockRows: 500, tables: [.layanan])
        for file in ["layanan.csv.gz", "layanan.ndjson.gz"] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/gzip")
            process.arguments = ["-dc", dir + "/" + file]
            let pipe = Pipe()
            process.standardOutput = pipe
            try process.run()
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
            #expect([UInt8](data) == (try gunzip(try readBytes(dir + "/" + file))))
        }
    }
}
