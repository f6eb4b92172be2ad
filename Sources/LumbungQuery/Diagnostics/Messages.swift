/// Every user-facing text of the front end, in English and Indonesian. One function per message;
/// the diagnostic id lives with the caller.
public enum Messages {
    // MARK: - Pieces

    /// How a token is named in a message: `'where'`, `the end of the line`, `the string "x"`.
    public static func describe(_ token: Token) -> Message {
        switch token.kind {
        case .newline: return Message("the end of the line", id: "akhir baris")
        case .endOfInput: return Message("the end of the query", id: "akhir kueri")
        case .string: return Message("the string \(token.text)", id: "string \(token.text)")
        case .integer, .decimal: return Message("the number \(token.text)", id: "angka \(token.text)")
        default: return Message("'\(token.text)'", id: "'\(token.text)'")
        }
    }

    public static let anExpression = Message("an expression", id: "sebuah ekspresi")
    public static let aName = Message("a name", id: "sebuah nama")
    public static let aColumnName = Message("a column name", id: "nama kolom")
    public static let aSourceName = Message("a source name or a file path in quotes", id: "nama sumber atau path berkas dalam tanda kutip")
    public static let aTableName = Message("a table name", id: "nama tabel")
    public static let anInteger = Message("a whole number", id: "bilangan bulat")
    public static let aType = Message("a type", id: "sebuah tipe")
    public static let nullOrNotNull = Message("'null' or 'not null'", id: "'null' atau 'not null'")
    public static let aPeriodOrList = Message("'[' or a period such as @2024-Q1", id: "'[' atau periode seperti @2024-Q1")
    public static func token(_ text: String) -> Message { Message("'\(text)'", id: "'\(text)'") }
    public static func either(_ a: Message, _ b: Message) -> Message {
        Message("\(a.english) or \(b.english)", id: "\(a.indonesian) atau \(b.indonesian)")
    }
    public static let endOfStep = Message("the end of the step", id: "akhir langkah")

    /// `did you mean 'x'?` or `expected one of: a, b, c`, or nil.
    public static func suggestion(_ result: NameSuggester.Result) -> Message? {
        switch result {
        case .didYouMean(let name): return didYouMean(name)
        case .candidates(let names) where !names.isEmpty: return oneOf(names)
        default: return nil
        }
    }

    public static func didYouMean(_ name: String) -> Message {
        Message("did you mean '\(name)'?", id: "maksud Anda '\(name)'?")
    }

    public static func oneOf(_ names: [String]) -> Message {
        let list = names.joined(separator: ", ")
        return Message("expected one of: \(list)", id: "pilihan yang ada: \(list)")
    }

    public static func fixReplace(_ old: String, _ new: String) -> Message {
        Message("replace '\(old)' with '\(new)'", id: "ganti '\(old)' dengan '\(new)'")
    }

    // MARK: - Lexical

