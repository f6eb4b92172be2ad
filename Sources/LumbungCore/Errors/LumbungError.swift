/// Every error Lumbung reports, by whose fault it is. The CLI maps each case to an exit status
/// in one place: `usage` and `query` 2, `data` and `io` 1, `internalError` 70.
public enum LumbungError: Error, Sendable, CustomStringConvertible {
    /// Bad input data (a file's content).
    case data(DataError)
    /// A file could not be opened, read or written.
    case io(path: String, message: String)
    /// The user asked for something that cannot be done as asked (flags, options).
    case usage(String)
    /// A bug in Lumbung: should never be reachable from input.
    case internalError(String)

    public var description: String {
        switch self {
        case .data(let error): return error.description
        case .io(let path, let message): return "\(path): \(message)"
        case .usage(let message): return message
        case .internalError(let message): return "internal error (please report): \(message)"
        }
    }
}
