import LumbungCore

// Messages of the binder and of the warnings found while running, in English and Indonesian.
extension Messages {
    /// `a string`, `an integer` … as analysts read types.
    public static func typeName(_ type: DataType) -> Message {
        switch type {
        case .int64: return Message("an integer", id: "bilangan bulat")
        case .float64: return Message("a decimal number", id: "bilangan desimal")
        case .bool: return Message("a boolean (true or false)", id: "boolean (true atau false)")
        case .string: return Message("a string", id: "string")
        case .date: return Message("a date", id: "tanggal")
        case .timestamp: return Message("a timestamp", id: "timestamp")
        }
    }

    /// What an argument or operand must be: `a number`, `a string`, `a date or a timestamp`.
    public static func kindName(_ allowed: [DataType]) -> Message {
        let set = Set(allowed)
        if set == [.int64, .float64] { return Message("a number", id: "angka") }
        if set == [.int64] { return Message("an integer", id: "bilangan bulat") }
        if set == [.date, .timestamp] { return Message("a date or a timestamp", id: "tanggal atau timestamp") }
        if set == [.int64, .float64, .date, .timestamp] {
            return Message("a number or a date", id: "angka atau tanggal")
        }
        let names = allowed.map { typeName($0) }
        if names.count == 1 { return names[0] }
        return Message(
            names.dropLast().map(\.english).joined(separator: ", ") + " or " + names.last!.english,
            id: names.dropLast().map(\.indonesian).joined(separator: ", ") + " atau " + names.last!.indonesian)
    }

    /// `avg() needs a number, but 'golongan' is a string`
    public static func argumentType(_ function: String, needs: Message, operand: String, is type: DataType) -> Message {
        let actual = typeName(type)
        return Message(
            "\(function)() needs \(needs.english), but '\(operand)' is \(actual.english)",
            id: "\(function)() memerlukan \(needs.indonesian), tetapi '\(operand)' adalah \(actual.indonesian)")
    }

    /// `cannot compare 'umur' (an integer) with 'nama' (a string)`
    public static func operandTypes(_ verb: (String, String), _ lhs: String, _ l: DataType, _ rhs: String, _ r: DataType)
        -> Message
    {
        let lt = typeName(l)
        let rt = typeName(r)
        return Message(
            "cannot \(verb.0) '\(lhs)' (\(lt.english)) and '\(rhs)' (\(rt.english))",
            id: "tidak dapat \(verb.1) '\(lhs)' (\(lt.indonesian)) dan '\(rhs)' (\(rt.indonesian))")
    }

    public static let helpConcat = Message(
        "strings are joined with concat(a, b), not '+'", id: "string digabung dengan concat(a, b), bukan '+'")
    public static let helpRemainder = Message("'%' takes two integers", id: "'%' memerlukan dua bilangan bulat")
    public static let helpConvert = Message(
        "convert one side with int(), float(), string() or date()",
        id: "ubah salah satu sisi dengan int(), float(), string() atau date()")

    /// `'not' needs a boolean (true or false), but 'umur' is an integer`
    public static func operandType(_ what: String, needs: Message, operand: String, is type: DataType) -> Message {
        let actual = typeName(type)
        return Message(
            "\(what) needs \(needs.english), but '\(operand)' is \(actual.english)",
            id: "\(what) memerlukan \(needs.indonesian), tetapi '\(operand)' adalah \(actual.indonesian)")
    }

    /// `the list of 'in' mixes an integer and a string`
    public static func mixedTypes(_ what: String, _ a: DataType, _ b: DataType) -> Message {
        Message(
            "\(what) mixes \(typeName(a).english) and \(typeName(b).english)",
            id: "\(what) mencampur \(typeName(a).indonesian) dan \(typeName(b).indonesian)")
    }

    /// `round() takes 1 or 2 arguments, but got 3`
    public static func argumentCount(_ function: String, expected: String, expectedID: String, got: Int) -> Message {
        Message(
            "\(function)() takes \(expected), but got \(got)",
            id: "\(function)() memerlukan \(expectedID), tetapi diberi \(got)")
    }

    /// `'instansi' is in both kinerja and pegawai`
    public static func ambiguous(_ name: String, _ tables: [String]) -> Message {
        let list = tables.joined(separator: " and ")
        let listID = tables.joined(separator: " dan ")
        return Message(
            "column '\(name)' is ambiguous: it is in both \(list)", id: "kolom '\(name)' ambigu: ada di \(listID)")
    }

