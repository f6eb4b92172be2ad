#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The language of messages. Ids and ranges do not depend on it.
public enum Language: String, Sendable, Hashable, CaseIterable {
    case english = "en"
    case indonesian = "id"

    /// From `LUMBUNG_LANG` (`id`, `id_ID`, `id-ID.UTF-8` … select Indonesian); English otherwise.
    public static var current: Language {
        guard let raw = getenv("LUMBUNG_LANG") else { return .english }
        return Language(code: String(cString: raw))
    }

    public init(code: String) {
        let lowered = code.lowercased()
        self = lowered == "id" || lowered.hasPrefix("id_") || lowered.hasPrefix("id-") || lowered.hasPrefix("id.")
            ? .indonesian : .english
    }
}

/// A user-facing text in every supported language.
public struct Message: Sendable, Hashable, CustomStringConvertible {
    public var english: String
    public var indonesian: String

    public init(_ english: String, id indonesian: String) {
        self.english = english
        self.indonesian = indonesian
    }

    public func text(_ language: Language) -> String {
        switch language {
        case .english: return english
        case .indonesian: return indonesian
        }
    }

    public var description: String { english }

    /// Both texts joined: `a + b`.
    public static func + (lhs: Message, rhs: Message) -> Message {
        Message(lhs.english + rhs.english, id: lhs.indonesian + rhs.indonesian)
    }
}
