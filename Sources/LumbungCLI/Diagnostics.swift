import ArgumentParser
import Foundation
import LumbungCore

/// An error already described: the command prints it and exits with its status.
enum CLIError: Error {
    case report(LumbungError)
}

/// The one place that maps errors to messages and exit statuses.
enum Diagnostics {
    static func message(for error: Error) -> String {
        switch error {
        case CLIError.report(let inner): return inner.description
        case let error as LumbungError: return error.description
        default: return "\(error)"
        }
    }

    /// 2 for usage and query errors, 1 for data and I/O errors, 70 for internal errors.
    static func exitCode(for error: Error) -> Int32 {
        let inner: LumbungError?
        switch error {
        case CLIError.report(let wrapped): inner = wrapped
        case let error as LumbungError: inner = error
        default: inner = nil
        }
        switch inner {
        case .data, .io: return 1
        case .usage: return 2
        case .internalError: return 70
        case nil: return 1
        }
    }

    static func printError(_ error: Error) {
        FileHandle.standardError.write(Data(("error: " + message(for: error) + "\n").utf8))
    }
}

/// Number formatting for terminal output.
enum Number {
    static func grouped(_ value: Int) -> String {
        let digits = String(abs(value))
        var result = ""
        for (index, character) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { result.append(",") }
            result.append(character)
        }
        return value < 0 ? "-" + result : result
    }

    static func bytes(_ value: Int64) -> String {
        let units = ["B", "KB", "MB", "GB", "TB"]
        var amount = Double(value)
        var unit = 0
        while amount >= 1000, unit < units.count - 1 {
            amount /= 1000
            unit += 1
        }
        return unit == 0 ? "\(value) B" : String(format: "%.1f %@", amount, units[unit])
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}

/// A one-line progress bar on stderr.
final class ProgressBar: @unchecked Sendable {
    private let label: String
    private var lastPercent = -1

    init(label: String) { self.label = label }

    func update(_ done: Int64, _ total: Int64) {
        guard total > 0 else { return }
        let percent = Int(min(100, done * 100 / total))
        guard percent != lastPercent else { return }
        lastPercent = percent
        let filled = percent * 30 / 100
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: 30 - filled)
        FileHandle.standardError.write(Data("\r\(label) \(bar) \(percent)%".utf8))
    }

    static func clear() {
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
