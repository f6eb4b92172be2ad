// The pegawai table (domain.md §5.1): one row per ASN at the snapshot.
//
// Three phases. 1: records are drawn in parallel blocks (each block seeded from its number).
// 2: sequentially, NIP sequence numbers (unique per 15-digit prefix), old NIPs and appraisers
// are assigned. 3: rows are written in parallel blocks. The records stay in memory for kinerja.
import Foundation

enum AsnKind: UInt8 {
    case pns = 0, cpns, pppk, paruhWaktu
    static let labels = ["PNS", "CPNS", "PPPK", "PPPK_PARUH_WAKTU"]
    var isPNS: Bool { self == .pns || self == .cpns }
}

enum JabatanKind: UInt8 {
    case jpt = 0, administrator, pengawas, fungsional, pelaksana
    static let labels = ["JPT", "Administrator", "Pengawas", "Fungsional", "Pelaksana"]
    var isStruktural: Bool { rawValue <= 2 }
}

enum Kedudukan: UInt8 {
    case aktif = 0, cltn, tugasBelajar, pemberhentianSementara, mpp
    static let labels = ["Aktif", "CLTN", "Tugas Belajar", "Pemberhentian Sementara", "Masa Persiapan Pensiun"]
}

struct PegawaiRecord {
    var nip: UInt64 = 0
    var nipPrefix: UInt64 = 0
    var nipLama: UInt64 = 0
    var hasNipLama = false
    var wantsNipLama = false
    var female = false
    var birth: Int32 = 0
    var asn: AsnKind = .pns
    var kedudukan: Kedudukan = .aktif
    var tmtCpns: Int32 = Civil.none
    var tmtPns: Int32 = Civil.none
    var pppkAwal: Int32 = Civil.none
    var pppkAkhir: Int32 = Civil.none
    /// First appointment (CPNS or first PPPK contract).
    var firstStart: Int32 = 0
    var golonganTok: Int32 = -1
    var tmtGolongan: Int32 = Civil.none
    var jabatan: JabatanKind = .pelaksana
    var jenisJabatanNull = false
    var eselonTok: Int32 = -1
    var jenjangTok: Int32 = -1
    var namaJabatanTok: Int32 = -1
    var kelompokTok: Int32 = -1
    var kelas: Int16 = -1
    var tmtJabatan: Int32 = Civil.none
    /// Index in jenjang_fungsional, -1 for other positions.
    var jenjang: Int8 = -1
    var pendidikanTok: Int32 = -1
    var tahunLulus: Int16 = -1
    var instansi: Int32 = 0
    var unitTok: Int32 = -1
    /// Hash of the unit's name, for the organisational predikat (never null, unlike unitTok).
    var unitKey: UInt32 = 0
    var wilayahTok: Int32 = -1
    var bup: Int16 = 58
    var bupNull = false
    var pensiun: Int32 = Civil.none
    var agamaTok: Int32 = -1
    var perkawinanTok: Int32 = -1
    var nama: (Int32, Int32, Int32) = (-1, -1, -1)
    var gelarDepanTok: Int32 = -1
    var gelarBelakangTok: Int32 = -1
    var sumberTok: Int32 = -1
    var penilai: Int32 = -1
    var potensial: Int8 = -1
}

final class PegawaiTable: @unchecked Sendable {
    static let columns = [
        "nip", "nip_lama", "nama", "gelar_depan", "gelar_belakang", "jenis_kelamin", "tanggal_lahir", "agama", "status_perkawinan",
        "jenis_asn", "kedudukan_hukum", "tmt_cpns", "tmt_pns", "tmt_pppk_awal", "tmt_pppk_akhir", "golongan", "tmt_golongan",
        "jenis_jabatan", "eselon", "jenjang_jabatan", "nama_jabatan", "kelompok_pelaksana", "kelas_jabatan", "tmt_jabatan",
        "tingkat_pendidikan", "tahun_lulus", "jenis_instansi", "kode_instansi", "nama_instansi", "unit_organisasi",
        "kode_wilayah_kerja", "bup", "tanggal_pensiun", "tanggal_data", "sumber",
    ]

    let world: World
    private(set) var records: [PegawaiRecord]
    private let model: PegawaiModel
    private let keys: ColumnKeys
    static let recordsPerBlock = 4096

    init(world: World, count: Int, threads: Int) throws {
        self.world = world
        model = try PegawaiModel(world: world)
        keys = ColumnKeys(Self.columns, arena: world.arena)
        records = [PegawaiRecord](repeating: PegawaiRecord(), count: count)
        let blocks = (count + Self.recordsPerBlock - 1) / Self.recordsPerBlock
        let model = self.model
        let seed = world.seed
        try records.withUnsafeMutableBufferPointer { buffer in
            let shared = Shared(buffer)
            try runParallel(blocks: blocks, threads: threads) { _, block in
                var rng = Rng(seed: seed, stream: "pegawai", block: block)
                let start = block * Self.recordsPerBlock
                for i in start..<min(start + Self.recordsPerBlock, count) {
                    shared.value[i] = model.draw(&rng)
                }
            }
        }
        assignNIPs()
        assignAppraisers()
    }

    // MARK: phase 2

    private func assignNIPs() {
        var sequence: [UInt64: UInt16] = [:]
        sequence.reserveCapacity(records.count)
        var oldCounters: [Int: UInt64] = [:]
        for i in records.indices {
            let next = (sequence[records[i].nipPrefix] ?? 0) + 1
            precondition(next <= 999, "more than 999 NIPs share one prefix")
            sequence[records[i].nipPrefix] = next
            records[i].nip = records[i].nipPrefix * 1000 + UInt64(next)
            if records[i].wantsNipLama {
                let inst = world.instansi[Int(records[i].instansi)]
                let prefixIndex = inst.pusat >= 0 ? inst.pusat : -1
                let prefix = model.nipLamaPrefix(prefixIndex)
                let counter = oldCounters[prefixIndex, default: 0]
                oldCounters[prefixIndex] = counter + 1
                let room = UInt64(pow(10.0, Double(9 - prefix.digits)))
                // A fixed permutation of the counter (7919 is coprime with 10).
                records[i].nipLama = prefix.value * room + (counter &* 7919 &+ 104_729) % room
                records[i].hasNipLama = true
            }
        }
    }