    public static let expectedParameterName = Message(
        "expected a parameter name after '$'", id: "diharapkan nama parameter setelah '$'")
    public static func invalidCharacter(_ text: String) -> Message {
        Message("unexpected character '\(text)'", id: "karakter '\(text)' tidak dikenal")
    }
    public static let helpCoalesce = Message(
        "'??' gives its right side when the left side is null", id: "'??' memberi sisi kanan bila sisi kiri null")
    public static let smartQuotes = Message(
        "strings need straight quotes (\"), not curly ones", id: "string memerlukan tanda kutip lurus (\"), bukan kutip lengkung")
    public static func invalidOperator(_ written: String, _ meant: String) -> Message {
        Message("'\(written)' is not an LQ operator; write '\(meant)'", id: "'\(written)' bukan operator LQ; tulis '\(meant)'")
    }
    public static func nonASCIIName(_ word: String) -> Message {
        Message("the name '\(word)' has characters outside A-Z, 0-9 and _; put it in backticks",
                id: "nama '\(word)' memuat karakter di luar A-Z, 0-9 dan _; tulis di antara backtick")
    }
    public static func fixQuoteName(_ word: String) -> Message {
        Message("write `\(word)`", id: "tulis `\(word)`")
    }
    public static func invalidNumber(_ text: String) -> Message {
        Message("'\(text)' is not a number", id: "'\(text)' bukan angka")
    }
    public static let helpQuoteName = Message(
        "a name that starts with a digit needs backticks: `2024_total`",
        id: "nama yang diawali angka perlu backtick: `2024_total`")
    public static func integerOverflow(_ text: String) -> Message {
        Message("the integer \(text) is too large (the limit is 9223372036854775807)",
                id: "bilangan bulat \(text) terlalu besar (batasnya 9223372036854775807)")
    }
    public static let unterminatedString = Message(
        "unterminated string: the closing '\"' is missing", id: "string tidak ditutup: tanda '\"' penutup tidak ada")
    public static let helpCloseString = Message(
        "a string ends on the line it starts; write a line break as \\n",
        id: "string berakhir di baris tempat ia dimulai; tulis ganti baris sebagai \\n")
    public static let invalidUnicodeEscape = Message(
        "invalid Unicode escape: write \\u{1F600} with 1 to 8 hex digits",
        id: "escape Unicode tidak valid: tulis \\u{1F600} dengan 1 sampai 8 digit heksadesimal")
    public static func invalidEscape(_ written: String) -> Message {
        Message("invalid escape '\(written)' in a string", id: "escape '\(written)' tidak valid dalam string")
    }
    public static let helpEscapes = Message(
        "the escapes are \\\" \\\\ \\n \\t and \\u{...}", id: "escape yang ada: \\\" \\\\ \\n \\t dan \\u{...}")
    public static let unterminatedName = Message(
        "unterminated name: the closing '`' is missing", id: "nama tidak ditutup: backtick '`' penutup tidak ada")
    public static let emptyQuotedName = Message("a name in backticks cannot be empty", id: "nama dalam backtick tidak boleh kosong")
    public static func invalidDate(_ text: String) -> Message {
        Message("'\(text)' is not a valid date, timestamp or period", id: "'\(text)' bukan tanggal, waktu atau periode yang valid")
    }
    public static let helpDateForms = Message(
        "write @2024-01-31, @2024-01-31T08:30:00, @2024, @2024-Q1 or @2024-03",
        id: "tulis @2024-01-31, @2024-01-31T08:30:00, @2024, @2024-Q1 atau @2024-03")

    // MARK: - Syntax

    public static func unexpected(_ found: Token, expected: Message) -> Message {
        let what = describe(found)
        return Message("expected \(expected.english), found \(what.english)",
                       id: "diharapkan \(expected.indonesian), ditemukan \(what.indonesian)")
    }

    public static func unknownStep(_ name: String, _ result: NameSuggester.Result) -> Message {
        if case .didYouMean(let best) = result {
            return Message("unknown step '\(name)' — did you mean '\(best)'?",
                           id: "langkah '\(name)' tidak dikenal — maksud Anda '\(best)'?")
        }
        return Message("unknown step '\(name)'", id: "langkah '\(name)' tidak dikenal")
    }

    public static let helpStepList = Message(
        "a step starts with one of: " + StepKind.allCases.map(\.rawValue).joined(separator: ", "),
        id: "langkah diawali salah satu dari: " + StepKind.allCases.map(\.rawValue).joined(separator: ", "))

    public static let helpStepsSeparated = Message(
        "steps are separated by '|' or a line break", id: "langkah dipisahkan dengan '|' atau ganti baris")

    public static func unclosed(_ open: String) -> Message {
        let close = open == "(" ? ")" : "]"
        return Message("expected '\(close)' to close '\(open)'", id: "diharapkan '\(close)' untuk menutup '\(open)'")
    }
    public static func noteOpenedHere(_ open: String) -> Message {
        Message("'\(open)' opened here", id: "'\(open)' dibuka di sini")
    }

    public static let chainedComparison = Message(
        "comparisons cannot be chained", id: "perbandingan tidak dapat dirangkai")
    public static let helpChainedComparison = Message(
        "join them with 'and': a < b and b < c", id: "gabungkan dengan 'and': a < b and b < c")