    public static func helpQualify(_ options: [String]) -> Message {
        let list = options.joined(separator: " or ")
        return Message("write \(list)", id: "tulis \(options.joined(separator: " atau "))")
    }

    public static func aggregateOutsideSummarize(_ function: String, step: String) -> Message {
        Message(
            "\(function)() is an aggregate: it can only be used in 'summarize', not in '\(step)'",
            id: "\(function)() adalah agregat: hanya boleh dipakai dalam 'summarize', bukan dalam '\(step)'")
    }

    public static let helpAggregateFirst = Message(
        "summarize first (summarize n = count() by …), then filter or use the result",
        id: "lakukan summarize dahulu (summarize n = count() by …), lalu saring atau pakai hasilnya")

    public static func nestedAggregate(_ function: String) -> Message {
        Message(
            "\(function)() cannot be used inside another aggregate",
            id: "\(function)() tidak boleh dipakai di dalam agregat lain")
    }

    public static func notAggregated(_ name: String) -> Message {
        Message(
            "column '\(name)' is neither a key of 'summarize … by' nor inside an aggregate",
            id: "kolom '\(name)' bukan kunci 'summarize … by' dan tidak berada di dalam agregat")
    }

    public static func helpAggregateOrKey(_ name: String) -> Message {
        Message(
            "add '\(name)' after 'by', or wrap it in an aggregate such as min(\(name))",
            id: "tambahkan '\(name)' setelah 'by', atau bungkus dengan agregat seperti min(\(name))")
    }

    public static func missingParameter(_ name: String) -> Message {
        Message("no value for parameter '$\(name)'", id: "parameter '$\(name)' tidak diberi nilai")
    }

    public static func helpGiveParameter(_ name: String) -> Message {
        Message(
            "give it with --param \(name)=VALUE, or declare a default: param \(name): int = 2024",
            id: "berikan dengan --param \(name)=NILAI, atau nyatakan nilai bawaan: param \(name): int = 2024")
    }

    public static func invalidParameter(_ name: String, _ value: String, _ type: DataType) -> Message {
        Message(
            "the value '\(value)' of parameter '$\(name)' is not \(typeName(type).english)",
            id: "nilai '\(value)' untuk parameter '$\(name)' bukan \(typeName(type).indonesian)")
    }

    public static func duplicateColumn(_ name: String) -> Message {
        Message("the column '\(name)' is defined twice", id: "kolom '\(name)' didefinisikan dua kali")
    }

    public static let takeNeedsCount = Message(
        "'take' needs a whole number of rows, 0 or more", id: "'take' memerlukan jumlah baris berupa bilangan bulat, 0 atau lebih")

    public static let quantileNeedsFraction = Message(
        "quantile() needs a constant fraction between 0 and 1 as its second argument, e.g. quantile(x, 0.9)",
        id: "quantile() memerlukan pecahan konstan antara 0 dan 1 sebagai argumen kedua, mis. quantile(x, 0.9)")

    public static func noPeriod(_ operand: String) -> Message {
        Message(
            "'in' with a period needs a date or a timestamp on the left, but '\(operand)' is not",
            id: "'in' dengan periode memerlukan tanggal atau timestamp di kiri, tetapi '\(operand)' bukan")
    }

    public static let periodOnlyWithIn = Message(
        "a period such as @2024-Q1 can only be used with 'in' (tanggal in @2024-Q1)",
        id: "periode seperti @2024-Q1 hanya dapat dipakai dengan 'in' (tanggal in @2024-Q1)")

    public static func joinKeyTypes(_ left: String, _ l: DataType, _ right: String, _ r: DataType) -> Message {
        Message(
            "cannot join '\(left)' (\(typeName(l).english)) with '\(right)' (\(typeName(r).english))",
            id: "tidak dapat menggabungkan '\(left)' (\(typeName(l).indonesian)) dengan '\(right)' (\(typeName(r).indonesian))")
    }

    public static func unreadableSource(_ name: String, _ reason: String) -> Message {
        Message("cannot read source '\(name)': \(reason)", id: "sumber '\(name)' tidak dapat dibaca: \(reason)")
    }

    public static func noColumnsLeft(_ step: String) -> Message {
        Message("'\(step)' needs at least one column", id: "'\(step)' memerlukan paling sedikit satu kolom")
    }

    // MARK: - Errors found while running

