import Foundation
import LumbungCore
import LumbungEngine

/// A naive, row-at-a-time evaluator of LQ semantics over `[[Value]]`, written independently of the
/// engine (no kernels, no encodings, Foundation's calendar for dates) to check it.
///
/// Errors are reported as `ReferenceError` with the engine's error kind, so a test can require the
/// engine to fail the same way.
struct ReferenceError: Error, Equatable {
    var kind: EngineError.Kind
}

struct RefTable {
    var schema: Schema
    var rows: [[Value]]

    init(schema: Schema, rows: [[Value]]) {
        self.schema = schema
        self.rows = rows
    }

    init(_ table: Table) {
        schema = table.schema
        rows = table.rows()
    }
}

enum Reference {
    // MARK: Typing (only what is needed to widen values the way the engine's types say)

    static func type(_ expr: Expr, _ schema: Schema) throws -> DataType {
        try expr.resultType(in: schema)
    }

    // MARK: Expressions

    static func eval(_ expr: Expr, _ row: [Value], _ schema: Schema) throws -> Value {
        switch expr {
        case .column(let name):
            return row[schema.index(of: name)!]
        case .literal(let value):
            return value
        case .unary(.not, let operand):
            switch try eval(operand, row, schema) {
            case .bool(let value): return .bool(!value)
            default: return .null
            }
        case .unary(.negate, let operand):
            switch try eval(operand, row, schema) {
            case .int(let value):
                if value == .min { throw ReferenceError(kind: .integerOverflow) }
                return .int(-value)
            case .float(let value): return .float(-value)
            default: return .null
            }
        case .binary(let op, let lhs, let rhs):
            if op == .and || op == .or {
                let a = try eval(lhs, row, schema)
                let b = try eval(rhs, row, schema)
                return logic(op, a, b)
            }
            let a = try eval(lhs, row, schema)
            let b = try eval(rhs, row, schema)
            if a.isNull || b.isNull { return .null }
            if op.isComparisonOperator { return .bool(compareAccept(op, compare(a, b))) }
            return try arithmetic(op, a, b)
        case .inList(let operand, let items):
            let value = try eval(operand, row, schema)
            if value.isNull { return .null }
            var sawNull = false
            for item in items {
                if item.isNull {
                    sawNull = true
                    continue
                }
                if compare(value, item) == 0 { return .bool(true) }
            }
            return sawNull ? .null : .bool(false)
        case .isNull(let operand, let negated):
            return .bool(try eval(operand, row, schema).isNull != negated)
        case .coalesce(let arguments):
            let type = try self.type(expr, schema)
            for argument in arguments {
                let value = try eval(argument, row, schema)
                if !value.isNull { return widen(value, type) }
            }
            return .null
        case .ifThenElse(let condition, let then, let otherwise):
            let type = try self.type(expr, schema)
            if case .bool(true) = try eval(condition, row, schema) { return widen(try eval(then, row, schema), type) }
            return widen(try eval(otherwise, row, schema), type)
        case .call(let function, let arguments):
            let values = try arguments.map { try eval($0, row, schema) }
            return try call(function, values, arguments.map { try self.type($0, schema) })
        }
    }

    static func widen(_ value: Value, _ type: DataType) -> Value {
        switch (value, type) {
        case (.int(let v), .float64): return .float(Double(v))
        case (.date(let d), .timestamp): return .timestamp(Int64(d) * 86_400_000_000)
        default: return value
        }
    }

    static func logic(_ op: BinaryOperator, _ a: Value, _ b: Value) -> Value {
        func truth(_ v: Value) -> Bool? { if case .bool(let b) = v { return b }; return nil }
        let x = truth(a)
        let y = truth(b)
        if op == .and {
            if x == false || y == false { return .bool(false) }
            if x == true && y == true { return .bool(true) }
            return .null
        }
        if x == true || y == true { return .bool(true) }
        if x == false && y == false { return .bool(false) }
        return .null
    }

    static func compareAccept(_ op: BinaryOperator, _ order: Int) -> Bool {
        switch op {
        case .equal: return order == 0
        case .notEqual: return order != 0
        case .less: return order < 0
        case .lessOrEqual: return order <= 0
        case .greater: return order > 0
        default: return order >= 0
        }
    }