    private func assignAppraisers() {
        let instansiCount = world.instansi.count
        var members = [[Int32]](repeating: [], count: instansiCount)
        var byKind = [[[Int32]]](repeating: [[], [], []], count: instansiCount)
        var provinceStruktural = [[Int32]](repeating: [], count: world.provinces.count + 1)
        var allStruktural: [Int32] = []
        for i in records.indices {
            let r = records[i]
            let inst = Int(r.instansi)
            members[inst].append(Int32(i))
            if r.jabatan.isStruktural {
                byKind[inst][Int(r.jabatan.rawValue)].append(Int32(i))
                let p = world.instansi[inst].province
                provinceStruktural[p >= 0 ? p : world.provinces.count].append(Int32(i))
                allStruktural.append(Int32(i))
            }
        }
        let nullShare = world.ref.kinerja.kosong.nipPejabatPenilai
        let seed = world.seed
        for i in records.indices {
            let r = records[i]
            let h = hashValues(seed, 0x5045_4E49_4C41_4921, UInt64(i))
            if Double(h >> 11) * 0x1p-53 < nullShare { continue }
            let inst = Int(r.instansi)
            let kinds = byKind[inst]
            var pools: [[Int32]]
            switch r.jabatan {
            case .jpt: pools = [kinds[0]]
            case .administrator: pools = [kinds[0]]
            case .pengawas: pools = [kinds[1], kinds[0]]
            default: pools = [kinds[2], kinds[1], kinds[0]]
            }
            let p = world.instansi[inst].province
            pools += [kinds[0] + kinds[1] + kinds[2], members[inst], provinceStruktural[p >= 0 ? p : world.provinces.count], allStruktural]
            for pool in pools {
                guard let pick = choose(pool, excluding: Int32(i), hash: h) else { continue }
                records[i].penilai = pick
                break
            }
        }
    }

    private func choose(_ pool: [Int32], excluding self_: Int32, hash: UInt64) -> Int32? {
        if pool.isEmpty || (pool.count == 1 && pool[0] == self_) { return nil }
        let k = Int(hash.multipliedFullWidth(by: UInt64(pool.count)).high)
        return pool[k] != self_ ? pool[k] : pool[(k + 1) % pool.count]
    }

    // MARK: phase 3

    func write(config: SampleConfig) throws -> [SampleFileReport] {
        let output = try TableOutput(table: .pegawai, columns: keys.names, directory: config.outputDirectory, config: config)
        let rowsPerBlock = max(1, config.blockRows)
        let blocks = (records.count + rowsPerBlock - 1) / rowsPerBlock
        let world = self.world, keys = self.keys, model = self.model
        try records.withUnsafeBufferPointer { buffer in
            let shared = Shared(buffer)
            let writers = WriterPool(world: world, keys: keys, output: output, capacity: min(rowsPerBlock, records.count) * 400, threads: config.threads)
            defer { writers.free() }
            try runParallel(blocks: blocks, threads: config.threads) { worker, block in
                try writers.with(worker, block: block) { writer in
                    let start = block * rowsPerBlock
                    for i in start..<min(start + rowsPerBlock, shared.value.count) {
                        model.writeRow(shared.value[i], records: shared.value, into: &writer)
                    }
                    try output.finish(block: block, writer: &writer)
                }
            }
        }
        return try output.close(blocks: blocks)
    }
}

/// One RowWriter per worker thread, reused across that worker's blocks. Slots live in raw
/// memory so that workers touching their own slot never contend on a Swift array.
final class WriterPool: @unchecked Sendable {
    private let slots: UnsafeMutablePointer<RowWriter?>
    private let count: Int
    private let make: () -> RowWriter
    private let names: [String]

    init(world: World, keys: ColumnKeys, output: TableOutput, capacity: Int, threads: Int) {
        count = max(1, threads)
        slots = .allocate(capacity: count)
        slots.initialize(repeating: nil, count: count)
        let wantCSV = output.wantCSV, wantJSON = output.wantJSON
        names = keys.names
        make = { RowWriter(arena: world.arena, dates: world.dates, keys: keys, csv: wantCSV, json: wantJSON, capacity: max(capacity, 4096)) }
    }

    /// Worker `w` only ever touches slot `w`. Block 0 starts with the CSV header.
    func with(_ worker: Int, block: Int, _ body: (inout RowWriter) throws -> Void) throws {
        if slots[worker] == nil { slots[worker] = make() }
        if block == 0 { slots[worker]!.csvHeader(names) }
        try body(&slots[worker]!)
    }

    func free() {
        for i in 0..<count { slots[i]?.free(); slots[i] = nil }
        slots.deinitialize(count: count)
        slots.deallocate()
    }
}

/// The pegawai reference data as pickers and tokens.
final class PegawaiModel: @unchecked Sendable {
    let world: World
    private let ref: ReferenceData
    private let snapshot: Int

    // Tokens of small enums.
    private let asnToks: [Int32]
    private let jabatanToks: [Int32]
    private let kedudukanToks: [Int32]
    private let genderToks: [Int32]
    private let golonganPnsToks: [Int32]
    private let golonganPppkToks: [Int32]
    private let siasnTok: Int32
    private var simpegToks: [Int32] = []

    // Generations.
    private struct Generation { let first: Int; let last: Int; let name: String }
    private let generations: [Generation]
    private let generationPicker: AliasTable
    private let senior: Int

    // Status and education.
    private let asnPicker: Picker<AsnKind>
    private struct Education {
        let tok: Int32
        let code: String
        let minAge: Int
        let graduationAge: Int
        let golonganEntry: Int
        let golonganCap: Int
        let golonganPppk: Int
        let gelar: [Int32]
        let gelarDepan: Int32
        let group: String
        let sarjana: Bool
    }
    private let educations: [Education]
    private let educationPicker: AliasTable
    private let seniorEducationPicker: AliasTable
    private var jabatanPickers: [String: [String: Picker<JabatanKind>]] = [:]

