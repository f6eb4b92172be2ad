import Foundation
@testable import LumbungSample
import Testing

@Suite struct KinerjaTests {
    /// domain.md §2.1: predikat = matrix[hasil][perilaku].
    static let matrix: [String: [String: String]] = [
        "DI_ATAS": ["DI_BAWAH": "KURANG", "SESUAI": "BAIK", "DI_ATAS": "SANGAT_BAIK"],
        "SESUAI": ["DI_BAWAH": "KURANG", "SESUAI": "BAIK", "DI_ATAS": "BAIK"],
        "DI_BAWAH": ["DI_BAWAH": "SANGAT_KURANG", "SESUAI": "BUTUH_PERBAIKAN", "DI_ATAS": "BUTUH_PERBAIKAN"],
    ]
    /// domain.md §2.3 box numbering: kotak[hasil][potensial].
    static let boxes: [String: [String: String]] = [
        "DI_BAWAH": ["RENDAH": "1", "MENENGAH": "2", "TINGGI": "4"],
        "SESUAI": ["RENDAH": "3", "MENENGAH": "5", "TINGGI": "7"],
        "DI_ATAS": ["RENDAH": "6", "MENENGAH": "8", "TINGGI": "9"],
    ]

    @Test func everyNipAndAppraiserExistsInPegawai() throws {
        let s = try standard()
        let nips = Set(s.pegawai.values("nip"))
        let (nipC, penilaiC) = (s.kinerja.column("nip"), s.kinerja.column("nip_pejabat_penilai"))
        for row in s.kinerja.rows {
            #expect(nips.contains(row[nipC]), "kinerja.nip \(row[nipC]) is a pegawai")
            if !row[penilaiC].isEmpty {
                #expect(nips.contains(row[penilaiC]), "penilai \(row[penilaiC]) is a pegawai")
                #expect(row[penilaiC] != row[nipC], "penilai ≠ nip")
            }
        }
    }

    @Test func predikatFollowsTheMatrix() throws {
        let k = try standard().kinerja
        var rated = 0
        for row in k.rows {
            let hasil = row[k.column("rating_hasil_kerja")], perilaku = row[k.column("rating_perilaku_kerja")]
            let predikat = row[k.column("predikat_kinerja")]
            if hasil.isEmpty || perilaku.isEmpty {
                #expect(predikat.isEmpty)
                continue
            }
            rated += 1
            #expect(Self.matrix[hasil]?[perilaku] == predikat, "\(hasil) × \(perilaku) → \(predikat)")
            let potensial = row[k.column("potensial")], kotak = row[k.column("kotak_talenta")]
            #expect(potensial.isEmpty == kotak.isEmpty)
            if !potensial.isEmpty { #expect(Self.boxes[hasil]?[potensial] == kotak) }
        }
        #expect(rated > k.rows.count / 2)
    }

    @Test func periodsAreWellFormed() throws {
        let s = try standard()
        let k = s.kinerja
        var keys = Set<String>()
        let fungsional = Set(zip(s.pegawai.values("nip"), s.pegawai.values("jenis_jabatan")).filter { $0.1 == "Fungsional" }.map(\.0))
        for row in k.rows {
            func v(_ c: String) -> String { row[k.column(c)] }
            let tahun = Int(v("tahun"))!
            let awal = parseDate(v("tanggal_awal"))!, akhir = parseDate(v("tanggal_akhir"))!
            #expect(awal <= akhir)
            #expect(Civil.year(awal) == tahun && Civil.year(akhir) == tahun)
            switch v("jenis_periode") {
            case "TAHUNAN": #expect(v("periode_ke").isEmpty); #expect(tahun == 2024)
            case "BULANAN":
                let m = Int(v("periode_ke"))!
                #expect((1...12).contains(m) && Civil.civil(akhir).month == m && tahun == 2025)
            default: Issue.record("jenis_periode \(v("jenis_periode"))")
            }
            #expect(keys.insert("\(v("nip"))/\(tahun)/\(v("jenis_periode"))/\(v("periode_ke"))").inserted, "primary key is unique")
            if !v("angka_kredit").isEmpty { #expect(fungsional.contains(v("nip")), "angka kredit only for JF") }
            if !v("capaian_persen").isEmpty {
                #expect(v("pendekatan") == "kuantitatif")
                #expect((0...200).contains(Double(v("capaian_persen"))!))
            }
            if !v("predikat_kinerja").isEmpty { #expect(["dinilai", "ditetapkan"].contains(v("status_skp"))) }
            #expect(["draf", "disetujui", "dinilai", "ditetapkan"].contains(v("status_skp")))
            if let jp = Double(v("jp_pengembangan_kompetensi")) { #expect(jp >= 0) }
        }
    }
}