    /// Total order of two non-null values of comparable types (ints and floats as doubles, dates
    /// and timestamps as microseconds; NaN last and equal to itself; strings by UTF-8 bytes).
    static func compare(_ a: Value, _ b: Value) -> Int {
        switch (a, b) {
        case (.int(let x), .int(let y)): return x < y ? -1 : (x > y ? 1 : 0)
        case (.string(let x), .string(let y)):
            let p = Array(x.utf8)
            let q = Array(y.utf8)
            return p.lexicographicallyPrecedes(q) ? -1 : (p == q ? 0 : 1)
        case (.bool(let x), .bool(let y)): return x == y ? 0 : (!x ? -1 : 1)
        case (.date(let x), .date(let y)): return x < y ? -1 : (x > y ? 1 : 0)
        default:
            if let x = asDouble(a), let y = asDouble(b) {
                if x.isNaN || y.isNaN { return x.isNaN && y.isNaN ? 0 : (x.isNaN ? 1 : -1) }
                return x < y ? -1 : (x > y ? 1 : 0)
            }
            if let x = asMicros(a), let y = asMicros(b) { return x < y ? -1 : (x > y ? 1 : 0) }
            fatalError("incomparable \(a) and \(b)")
        }
    }

    static func asDouble(_ v: Value) -> Double? {
        switch v {
        case .int(let x): return Double(x)
        case .float(let x): return x
        default: return nil
        }
    }

    static func asMicros(_ v: Value) -> Int64? {
        switch v {
        case .date(let d): return Int64(d) * 86_400_000_000
        case .timestamp(let t): return t
        default: return nil
        }
    }

    static func arithmetic(_ op: BinaryOperator, _ a: Value, _ b: Value) throws -> Value {
        switch (a, b) {
        case (.int(let x), .int(let y)):
            switch op {
            case .add:
                let (r, o) = x.addingReportingOverflow(y)
                if o { throw ReferenceError(kind: .integerOverflow) }
                return .int(r)
            case .subtract:
                let (r, o) = x.subtractingReportingOverflow(y)
                if o { throw ReferenceError(kind: .integerOverflow) }
                return .int(r)
            case .multiply:
                let (r, o) = x.multipliedReportingOverflow(by: y)
                if o { throw ReferenceError(kind: .integerOverflow) }
                return .int(r)
            case .divide: return y == 0 ? .null : .float(Double(x) / Double(y))
            case .modulo:
                if y == 0 { return .null }
                if y == -1 { return .int(0) }
                return .int(x % y)
            default: fatalError()
            }
        case (.date(let d), .int(let n)):
            let (r, o) = op == .add ? Int64(d).addingReportingOverflow(n) : Int64(d).subtractingReportingOverflow(n)
            guard !o, let narrow = Int32(exactly: r) else { throw ReferenceError(kind: .integerOverflow) }
            return .date(narrow)
        case (.int(let n), .date(let d)):
            let (r, o) = Int64(d).addingReportingOverflow(n)
            guard !o, let narrow = Int32(exactly: r) else { throw ReferenceError(kind: .integerOverflow) }
            return .date(narrow)
        case (.date(let x), .date(let y)):
            return .int(Int64(x) - Int64(y))
        default:
            let x = asDouble(a)!
            let y = asDouble(b)!
            switch op {
            case .add: return .float(x + y)
            case .subtract: return .float(x - y)
            case .multiply: return .float(x * y)
            case .divide: return y == 0 ? .null : .float(x / y)
            default: fatalError()
            }
        }
    }

    // MARK: Functions

    static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    static func components(_ v: Value) -> DateComponents {
        let seconds: Double
        switch v {
        case .date(let d): seconds = Double(d) * 86_400
        case .timestamp(let t): seconds = Double((t - ((t % 86_400_000_000) + 86_400_000_000) % 86_400_000_000) / 1_000_000)
        default: fatalError()
        }
        return utc.dateComponents([.year, .month, .day], from: Date(timeIntervalSince1970: seconds))
    }

    static func dayNumber(_ v: Value) -> Int64 {
        switch v {
        case .date(let d): return Int64(d)
        case .timestamp(let t):
            let perDay: Int64 = 86_400_000_000
            return t >= 0 ? t / perDay : -((-t + perDay - 1) / perDay)
        default: fatalError()
        }
    }