    // Positions.
    private struct Jenjang { let tok: Int32; let keahlian: Bool; let golMin: Int; let golMax: Int; let kelas: Int; let bup: Int; let golPppk: Int }
    private let jenjangs: [Jenjang]
    private var jenjangPickers: [String: [String: Picker<Int>]] = [:]  // kategori → generation → jenjang
    private let pppkJenjang: [Bool: Picker<Int>]
    private let seniorJenjang: Int
    private struct Fungsional { let name: String; let bup: Int?; let female: Double; let units: [Int32]; let gelarDepan: Int32; let gelar: [String: [Int32]]; let toks: [Int: Int32] }
    private var fungsional: [Fungsional] = []
    /// (jenis instansi or pusat index) → keahlian? → picker of fungsional indices.
    private var fungsionalDaerah: [JenisInstansi: [Bool: Picker<Int>]] = [:]
    private var fungsionalPusat: [[Bool: Picker<Int>]] = []
    private var seniorDaerah: [JenisInstansi: Picker<Int>] = [:]
    private var seniorPusat: [Picker<Int>?] = []
    private struct Position { let name: Int32; let eselon: Int32; let jenjang: Int32; let level: String; let kelompok: Int32; let kelas: Int }
    private var jpt: [String: Picker<Position>] = [:]
    private var administrator: Picker<Position>
    private var pengawas: Picker<Position>
    private var pelaksana: Picker<Position>
    private let strukturalGolMin: [String: Int]
    private let strukturalGolMax: [String: Int]
    private let strukturalKelas: [String: Int]
    private let strukturalBup: [JabatanKind: Int]
    private let strukturalFemale: [JabatanKind: Double]
    private let usiaMin: [JabatanKind: Int]

    // Places.
    private let provincePicker: Picker<Int>
    private var kabkotaInProvince: [Picker<Int>] = []
    private let kabkotaNational: Picker<Int>
    private let jakartaKabKota: Picker<Int>
    private let pusatPicker: Picker<Int>
    private var pusatUnits: [[Int32]] = []
    private var pusatVertical: [[[Int32]]] = []  // pusat → template → kabkota → unit
    private var opdPickers: [String: Picker<Int32>] = [:]
    private let daerahTier: Picker<String>

    // People.
    private let firstMale: [Int32], firstFemale: [Int32], middle: [Int32], last: [Int32]
    private var perkawinan: [(Int, Picker<Int32>)] = []
    /// Janda (P) / Duda (L): the label of one gender mapped to the other's.
    private var cerai: (female: Int32, male: Int32) = (-1, -1)
    private let gelarIr: Int32, gelarDrs: Int32, gelarDra: Int32, gelarProf: Int32
    private let kedudukanWeights: [(Kedudukan, Double)]
    private let masaPercobaan: Picker<Int>
    private let pppkYears: Picker<Int>
    private let pppkContract: Picker<Int>
    private let paruhWaktuActive: Bool
    private let paruhWaktuStart: Int
    private let nipLamaBefore: Int
    private let potensialPicker: Picker<Int8>
    private let nipLamaPrefixes: [(value: UInt64, digits: Int)]
    private let nipLamaDaerah: (value: UInt64, digits: Int)