    public static func resultOverflow(_ text: String) -> Message {
        Message("integer overflow in '\(text)': the result does not fit in a 64-bit integer",
                id: "luapan bilangan bulat pada '\(text)': hasilnya tidak muat dalam bilangan bulat 64-bit")
    }
    public static let helpResultOverflow = Message(
        "an integer holds at most ±9223372036854775807; to compute in decimals, convert an operand with float()",
        id: "bilangan bulat paling besar ±9223372036854775807; untuk menghitung dengan desimal, ubah satu operand "
            + "dengan float()")

    // MARK: - Warnings found while running

    /// `where` dropped rows whose condition was null.
    public static func nullsDropped(_ rows: Int, _ columns: [String]) -> Message {
        let names = columns.map { "'\($0)'" }.joined(separator: ", ")
        let because = columns.isEmpty ? "" : " (\(names) null)"
        return Message(
            "this 'where' dropped \(rows) row\(rows == 1 ? "" : "s") because the condition was null\(because), not false",
            id: "'where' ini membuang \(rows) baris karena kondisinya null\(columns.isEmpty ? "" : " (\(names) null)"), bukan false")
    }

    public static func helpKeepNulls(_ column: String?) -> Message {
        if let column {
            return Message(
                "to keep them, add 'or \(column) is null' to the condition, or give nulls a value first with '??' (\(column) ?? …)",
                id: "untuk mempertahankannya, tambahkan 'or \(column) is null' pada kondisi, atau beri nilai pada null dahulu dengan '??' (\(column) ?? …)")
        }
        return Message(
            "to keep them, test for null explicitly with 'is null'",
            id: "untuk mempertahankannya, uji null secara eksplisit dengan 'is null'")
    }

    public static func joinMultiplies(_ table: String, leftRows: Int, outputRows: Int, extra: Int) -> Message {
        Message(
            "the join with '\(table)' turned \(leftRows) rows into \(outputRows): its key is not unique, so \(extra) row\(extra == 1 ? "" : "s") were repeated",
            id: "join dengan '\(table)' mengubah \(leftRows) baris menjadi \(outputRows): kuncinya tidak unik, sehingga \(extra) baris terulang")
    }

    public static let helpDeduplicate = Message(
        "if each row should match once, make the right side unique first (distinct or summarize by the key)",
        id: "jika setiap baris seharusnya cocok sekali, buat sisi kanan unik dahulu (distinct atau summarize by kunci)")

    public static func joinUnmatched(_ table: String, unmatched: Int, leftRows: Int, kept: Bool) -> Message {
        if kept {
            return Message(
                "\(unmatched) of \(leftRows) rows found no match in '\(table)': their '\(table)' columns are null",
                id: "\(unmatched) dari \(leftRows) baris tidak menemukan pasangan di '\(table)': kolom '\(table)'-nya null")
        }
        return Message(
            "\(unmatched) of \(leftRows) rows found no match in '\(table)' and were dropped by the inner join",
            id: "\(unmatched) dari \(leftRows) baris tidak menemukan pasangan di '\(table)' dan dibuang oleh inner join")
    }

    public static let helpLeftJoin = Message(
        "use 'join left' to keep them, or 'join anti' to list them",
        id: "gunakan 'join left' untuk mempertahankannya, atau 'join anti' untuk melihatnya")
}

extension Messages {
    public static let fromNotFirst = Message(
        "'from' can only be the first step; to combine two sources use 'join'",
        id: "'from' hanya boleh menjadi langkah pertama; untuk menggabungkan dua sumber gunakan 'join'")

    public static func availableColumns(_ names: [String]) -> Message {
        let list = names.joined(separator: ", ")
        return Message("available columns: \(list)", id: "kolom yang tersedia: \(list)")
    }
}

extension Messages {
    /// ` ('a' and 'b')`, appended to a mixed-types message.
    public static func operands(_ a: String, _ b: String) -> Message {
        Message(" ('\(a)' and '\(b)')", id: " ('\(a)' dan '\(b)')")
    }

    public static func helpDaysBetween(_ later: String, _ earlier: String) -> Message {
        Message("for the days between two dates use days_between(\(earlier), \(later))",
                id: "untuk jumlah hari antara dua tanggal gunakan days_between(\(earlier), \(later))")
    }

    public static func helpCountIf(_ condition: String) -> Message {
        Message("to count the rows where it is true use count_if(\(condition)), or share(\(condition)) for the share",
                id: "untuk menghitung baris yang bernilai true gunakan count_if(\(condition)), atau share(\(condition)) untuk proporsinya")
    }

    public static func helpRename(_ name: String, _ value: String) -> Message {
        Message("give one of them another name: \(name)_2 = \(value)", id: "beri salah satunya nama lain: \(name)_2 = \(value)")
    }
}
