// The reference data prepared for generation: regions, agencies and every code string as a
// token. Built once per run, read-only afterwards, shared by all threads.
import Foundation

enum JenisInstansi: Int {
    case pusat = 0, provinsi, kabupaten, kota
    var label: String { ["Pusat", "Provinsi", "Kabupaten", "Kota"][rawValue] }
}

struct Province {
    let index: Int
    let code: String
    let name: String
    let offsetHours: Int
    let population: Double
    let autonomousKabKota: Bool
    let codeTok: Int32
    var kabkota: [Int] = []
    /// Index of the Pemerintah Provinsi in `World.instansi`.
    var instansi = -1
    let agama: Picker<Int32>
}

struct KabKota {
    let index: Int
    let province: Int
    let code: String
    let name: String
    /// The name without "Kabupaten"/"Kota"/"Administrasi".
    let shortName: String
    let isKota: Bool
    let population: Double
    let codeTok: Int32
    let nameTok: Int32
    /// The four digits of the code (pp kk), for ids.
    let digits: (UInt8, UInt8, UInt8, UInt8)
    /// The pemda that serves it: its own pemkab/pemkot, or the pemprov where kab/kota are
    /// administrative (DKI Jakarta).
    var instansi = -1
}

struct Instansi {
    let jenis: JenisInstansi
    let codeTok: Int32
    let nameTok: Int32
    let jenisTok: Int32
    let name: String
    let province: Int  // -1 for pusat
    let kabkota: Int   // -1 unless pemkab/pemkot
    let pusat: Int     // index in InstansiFile.pusat, -1 for pemda
}

final class World: @unchecked Sendable {
    let ref: ReferenceData
    let seed: UInt64
    let snapshotDay: Int
    let snapshotYear: Int
    let arena = TokenArena()
    let dates: DateTable
    let calendar: WorkCalendar
    var provinces: [Province] = []
    var kabkota: [KabKota] = []
    var instansi: [Instansi] = []
    /// Index in `instansi` of pusat entry i.
    var pusatInstansi: [Int] = []
    let snapshotTok: Int32

    init(ref: ReferenceData, seed: UInt64, snapshotDay: Int) throws {
        self.ref = ref
        self.seed = seed
        self.snapshotDay = snapshotDay
        snapshotYear = Civil.year(snapshotDay)
        dates = DateTable(from: Civil.day(1900, 1, 1), through: Civil.day(2100, 12, 31))
        var holidays = Set<Int>()
        for (_, list) in ref.kalender.libur {
            for text in list {
                guard let day = Civil.parse(text) else { throw SampleError.reference("kalender.json: bad date \(text)") }
                holidays.insert(day)
            }
        }
        calendar = WorkCalendar(firstDay: Civil.day(snapshotYear - 3, 1, 1), lastDay: Civil.day(snapshotYear + 4, 12, 31), holidays: holidays)
        snapshotTok = arena.add(Civil.format(snapshotDay))
        try buildRegions()
        buildInstansi()
    }

    private func buildRegions() throws {
        var offsets: [String: Int] = [:]
        for zone in ref.wilayah.zonaWaktu {
            let text = zone.utcOffset  // "+07:00"
            guard text.count == 6, let hours = Int(text.dropFirst().prefix(2)) else {
                throw SampleError.reference("wilayah.json: bad utc_offset \(text)")
            }
            offsets[zone.kode] = text.hasPrefix("-") ? -hours : hours
        }
        for (p, prov) in ref.wilayah.provinsi.enumerated() {
            guard let offset = offsets[prov.zona] else { throw SampleError.reference("wilayah.json: unknown zona \(prov.zona)") }
            let agamaWeights = (prov.agama ?? ref.wilayah.agamaNasional).sortedEntries
            var province = Province(
                index: p, code: prov.kode, name: prov.nama, offsetHours: offset, population: prov.pendudukJuta,
                autonomousKabKota: prov.kabkotaOtonom, codeTok: arena.add(prov.kode),
                agama: Picker(agamaWeights.map { (arena.add($0.key), $0.weight) }))
            for kk in prov.kabkota {
                let digits = Array(kk.kode.utf8.filter { $0 != UInt8(ascii: ".") })
                guard kk.kode.hasPrefix(prov.kode + "."), digits.count == 4, digits.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
                    throw SampleError.reference("wilayah.json: kab/kota code \(kk.kode) does not belong to province \(prov.kode)")
                }
                let kkNumber = Int(kk.kode.suffix(2))!
                var short = kk.nama
                for prefix in ["Kabupaten Administrasi ", "Kota Administrasi ", "Kabupaten ", "Kota "] where short.hasPrefix(prefix) {
                    short = String(short.dropFirst(prefix.count))
                    break
                }
                province.kabkota.append(kabkota.count)
                kabkota.append(KabKota(
                    index: kabkota.count, province: p, code: kk.kode, name: kk.nama, shortName: short,
                    isKota: kkNumber >= 71, population: kk.pendudukRibu, codeTok: arena.add(kk.kode), nameTok: arena.add(kk.nama),
                    digits: (digits[0], digits[1], digits[2], digits[3])))
            }
            guard !province.kabkota.isEmpty else { throw SampleError.reference("wilayah.json: province \(prov.kode) has no kab/kota") }
            provinces.append(province)
        }
    }

    private func buildInstansi() {
        let jenisToks = (0..<4).map { arena.add(JenisInstansi(rawValue: $0)!.label) }
        for (i, p) in ref.instansi.pusat.enumerated() {
            pusatInstansi.append(instansi.count)
            instansi.append(Instansi(jenis: .pusat, codeTok: arena.add("P-" + p.kodeBa), nameTok: arena.add(p.nama), jenisTok: jenisToks[0],
                                     name: p.nama, province: -1, kabkota: -1, pusat: i))
        }
        let prefix = ref.instansi.namaPemda
        for p in provinces.indices {
            let name = (prefix["Provinsi"] ?? "Pemerintah Provinsi") + " " + provinces[p].name
            provinces[p].instansi = instansi.count
            instansi.append(Instansi(jenis: .provinsi, codeTok: arena.add("D-" + provinces[p].code), nameTok: arena.add(name),
                                     jenisTok: jenisToks[1], name: name, province: p, kabkota: -1, pusat: -1))
        }
        for k in kabkota.indices {
            let prov = provinces[kabkota[k].province]
            guard prov.autonomousKabKota else { kabkota[k].instansi = prov.instansi; continue }
            let jenis: JenisInstansi = kabkota[k].isKota ? .kota : .kabupaten
            let name = (prefix[jenis.label] ?? "Pemerintah") + " " + kabkota[k].name
            kabkota[k].instansi = instansi.count
            instansi.append(Instansi(jenis: jenis, codeTok: arena.add("D-" + kabkota[k].code), nameTok: arena.add(name),
                                     jenisTok: jenisToks[jenis.rawValue], name: name, province: kabkota[k].province, kabkota: k, pusat: -1))
        }
    }

    /// Kab/kota by population, over the whole country.
    func kabkotaPicker() -> Picker<Int> {
        Picker(kabkota.map { ($0.index, $0.population * provinces[$0.province].population / provinceKabKotaPopulation($0.province)) })
    }

    /// Kab/kota of one province by population.
    func kabkotaPicker(province p: Int) -> Picker<Int> {
        Picker(provinces[p].kabkota.map { ($0, kabkota[$0].population) })
    }

    private func provinceKabKotaPopulation(_ p: Int) -> Double {
        provinces[p].kabkota.reduce(0) { $0 + kabkota[$1].population }
    }

    func text(_ tok: Int32) -> String { arena.text(tok) }
}
