// The kinerja table (domain.md §5.3): per pegawai, one TAHUNAN evaluation of the year before
// the snapshot and twelve BULANAN evaluations of the snapshot's year. Periods that end after
// the snapshot (or too shortly before it) are planned but not yet rated.
import Foundation

final class KinerjaTable: @unchecked Sendable {
    static func columns(_ ref: ReferenceData) -> [String] {
        ["nip", "tahun", "jenis_periode", "periode_ke", "tanggal_awal", "tanggal_akhir", "pendekatan", "capaian_persen",
         "rating_hasil_kerja", "rating_perilaku_kerja"]
            + ref.kinerja.nilaiBerakhlak.map { "rating_" + $0 }
            + ["predikat_kinerja", "predikat_organisasi", "status_skp", "nip_pejabat_penilai", "jp_pengembangan_kompetensi",
               "potensial", "kotak_talenta", "angka_kredit", "tanggal_data", "sumber"]
    }

    private let world: World
    private let keys: ColumnKeys
    private let ref: KinerjaFile
    private let ratingToks: [Int32]
    private let predikatToks: [Int32]
    private let orgToks: [Int32]
    private let orgPicker: Picker<Int>
    /// Index orgToks.count = no organisational predikat.
    private let predikatByOrg: [Picker<Int>]
    private let pairs: [Picker<(Int, Int)>]
    private let pendekatanToks: [Int32]
    private let pendekatanPicker: Picker<Int>
    private let kuantitatif: Int
    private let capaian: [(Int, Int)]
    private let dinilai: Picker<Int32>
    private let belumDinilai: Picker<Int32>
    private let potensialToks: [Int32]
    private let kotak: [[Int]]
    private let angkaKreditPercent: [Int]
    private let koefisienMilli: [Int]
    private let jpMonthly: Picker<Int>
    private let periodeToks: (tahunan: Int32, bulanan: Int32)
    private let sumberTok: Int32

    init(world: World) {
        self.world = world
        let arena = world.arena
        let ref = world.ref.kinerja
        self.ref = ref
        keys = ColumnKeys(Self.columns(world.ref), arena: arena)
        let ratings = ref.rating
        ratingToks = ratings.map(arena.add)
        let predikat = Array(Set(ref.matriksPredikat.values.flatMap { $0.values })).sorted()
        predikatToks = predikat.map(arena.add)
        let orgEntries = ref.predikatOrganisasi.sortedEntries
        orgToks = orgEntries.map { arena.add($0.key) }
        orgPicker = Picker(orgEntries.enumerated().map { ($0.offset, $0.element.weight) })
        func predikatPicker(_ weights: Weights?) -> Picker<Int> {
            let w = weights ?? ref.predikatMenurutOrganisasi["TIDAK_ADA"] ?? [:]
            return Picker(predikat.enumerated().map { ($0.offset, w[$0.element] ?? 0) })
        }
        predikatByOrg = orgEntries.map { predikatPicker(ref.predikatMenurutOrganisasi[$0.key]) } + [predikatPicker(nil)]
        pairs = predikat.map { name in
            let list = (ref.pasanganRating[name] ?? []).compactMap { entry -> ((Int, Int), Double)? in
                guard entry.count == 3, let h = entry[0].text.flatMap(ratings.firstIndex(of:)),
                      let p = entry[1].text.flatMap(ratings.firstIndex(of:)), let w = entry[2].number,
                      ref.matriksPredikat[ratings[h]]?[ratings[p]] == name else { return nil }
                return ((h, p), w)
            }
            // Pairs that disagree with the matrix are dropped above; fall back to any pair of the matrix.
            if list.isEmpty {
                for (h, hn) in ratings.enumerated() {
                    for (p, pn) in ratings.enumerated() where ref.matriksPredikat[hn]?[pn] == name { return Picker([((h, p), 1)]) }
                }
                return Picker([((1, 1), 1)])
            }
            return Picker(list)
        }
        let pendekatan = ref.pendekatan.sortedEntries
        pendekatanToks = pendekatan.map { arena.add($0.key) }
        pendekatanPicker = Picker(pendekatan.enumerated().map { ($0.offset, $0.element.weight) })
        kuantitatif = pendekatan.firstIndex { $0.key == "kuantitatif" } ?? -1
        capaian = ratings.map { r in
            let range = ref.capaianPersen[r] ?? [90, 110]
            return (Int(range[0] * 100), Int(range[range.count - 1] * 100))
        }
        dinilai = Picker(ref.statusDinilai.sortedEntries.map { (arena.add($0.key), $0.weight) })
        belumDinilai = Picker(ref.statusBelumDinilai.sortedEntries.map { (arena.add($0.key), $0.weight) })
        let potensial = ref.potensial.sortedEntries.map(\.key)
        potensialToks = potensial.map(arena.add)
        kotak = ratings.map { r in potensial.map { ref.kotakTalenta[r]?[$0] ?? 0 } }
        angkaKreditPercent = predikat.map { Int(ref.persenAngkaKredit[$0] ?? 100) }
        koefisienMilli = world.ref.kepegawaian.jenjangFungsional.map { Int(($0.koefisienAngkaKredit * 1000).rounded()) }
        jpMonthly = Picker(ref.jpBulanan.nilai.map { (Int($0[0] * 10), $0.count > 1 ? $0[1] : 1) })
        periodeToks = (arena.add("TAHUNAN"), arena.add("BULANAN"))
        sumberTok = arena.add(ref.sumber)
    }

