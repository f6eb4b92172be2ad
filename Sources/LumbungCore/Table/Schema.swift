/// A named, typed column slot.
public struct Field: Sendable, Hashable, Codable {
    public var name: String
    public var type: DataType

    public init(name: String, type: DataType) {
        self.name = name
        self.type = type
    }
}

/// The ordered fields of a table.
public struct Schema: Sendable, Hashable, Codable {
    public var fields: [Field]

    public init(_ fields: [Field]) { self.fields = fields }

    public var count: Int { fields.count }
    public var names: [String] { fields.map(\.name) }

    /// The position of the field named `name` (exact, case-sensitive), if any.
    public func index(of name: String) -> Int? { fields.firstIndex { $0.name == name } }

    public subscript(name: String) -> Field? { index(of: name).map { fields[$0] } }
}
