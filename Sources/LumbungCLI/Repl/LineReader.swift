import CEditLine
import Foundation

/// Reads input lines: with libedit's line editing and a history file on a terminal, plainly from
/// a pipe (so scripts and tests can feed the REPL).
final class LineReader {
    private let interactive: Bool
    private let historyPath: String?

    init(historyPath: String?) {
        interactive = isatty(0) != 0 && isatty(1) != 0
        self.historyPath = historyPath
        if interactive, let historyPath {
            lumbung_stifle_history(1000)
            lumbung_read_history(historyPath)
        }
    }

    /// The next line without its line break, or nil at the end of input (Ctrl-D).
    func readLine(prompt: String) -> String? {
        if interactive {
            guard let pointer = lumbung_readline(prompt) else { return nil }
            defer { free(pointer) }
            return String(cString: pointer)
        }
        return Swift.readLine(strippingNewline: true)
    }

    /// Remembers an entry (a whole query, or a command) in the history.
    func remember(_ entry: String) {
        guard interactive, !entry.trimmingCharacters(in: .whitespaces).isEmpty else { return }
        lumbung_add_history(entry)
        if let historyPath { lumbung_write_history(historyPath) }
    }

    var isInteractive: Bool { interactive }

    /// Whether more input is already waiting (pasted lines), without blocking.
    var hasPendingInput: Bool {
        var descriptor = pollfd(fd: 0, events: Int16(POLLIN), revents: 0)
        return poll(&descriptor, 1, 0) > 0
    }
}
