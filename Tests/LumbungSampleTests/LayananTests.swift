import Foundation
@testable import LumbungSample
import Testing

@Suite struct LayananTests {
    let snapshotInstant = Civil.day(2025, 11, 1) * 86_400

    @Test func timestampsCarryTheProvinceOffset() throws {
        let l = try standard().layanan
        var provinces = Set<String>()
        for row in l.rows {
            let province = String(row[l.column("kode_wilayah")].prefix(2))
            provinces.insert(province)
            let expected = expectedOffset(province: province)
            #expect(expected != nil, "known province \(province)")
            for c in ["tanggal_permohonan", "tanggal_berkas_lengkap", "tanggal_selesai"] where !row[l.column(c)].isEmpty {
                let ts = parseTimestamp(row[l.column(c)])
                #expect(ts?.offsetHours == expected, "\(c) \(row[l.column(c)]) in province \(province)")
            }
        }
        #expect(provinces.count >= 30, "rows spread over the provinces")
    }

    @Test func timesAndStatusAreConsistent() throws {
        let l = try standard().layanan
        var ids = Set<String>()
        for row in l.rows {
            func v(_ c: String) -> String { row[l.column(c)] }
            let id = v("id_permohonan")
            #expect(ids.insert(id).inserted, "unique id \(id)")
            let start = parseTimestamp(v("tanggal_permohonan"))!.seconds
            #expect(start < snapshotInstant, "not in the future")
            let berkas = parseTimestamp(v("tanggal_berkas_lengkap"))?.seconds
            let selesai = parseTimestamp(v("tanggal_selesai"))?.seconds
            if let berkas { #expect(berkas >= start && berkas < snapshotInstant) }
            if let selesai {
                #expect(selesai >= start && selesai < snapshotInstant)
                if let berkas { #expect(selesai >= berkas) }
            }
            switch v("status") {
            case "selesai": #expect(selesai != nil)
            case "diajukan", "diproses": #expect(selesai == nil)
            case "ditolak", "dibatalkan": break
            default: Issue.record("status \(v("status"))")
            }
            #expect(v("durasi_hari_kerja").isEmpty == (selesai == nil))
            #expect(v("tepat_waktu").isEmpty == (selesai == nil))
            if let sla = Int(v("sla_hari_kerja")), let durasi = Int(v("durasi_hari_kerja")) {
                #expect(v("tepat_waktu") == (durasi <= sla ? "true" : "false"))
            }
            // id: LYN-ppkk-yyyymmdd-nnnnnn, from the place and the local date of the application.
            let parts = id.split(separator: "-")
            #expect(parts.count == 4 && parts[0] == "LYN")
            #expect(String(parts[1]) == v("kode_wilayah").replacingOccurrences(of: ".", with: ""))
            #expect(String(parts[2]) == v("tanggal_permohonan").prefix(10).replacingOccurrences(of: "-", with: ""))
            let code = v("kode_instansi")
            #expect(code.range(of: #"^(P-[0-9]{3}|D-[0-9]{2}(\.[0-9]{2})?)$"#, options: .regularExpression) != nil)
            if code.hasPrefix("D-") { #expect(v("kode_wilayah").hasPrefix(code.dropFirst(2).prefix(2))) }
            #expect(["administratif", "barang", "jasa"].contains(v("kategori_layanan")))
            #expect(["loket", "mpp", "web", "aplikasi_mobile", "kios_mandiri", "call_center", "jemput_bola", "pos_email"].contains(v("kanal")))
        }
    }

    @Test func skorIkmIsTheMeanTimes25() throws {
        let l = try standard().layanan
        var answered = 0
        for row in l.rows {
            let scores = (1...9).map { row[l.column("skm_u\($0)")] }
            let skor = row[l.column("skor_ikm")]
            if scores.allSatisfy(\.isEmpty) {
                #expect(skor.isEmpty)
                continue
            }
            #expect(scores.allSatisfy { !$0.isEmpty }, "all nine present or none")
            let values = scores.compactMap { Int($0) }
            #expect(values.count == 9 && values.allSatisfy { (1...4).contains($0) })
            let expected = (Double(values.reduce(0, +)) / 9 * 25 * 100).rounded() / 100
            #expect(abs(Double(skor)! - expected) < 0.005, "skor_ikm \(skor) vs \(expected)")
            #expect(skor.range(of: #"^[0-9]+\.[0-9]{2}$"#, options: .regularExpression) != nil)
            #expect((25...100).contains(Double(skor)!))
            answered += 1
        }
        #expect(answered > 0)
    }
}
