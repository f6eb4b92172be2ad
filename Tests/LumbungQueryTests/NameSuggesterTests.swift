import LumbungQuery
import Testing

@Suite("nearest-name suggestions")
struct NameSuggesterTests {
    let columns = NameSuggester([
        "nip", "nama", "instansi", "tanggal_permohonan", "tanggal_selesai", "status", "kanal", "skor_ikm",
        "jumlah_pegawai", "kode_instansi",
    ])

    @Test("case, underscores, spaces and backticks do not count")
    func normalisation() {
        #expect(columns.suggest("Tanggal Permohonan") == "tanggal_permohonan")
        #expect(columns.suggest("`tanggal permohonan`") == "tanggal_permohonan")
        #expect(columns.suggest("TanggalPermohonan") == "tanggal_permohonan")
        #expect(columns.suggest("INSTANSI") == "instansi")
        #expect(NameSuggester.normalize("`Tanggal_Permohonan `") == "tanggalpermohonan")
    }

    @Test("typos by edit distance, transpositions included")
    func typos() {
        #expect(columns.suggest("instansii") == "instansi")
        #expect(columns.suggest("insntasi") == "instansi")
        #expect(columns.suggest("stauts") == "status")
        #expect(columns.suggest("skor_ikn") == "skor_ikm")
        #expect(NameSuggester(StepKind.allCases.map(\.rawValue)).suggest("sumarize") == "summarize")
        #expect(NameSuggester(StepKind.allCases.map(\.rawValue)).suggest("distinc") == "distinct")
    }

    @Test("Indonesian abbreviations, word by word")
    func abbreviations() {
        #expect(columns.suggest("tgl_permohonan") == "tanggal_permohonan")
        #expect(columns.suggest("tgl_selesai") == "tanggal_selesai")
        #expect(columns.suggest("jml_pegawai") == "jumlah_pegawai")
        #expect(columns.suggest("kd_instansi") == "kode_instansi")
        #expect(NameSuggester.words("tglPermohonan") == ["tgl", "permohonan"])
        #expect(NameSuggester.words("Tanggal Permohonan") == ["tanggal", "permohonan"])
    }

    @Test("nothing close, or two equally close: list the candidates")
    func candidates() {
        #expect(columns.suggest("tanggal") == nil)  // tanggal_permohonan or tanggal_selesai?
        #expect(columns.suggest("golongan") == nil)
        #expect(columns.result(for: "golongan") == .candidates(columns.candidates))
        let many = NameSuggester((1...30).map { "kolom_\($0)" } + ["alamat"])
        if case .candidates(let listed) = many.result(for: "xyz") {
            #expect(listed.count == 5)
        } else {
            Issue.record("expected a list")
        }
        #expect(NameSuggester(["a", "b"]).suggest("c") == nil)
        #expect(NameSuggester([]).result(for: "x") == .candidates([]))
    }

    @Test("messages for the binder")
    func messages() {
        let result = columns.result(for: "instansii")
        #expect(Messages.unknown(.column, "instansii", result).english == "unknown column 'instansii' — did you mean 'instansi'?")
        #expect(Messages.unknown(.function, "avrage", NameSuggester(["avg", "average_x"]).result(for: "avrage")).english
            .hasPrefix("unknown function 'avrage'"))
        #expect(Messages.suggestion(.candidates(["a", "b"]))?.english == "expected one of: a, b")
    }
}

@Suite("unknown-name diagnostics for the binder")
struct UnknownNameDiagnosticTests {
    @Test("the nearest name, with a fix-it; else the list")
    func unknownColumn() {
        let (source, offsets) = extractMarkers("from layanan | where 1️⃣instansii2️⃣ == \"x\"")
        let range = SourceRange(
            SourcePosition(offset: offsets["1"]!, line: 1, column: offsets["1"]! + 1),
            SourcePosition(offset: offsets["2"]!, line: 1, column: offsets["2"]! + 1))
        let diagnostic = Diagnostic.unknownName(.column, "instansii", range: range,
                                                candidates: ["instansi", "kanal", "status"])
        #expect(diagnostic.id == .unknownColumn)
        #expect(DiagnosticRenderer(source: source, language: .english).render(diagnostic) == """
            1:22: unknown column 'instansii' — did you mean 'instansi'?
             1 | from layanan | where instansii == "x"
               |                      ^^^^^^^^^
               = help: replace 'instansii' with 'instansi'

            """)
        #expect(FixIt.apply(diagnostic.fixIts, to: source) == "from layanan | where instansi == \"x\"")
        let far = Diagnostic.unknownName(.table, "golongan", range: nil, candidates: ["layanan", "pegawai"])
        #expect(far.id == .unknownTable)
        #expect(far.helps.map(\.message.english) == ["expected one of: layanan, pegawai"])
        let quoted = Diagnostic.unknownName(.column, "tgl permohonan", range: range, candidates: ["Tanggal Permohonan"])
        #expect(quoted.fixIts.first?.edits.first?.replacement == "`Tanggal Permohonan`")
    }
}

@Test("the first words of a longer name suggest it")
func prefixWords() {
    let columns = ["sla_hari_kerja", "durasi_hari_kerja", "tepat_waktu", "tanggal_permohonan", "status"]
    #expect(NameSuggester(columns).suggest("sla_hari") == "sla_hari_kerja")
    #expect(NameSuggester(columns).suggest("tepat") == "tepat_waktu")
    #expect(NameSuggester(columns).suggest("hari") == nil)
}
