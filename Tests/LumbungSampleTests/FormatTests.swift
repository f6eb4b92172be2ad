import Foundation
import LumbungSample
import Testing

@Suite struct FormatTests {
    static let pegawaiColumns = [
        "nip", "nip_lama", "nama", "gelar_depan", "gelar_belakang", "jenis_kelamin", "tanggal_lahir", "agama", "status_perkawinan",
        "jenis_asn", "kedudukan_hukum", "tmt_cpns", "tmt_pns", "tmt_pppk_awal", "tmt_pppk_akhir", "golongan", "tmt_golongan",
        "jenis_jabatan", "eselon", "jenjang_jabatan", "nama_jabatan", "kelompok_pelaksana", "kelas_jabatan", "tmt_jabatan",
        "tingkat_pendidikan", "tahun_lulus", "jenis_instansi", "kode_instansi", "nama_instansi", "unit_organisasi",
        "kode_wilayah_kerja", "bup", "tanggal_pensiun", "tanggal_data", "sumber",
    ]
    static let layananColumns = [
        "id_permohonan", "kode_instansi", "nama_instansi", "jenis_instansi", "kode_wilayah", "unit_layanan", "jenis_layanan",
        "kategori_layanan", "kanal", "kategori_pemohon", "tanggal_permohonan", "tanggal_berkas_lengkap", "tanggal_selesai", "status",
        "sla_hari_kerja", "durasi_hari_kerja", "tepat_waktu", "biaya"] + (1...9).map { "skm_u\($0)" } + [
        "skor_ikm", "ada_pengaduan", "tanggal_data", "sumber",
    ]
    static let kinerjaColumns = [
        "nip", "tahun", "jenis_periode", "periode_ke", "tanggal_awal", "tanggal_akhir", "pendekatan", "capaian_persen",
        "rating_hasil_kerja", "rating_perilaku_kerja", "rating_berorientasi_pelayanan", "rating_akuntabel", "rating_kompeten",
        "rating_harmonis", "rating_loyal", "rating_adaptif", "rating_kolaboratif", "predikat_kinerja", "predikat_organisasi",
        "status_skp", "nip_pejabat_penilai", "jp_pengembangan_kompetensi", "potensial", "kotak_talenta", "angka_kredit",
        "tanggal_data", "sumber",
    ]

    @Test func headersFollowTheSchema() throws {
        let s = try standard()
        #expect(s.pegawai.header == Self.pegawaiColumns)
        #expect(s.layanan.header == Self.layananColumns)
        #expect(s.kinerja.header == Self.kinerjaColumns)
        #expect(try SampleSchema.columns(.pegawai) == Self.pegawaiColumns)
        #expect(try SampleSchema.columns(.layanan) == Self.layananColumns)
        #expect(try SampleSchema.columns(.kinerja) == Self.kinerjaColumns)
    }

    @Test func everyRowHasEveryColumn() throws {
        let s = try standard()
        for t in [s.pegawai, s.layanan, s.kinerja] {
            #expect(t.rows.allSatisfy { $0.count == t.header.count })
            #expect(t.jsonLines.count == t.rows.count)
        }
    }

    @Test func plainLineEndsAndMinimalQuoting() throws {
        let s = try standard()
        for table in ["pegawai", "layanan", "kinerja"] {
            let raw = try gunzip(try readBytes("\(s.directory)/\(table).csv.gz"))
            #expect(!raw.contains(13), "\(table): LF line ends only")
            #expect(raw.last == 10)
            let text = String(decoding: raw, as: UTF8.self)
            // A quoted field must contain a comma, a quote or a newline.
            var inQuotes = false, field = "", quotedFields: [String] = []
            for c in text {
                if c == "\"" { if inQuotes { quotedFields.append(field); field = "" }; inQuotes.toggle(); continue }
                if inQuotes { field.append(c) }
            }
            #expect(quotedFields.allSatisfy { $0.contains(",") || $0.contains("\n") || $0.isEmpty })
        }
        // Some pegawai gelar carry a comma ("S.Kep., Ners") and so are quoted.
        #expect(s.pegawai.values("gelar_belakang").contains { $0.contains(",") })
    }

    /// The NDJSON of a table holds exactly the CSV's columns, in order, with nulls, numbers,
    /// bools and strings typed.
    @Test(arguments: ["pegawai", "layanan", "kinerja"])
    func ndjsonMatchesCSV(_ table: String) throws {
        let s = try standard()
        let t = table == "pegawai" ? s.pegawai : table == "layanan" ? s.layanan : s.kinerja
        let keyPattern = try NSRegularExpression(pattern: #"[{,]"([a-z0-9_]+)":"#)
        for (i, line) in t.jsonLines.enumerated() where i % 7 == 0 {
            let range = NSRange(line.startIndex..., in: line)
            let keys = keyPattern.matches(in: line, range: range).map { String(line[Range($0.range(at: 1), in: line)!]) }
            #expect(keys == t.header, "keys in column order")
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            for (c, name) in t.header.enumerated() {
                let cell = t.rows[i][c]
                let value = object[name]!
                switch value {
                case is NSNull: #expect(cell.isEmpty, "\(table).\(name): null ⇔ empty cell")
                case let string as String:
                    #expect(string == cell, "\(table).\(name)")
                    #expect(!string.isEmpty)
                case let number as NSNumber:
                    if cell == "true" || cell == "false" {
                        #expect(line.contains("\"\(name)\":\(cell)"), "\(table).\(name): a JSON bool")
                    } else {
                        #expect(Double(cell) == number.doubleValue, "\(table).\(name): \(cell) vs \(number)")
                        #expect(line.contains("\"\(name)\":\(cell)"), "\(table).\(name): the same digits, unquoted")
                    }
                default: Issue.record("unexpected JSON value for \(name)")
                }
            }
        }
    }

    @Test func typedValuesLookRight() throws {
        let s = try standard()
        let l = s.layanan
        #expect(l.values("tanggal_permohonan").allSatisfy { parseTimestamp($0) != nil })
        #expect(l.values("tepat_waktu").allSatisfy { ["", "true", "false"].contains($0) })
        #expect(l.values("ada_pengaduan").allSatisfy { ["true", "false"].contains($0) })
        #expect(l.values("biaya").allSatisfy { $0.isEmpty || $0.range(of: #"^[0-9]+\.[0-9]{2}$"#, options: .regularExpression) != nil })
        #expect(s.pegawai.values("tanggal_lahir").allSatisfy { parseDate($0) != nil })
        #expect(s.kinerja.values("angka_kredit").allSatisfy { $0.isEmpty || $0.range(of: #"^[0-9]+\.[0-9]{3}$"#, options: .regularExpression) != nil })
        for t in [s.pegawai, s.layanan, s.kinerja] {
            #expect(t.values("tanggal_data").allSatisfy { $0 == "2025-11-01" })
            #expect(t.values("sumber").allSatisfy { !$0.isEmpty })
        }
    }
}
