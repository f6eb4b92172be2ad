import Foundation
import Testing

/// Null shares on the scale-0.01 run against domain.md §5 ("null %" columns).
@Suite struct NullRateTests {
    func check(_ table: TableData, _ expected: [String: Double], tolerance: Double, where keep: ([String]) -> Bool = { _ in true }) {
        for (column, percent) in expected.sorted(by: { $0.key < $1.key }) {
            let actual = table.nullShare(column, where: keep) * 100
            #expect(abs(actual - percent) <= tolerance, "\(column): \(String(format: "%.1f", actual))% null, domain says ~\(percent)%")
        }
    }

    @Test func pegawai() throws {
        let p = try standard().pegawai
        check(p, ["nip": 0, "nama": 0, "jenis_kelamin": 0, "tanggal_lahir": 0, "jenis_asn": 0, "kedudukan_hukum": 0, "jenis_instansi": 0,
                  "kode_instansi": 0, "nama_instansi": 0, "tanggal_data": 0, "sumber": 0], tolerance: 0)
        check(p, ["nip_lama": 85, "gelar_depan": 90, "gelar_belakang": 30, "eselon": 94, "jenjang_jabatan": 32, "kelompok_pelaksana": 69,
                  "kelas_jabatan": 10], tolerance: 6)
        check(p, ["agama": 1, "status_perkawinan": 3, "golongan": 0.5, "tmt_golongan": 2, "jenis_jabatan": 0.5, "nama_jabatan": 0.5,
                  "tmt_jabatan": 5, "tingkat_pendidikan": 0.5, "tahun_lulus": 5, "unit_organisasi": 2, "kode_wilayah_kerja": 1, "bup": 1],
              tolerance: 2.5)
        let asn = p.column("jenis_asn")
        check(p, ["tmt_cpns": 0, "tanggal_pensiun": 0, "tmt_pppk_awal": 100], tolerance: 0, where: { ["PNS", "CPNS"].contains($0[asn]) })
        check(p, ["tmt_cpns": 100, "tmt_pns": 100, "tanggal_pensiun": 100, "tmt_pppk_awal": 0, "tmt_pppk_akhir": 0], tolerance: 0,
              where: { $0[asn].hasPrefix("PPPK") })
    }

    @Test func layanan() throws {
        let l = try standard().layanan
        check(l, ["id_permohonan": 0, "kode_instansi": 0, "kode_wilayah": 0, "unit_layanan": 0, "jenis_layanan": 0, "kanal": 0,
                  "tanggal_permohonan": 0, "status": 0, "ada_pengaduan": 0], tolerance: 0)
        check(l, ["kategori_pemohon": 5, "tanggal_berkas_lengkap": 30, "tanggal_selesai": 8, "sla_hari_kerja": 2, "durasi_hari_kerja": 8,
                  "tepat_waktu": 8, "biaya": 1], tolerance: 2.5)
        check(l, ["skm_u1": 75, "skm_u9": 75, "skor_ikm": 75], tolerance: 6)
    }

    @Test func kinerja() throws {
        let k = try standard().kinerja
        check(k, ["nip": 0, "tahun": 0, "jenis_periode": 0, "tanggal_awal": 0, "tanggal_akhir": 0, "status_skp": 0], tolerance: 0)
        check(k, ["pendekatan": 10, "predikat_organisasi": 20, "nip_pejabat_penilai": 5], tolerance: 5)
        let periode = k.column("jenis_periode")
        check(k, ["periode_ke": 100], tolerance: 0, where: { $0[periode] == "TAHUNAN" })
        // Ratings exist for periods that ended before the snapshot (October 2025 is still being
        // assessed on 1 November; November and December are only planned).
        let akhir = k.column("tanggal_akhir")
        let assessed: ([String]) -> Bool = { $0[akhir] < "2025-10-01" }
        check(k, ["rating_hasil_kerja": 3, "rating_perilaku_kerja": 3, "predikat_kinerja": 3], tolerance: 2, where: assessed)
        check(k, ["capaian_persen": 50, "angka_kredit": 40, "rating_akuntabel": 70, "potensial": 85, "kotak_talenta": 85], tolerance: 8, where: assessed)
        let awal = k.column("tanggal_awal")
        check(k, ["jp_pengembangan_kompetensi": 15], tolerance: 4, where: { $0[awal] < "2025-11-01" })
        check(k, ["rating_hasil_kerja": 100, "predikat_kinerja": 100], tolerance: 0, where: { $0[awal] >= "2025-11-01" })
    }
}