    init(world: World) throws {
        self.world = world
        ref = world.ref
        snapshot = world.snapshotDay
        let arena = world.arena
        let kp = ref.kepegawaian
        let profil = ref.profil

        asnToks = AsnKind.labels.map(arena.add)
        jabatanToks = JabatanKind.labels.map(arena.add)
        kedudukanToks = Kedudukan.labels.map(arena.add)
        genderToks = ["L", "P"].map(arena.add)
        golonganPnsToks = kp.golonganPns.map { arena.add($0.kode) }
        golonganPppkToks = kp.golonganPppk.map(arena.add)
        siasnTok = arena.add(profil.sumberPusat)
        func golPns(_ code: String) throws -> Int {
            guard let i = kp.golonganPns.firstIndex(where: { $0.kode == code }) else { throw SampleError.reference("unknown golongan \(code)") }
            return i
        }
        func golPppk(_ code: String) throws -> Int {
            guard let i = kp.golonganPppk.firstIndex(of: code) else { throw SampleError.reference("unknown PPPK golongan \(code)") }
            return i
        }

        // Generations: the oldest one is "senior" (only positions with the highest BUP keep
        // them active at the snapshot).
        let generations = profil.generasi.map {
            Generation(first: Civil.day($0.lahirDari, 1, 1), last: Civil.day($0.lahirSampai, 12, 31), name: $0.nama)
        }
        self.generations = generations
        guard !generations.isEmpty else { throw SampleError.reference("profil.json: no generasi") }
        generationPicker = AliasTable(profil.generasi.map(\.porsi))
        let senior = generations.indices.min { generations[$0].last < generations[$1].last }!
        self.senior = senior
        let seniorShare = profil.generasi[senior].porsi / profil.generasi.reduce(0) { $0 + $1.porsi }

        // Status: the senior generation is all PNS, so the others get the rest of the PNS share.
        paruhWaktuStart = Civil.parse(profil.paruhWaktuMulai) ?? Int.max
        paruhWaktuActive = world.snapshotDay > paruhWaktuStart
        var asnWeights = profil.jenisAsn
        if !paruhWaktuActive, let pw = asnWeights["PPPK_PARUH_WAKTU"] {
            asnWeights["PPPK", default: 0] += pw
            asnWeights["PPPK_PARUH_WAKTU"] = 0
        }
        let asnTotal = asnWeights.values.reduce(0, +)
        asnPicker = Picker(try asnWeights.sortedEntries.map { entry in
            guard let kind = AsnKind.labels.firstIndex(of: entry.key).map({ AsnKind(rawValue: UInt8($0))! }), kind != .cpns else {
                throw SampleError.reference("profil.json: unknown jenis_asn \(entry.key)")
            }
            let share = entry.weight / asnTotal
            return (kind, max(0, kind == .pns ? share - seniorShare : share) / (1 - seniorShare))
        })

        // Education, compensated for the senior generation's own mix.
        let eduTotal = profil.pendidikan.values.reduce(0, +)
        let seniorEduTotal = profil.pendidikanBoomer.values.reduce(0, +)
        var educations: [Education] = []
        var general: [Double] = [], seniorWeights: [Double] = []
        for e in kp.pendidikan {
            guard let group = profil.kelompokPendidikan[e.kode] else { throw SampleError.reference("profil.json: no kelompok for \(e.kode)") }
            educations.append(Education(
                tok: arena.add(e.kode), code: e.kode, minAge: max(18, e.usiaMasukMin), graduationAge: e.usiaLulus,
                golonganEntry: try golPns(e.golonganPnsAwal), golonganCap: try golPns(e.golonganPnsMaks), golonganPppk: try golPppk(e.golonganPppk),
                gelar: e.gelarBelakang.map(arena.add), gelarDepan: e.gelarDepan.map(arena.add) ?? -1, group: group, sarjana: group == "sarjana"))
            let share = (profil.pendidikan[e.kode] ?? 0) / eduTotal
            let seniorPart = (profil.pendidikanBoomer[e.kode] ?? 0) / seniorEduTotal
            general.append(max(0, share - seniorShare * seniorPart) / (1 - seniorShare))
            seniorWeights.append(seniorPart)
        }
        self.educations = educations
        educationPicker = AliasTable(general)
        seniorEducationPicker = AliasTable(seniorWeights)
        for (asn, groups) in profil.jabatanMenurutPendidikan {
            for (group, weights) in groups {
                jabatanPickers[asn, default: [:]][group] = Picker(try weights.sortedEntries.map { entry in
                    guard let i = JabatanKind.labels.firstIndex(of: entry.key) else { throw SampleError.reference("profil.json: unknown jabatan \(entry.key)") }
                    return (JabatanKind(rawValue: UInt8(i))!, entry.weight)
                })
            }
        }

        // Jenjang of JF.
        var jenjangs: [Jenjang] = []
        for j in kp.jenjangFungsional {
            jenjangs.append(Jenjang(tok: arena.add(j.nama), keahlian: j.kategori == "keahlian", golMin: try golPns(j.golonganMin), golMax: try golPns(j.golonganMaks),
                                    kelas: j.kelasJabatan, bup: j.bup, golPppk: try golPppk(j.golonganPppk)))
        }
        self.jenjangs = jenjangs
        func jenjangPicker(_ weights: Weights) throws -> Picker<Int> {
            Picker(try weights.sortedEntries.map { entry in
                guard let i = kp.jenjangFungsional.firstIndex(where: { $0.nama == entry.key }) else { throw SampleError.reference("unknown jenjang \(entry.key)") }
                return (i, entry.weight)
            })
        }
        for (kategori, byGeneration) in [("keahlian", kp.jenjangMenurutGenerasi.keahlian), ("keterampilan", kp.jenjangMenurutGenerasi.keterampilan)] {
            for (gen, weights) in byGeneration { jenjangPickers[kategori, default: [:]][gen] = try jenjangPicker(weights) }
        }
        pppkJenjang = [true: try jenjangPicker(kp.jenjangMenurutGenerasi.pppkKeahlian), false: try jenjangPicker(kp.jenjangMenurutGenerasi.pppkKeterampilan)]
        seniorJenjang = jenjangs.indices.filter { jenjangs[$0].keahlian }.max { jenjangs[$0].bup < jenjangs[$1].bup }!
        let maxBup = jenjangs[seniorJenjang].bup

        // JF catalog: one nama_jabatan token per (JF, jenjang) of its categories.
        var catalogIndex: [String: Int] = [:]
        var fungsional: [Fungsional] = []
        for f in kp.jabatanFungsional {
            var toks: [Int: Int32] = [:]
            for (ji, j) in kp.jenjangFungsional.enumerated() where f.kategori.contains(j.kategori) {
                toks[ji] = arena.add(f.nama + " " + j.nama)
            }
            var gelar: [String: [Int32]] = [:]
            for edu in (f.gelarBelakang ?? [:]).keys.sorted() { gelar[edu] = f.gelarBelakang![edu]!.map(arena.add) }
            catalogIndex[f.nama] = fungsional.count
            fungsional.append(Fungsional(name: f.nama, bup: f.bup, female: f.perempuan / 100, units: f.unit.map(arena.add),
                                         gelarDepan: f.gelarDepan.map(arena.add) ?? -1, gelar: gelar, toks: toks))
        }
        self.fungsional = fungsional
        func jfPicker(_ weights: [(Int, Double)], keahlian: Bool, senior: Bool) -> Picker<Int>? {
            let kategori = keahlian ? "keahlian" : "keterampilan"
            let entries = weights.filter { (i, w) in
                w > 0 && kp.jabatanFungsional[i].kategori.contains(kategori) && (!senior || (fungsional[i].bup ?? maxBup) >= maxBup)
            }
            return entries.isEmpty ? nil : Picker(entries)
        }
        for jenis in [JenisInstansi.provinsi, .kabupaten, .kota] {
            let weights = kp.jabatanFungsional.enumerated().map { ($0.offset, $0.element.bobot[jenis.label] ?? 0) }
            fungsionalDaerah[jenis] = [:]
            fungsionalDaerah[jenis]![true] = jfPicker(weights, keahlian: true, senior: false)
            fungsionalDaerah[jenis]![false] = jfPicker(weights, keahlian: false, senior: false)
            seniorDaerah[jenis] = jfPicker(weights, keahlian: true, senior: true)
        }
        for p in ref.instansi.pusat {
            let weights = try p.jabatanFungsional.sortedEntries.map { entry -> (Int, Double) in
                guard let i = catalogIndex[entry.key] else { throw SampleError.reference("instansi.json: unknown JF \(entry.key) for \(p.nama)") }
                return (i, entry.weight)
            }
            var pickers: [Bool: Picker<Int>] = [:]
            pickers[true] = jfPicker(weights, keahlian: true, senior: false)
            pickers[false] = jfPicker(weights, keahlian: false, senior: false)
            fungsionalPusat.append(pickers)
            seniorPusat.append(jfPicker(weights, keahlian: true, senior: true))
        }

        // Structural and pelaksana positions.
        let s = kp.jabatanStruktural
        func golMap(_ m: [String: String]) throws -> [String: Int] { try m.mapValues { try golPns($0) } }
        strukturalGolMin = try golMap(s.golonganMin)
        strukturalGolMax = try golMap(s.golonganMaks)
        strukturalKelas = s.kelasJabatan
        strukturalBup = [.jpt: s.bup["JPT"] ?? 60, .administrator: s.bup["Administrator"] ?? 58, .pengawas: s.bup["Pengawas"] ?? 58, .pelaksana: kp.bupPelaksana]
        strukturalFemale = [.jpt: (s.perempuan["JPT"] ?? 20) / 100, .administrator: (s.perempuan["Administrator"] ?? 30) / 100,
                            .pengawas: (s.perempuan["Pengawas"] ?? 40) / 100, .pelaksana: kp.perempuanPelaksana / 100]
        usiaMin = [.jpt: profil.usiaMinStruktural["JPT"] ?? 0, .administrator: profil.usiaMinStruktural["Administrator"] ?? 0,
                   .pengawas: profil.usiaMinStruktural["Pengawas"] ?? 0]
        for tier in s.JPT.keys.sorted() {
            let list = s.JPT[tier]!
            jpt[tier] = Picker(list.map { (Position(name: arena.add($0.nama), eselon: arena.add($0.eselon), jenjang: arena.add($0.jenjang), level: $0.jenjang,
                                                    kelompok: -1, kelas: s.kelasJabatan[$0.jenjang] ?? 14), $0.bobot) })
        }
        administrator = Picker(s.Administrator.map { (Position(name: arena.add($0.nama), eselon: arena.add($0.eselon), jenjang: -1, level: "Administrator",
                                                               kelompok: -1, kelas: s.kelasJabatan["Administrator"] ?? 12), $0.bobot) })
        pengawas = Picker(s.Pengawas.map { (Position(name: arena.add($0.nama), eselon: arena.add($0.eselon), jenjang: -1, level: "Pengawas",
                                                     kelompok: -1, kelas: s.kelasJabatan["Pengawas"] ?? 9), $0.bobot) })
        pelaksana = Picker(kp.jabatanPelaksana.map { (Position(name: arena.add($0.nama), eselon: -1, jenjang: -1, level: "Pelaksana",
                                                              kelompok: arena.add($0.kelompok), kelas: $0.kelasJabatan), $0.bobot) })

        // Places.
        provincePicker = Picker(world.provinces.map { ($0.index, $0.population) })
        kabkotaInProvince = world.provinces.indices.map { world.kabkotaPicker(province: $0) }
        kabkotaNational = world.kabkotaPicker()
        guard let jakarta = world.provinces.first(where: { $0.code == "31" }) else { throw SampleError.reference("wilayah.json: province 31 is missing") }
        jakartaKabKota = world.kabkotaPicker(province: jakarta.index)
        pusatPicker = Picker(ref.instansi.pusat.enumerated().map { ($0.offset, $0.element.bobotPegawai) })
        for p in ref.instansi.pusat {
            pusatUnits.append(p.unitPusat.map(arena.add))
            pusatVertical.append(p.unitVertikal.map { template in world.kabkota.map { arena.add(Self.fill(template, $0, world)) } })
        }
        for tier in kp.opd.keys.sorted() { opdPickers[tier] = Picker(kp.opd[tier]!.map { (arena.add($0.nama), $0.bobot) }) }
        daerahTier = Picker(weights: profil.daerahTingkat)
        for inst in world.instansi {
            simpegToks.append(inst.jenis == .pusat ? -1 : arena.add("SIMPEG " + inst.name.replacingOccurrences(of: "Pemerintah ", with: "")))
        }

        // People.
        firstMale = ref.nama.depanLaki.map(arena.add)
        firstFemale = ref.nama.depanPerempuan.map(arena.add)
        middle = ref.nama.tengah.map(arena.add)
        last = ref.nama.belakang.map(arena.add)
        for band in profil.statusPerkawinan.sorted(by: { $0.usiaSampai < $1.usiaSampai }) {
            perkawinan.append((band.usiaSampai, Picker(band.bobot.sortedEntries.map { (arena.add($0.key), $0.weight) })))
        }
        if let p = profil.statusCeraiMenurutJenisKelamin["P"], let l = profil.statusCeraiMenurutJenisKelamin["L"] {
            cerai = (arena.add(p), arena.add(l))
        }
        gelarIr = arena.add("Ir.")
        gelarDrs = arena.add("Drs.")
        gelarDra = arena.add("Dra.")
        gelarProf = arena.add("Prof. Dr.")
        kedudukanWeights = try profil.kedudukanHukum.sortedEntries.map { entry in
            guard let i = Kedudukan.labels.firstIndex(of: entry.key) else { throw SampleError.reference("profil.json: unknown kedudukan \(entry.key)") }
            return (Kedudukan(rawValue: UInt8(i))!, entry.weight / 100)
        }
        masaPercobaan = Picker(profil.masaPercobaanBulan.sortedEntries.map { (Int($0.key) ?? 12, $0.weight) })
        pppkYears = Picker(profil.pppkTahunPengangkatan.sortedEntries.map { (Int($0.key) ?? 2024, $0.weight) })
        pppkContract = Picker(profil.pppkLamaKontrakTahun.sortedEntries.map { (max(1, Int($0.key) ?? 5), $0.weight) })
        nipLamaBefore = Civil.parse(profil.nipLamaSebelum) ?? Civil.day(2008, 1, 1)
        potensialPicker = Picker(ref.kinerja.potensial.sortedEntries.enumerated().map { (Int8($0.offset), $0.element.weight) })
        func prefix(_ text: String) -> (value: UInt64, digits: Int) { (UInt64(text) ?? 0, min(text.count, 8)) }
        nipLamaPrefixes = ref.instansi.pusat.map { prefix($0.nipLamaAwalan) }
        nipLamaDaerah = prefix(ref.instansi.nipLamaAwalanDaerah)
    }