    func write(pegawai: PegawaiTable, config: SampleConfig) throws -> [SampleFileReport] {
        let output = try TableOutput(table: .kinerja, columns: keys.names, directory: config.outputDirectory, config: config)
        let perBlock = max(1, config.blockRows / 13)
        let count = pegawai.records.count
        let blocks = (count + perBlock - 1) / perBlock
        let seed = world.seed
        try pegawai.records.withUnsafeBufferPointer { buffer in
            let shared = Shared(buffer)
            let writers = WriterPool(world: world, keys: keys, output: output, capacity: min(perBlock, max(count, 1)) * 13 * 300, threads: config.threads)
            defer { writers.free() }
            try runParallel(blocks: blocks, threads: config.threads) { worker, block in
                var rng = Rng(seed: seed, stream: "kinerja", block: block)
                try writers.with(worker, block: block) { writer in
                    let start = block * perBlock
                    for i in start..<min(start + perBlock, count) {
                        self.writeRows(of: i, records: shared.value, rng: &rng, into: &writer)
                    }
                    try output.finish(block: block, writer: &writer)
                }
            }
        }
        return try output.close(blocks: blocks)
    }

    private func writeRows(of index: Int, records: UnsafeBufferPointer<PegawaiRecord>, rng: inout Rng, into w: inout RowWriter) {
        let p = records[index]
        let year = world.snapshotYear
        let snapshot = world.snapshotDay
        let penilai: UInt64? = p.penilai >= 0 ? records[Int(p.penilai)].nip : nil
        let away = p.kedudukan == .cltn || p.kedudukan == .tugasBelajar || p.kedudukan == .pemberhentianSementara
        let end = p.asn.isPNS ? Int(p.pensiun) : Int(p.pppkAkhir) + 1  // first day no longer in service
        // TAHUNAN of the previous year, then BULANAN 1-12 of the snapshot's year.
        for period in 0...12 {
            let periodStart = period == 0 ? Civil.day(year - 1, 1, 1) : Civil.day(year, period, 1)
            let periodEnd = period == 0 ? Civil.day(year - 1, 12, 31) : Civil.addMonths(periodStart, 1) - 1
            if Int(p.firstStart) > (period == 0 ? Civil.day(year - 1, 12, 1) : periodStart) { continue }
            if period > 0 && (away || periodStart >= end) { continue }
            let awal = max(periodStart, Int(p.firstStart))
            let assessed = periodEnd + ref.jedaPenilaianHari < snapshot
            let rated = assessed && !rng.chance(ref.kosong.belumDinilai)

            w.beginRow()
            w.digits(p.nip, count: 18)
            w.int(period == 0 ? year - 1 : year)
            w.tok(period == 0 ? periodeToks.tahunan : periodeToks.bulanan)
            w.int(period == 0 ? nil : period)
            w.date(Int32(awal))
            w.date(Int32(periodEnd))
            let approach = rng.chance(ref.kosong.pendekatan) ? -1 : pendekatanPicker.pick(&rng)
            w.tok(approach >= 0 ? pendekatanToks[approach] : -1)

            // Organisational predikat: one per (instansi, unit, year).
            let orgHash = hashValues(world.seed, 0x4F52_4741_4E49_5341, UInt64(UInt32(bitPattern: p.instansi)) << 32 | UInt64(p.unitKey),
                                     UInt64(period == 0 ? year - 1 : year))
            var org = orgToks.count
            if Double(orgHash >> 11) * 0x1p-53 >= ref.kosong.predikatOrganisasi {
                var orgRng = Rng(seed: orgHash)
                org = orgPicker.pick(&orgRng)
            }
            if rated {
                let predikat = predikatByOrg[org].pick(&rng)
                let (hasil, perilaku) = pairs[predikat].pick(&rng)
                if approach == kuantitatif {
                    let (lo, hi) = capaian[hasil]
                    w.decimal(rng.between(lo, hi), scale: 2)
                } else {
                    w.null()
                }
                w.tok(ratingToks[hasil])
                w.tok(ratingToks[perilaku])
                let values = !rng.chance(ref.kosong.nilaiBerakhlak)
                for _ in ref.nilaiBerakhlak {
                    if !values { w.null(); continue }
                    let same = rng.chance(ref.nilaiSamaDenganPerilaku)
                    w.tok(ratingToks[same ? perilaku : (perilaku + 1 + rng.below(ratingToks.count - 1)) % ratingToks.count])
                }
                w.tok(predikatToks[predikat])
                w.tok(org < orgToks.count ? orgToks[org] : -1)
                w.tok(dinilai.pick(&rng))
                writePenilai(penilai, &w)
                writeJP(p, period: period, periodStart: periodStart, snapshot: snapshot, rng: &rng, &w)
                if p.potensial >= 0 {
                    w.tok(potensialToks[Int(p.potensial)])
                    w.int(kotak[hasil][Int(p.potensial)])
                } else {
                    w.null(); w.null()
                }
                if p.jabatan == .fungsional && p.jenjang >= 0 {
                    let milli = koefisienMilli[Int(p.jenjang)] * angkaKreditPercent[predikat] / 100
                    w.decimal(period == 0 ? milli : (milli + 6) / 12, scale: 3)
                } else {
                    w.null()
                }
            } else {
                w.null()  // capaian
                w.null(); w.null()
                for _ in ref.nilaiBerakhlak { w.null() }
                w.null()  // predikat
                w.tok(org < orgToks.count ? orgToks[org] : -1)
                w.tok(belumDinilai.pick(&rng))
                writePenilai(penilai, &w)
                writeJP(p, period: period, periodStart: periodStart, snapshot: snapshot, rng: &rng, &w)
                w.null(); w.null()  // potensial, kotak
                w.null()  // angka kredit
            }
            w.tok(world.snapshotTok)
            w.tok(sumberTok)
            w.endRow()
        }
    }

    @inline(__always)
    private func writePenilai(_ nip: UInt64?, _ w: inout RowWriter) {
        if let nip { w.digits(nip, count: 18) } else { w.null() }
    }

    /// JP in the period: the year's total on TAHUNAN rows (PPPK capped), the month's on BULANAN
    /// rows; null for months that have not begun.
    private func writeJP(_ p: PegawaiRecord, period: Int, periodStart: Int, snapshot: Int, rng: inout Rng, _ w: inout RowWriter) {
        if periodStart >= snapshot || rng.chance(ref.kosong.jpPengembanganKompetensi) { w.null(); return }
        if period == 0 {
            let t = ref.jpTahunan
            var tenths: Int
            if p.asn.isPNS {
                tenths = Int((t.pnsMedian * exp(t.pnsSebaran * rng.normal()) * 10).rounded())
            } else {
                tenths = min(Int(t.pppkMaks * 10), Int((t.pppkMedian * exp(0.5 * rng.normal()) * 10).rounded()))
            }
            w.decimal(max(0, min(tenths, 9999)), scale: 1)
        } else {
            w.decimal(rng.chance(ref.jpBulanan.nol) ? 0 : jpMonthly.pick(&rng), scale: 1)
        }
    }
}
