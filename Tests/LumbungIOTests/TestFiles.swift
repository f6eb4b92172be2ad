import Foundation
import LumbungCore
@testable import LumbungIO

/// A fresh temporary directory per test, and helpers to write plain and gzip files into it.
struct TestFiles {
    let directory: URL

    init() {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("lumbung-tests-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    @discardableResult
    func write(_ name: String, _ text: String) -> String { write(name, Array(text.utf8)) }

    @discardableResult
    func write(_ name: String, _ bytes: [UInt8]) -> String {
        let target = path(name)
        FileManager.default.createFile(atPath: target, contents: Data(bytes))
        return target
    }

    /// Writes `members` as concatenated gzip members (one member per element), compressed by the system's gzip.
    @discardableResult
    func writeGzip(_ name: String, members: [[UInt8]]) -> String {
        var output: [UInt8] = []
        for member in members { output += TestFiles.gzip(member) }
        return write(name, output)
    }

    @discardableResult
    func writeGzip(_ name: String, _ text: String) -> String { writeGzip(name, members: [Array(text.utf8)]) }

    static func gzip(_ bytes: [UInt8]) -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-c", "-n"]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try! process.run()
        let writer = Thread {
            input.fileHandleForWriting.write(Data(bytes))
            try? input.fileHandleForWriting.close()
        }
        writer.start()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Array(data)
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }
}

extension ReadOptions {
    /// Options for tests: no rejects file, a generous reject ratio, small blocks to exercise splitting.
    static func testing(blockSize: Int = 1 << 16, threads: Int = 2, maxRejectRatio: Double = 1) -> ReadOptions {
        var options = ReadOptions()
        options.blockSize = blockSize
        options.threads = threads
        options.maxRejectRatio = maxRejectRatio
        options.writeRejects = false
        return options
    }
}

/// Reads and returns the result, recording the thrown error's description instead of crashing.
func readTable(_ path: String, _ options: ReadOptions = .testing()) throws -> ReadResult {
    try TableReader.read(path: path, options: options)
}

func dataError(_ body: () throws -> Void) -> DataError? {
    do {
        try body()
        return nil
    } catch LumbungError.data(let error) {
        return error
    } catch {
        return nil
    }
}

func dayOf(_ text: String) -> Value { .date(ValueParser.parse(text, ValueParser.date)!) }