    static func call(_ function: ScalarFunction, _ values: [Value], _ types: [DataType]) throws -> Value {
        if function == .concat {
            return .string(values.filter { !$0.isNull }.map { $0.description }.joined())
        }
        if values.contains(where: \.isNull) { return .null }
        func string(_ i: Int) -> String { if case .string(let s) = values[i] { return s }; fatalError() }
        func int(_ i: Int) -> Int64 { if case .int(let n) = values[i] { return n }; fatalError() }
        switch function {
        case .lower: return .string(string(0).lowercased())
        case .upper: return .string(string(0).uppercased())
        case .trim:
            let set = CharacterSet(charactersIn: " \t\n\r\u{0B}\u{0C}")
            var scalars = Array(string(0).unicodeScalars)
            while let first = scalars.first, set.contains(first) { scalars.removeFirst() }
            while let last = scalars.last, set.contains(last) { scalars.removeLast() }
            return .string(String(String.UnicodeScalarView(scalars)))
        case .length: return .int(Int64(string(0).unicodeScalars.count))
        case .contains: return .bool(indexOf(Array(string(1).utf8), in: Array(string(0).utf8), from: 0) != nil)
        case .startsWith: return .bool(Array(string(0).utf8).starts(with: Array(string(1).utf8)))
        case .endsWith: return .bool(Array(string(0).utf8.reversed()).starts(with: Array(string(1).utf8.reversed())))
        case .replace:
            let s = Array(string(0).utf8)
            let from = Array(string(1).utf8)
            let to = Array(string(2).utf8)
            if from.isEmpty { return values[0] }
            var out: [UInt8] = []
            var cursor = 0
            while let hit = indexOf(from, in: s, from: cursor) {
                out += s[cursor..<hit] + to
                cursor = hit + from.count
            }
            out += s[cursor...]
            return .string(String(decoding: out, as: UTF8.self))
        case .substr:
            let scalars = Array(string(0).unicodeScalars)
            let size = Int64(scalars.count)
            let offset = int(1)
            var length = values.count > 2 ? int(2) : Int64.max / 4
            // DuckDB's rule, restated.
            var start: Int64
            if length == 0 { return .string("") }
            if offset > 0 { start = min(size, offset - 1) }
            else if offset < 0 { start = max(size + offset, 0) }
            else {
                start = 0
                length -= 1
                if length <= 0 { return .string("") }
            }
            var end: Int64
            if length > 0 { end = min(size, start + length) } else {
                end = start
                start = max(0, start + length)
            }
            if start >= end { return .string("") }
            return .string(String(String.UnicodeScalarView(scalars[Int(start)..<Int(end)])))
        case .abs:
            if case .int(let n) = values[0] {
                if n == .min { throw ReferenceError(kind: .integerOverflow) }
                return .int(Swift.abs(n))
            }
            if case .float(let x) = values[0] { return .float(Swift.abs(x)) }
            fatalError()
        case .floor, .ceil:
            if case .float(let x) = values[0] { return .float(function == .floor ? Foundation.floor(x) : Foundation.ceil(x)) }
            return values[0]
        case .round:
            let digits = values.count > 1 ? int(1) : 0
            if case .float(let x) = values[0] {
                if digits == 0 { return .float(Foundation.round(x)) }
                let factor = Foundation.pow(10.0, Double(max(-400, min(400, digits))))
                let r = Foundation.round(x * factor) / factor
                return .float(r.isFinite ? r : x)
            }
            let n = int(0)
            if digits >= 0 { return .int(n) }
            if digits <= -19 { return .int(0) }
            let power = Int128(Foundation.pow(10.0, Double(-digits)).rounded())
            let wide = Int128(n)
            let remainder = wide % power
            var result = wide - remainder
            if (remainder < 0 ? -remainder : remainder) * 2 >= power { result += n < 0 ? -power : power }
            return .int(Int64(exactly: result) ?? Int64(wide - remainder))
        case .year: return .int(Int64(components(values[0]).year!))
        case .month: return .int(Int64(components(values[0]).month!))
        case .day: return .int(Int64(components(values[0]).day!))
        case .quarter: return .int(Int64((components(values[0]).month! - 1) / 3 + 1))
        case .daysBetween: return .int(dayNumber(values[1]) - dayNumber(values[0]))
        case .ageYears:
            let birth = dayNumber(values[0])
            let at = dayNumber(values[1])
            func age(_ b: Int64, _ a: Int64) -> Int64 {
                let from = utc.dateComponents([.year, .month, .day], from: Date(timeIntervalSince1970: Double(b) * 86_400))
                let to = utc.dateComponents([.year, .month, .day], from: Date(timeIntervalSince1970: Double(a) * 86_400))
                var years = to.year! - from.year!
                if (to.month!, to.day!) < (from.month!, from.day!) { years -= 1 }
                return Int64(years)
            }
            return .int(at >= birth ? age(birth, at) : -age(at, birth))
        case .int:
            switch values[0] {
            case .int: return values[0]
            case .bool(let b): return .int(b ? 1 : 0)
            case .float(let x): return truncate(x)
            case .string(let s):
                let t = s.trimmingCharacters(in: CharacterSet(charactersIn: " \t\n\r\u{0B}\u{0C}"))
                if let n = Int64(t) { return .int(n) }
                if t.hasPrefix("+"), let n = Int64(t.dropFirst()) { return .int(n) }
                if t.lowercased().contains("n") || t.lowercased().contains("x") { return .null }
                if let x = Double(t) { return truncate(x) }
                return .null
            default: fatalError()
            }
        case .float:
            switch values[0] {
            case .int(let n): return .float(Double(n))
            case .float: return values[0]
            case .bool(let b): return .float(b ? 1 : 0)
            case .string(let s):
                let t = s.trimmingCharacters(in: CharacterSet(charactersIn: " \t\n\r\u{0B}\u{0C}"))
                if t.isEmpty || t.lowercased().contains("x") { return .null }
                return Double(t).map { .float($0) } ?? .null
            default: fatalError()
            }
        case .string: return .string(values[0].description)
        case .date:
            switch values[0] {
            case .date: return values[0]
            case .timestamp: return .date(Int32(dayNumber(values[0])))
            case .string(let s):
                let t = s.trimmingCharacters(in: CharacterSet(charactersIn: " \t\n\r\u{0B}\u{0C}"))
                let formatter = DateFormatter()
                formatter.locale = Locale(identifier: "en_US_POSIX")
                formatter.timeZone = TimeZone(identifier: "UTC")
                formatter.dateFormat = "yyyy-MM-dd"
                formatter.isLenient = false
                let bytes = Array(t.utf8)
                guard bytes.count >= 10 else { return .null }
                if bytes.count > 10, bytes[10] != UInt8(ascii: "T"), bytes[10] != UInt8(ascii: " ") { return .null }
                let head = String(decoding: bytes[0..<10], as: UTF8.self)
                guard head.utf8.enumerated().allSatisfy({ i, c in i == 4 || i == 7 ? c == UInt8(ascii: "-") : (c >= 48 && c <= 57) }),
                    let date = formatter.date(from: head),
                    formatter.string(from: date) == head
                else { return .null }
                return .date(Int32((date.timeIntervalSince1970 / 86_400).rounded(.down)))
            default: fatalError()
            }
        case .concat: fatalError()
        }
    }

