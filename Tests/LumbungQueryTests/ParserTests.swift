import LumbungQuery
import Testing

@Suite("parser: steps")
struct ParserStepTests {
    @Test("the spec's example, over several lines")
    func specExample() {
        let query = """
            # SLA compliance and satisfaction per agency and channel, 2024
            from layanan
            where tanggal_permohonan >= @2024-01-01 and status != "Ditolak"
            derive durasi = days_between(tanggal_permohonan, tanggal_selesai)
            summarize jumlah = count(),
                      rata_ikm = avg(skor_ikm),
                      patuh_sla = share(status == "Selesai" and durasi <= sla_hari)
                   by instansi, kanal
            sort -jumlah, instansi
            take 10
            """
        let expected = """
            from layanan | where ((tanggal_permohonan >= @2024-01-01) and (status != "Ditolak")) \
            | derive durasi = days_between(tanggal_permohonan, tanggal_selesai) \
            | summarize jumlah = count(), rata_ikm = avg(skor_ikm), \
            patuh_sla = share(((status == "Selesai") and (durasi <= sla_hari))) by instansi, kanal \
            | sort -jumlah, instansi | take 10
            """
        #expect(canonical(query) == expected)
        // The same on one line, and the canonical form parses to itself.
        let oneLine = """
            from layanan | where tanggal_permohonan >= @2024-01-01 and status != "Ditolak" \
            | derive durasi = days_between(tanggal_permohonan, tanggal_selesai) \
            | summarize jumlah = count(), rata_ikm = avg(skor_ikm), \
            patuh_sla = share(status == "Selesai" and durasi <= sla_hari) by instansi, kanal \
            | sort -jumlah, instansi | take 10
            """
        #expect(canonical(oneLine) == expected)
        #expect(canonical(expected) == expected)
    }

    @Test("from a name, a backtick name, a file path or a parameter")
    func from() {
        #expect(canonical("from layanan") == "from layanan")
        #expect(canonical("FROM `data layanan`") == "from `data layanan`")
        #expect(canonical(#"from "sample-data/layanan.csv.gz""#) == #"from "sample-data/layanan.csv.gz""#)
        #expect(canonical("from $sumber") == "from $sumber")
    }

    @Test("where")
    func where_() {
        #expect(canonical("from x | where a > 1") == "from x | where (a > 1)")
        #expect(canonical("from x | Where not aktif") == "from x | where (not aktif)")
    }