    /// "{kabkota}", "{nama_pendek}" and "{provinsi}" in a unit template; a template without
    /// placeholders gets the kab/kota name appended.
    static func fill(_ template: String, _ kk: KabKota, _ world: World) -> String {
        guard template.contains("{") else { return template + " " + kk.name }
        return template.replacingOccurrences(of: "{kabkota}", with: kk.name)
            .replacingOccurrences(of: "{nama_pendek}", with: kk.shortName)
            .replacingOccurrences(of: "{provinsi}", with: world.provinces[kk.province].name)
    }

    func nipLamaPrefix(_ pusat: Int) -> (value: UInt64, digits: Int) { pusat >= 0 ? nipLamaPrefixes[pusat] : nipLamaDaerah }

    var potensialCount: Int { potensialPicker.values.count }

    // MARK: drawing one record

    func draw(_ rng: inout Rng) -> PegawaiRecord {
        var r = PegawaiRecord()
        let profil = ref.profil
        let kosong = profil.kosong
        let gen = generationPicker.pick(&rng)
        let isSenior = gen == senior
        var asn: AsnKind = isSenior ? .pns : asnPicker.pick(&rng)
        let edu = educations[isSenior ? seniorEducationPicker.pick(&rng) : educationPicker.pick(&rng)]
        let asnKey = AsnKind.labels[Int(asn.rawValue)]
        var kind: JabatanKind = isSenior ? .fungsional : (jabatanPickers[asnKey]?[edu.group]?.pick(&rng) ?? .pelaksana)

        // Where.
        var jenis: JenisInstansi
        var province: Int
        var pusat = -1
        if rng.chance(profil.daerah / 100) {
            province = provincePicker.pick(&rng)
            let prov = world.provinces[province]
            if !prov.autonomousKabKota || daerahTier.pick(&rng) == "Provinsi" {
                r.instansi = Int32(prov.instansi)
                jenis = .provinsi
                r.wilayahTok = rng.chance(profil.pemprovKodeWilayahProvinsi) ? prov.codeTok : world.kabkota[kabkotaInProvince[province].pick(&rng)].codeTok
            } else {
                let k = kabkotaInProvince[province].pick(&rng)
                r.instansi = Int32(world.kabkota[k].instansi)
                jenis = world.kabkota[k].isKota ? .kota : .kabupaten
                r.wilayahTok = world.kabkota[k].codeTok
            }
        } else {
            pusat = pusatPicker.pick(&rng)
            jenis = .pusat
            r.instansi = Int32(world.pusatInstansi[pusat])
            let vertical = !pusatVertical[pusat].isEmpty && rng.chance(ref.instansi.pusat[pusat].porsiVertikal)
            let k = vertical ? kabkotaNational.pick(&rng) : jakartaKabKota.pick(&rng)
            province = world.kabkota[k].province
            r.wilayahTok = world.kabkota[k].codeTok
            if vertical {
                let templates = pusatVertical[pusat]
                r.unitTok = templates[rng.below(templates.count)][k]
            } else {
                r.unitTok = pusatUnits[pusat].isEmpty ? -1 : pusatUnits[pusat][rng.below(pusatUnits[pusat].count)]
            }
        }

        // What position: decides the BUP, which bounds the birth date.
        var jf = -1, jenjang = -1
        var position: Position?
        var bup = 58
        var birthFirst = 0, birthLast = 0
        let gFirst = generations[gen].first, gLast = generations[gen].last
        for attempt in 0..<4 {
            jf = -1; jenjang = -1; position = nil
            if kind == .fungsional {
                let keahlian = edu.sarjana
                let picker: Picker<Int>? = isSenior
                    ? (pusat >= 0 ? seniorPusat[pusat] : seniorDaerah[jenis])
                    : (pusat >= 0 ? fungsionalPusat[pusat][keahlian] : fungsionalDaerah[jenis]?[keahlian])
                if let picker, keahlian || edu.group == "D3" {
                    jf = picker.pick(&rng)
                    if isSenior {
                        jenjang = seniorJenjang
                    } else if asn.isPNS {
                        jenjang = jenjangPickers[keahlian ? "keahlian" : "keterampilan"]?[generations[gen].name]?.pick(&rng)
                            ?? jenjangs.firstIndex { $0.keahlian == keahlian }!
                    } else {
                        jenjang = pppkJenjang[keahlian]!.pick(&rng)
                    }
                    bup = fungsional[jf].bup ?? jenjangs[jenjang].bup
                } else {
                    kind = .pelaksana
                }
            }
            switch kind {
            case .jpt:
                let tier = jenis == .pusat ? "Pusat" : jenis == .provinsi ? "Provinsi" : "KabKota"
                position = jpt[tier]?.pick(&rng)
                bup = strukturalBup[.jpt]!
            case .administrator: position = administrator.pick(&rng); bup = strukturalBup[.administrator]!
            case .pengawas: position = pengawas.pick(&rng); bup = strukturalBup[.pengawas]!
            case .pelaksana: position = pelaksana.pick(&rng); bup = strukturalBup[.pelaksana]!
            case .fungsional: break
            }
            if kind == .jpt && position == nil { kind = .administrator; continue }
            let minAge = max(edu.minAge, usiaMin[kind] ?? 0)
            let oldest = Civil.addYears(snapshot, -bup) + 1
            let youngest = Civil.addYears(snapshot, -minAge) - 31
            birthFirst = max(gFirst, oldest)
            birthLast = min(gLast, youngest)
            if birthFirst <= birthLast { break }
            if attempt == 3 || isSenior && kind == .fungsional && jf >= 0 {
                // No overlap with the generation: keep the position, leave the generation.
                birthFirst = oldest
                birthLast = max(oldest, youngest)
                break
            }
            kind = kind.isStruktural ? (edu.sarjana ? .fungsional : .pelaksana) : .pelaksana
        }
        let birth = rng.between(birthFirst, birthLast)
        r.birth = Int32(birth)
        r.jabatan = kind
        r.bup = Int16(bup)

        // Gender follows the position.
        let femaleShare: Double = jf >= 0 ? fungsional[jf].female : (strukturalFemale[kind] ?? 0.5)
        r.female = rng.chance(femaleShare)

        // Appointment.
        let minEntry = Civil.firstOfMonthOnOrAfter(Civil.addYears(birth, edu.minAge))
        let lastMonth = Civil.firstOfMonth(snapshot - 1)
        var golongan = 0
        if asn.isPNS {
            var tmt = -1
            let usia = profil.usiaMasuk
            if rng.chance(usia.porsiHonorer) {
                let y = rng.between(usia.honorerTmtDari, usia.honorerTmtSampai)
                let candidate = Civil.day(y, rng.between(1, 12), 1)
                if candidate >= minEntry && candidate <= lastMonth && Civil.years(from: birth, to: candidate) <= usia.honorerMaks { tmt = candidate }
            }
            if tmt < 0 {
                var age = edu.minAge + Int(rng.exponential(usia.rataTambahan))
                if age > usia.maks { age = edu.minAge + rng.below(max(1, usia.maks - edu.minAge + 1)) }
                tmt = Civil.firstOfMonthOnOrAfter(Civil.addMonths(Civil.addYears(birth, age), rng.below(12)))
                if tmt > lastMonth || tmt < minEntry { tmt = randomMonth(&rng, from: minEntry, to: lastMonth) }
            }
            r.tmtCpns = Int32(tmt)
            r.firstStart = Int32(tmt)
            let tmtPns = Civil.addMonths(tmt, masaPercobaan.pick(&rng))
            if tmtPns <= snapshot {
                asn = .pns
                r.tmtPns = Int32(tmtPns)
            } else {
                asn = .cpns
            }
            // Rank: entry rank by education plus one step per kenaikan_pangkat_tahun.
            let years = Civil.years(from: tmt, to: snapshot)
            let steps = asn == .cpns ? 0 : years / max(1, ref.kepegawaian.kenaikanPangkatTahun)
            golongan = max(edu.golonganEntry, min(edu.golonganEntry + steps, edu.golonganCap))
            if kind == .fungsional, jenjang >= 0 {
                if asn == .cpns && !isSenior {
                    // A CPNS holds the entry jenjang of its category.
                    let keahlian = jenjangs[jenjang].keahlian
                    jenjang = jenjangs.indices.first { jenjangs[$0].keahlian == keahlian && jenjangs[$0].golMax >= golongan } ?? jenjang
                    bup = fungsional[jf].bup ?? jenjangs[jenjang].bup
                    r.bup = Int16(bup)
                }
                golongan = min(max(golongan, jenjangs[jenjang].golMin), jenjangs[jenjang].golMax)
            } else if let position, kind.isStruktural {
                golongan = min(max(golongan, strukturalGolMin[position.level] ?? golongan), strukturalGolMax[position.level] ?? golongan)
            }
            r.golonganTok = golonganPnsToks[golongan]
            if asn == .cpns || golongan == edu.golonganEntry {
                r.tmtGolongan = Int32(tmt)
            } else {
                let from = max(Int(r.tmtPns), Civil.addYears(snapshot, -4))
                let promoted = Self.promotionDate(rng.between(min(from, snapshot - 1), snapshot - 1))
                r.tmtGolongan = Int32(max(promoted, Int(r.tmtPns)))
            }
            r.pensiun = Int32(Civil.firstOfNextMonth(Civil.addYears(birth, bup)))
            r.wantsNipLama = tmt < nipLamaBefore && rng.chance(profil.nipLamaPeluang)
            let yyyymm = UInt64(Civil.civil(tmt).year * 100 + Civil.civil(tmt).month)
            r.nipPrefix = Self.yyyymmdd(birth) * 10_000_000 + yyyymm * 10 + (r.female ? 2 : 1)
        } else {
            var first: Int
            if asn == .paruhWaktu && paruhWaktuActive {
                first = Civil.addMonths(Civil.firstOfMonth(snapshot - 1), -rng.below(max(1, profil.paruhWaktuBulanTerakhir)))
                if first < paruhWaktuStart || first < minEntry { first = max(Civil.firstOfMonthOnOrAfter(paruhWaktuStart), minEntry) }
                if first > lastMonth { first = lastMonth }
            } else {
                asn = asn == .paruhWaktu ? .pppk : asn
                let earliest = max(Civil.day(profil.pppkTahunPertama, 1, 1), minEntry)
                var year = pppkYears.pick(&rng)
                if year < Civil.year(earliest) || year > Civil.year(lastMonth) { year = rng.between(Civil.year(earliest), max(Civil.year(earliest), Civil.year(lastMonth))) }
                let from = max(earliest, Civil.day(year, 1, 1)), to = min(lastMonth, Civil.day(year, 12, 1))
                first = randomMonth(&rng, from: from, to: max(from, to))
                if first > lastMonth { first = lastMonth }
            }
            r.firstStart = Int32(first)
            let length = asn == .paruhWaktu ? 1 : pppkContract.pick(&rng)
            var awal = first
            while Civil.addYears(awal, length) <= snapshot { awal = Civil.addYears(awal, length) }
            let retire = Civil.firstOfNextMonth(Civil.addYears(birth, bup))
            r.pppkAwal = Int32(awal)
            r.pppkAkhir = Int32(min(Civil.addYears(awal, length) - 1, retire - 1))
            golongan = edu.golonganPppk
            if kind == .fungsional, jenjang >= 0 { golongan = max(golongan, jenjangs[jenjang].golPppk) }
            r.golonganTok = golonganPppkToks[golongan]
            r.tmtGolongan = Int32(awal)
            let code = UInt64(ref.profil.pppkKodeNip) ?? 21
            r.nipPrefix = Self.yyyymmdd(birth) * 10_000_000 + (UInt64(Civil.year(first)) * 100 + code) * 10 + (r.female ? 2 : 1)
        }
        r.asn = asn

        // Position columns.
        if kind == .fungsional, jf >= 0, jenjang >= 0 {
            r.namaJabatanTok = fungsional[jf].toks[jenjang] ?? -1
            r.jenjangTok = jenjangs[jenjang].tok
            r.kelas = Int16(jenjangs[jenjang].kelas)
            r.jenjang = Int8(jenjang)
        } else if let position {
            r.namaJabatanTok = position.name
            r.eselonTok = position.eselon
            r.jenjangTok = position.jenjang
            r.kelompokTok = position.kelompok
            r.kelas = Int16(position.kelas)
        }
        let start = asn.isPNS ? Int(r.tmtPns == Civil.none ? r.tmtCpns : r.tmtPns) : Int(r.pppkAwal)
        r.tmtJabatan = Int32(asn == .cpns ? start : randomMonth(&rng, from: start, to: max(start, lastMonth)))

        // Unit.
        if pusat < 0 {
            let tier = jenis == .provinsi ? "Provinsi" : "KabKota"
            if jf >= 0, !fungsional[jf].units.isEmpty {
                r.unitTok = fungsional[jf].units[rng.below(fungsional[jf].units.count)]
            } else {
                r.unitTok = opdPickers[tier]?.pick(&rng) ?? -1
            }
        }
        r.unitKey = r.unitTok >= 0 ? world.arena.stableHash(r.unitTok) : 0

        // Status.
        if asn.isPNS {
            let untilPension = Int(r.pensiun) - snapshot
            if asn == .pns && untilPension <= 366 && rng.chance(profil.mppPeluang) {
                r.kedudukan = .mpp
            } else {
                var u = rng.unit()
                for (k, p) in kedudukanWeights {
                    if u < p {
                        if k == .tugasBelajar && Civil.years(from: birth, to: snapshot) > profil.tugasBelajarUsiaMaks { break }
                        r.kedudukan = k
                        break
                    }
                    u -= p
                }
            }
        }

        // Person.
        let firstNames = r.female ? firstFemale : firstMale
        r.nama.0 = firstNames[rng.below(firstNames.count)]
        if rng.chance(ref.nama.peluangTengah) { r.nama.1 = middle[rng.below(middle.count)] }
        if !rng.chance(ref.nama.peluangTanpaBelakang) { r.nama.2 = last[rng.below(last.count)] }
        let gelarList = (jf >= 0 ? fungsional[jf].gelar[edu.code] : nil) ?? edu.gelar
        if !gelarList.isEmpty && !rng.chance(kosong.gelarBelakang) { r.gelarBelakangTok = gelarList[rng.below(gelarList.count)] }
        if jf >= 0 && fungsional[jf].gelarDepan >= 0 {
            r.gelarDepanTok = fungsional[jf].gelarDepan
        } else if edu.gelarDepan >= 0 && rng.chance(0.8) {
            r.gelarDepanTok = jenjang == seniorJenjang && rng.chance(profil.gelarDepan["Prof."] ?? 0) ? gelarProf : edu.gelarDepan
        } else if Civil.year(birth) < profil.gelarDepanIrDraLahirSebelum && edu.sarjana && (jf < 0 || fungsional[jf].gelar.isEmpty) {
            if rng.chance(profil.gelarDepan["Ir."] ?? 0) { r.gelarDepanTok = gelarIr }
            else if rng.chance(profil.gelarDepan["Drs."] ?? 0) { r.gelarDepanTok = r.female ? gelarDra : gelarDrs }
        }
        let age = Civil.years(from: birth, to: snapshot)
        r.agamaTok = rng.chance(kosong.agama) ? -1 : world.provinces[province].agama.pick(&rng)
        if !rng.chance(kosong.statusPerkawinan) {
            var status = (perkawinan.first { age <= $0.0 } ?? perkawinan.last!).1.pick(&rng)
            if status == cerai.female || status == cerai.male { status = r.female ? cerai.female : cerai.male }
            r.perkawinanTok = status
        }
        let extra = edu.code == "S2" || edu.code == "S3" ? rng.below(13) : edu.sarjana || edu.group == "D3" ? rng.below(3) : 0
        r.tahunLulus = Int16(min(Civil.year(birth) + edu.graduationAge + extra, world.snapshotYear))
        r.pendidikanTok = edu.tok
        r.sumberTok = jenis != .pusat && rng.chance(profil.sumberDaerahSimpeg) ? simpegToks[Int(r.instansi)] : siasnTok
        if rng.chance(ref.kinerja.porsiPemetaanTalenta) { r.potensial = potensialPicker.pick(&rng) }

        // Export nulls.
        if rng.chance(kosong.golongan) { r.golonganTok = -1 }
        if rng.chance(kosong.tmtGolongan) { r.tmtGolongan = Civil.none }
        if rng.chance(kosong.jenisJabatan) { r.jenisJabatanNull = true }
        if rng.chance(kosong.namaJabatan) { r.namaJabatanTok = -1 }
        if rng.chance(kosong.kelasJabatan) { r.kelas = -1 }
        if rng.chance(kosong.tmtJabatan) { r.tmtJabatan = Civil.none }
        if rng.chance(kosong.tingkatPendidikan) { r.pendidikanTok = -1 }
        if rng.chance(kosong.tahunLulus) { r.tahunLulus = -1 }
        if rng.chance(kosong.unitOrganisasi) { r.unitTok = -1 }
        if rng.chance(kosong.kodeWilayahKerja) { r.wilayahTok = -1 }
        if rng.chance(kosong.bup) { r.bupNull = true }
        return r
    }