    static func truncate(_ x: Double) -> Value {
        guard x.isFinite, x.rounded(.towardZero) >= -9.223372036854775808e18, x.rounded(.towardZero) < 9.223372036854775808e18
        else { return .null }
        return .int(Int64(x.rounded(.towardZero)))
    }

    static func indexOf(_ needle: [UInt8], in haystack: [UInt8], from: Int) -> Int? {
        if needle.isEmpty { return from <= haystack.count ? from : nil }
        if haystack.count < needle.count { return nil }
        var index = from
        while index + needle.count <= haystack.count {
            if Array(haystack[index..<(index + needle.count)]) == needle { return index }
            index += 1
        }
        return nil
    }

    // MARK: Operators

    static func filter(_ table: RefTable, _ predicate: Expr) throws -> RefTable {
        RefTable(
            schema: table.schema,
            rows: try table.rows.filter { row in
                if case .bool(true) = try eval(predicate, row, table.schema) { return true }
                return false
            })
    }

    static func project(_ table: RefTable, _ outputs: [NamedExpr]) throws -> RefTable {
        let types = try outputs.map { try type($0.expr, table.schema) }
        let schema = Schema(zip(outputs, types).map { Field(name: $0.name, type: $1) })
        let rows = try table.rows.map { row in
            try zip(outputs, types).map { output, type in widen(try eval(output.expr, row, table.schema), type) }
        }
        return RefTable(schema: schema, rows: rows)
    }