    @Test("derive one or several columns")
    func derive() {
        #expect(canonical("from x | derive a = 1, `b c` = a * 2")
            == "from x | derive a = 1, `b c` = (a * 2)")
    }

    @Test("select names, qualified names and NAME = EXPR")
    func select() {
        #expect(canonical("from x | select nip, pegawai.instansi, usia = age_years(tanggal_lahir, @2024-12-31)")
            == "from x | select nip, pegawai.instansi, usia = age_years(tanggal_lahir, @2024-12-31)")
    }

    @Test("summarize with and without by, keys with expressions")
    func summarize() {
        #expect(canonical("from x | summarize n = count()") == "from x | summarize n = count()")
        #expect(canonical("from x | summarize n = count(), r = sum(a) / sum(b) by tahun = year(t), kanal")
            == "from x | summarize n = count(), r = (sum(a) / sum(b)) by tahun = year(t), kanal")
        #expect(canonical("from x | summarize by kanal") == "from x | summarize by kanal")
        #expect(canonical("from x | summarize q = quantile(skor, 0.9) BY kanal")
            == "from x | summarize q = quantile(skor, 0.9) by kanal")
    }

    @Test("join of every kind, with same-name and a == b keys")
    func join() {
        #expect(canonical("from x | join pegawai on nip") == "from x | join inner pegawai on nip")
        #expect(canonical("from x | join left pegawai on nip, tahun")
            == "from x | join left pegawai on nip, tahun")
        #expect(canonical("from x | join SEMI pegawai on nip_atasan == nip")
            == "from x | join semi pegawai on nip_atasan == nip")
        #expect(canonical("from x | join anti pegawai on x.nip == pegawai.nip")
            == "from x | join anti pegawai on x.nip == pegawai.nip")
        #expect(canonical("from x | join inner pegawai on nip") == "from x | join inner pegawai on nip")
        // `left` alone is the table's name, not a kind.
        #expect(canonical("from x | join left on nip") == "from x | join inner `left` on nip")
    }

    @Test("sort ascending and descending")
    func sort() {
        #expect(canonical("from x | sort -jumlah, instansi, -p.nama")
            == "from x | sort -jumlah, instansi, -p.nama")
    }

    @Test("take a number or a parameter")
    func take() {
        #expect(canonical("from x | take 10") == "from x | take 10")
        #expect(canonical("from x | take $n") == "from x | take $n")
    }

    @Test("distinct over all columns or some")
    func distinct() {
        #expect(canonical("from x | distinct") == "from x | distinct")
        #expect(canonical("from x | distinct instansi, kanal") == "from x | distinct instansi, kanal")
    }

    @Test("param lines before the steps")
    func parameters() {
        let query = """
            param tahun: int = 2024
            param mulai: date = @2024-01-01
            param kanal: string
            from layanan | where year(tanggal) == $tahun and tanggal >= $mulai
            """
        let result = Parser.parse(query)
        #expect(result.diagnostics.isEmpty)
        #expect(result.query.parameters.map(\.name.text) == ["tahun", "mulai", "kanal"])
        #expect(result.query.parameters.map(\.type) == [.int64, .date, .string])
        #expect(result.query.canonical == """
            param tahun: int64 = 2024 | param mulai: date = @2024-01-01 | param kanal: string \
            | from layanan | where ((year(tanggal) == $tahun) and (tanggal >= $mulai))
            """)
    }

    @Test("steps and separators: | and newlines, blank lines, comments, trailing spaces")
    func separators() {
        #expect(canonical("from x|where a|take 1") == "from x | where a | take 1")
        #expect(canonical("  from x   # start\n\n  | where a\n\ntake 1  \n") == "from x | where a | take 1")
    }

    @Test("a REPL continuation may start without from")
    func withoutFrom() {
        let result = Parser.parse("where a > 1 | take 3", options: ParseOptions(requireFrom: false))
        #expect(result.diagnostics.isEmpty)
        #expect(result.query.steps.map(\.kind) == [.where, .take])
    }
}

@Suite("parser: expressions")
struct ParserExpressionTests {
    @Test("precedence: or < and < not < comparison < ?? < + - < * / % < unary -")
    func precedence() {
        #expect(expression("a or b and c") == "(a or (b and c))")
        #expect(expression("not a and b") == "((not a) and b)")
        #expect(expression("not a == b") == "(not (a == b))")
        #expect(expression("a == b ?? c") == "(a == (b ?? c))")
        #expect(expression("a ?? b + c") == "(a ?? (b + c))")
        #expect(expression("a + b * c - d") == "((a + (b * c)) - d)")
        #expect(expression("a * -b % c / d") == "(((a * (-b)) % c) / d)")
        #expect(expression("-a.b * 2") == "((-a.b) * 2)")
        #expect(expression("(a or b) and c") == "((a or b) and c)")
        #expect(expression("a - b - c") == "((a - b) - c)")
        #expect(expression("a ?? b ?? c") == "(a ?? (b ?? c))")
    }

    @Test("every comparison")
    func comparisons() {
        for op in ["==", "!=", "<", "<=", ">", ">="] {
            #expect(expression("a \(op) 1") == "(a \(op) 1)")
        }
        #expect(expression("a in [1, 2, 3]") == "(a in [1, 2, 3])")
        #expect(expression("a not in [\"x\"]") == "(a not in [\"x\"])")
        #expect(expression("a in []") == "(a in [])")
        #expect(expression("tanggal in @2024-Q1") == "(tanggal in @2024-Q1)")
        #expect(expression("tanggal not in @2024") == "(tanggal not in @2024)")
        #expect(expression("tanggal in $periode") == "(tanggal in $periode)")
        #expect(expression("a is null") == "(a is null)")
        #expect(expression("a IS NOT NULL or b") == "((a is not null) or b)")
        #expect(expression("a + 1 in [2]") == "((a + 1) in [2])")
    }

    @Test("every literal")
    func literals() {
        #expect(expression("42") == "42")
        #expect(expression("3.50") == "3.5")
        #expect(expression("1e3") == "1000.0")
        #expect(expression(#""Sangat \"Baik\"\n""#) == #""Sangat \"Baik\"\n""#)
        #expect(expression("true") == "true")
        #expect(expression("FALSE") == "false")
        #expect(expression("Null") == "null")
        #expect(expression("@2024-01-31") == "@2024-01-31")
        #expect(expression("@2024-01-31T08:30:00") == "@2024-01-31T08:30:00")
        #expect(expression("@2024-01-31t08:30") == "@2024-01-31T08:30:00")
        #expect(expression("@2024") == "@2024")
        #expect(expression("@2024-q2") == "@2024-Q2")
        #expect(expression("@2024-03") == "@2024-03")
        #expect(expression("@0024-Q1") == "@0024-Q1")
        #expect(expression("@0999-01") == "@0999-01")
        #expect(expression("@0001-01-01") == "@0001-01-01")
        #expect(expression("$tahun") == "$tahun")
        #expect(expression("9223372036854775807") == "9223372036854775807")
    }

    @Test("calls (names case-insensitive), qualified and backtick names")
    func callsAndNames() {
        #expect(expression("COUNT()") == "count()")
        #expect(expression("Round(x, 2)") == "round(x, 2)")
        #expect(expression("if(a > 1, \"ya\", \"tidak\")") == "if((a > 1), \"ya\", \"tidak\")")
        #expect(expression("pegawai.instansi") == "pegawai.instansi")
        #expect(expression("`Tanggal Permohonan`") == "`Tanggal Permohonan`")
        #expect(expression("`and`") == "`and`")
        #expect(expression("Instansi") == "Instansi")
    }

    @Test("the AST keeps the call name as written and the literal values")
    func astValues() {
        let (expr, _) = Parser.parseExpression("Avg(skor) >= 3.5")
        guard case .binary(.greaterEqual, let call, let value)? = expr?.kind,
            case .call(let name, let arguments) = call.kind, case .literal(.decimal(let number, let text)) = value.kind
        else {
            Issue.record("unexpected tree \(String(describing: expr))")
            return
        }
        #expect(name.text == "Avg")
        #expect(arguments.count == 1)
        #expect(number == 3.5)
        #expect(text == "3.5")
    }
}
