import Foundation
@testable import LumbungSample
import Testing

@Suite struct PegawaiTests {
    let snapshot = Civil.day(2025, 11, 1)

    @Test func nipRulesHoldForEveryPegawai() throws {
        let p = try standard().pegawai
        let (nipC, lahirC, jkC, asnC, tmtC) = (p.column("nip"), p.column("tanggal_lahir"), p.column("jenis_kelamin"), p.column("jenis_asn"), p.column("tmt_cpns"))
        var seen = Set<String>()
        for row in p.rows {
            let nip = row[nipC]
            let d = Array(nip.utf8).map { Int($0) - 48 }
            #expect(nip.count == 18 && d.allSatisfy { (0...9).contains($0) }, "18 digits: \(nip)")
            guard d.count == 18 else { continue }
            // 1-8: birth date, a real date in 1940 .. snapshot - 17 years, equal to tanggal_lahir.
            let lahir = String(nip.prefix(8))
            let birth = Civil.parse("\(lahir.prefix(4))-\(lahir.dropFirst(4).prefix(2))-\(lahir.suffix(2))")
            #expect(birth != nil, "NIP birth date is a real date: \(nip)")
            #expect(row[lahirC].replacingOccurrences(of: "-", with: "") == lahir, "NIP prefix = tanggal_lahir: \(nip)")
            if let birth {
                #expect(birth >= Civil.day(1940, 1, 1) && birth <= Civil.addYears(snapshot, -17))
            }
            // 15: gender.
            #expect(d[14] == 1 || d[14] == 2)
            #expect((d[14] == 1 ? "L" : "P") == row[jkC], "gender digit: \(nip)")
            // 16-18: sequence.
            #expect(nip.suffix(3) != "000")
            #expect(seen.insert(nip).inserted, "unique NIP: \(nip)")
            let year = d[8] * 1000 + d[9] * 100 + d[10] * 10 + d[11]
            let two = d[12] * 10 + d[13]
            if row[asnC] == "PNS" || row[asnC] == "CPNS" {
                #expect((1...12).contains(two), "TMT month: \(nip)")
                #expect(row[tmtC] == String(format: "%04d-%02d-01", year, two), "NIP digits 9-14 = TMT CPNS: \(nip)")
                if let birth, let tmt = parseDate(row[tmtC]) {
                    #expect(tmt >= Civil.addYears(birth, 18), "TMT after age 18: \(nip)")
                    #expect(tmt <= Civil.addMonths(snapshot, 6))
                }
            } else {
                #expect(year >= 2019 && year <= 2025, "NI PPPK year: \(nip)")
                #expect(row[tmtC].isEmpty, "PPPK has no tmt_cpns")
            }
        }
        #expect(seen.count == p.rows.count)
    }