    /// Sort rows: nulls last in every direction, stable.
    static func sort(_ table: RefTable, _ keys: [SortKey]) throws -> RefTable {
        let keyed = try table.rows.enumerated().map { index, row in
            (index, row, try keys.map { try eval($0.expr, row, table.schema) })
        }
        let sorted = keyed.sorted { a, b in
            for (position, key) in keys.enumerated() {
                let x = a.2[position]
                let y = b.2[position]
                if x.isNull && y.isNull { continue }
                if x.isNull { return false }
                if y.isNull { return true }
                let order = compare(x, y)
                if order != 0 { return key.descending ? order > 0 : order < 0 }
            }
            return a.0 < b.0
        }
        return RefTable(schema: table.schema, rows: sorted.map(\.1))
    }

    /// A key wrapper with the engine's grouping equality (NaN equals NaN, -0 equals 0).
    struct GroupKey: Hashable {
        var values: [Value]

        static func normalized(_ v: Value) -> Value {
            if case .float(let x) = v {
                if x.isNaN { return .string("\u{0}NaN") }
                if x == 0 { return .float(0) }
            }
            return v
        }

        init(_ values: [Value]) { self.values = values.map(GroupKey.normalized) }
    }

    static func distinct(_ table: RefTable, _ columns: [String]) -> RefTable {
        let indices = (columns.isEmpty ? table.schema.names : columns).map { table.schema.index(of: $0)! }
        var seen = Set<GroupKey>()
        var rows: [[Value]] = []
        for row in table.rows where seen.insert(GroupKey(indices.map { row[$0] })).inserted { rows.append(row) }
        return RefTable(schema: table.schema, rows: rows)
    }

    static func aggregate(_ table: RefTable, keys: [NamedExpr], aggregates: [AggregateExpr]) throws -> RefTable {
        let keyTypes = try keys.map { try type($0.expr, table.schema) }
        var order: [GroupKey] = []
        var groups: [GroupKey: (key: [Value], rows: [[Value]])] = [:]
        for row in table.rows {
            let key = try keys.map { try eval($0.expr, row, table.schema) }
            let wrapped = GroupKey(key)
            if groups[wrapped] == nil {
                order.append(wrapped)
                groups[wrapped] = (key, [])
            }
            groups[wrapped]!.rows.append(row)
        }
        if keys.isEmpty && groups.isEmpty {
            order = [GroupKey([])]
            groups[GroupKey([])] = ([], [])
        }
        var fields = zip(keys, keyTypes).map { Field(name: $0.name, type: $1) }
        for aggregate in aggregates {
            let expected: DataType? = aggregate.function == .countIf || aggregate.function == .share ? .bool : nil
            let argumentType = try aggregate.argument.map { try $0.resultType(in: table.schema, expecting: expected) }
            fields.append(Field(name: aggregate.name, type: try aggregate.function.resultType(argument: argumentType)))
        }
        var rows: [[Value]] = []
        for wrapped in order {
            let group = groups[wrapped]!
            var row = group.key
            for aggregate in aggregates {
                let values = try group.rows.map { r in try aggregate.argument.map { try eval($0, r, table.schema) } ?? .null }
                row.append(try aggregateValue(aggregate.function, values, rowCount: group.rows.count))
            }
            rows.append(row)
        }
        let result = RefTable(schema: Schema(fields), rows: rows)
        return keys.isEmpty ? result : try sort(result, keys.map { SortKey(.column($0.name)) })
    }

