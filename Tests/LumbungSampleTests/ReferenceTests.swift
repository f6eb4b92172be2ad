import Foundation
@testable import LumbungSample
import Testing

@Suite struct ReferenceTests {
    /// domain.md table 1.7: Kemendagri code → (BPS code, time zone).
    static let provinces: [String: (String, String)] = [
        "11": ("11", "WIB"), "12": ("12", "WIB"), "13": ("13", "WIB"), "14": ("14", "WIB"), "15": ("15", "WIB"), "16": ("16", "WIB"),
        "17": ("17", "WIB"), "18": ("18", "WIB"), "19": ("19", "WIB"), "21": ("21", "WIB"), "31": ("31", "WIB"), "32": ("32", "WIB"),
        "33": ("33", "WIB"), "34": ("34", "WIB"), "35": ("35", "WIB"), "36": ("36", "WIB"), "51": ("51", "WITA"), "52": ("52", "WITA"),
        "53": ("53", "WITA"), "61": ("61", "WIB"), "62": ("62", "WIB"), "63": ("63", "WITA"), "64": ("64", "WITA"), "65": ("65", "WITA"),
        "71": ("71", "WITA"), "72": ("72", "WITA"), "73": ("73", "WITA"), "74": ("74", "WITA"), "75": ("75", "WITA"), "76": ("76", "WITA"),
        "81": ("81", "WIT"), "82": ("82", "WIT"), "91": ("94", "WIT"), "92": ("91", "WIT"), "93": ("95", "WIT"), "94": ("96", "WIT"),
        "95": ("97", "WIT"), "96": ("92", "WIT"),
    ]

    @Test func provincesMatchDomainTable() throws {
        let ref = try ReferenceData.bundled()
        #expect(ref.wilayah.provinsi.count == 38)
        for p in ref.wilayah.provinsi {
            let expected = Self.provinces[p.kode]
            #expect(expected != nil, "province \(p.kode)")
            #expect(expected?.0 == p.kodeBps, "BPS code of \(p.kode)")
            #expect(expected?.1 == p.zona, "time zone of \(p.kode)")
            for kk in p.kabkota {
                #expect(kk.kode.hasPrefix(p.kode + "."))
                let number = Int(kk.kode.suffix(2))!
                #expect(kk.nama.hasPrefix("Kota") == (number >= 71), "kota 71-99, kabupaten 01-69: \(kk.kode) \(kk.nama)")
            }
        }
        let offsets = Dictionary(uniqueKeysWithValues: ref.wilayah.zonaWaktu.map { ($0.kode, $0.utcOffset) })
        #expect(offsets == ["WIB": "+07:00", "WITA": "+08:00", "WIT": "+09:00"])
    }

    @Test func predikatPairsAgreeWithMatrix() throws {
        let ref = try ReferenceData.bundled().kinerja
        for (predikat, pairs) in ref.pasanganRating {
            for pair in pairs {
                #expect(ref.matriksPredikat[pair[0].text!]?[pair[1].text!] == predikat)
            }
        }
        #expect(ref.matriksPredikat.mapValues { $0 } == KinerjaTests.matrix)
    }

    @Test func serviceReferences() throws {
        let ref = try ReferenceData.bundled()
        let pusat = Set(ref.instansi.pusat.map(\.kodeBa))
        for s in ref.layanan.jenisLayanan {
            #expect(["kabkota", "provinsi", "pusat"].contains(s.penyelenggara))
            if s.penyelenggara == "pusat" { #expect(s.kodeBa.map(pusat.contains) == true, "\(s.nama) has a known provider") }
            #expect(s.slaHariKerja >= 0)
            #expect(["administratif", "barang", "jasa"].contains(s.kategori))
        }
        #expect(ref.instansi.pusat.allSatisfy { $0.kodeBa.count == 3 && Int($0.kodeBa) != nil })
    }
}