    /// A first-of-month between two firsts-of-month, uniformly by month.
    private func randomMonth(_ rng: inout Rng, from: Int, to: Int) -> Int {
        let a = Civil.civil(from), b = Civil.civil(to)
        let months = (b.year * 12 + b.month) - (a.year * 12 + a.month)
        return months <= 0 ? Civil.firstOfMonth(from) : Civil.addMonths(Civil.firstOfMonth(from), rng.below(months + 1))
    }

    /// The latest promotion period (1 April or 1 October) on or before `day`.
    static func promotionDate(_ day: Int) -> Int {
        let (y, m, _) = Civil.civil(day)
        return m >= 10 ? Civil.day(y, 10, 1) : m >= 4 ? Civil.day(y, 4, 1) : Civil.day(y - 1, 10, 1)
    }

    static func yyyymmdd(_ day: Int) -> UInt64 {
        let (y, m, d) = Civil.civil(day)
        return UInt64(y * 10000 + m * 100 + d)
    }

    // MARK: writing

    func writeRow(_ r: PegawaiRecord, records: UnsafeBufferPointer<PegawaiRecord>, into w: inout RowWriter) {
        w.beginRow()
        w.digits(r.nip, count: 18)
        if r.hasNipLama { w.digits(r.nipLama, count: 9) } else { w.null() }
        w.joined(r.nama)
        w.tok(r.gelarDepanTok)
        w.tok(r.gelarBelakangTok)
        w.tok(genderToks[r.female ? 1 : 0])
        w.date(r.birth)
        w.tok(r.agamaTok)
        w.tok(r.perkawinanTok)
        w.tok(asnToks[Int(r.asn.rawValue)])
        w.tok(kedudukanToks[Int(r.kedudukan.rawValue)])
        w.date(r.tmtCpns)
        w.date(r.tmtPns)
        w.date(r.pppkAwal)
        w.date(r.pppkAkhir)
        w.tok(r.golonganTok)
        w.date(r.tmtGolongan)
        if r.jenisJabatanNull {
            w.null(); w.null(); w.null()
        } else {
            w.tok(jabatanToks[Int(r.jabatan.rawValue)])
            w.tok(r.eselonTok)
            w.tok(r.jenjangTok)
        }
        w.tok(r.namaJabatanTok)
        w.tok(r.jenisJabatanNull ? -1 : r.kelompokTok)
        w.int(r.kelas >= 0 ? Int(r.kelas) : nil)
        w.date(r.tmtJabatan)
        w.tok(r.pendidikanTok)
        w.int(r.tahunLulus >= 0 ? Int(r.tahunLulus) : nil)
        let inst = world.instansi[Int(r.instansi)]
        w.tok(inst.jenisTok)
        w.tok(inst.codeTok)
        w.tok(inst.nameTok)
        w.tok(r.unitTok)
        w.tok(r.wilayahTok)
        w.int(r.bupNull ? nil : Int(r.bup))
        w.date(r.asn.isPNS ? r.pensiun : Civil.none)
        w.tok(world.snapshotTok)
        w.tok(r.sumberTok)
        w.endRow()
    }
}