    static func aggregateValue(_ function: AggregateFunction, _ values: [Value], rowCount: Int) throws -> Value {
        let present = values.filter { !$0.isNull }
        switch function {
        case .count: return .int(Int64(rowCount))
        case .countNonNull: return .int(Int64(present.count))
        case .countDistinct: return .int(Int64(Set(present.map { GroupKey([$0]) }).count))
        case .countIf: return .int(Int64(values.filter { $0 == .bool(true) }.count))
        case .share:
            if rowCount == 0 { return .null }
            return .float(Double(values.filter { $0 == .bool(true) }.count) / Double(rowCount))
        case .sum, .avg:
            if present.isEmpty { return .null }
            if case .int = present[0] {
                var total: Int128 = 0
                for case .int(let v) in present { total += Int128(v) }
                if function == .avg { return .float(Double(total) / Double(present.count)) }
                guard let narrow = Int64(exactly: total) else { throw ReferenceError(kind: .integerOverflow) }
                return .int(narrow)
            }
            let total = exactSum(present.map { asDouble($0)! })
            return .float(function == .avg ? total / Double(present.count) : total)
        case .min, .max:
            guard var best = present.first else { return .null }
            for value in present.dropFirst() {
                let order = compare(value, best)
                if function == .min ? order < 0 : order > 0 { best = value }
            }
            return best
        case .stddev:
            if present.count < 2 { return .null }
            let xs = present.map { asDouble($0)! }
            let mean = xs.reduce(0, +) / Double(xs.count)
            let squares = xs.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
            return .float((squares / Double(xs.count - 1)).squareRoot())
        case .median, .quantile:
            if present.isEmpty { return .null }
            let p: Double
            if case .quantile(let q) = function { p = q } else { p = 0.5 }
            let sorted = present.sorted { compare($0, $1) < 0 }
            let position = p * Double(sorted.count - 1)
            let low = Int(position.rounded(.down))
            let high = Int(position.rounded(.up))
            let d = position - Double(low)
            if let lo = asMicros(sorted[low]), let hi = asMicros(sorted[high]) {
                if d == 0 { return .timestamp(lo) }
                return .timestamp(lo + Int64((Double(hi - lo) * d).rounded()))
            }
            let lo = asDouble(sorted[low])!
            let hi = asDouble(sorted[high])!
            return .float(d == 0 ? lo : lo + (hi - lo) * d)
        }
    }

    /// Shewchuk's exact summation (as Python's `math.fsum`): keeps non-overlapping partial sums,
    /// so the result is the correctly rounded sum however the values cancel.
    static func exactSum(_ values: [Double]) -> Double {
        var partials: [Double] = []
        var special = 0.0
        for value in values {
            if !value.isFinite {
                special += value
                continue
            }
            var x = value
            var kept = 0
            for var y in partials {
                if Swift.abs(x) < Swift.abs(y) { swap(&x, &y) }
                let high = x + y
                let low = y - (high - x)
                if low != 0 {
                    partials[kept] = low
                    kept += 1
                }
                x = high
            }
            partials.removeSubrange(kept...)
            partials.append(x)
        }
        if special != 0 || special.isNaN { return special }
        return partials.reversed().reduce(0, +)
    }

    static func join(
        _ left: RefTable, _ right: RefTable, kind: JoinKind, leftKeys: [String], rightKeys: [String]
    ) -> RefTable {
        let leftIndices = leftKeys.map { left.schema.index(of: $0)! }
        let rightIndices = rightKeys.map { right.schema.index(of: $0)! }
        let rightOutput = right.schema.names.enumerated().filter { !rightKeys.contains($0.element) }.map(\.offset)
        var fields = left.schema.fields
        if kind == .inner || kind == .left { fields += rightOutput.map { right.schema.fields[$0] } }
        var rows: [[Value]] = []
        for row in left.rows {
            let key = leftIndices.map { row[$0] }
            var matches: [[Value]] = []
            if !key.contains(where: \.isNull) {
                for other in right.rows {
                    let otherKey = rightIndices.map { other[$0] }
                    if zip(key, otherKey).allSatisfy({ !$1.isNull && compare($0, $1) == 0 }) { matches.append(other) }
                }
            }
            switch kind {
            case .inner: for match in matches { rows.append(row + rightOutput.map { match[$0] }) }
            case .left:
                if matches.isEmpty { rows.append(row + rightOutput.map { _ in .null }) }
                for match in matches { rows.append(row + rightOutput.map { match[$0] }) }
            case .semi: if !matches.isEmpty { rows.append(row) }
            case .anti: if matches.isEmpty { rows.append(row) }
            }
        }
        return RefTable(schema: Schema(fields), rows: rows)
    }
}

extension BinaryOperator {
    var isComparisonOperator: Bool {
        switch self {
        case .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual: return true
        default: return false
        }
    }
}