    public static let assignInCondition = Message(
        "'=' names a column; to compare, use '=='", id: "'=' memberi nama kolom; untuk membandingkan, gunakan '=='")

    public static let bareLiteralInOr = Message(
        "'or' joins conditions, and this value on its own is not one",
        id: "'or' menggabungkan kondisi, dan nilai ini sendiri bukan kondisi")
    public static func fixUseIn(_ text: String) -> Message {
        Message("to compare with several values, write \(text)", id: "untuk membandingkan dengan beberapa nilai, tulis \(text)")
    }

    public static func duplicateParameter(_ name: String) -> Message {
        Message("parameter '\(name)' is declared twice", id: "parameter '\(name)' dideklarasikan dua kali")
    }
    public static let noteFirstDeclared = Message("first declared here", id: "pertama dideklarasikan di sini")
    public static let misplacedParameter = Message(
        "'param' lines must come before the first step", id: "baris 'param' harus ada sebelum langkah pertama")
    public static func unknownParameterType(_ name: String, _ result: NameSuggester.Result) -> Message {
        if case .didYouMean(let best) = result {
            return Message("unknown type '\(name)' — did you mean '\(best)'?",
                           id: "tipe '\(name)' tidak dikenal — maksud Anda '\(best)'?")
        }
        return Message("unknown type '\(name)'", id: "tipe '\(name)' tidak dikenal")
    }

    public static let missingFrom = Message(
        "a query starts with 'from'", id: "kueri diawali dengan 'from'")
    public static let helpMissingFrom = Message(
        "name the data first: from layanan", id: "sebutkan datanya dulu: from layanan")
    public static let nestingTooDeep = Message(
        "the expression is nested too deeply (more than 64 levels)", id: "ekspresi bersarang terlalu dalam (lebih dari 64 tingkat)")
    public static let aJoinKind = Message("inner, left, semi or anti", id: "inner, left, semi atau anti")
    public static let aStep = Message("a step", id: "sebuah langkah")
    public static func fixDescending(_ name: String) -> Message {
        Message("write -\(name)", id: "tulis -\(name)")
    }
    public static let fixInsertPipe = Message("insert '|' before the next step", id: "sisipkan '|' sebelum langkah berikutnya")
    public static let emptyQuery = Message("the query is empty", id: "kueri kosong")
    public static let expectedStep = Message("expected a step after '|'", id: "diharapkan sebuah langkah setelah '|'")
    public static let emptyStep = Message(
        "empty step: there is nothing between these two '|'",
        id: "langkah kosong: tidak ada apa pun di antara dua '|' ini")
    public static let fixRemoveExtraPipe = Message("remove the extra '|'", id: "hapus '|' yang berlebih")

    public static let unnamedColumn = Message(
        "a new column needs a name", id: "kolom baru perlu nama")
    public static func helpNameColumn(_ text: String) -> Message {
        Message("write it as NAME = \(text)", id: "tulis sebagai NAMA = \(text)")
    }
    public static func fixUseAssign(_ found: String) -> Message {
        Message("use '=' to name the column, not '\(found)'", id: "gunakan '=' untuk memberi nama kolom, bukan '\(found)'")
    }

    // MARK: - Names (binder)

    /// What kind of name was not found.
    public enum NameKind: Sendable {
        case column, table, function

        var english: String {
            switch self {
            case .column: return "column"
            case .table: return "source"
            case .function: return "function"
            }
        }

        var indonesian: String {
            switch self {
            case .column: return "kolom"
            case .table: return "sumber"
            case .function: return "fungsi"
            }
        }
    }

    /// `unknown column 'instansii' — did you mean 'instansi'?`
    public static func unknown(_ kind: NameKind, _ name: String, _ result: NameSuggester.Result) -> Message {
        if case .didYouMean(let best) = result {
            return Message("unknown \(kind.english) '\(name)' — did you mean '\(best)'?",
                           id: "\(kind.indonesian) '\(name)' tidak dikenal — maksud Anda '\(best)'?")
        }
        return Message("unknown \(kind.english) '\(name)'", id: "\(kind.indonesian) '\(name)' tidak dikenal")
    }
}