    @Test func statusDatesAndRanks() throws {
        let p = try standard().pegawai
        for row in p.rows {
            func v(_ c: String) -> String { row[p.column(c)] }
            let asn = v("jenis_asn")
            let golongan = v("golongan")
            switch asn {
            case "PNS":
                let cpns = parseDate(v("tmt_cpns"))!, pns = parseDate(v("tmt_pns"))!
                #expect(cpns <= pns && pns <= snapshot)
                #expect(v("tmt_pppk_awal").isEmpty && v("tmt_pppk_akhir").isEmpty)
                #expect(golongan.isEmpty || golongan.contains("/"))
            case "CPNS":
                #expect(parseDate(v("tmt_cpns"))! <= snapshot)
                #expect(v("tmt_pns").isEmpty)
                #expect(golongan.isEmpty || golongan.contains("/"))
            case "PPPK", "PPPK_PARUH_WAKTU":
                #expect(v("tmt_cpns").isEmpty && v("tmt_pns").isEmpty && v("tanggal_pensiun").isEmpty)
                let awal = parseDate(v("tmt_pppk_awal"))!, akhir = parseDate(v("tmt_pppk_akhir"))!
                #expect(awal <= snapshot && akhir >= snapshot && akhir <= Civil.addYears(awal, 5))
                #expect(golongan.isEmpty || (!golongan.contains("/") && golongan.allSatisfy { "IVX".contains($0) }))
            default: Issue.record("unknown jenis_asn \(asn)")
            }
            if let tmt = parseDate(v("tmt_golongan")), let cpns = parseDate(v("tmt_cpns")) { #expect(tmt >= cpns) }
        }
    }

    @Test func widowhoodMatchesGender() throws {
        let p = try standard().pegawai
        for row in p.rows {
            let status = row[p.column("status_perkawinan")], gender = row[p.column("jenis_kelamin")]
            if status == "Janda" { #expect(gender == "P") }
            if status == "Duda" { #expect(gender == "L") }
        }
        #expect(p.values("status_perkawinan").contains("Janda"))
    }

    @Test func positionsAreConsistent() throws {
        let p = try standard().pegawai
        let keahlian = ["Ahli Pertama", "Ahli Muda", "Ahli Madya", "Ahli Utama", "Pemula", "Terampil", "Mahir", "Penyelia"]
        for row in p.rows {
            func v(_ c: String) -> String { row[p.column(c)] }
            let jenis = v("jenis_jabatan")
            if jenis.isEmpty { continue }
            let struktural = ["JPT", "Administrator", "Pengawas"].contains(jenis)
            #expect(!v("eselon").isEmpty == struktural, "eselon ⇔ struktural")
            #expect(!v("kelompok_pelaksana").isEmpty == (jenis == "Pelaksana"), "kelompok ⇔ pelaksana")
            #expect(keahlian.contains(v("jenjang_jabatan")) == (jenis == "Fungsional"), "JF jenjang ⇔ Fungsional")
            if jenis == "JPT" { #expect(["Utama", "Madya", "Pratama"].contains(v("jenjang_jabatan"))) }
        }
    }

    @Test func retirementRules() throws {
        let p = try standard().pegawai
        for row in p.rows {
            func v(_ c: String) -> String { row[p.column(c)] }
            guard let bup = Int(v("bup")), let birth = parseDate(v("tanggal_lahir")) else { continue }
            #expect([58, 60, 65, 70].contains(bup))
            #expect(Civil.years(from: birth, to: snapshot) < bup, "active pegawai are younger than their BUP")
            if let pensiun = parseDate(v("tanggal_pensiun")) {
                #expect(pensiun == Civil.firstOfNextMonth(Civil.addYears(birth, bup)), "pension on the 1st of the month after BUP")
            }
        }
    }

    @Test func agencyCodes() throws {
        let p = try standard().pegawai
        for row in p.rows {
            func v(_ c: String) -> String { row[p.column(c)] }
            let code = v("kode_instansi"), jenis = v("jenis_instansi"), wilayah = v("kode_wilayah_kerja")
            switch jenis {
            case "Pusat": #expect(code.range(of: #"^P-[0-9]{3}$"#, options: .regularExpression) != nil, "\(code)")
            case "Provinsi": #expect(code.range(of: #"^D-[0-9]{2}$"#, options: .regularExpression) != nil, "\(code)")
            case "Kabupaten", "Kota":
                #expect(code.range(of: #"^D-[0-9]{2}\.[0-9]{2}$"#, options: .regularExpression) != nil, "\(code)")
                let kk = Int(code.suffix(2))!
                #expect(jenis == "Kota" ? kk >= 71 : kk < 71, "kabupaten 01-69, kota 71-99")
            default: Issue.record("jenis_instansi \(jenis)")
            }
            #expect(wilayah.isEmpty || wilayah.range(of: #"^[0-9]{2}(\.[0-9]{2})?$"#, options: .regularExpression) != nil)
            if code.hasPrefix("D-"), !wilayah.isEmpty {
                #expect(wilayah.hasPrefix(String(code.dropFirst(2).prefix(2))), "province of work = province of the pemda")
            }
            if jenis != "Pusat" { #expect(v("nama_instansi").hasPrefix("Pemerintah ")) }
        }
    }

    @Test func profileRoughlyFollowsDomain() throws {
        // A larger run to keep sampling noise small.
        let dir = try generate("profile", scale: 0.05, tables: [.pegawai])
        let p = try loadTable(dir, "pegawai")
        let n = Double(p.rows.count)
        func share(_ column: String, _ values: Set<String>) -> Double {
            Double(p.values(column).filter { values.contains($0) }.count) / n * 100
        }
        #expect(abs(share("jenis_asn", ["PNS", "CPNS"]) - 64) < 3)
        #expect(abs(share("jenis_kelamin", ["P"]) - 56) < 3)
        #expect(abs(share("jenis_instansi", ["Provinsi", "Kabupaten", "Kota"]) - 76) < 3)
        #expect(abs(share("tingkat_pendidikan", ["D4", "S1"]) - 62) < 3)
        #expect(abs(share("jenis_jabatan", ["Fungsional"]) - 63) < 4)
        #expect(abs(share("jenis_jabatan", ["Pelaksana"]) - 31) < 4)
        let years = p.values("tanggal_lahir").map { Int($0.prefix(4))! }
        let millennial = Double(years.filter { (1977...1994).contains($0) }.count) / n * 100
        #expect(abs(millennial - 37) < 3)
    }
}
