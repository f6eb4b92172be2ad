// The layanan table (domain.md §5.2): one row per service application, from 1 January of the
// year before the snapshot up to the day before it, ordered by day and, within a day, by
// local time. Blocks are runs of whole days, so the per-(kab/kota, day) sequence numbers of
// id_permohonan are block-local and the output does not depend on the threads.
import Foundation

final class LayananTable: @unchecked Sendable {
    static let columns = [
        "id_permohonan", "kode_instansi", "nama_instansi", "jenis_instansi", "kode_wilayah", "unit_layanan", "jenis_layanan",
        "kategori_layanan", "kanal", "kategori_pemohon", "tanggal_permohonan", "tanggal_berkas_lengkap", "tanggal_selesai",
        "status", "sla_hari_kerja", "durasi_hari_kerja", "tepat_waktu", "biaya",
        "skm_u1", "skm_u2", "skm_u3", "skm_u4", "skm_u5", "skm_u6", "skm_u7", "skm_u8", "skm_u9",
        "skor_ikm", "ada_pengaduan", "tanggal_data", "sumber",
    ]

    private struct Service {
        let name: Int32
        let kategori: Int32
        let sla: Int
        let onTime: Double
        let sumber: Int32
        let tariffs: Picker<Int>?  // cents
        let range: (lo: Int, hi: Int, step: Int)  // rupiah
        let pemohon: Picker<Int32>
        let kanal: Picker<Int>
        let kanalOnline: Picker<Int>?
    }

    private let world: World
    private let ref: LayananFile
    private let keys: ColumnKeys
    private let services: [Service]
    private let serviceInHours: AliasTable
    private let serviceOutOfHours: AliasTable
    private let kanalToks: [Int32]
    private let mppKanal: Int
    private let units: [[Int32]]      // service → kab/kota
    private let providers: [[Int32]]  // service → kab/kota → instansi index
    private let mppUnits: [Int32]
    private let quality: [[Double]]   // service → kab/kota: the unit's mean SKM score
    private let offsets: [Int]        // kab/kota → UTC offset (hours)
    private let kabkotaCodes: [Int32] // kab/kota → kode_wilayah token
    /// service → kab/kota → (kode, nama, jenis) tokens of the provider.
    private let providerToks: [[(Int32, Int32, Int32)]]
    private let kabkota: Picker<Int>
    private let hoursWorking: AliasTable
    private let hoursOther: AliasTable
    private let statusToks: (diajukan: Int32, diproses: Int32, selesai: Int32, ditolak: Int32, dibatalkan: Int32)
    private let idPrefix: [UInt8]
    private let kabkotaIdBytes: [[UInt8]]  // "LYN-3273-"

    /// Days of the period with their row counts, and blocks as ranges of days.
    private let firstDay: Int
    private let dayRows: [Int]
    private let blockDays: [Range<Int>]
    let rowCount: Int

    init(world: World, rows: Int, blockRows: Int) {
        self.world = world
        let ref = world.ref.layanan
        self.ref = ref
        let arena = world.arena
        keys = ColumnKeys(Self.columns, arena: arena)

        // Channels: every name used anywhere, in a fixed order.
        var kanalNames = Set(ref.kanalBawaan.keys).union(ref.kanalDaring)
        for s in ref.jenisLayanan { kanalNames.formUnion(s.kanal?.keys ?? [:].keys) }
        let kanalList = kanalNames.sorted()
        kanalToks = kanalList.map(arena.add)
        mppKanal = kanalList.firstIndex(of: "mpp") ?? -1
        let online = Set(ref.kanalDaring.compactMap { kanalList.firstIndex(of: $0) })

        var services: [Service] = [], inHours: [Double] = [], outOfHours: [Double] = []
        var units: [[Int32]] = [], providers: [[Int32]] = []
        for s in ref.jenisLayanan {
            let kanal = (s.kanal ?? ref.kanalBawaan).sortedEntries.compactMap { e in kanalList.firstIndex(of: e.key).map { ($0, e.weight) } }
            let onlineKanal = kanal.filter { online.contains($0.0) && $0.1 > 0 }
            let total = kanal.reduce(0) { $0 + $1.1 }
            let onlineShare = total > 0 ? onlineKanal.reduce(0) { $0 + $1.1 } / total : 0
            var tariffs: Picker<Int>?
            var range = (lo: 0, hi: 0, step: 1)
            if let t = s.biaya.tarif, !t.isEmpty {
                tariffs = Picker(t.map { (Int(($0[0] * 100).rounded()), $0.count > 1 ? $0[1] : 1) })
            } else if let r = s.biaya.rentang, r.count == 2 {
                range = (Int(r[0]), Int(r[1]), max(1, Int(s.biaya.kelipatan ?? 1)))
            }
            services.append(Service(
                name: arena.add(s.nama), kategori: arena.add(s.kategori), sla: s.slaHariKerja, onTime: s.tepatWaktu, sumber: arena.add(s.sumber),
                tariffs: tariffs, range: range, pemohon: Picker(s.pemohon.sortedEntries.map { (arena.add($0.key), $0.weight) }),
                kanal: Picker(kanal), kanalOnline: onlineKanal.isEmpty ? nil : Picker(onlineKanal)))
            inHours.append(s.bobot)
            outOfHours.append(s.bobot * onlineShare)
            units.append(world.kabkota.map { arena.add(PegawaiModel.fill(s.unit, $0, world)) })
            providers.append(world.kabkota.map { kk in
                switch s.penyelenggara {
                case "provinsi": return Int32(world.provinces[kk.province].instansi)
                case "pusat":
                    let i = world.ref.instansi.pusat.firstIndex { $0.kodeBa == s.kodeBa } ?? 0
                    return Int32(world.pusatInstansi[i])
                default: return Int32(kk.instansi)
                }
            })
        }
        self.services = services
        serviceInHours = AliasTable(inHours)
        serviceOutOfHours = AliasTable(outOfHours.contains { $0 > 0 } ? outOfHours : inHours)
        self.units = units
        self.providers = providers
        mppUnits = world.kabkota.map { arena.add(PegawaiModel.fill(ref.unitMpp, $0, world)) }
        let (lo, hi) = (ref.skm.mutuUnit.first ?? 3, ref.skm.mutuUnit.last ?? 3.5)
        let serviceCount = services.count
        quality = (0..<serviceCount).map { s in
            world.kabkota.indices.map { k in lo + (hi - lo) * Double(hashValues(world.seed, 0x534B_4D00, UInt64(s), UInt64(k)) >> 11) * 0x1p-53 }
        }
        offsets = world.kabkota.map { world.provinces[$0.province].offsetHours }
        kabkotaCodes = world.kabkota.map(\.codeTok)
        providerToks = providers.map { row in row.map { i in
            let inst = world.instansi[Int(i)]
            return (inst.codeTok, inst.nameTok, inst.jenisTok)
        } }
        kabkota = world.kabkotaPicker()
        hoursWorking = AliasTable(ref.jamHariKerja)
        hoursOther = AliasTable(ref.jamHariLibur)
        statusToks = (arena.add("diajukan"), arena.add("diproses"), arena.add("selesai"), arena.add("ditolak"), arena.add("dibatalkan"))
        idPrefix = Array((ref.idAwalan + "-").utf8)
        kabkotaIdBytes = world.kabkota.map { kk in
            let p = Array((ref.idAwalan + "-").utf8)
            return p + [kk.digits.0, kk.digits.1, kk.digits.2, kk.digits.3, 45]
        }

        // Rows per day: weights by kind of day and a linear trend, apportioned exactly.
        firstDay = Civil.day(world.snapshotYear - 1, 1, 1)
        let lastDay = world.snapshotDay - 1
        var weights: [Double] = []
        for day in firstDay...lastDay {
            let kind = world.calendar.kind(day)
            let base = kind == 0 ? ref.hari.hariKerja : kind == 1 ? ref.hari.sabtu : kind == 2 ? ref.hari.minggu : ref.hari.libur
            weights.append(base * (1 + ref.hari.trenPerTahun * Double(day - firstDay) / 365.0))
        }
        let total = weights.reduce(0, +)
        var counts: [Int] = [], cumulative = 0.0, assigned = 0
        for w in weights {
            cumulative += w
            let upTo = Int((Double(rows) * cumulative / total).rounded())
            counts.append(upTo - assigned)
            assigned = upTo
        }
        counts[counts.count - 1] += rows - assigned
        dayRows = counts
        rowCount = rows
        var blocks: [Range<Int>] = [], start = 0, inBlock = 0
        for (i, n) in counts.enumerated() {
            inBlock += n
            if inBlock >= blockRows { blocks.append(start..<(i + 1)); start = i + 1; inBlock = 0 }
        }
        if inBlock > 0 || blocks.isEmpty && rows > 0 { blocks.append(start..<counts.count) }
        blockDays = rows > 0 ? blocks : []
    }

    func write(config: SampleConfig) throws -> [SampleFileReport] {
        let output = try TableOutput(table: .layanan, columns: keys.names, directory: config.outputDirectory, config: config)
        let largest = blockDays.map { $0.reduce(0) { $0 + dayRows[$1] } }.max() ?? 0
        let writers = WriterPool(world: world, keys: keys, output: output, capacity: largest * 330, threads: config.threads)
        defer { writers.free() }
        let seed = world.seed
        try runParallel(blocks: blockDays.count, threads: config.threads) { worker, block in
            var rng = Rng(seed: seed, stream: "layanan", block: block)
            try writers.with(worker, block: block) { writer in
                self.writeBlock(block, rng: &rng, into: &writer)
                try output.finish(block: block, writer: &writer)
            }
        }
        return try output.close(blocks: blockDays.count)
    }

    private func writeBlock(_ block: Int, rng: inout Rng, into w: inout RowWriter) {
        var seconds: [Int32] = []
        // Locals: no reference counting on shared objects in the row loop.
        let services = self.services, units = self.units, mppUnits = self.mppUnits, quality = self.quality
        let offsets = self.offsets, kabkotaCodes = self.kabkotaCodes, providerToks = self.providerToks
        let kabkotaIdBytes = self.kabkotaIdBytes, kanalToks = self.kanalToks, kabkota = self.kabkota
        let snapshotTok = world.snapshotTok
        var sequence = [Int32](repeating: 0, count: world.kabkota.count)
        var id = [UInt8](repeating: 0, count: 40)
        let snapshot = world.snapshotDay
        let calendar = world.calendar
        let office = (ref.jamKantor.first ?? 8, ref.jamKantor.last ?? 15)
        let skm = ref.skm
        let status = ref.status
        let berkas = ref.berkasLengkap
        let kosong = ref.kosong
        for dayIndex in blockDays[block] {
            let n = dayRows[dayIndex]
            if n == 0 { continue }
            let day = firstDay + dayIndex
            let working = calendar.isWorkingDay(day)
            let hours = working ? hoursWorking : hoursOther
            seconds.removeAll(keepingCapacity: true)
            for _ in 0..<n { seconds.append(Int32(hours.pick(&rng) * 3600 + rng.below(3600))) }
            seconds.sort()
            for k in sequence.indices { sequence[k] = 0 }
            let (y, m, d) = Civil.civil(day)
            let ymd = [y / 1000, y / 100 % 10, y / 10 % 10, y % 10, m / 10, m % 10, d / 10, d % 10].map { UInt8(48 + $0) }

            for j in 0..<n {
                let second = Int(seconds[j])
                let hour = second / 3600
                let inHours = working && hour >= office.0 && hour <= office.1
                let s = inHours ? serviceInHours.pick(&rng) : serviceOutOfHours.pick(&rng)
                let service = services[s]
                let k = kabkota.pick(&rng)
                let offset = offsets[k]
                let kanal = inHours ? service.kanal.pick(&rng) : (service.kanalOnline ?? service.kanal).pick(&rng)
                let provider = providerToks[s][k]
                sequence[k] += 1

                // When: application, complete dossier, completion.
                var berkasDay = -1, berkasSecond = 0
                if !rng.chance(berkas.kosong) {
                    let u = rng.unit() * (berkas.hariSama + berkas.satuTigaHari + berkas.empatSepuluhHari)
                    if u < berkas.hariSama {
                        berkasDay = day
                        berkasSecond = second + 60 * rng.between(1, 90)
                        if berkasSecond >= 86_400 { berkasDay += 1; berkasSecond -= 86_400 }
                    } else {
                        berkasDay = calendar.addWorkingDays(day, u < berkas.hariSama + berkas.satuTigaHari ? rng.between(1, 3) : rng.between(4, 10))
                        berkasSecond = rng.between(office.0 * 3600, (office.1 + 1) * 3600 - 1)
                    }
                    if berkasDay >= snapshot { berkasDay = -1 }
                }
                let startDay = berkasDay >= 0 ? berkasDay : day
                let startSecond = berkasDay >= 0 ? berkasSecond : second
                let sla = service.sla
                let workDays: Int
                if rng.chance(status.durasiEkstrem) {
                    workDays = 10 * max(sla, 1) + 1 + rng.below(20)
                } else if rng.chance(service.onTime) {
                    workDays = sla == 0 ? 0 : min(sla, Int(Double(sla + 1) * { let u = rng.unit(); return u * u.squareRoot() }()))
                } else {
                    workDays = sla + 1 + Int(rng.exponential(max(1, Double(sla) / 3)))
                }
                let endDay = calendar.addWorkingDays(startDay, workDays)
                var endSecond: Int
                if workDays == 0 {
                    endSecond = min(86_399, startSecond + rng.between(300, 10_800))
                } else {
                    endSecond = rng.between(office.0 * 3600, (office.1 + 1) * 3600 - 1)
                }
                let late = workDays > sla

                // Outcome.
                let u = rng.unit()
                var statusTok = statusToks.selesai
                var hasEnd = true
                if u < status.ditolak {
                    statusTok = statusToks.ditolak
                    hasEnd = rng.chance(status.ditolakAdaTanggal)
                } else if u < status.ditolak + status.dibatalkan {
                    statusTok = statusToks.dibatalkan
                    hasEnd = rng.chance(status.dibatalkanAdaTanggal)
                } else if u < status.ditolak + status.dibatalkan + status.tertunggak {
                    hasEnd = false
                    statusTok = berkasDay >= 0 ? statusToks.diproses : statusToks.diajukan
                }
                if hasEnd && endDay >= snapshot {
                    hasEnd = false
                    statusTok = berkasDay >= 0 ? statusToks.diproses : statusToks.diajukan
                }

                w.beginRow()
                // id_permohonan: LYN-pppp-yyyymmdd-nnnnnn
                var len = 0
                for b in kabkotaIdBytes[k] { id[len] = b; len += 1 }
                for b in ymd { id[len] = b; len += 1 }
                id[len] = 45; len += 1
                var seq = Int(sequence[k]), digits = 6
                while seq >= Self.pow10[digits] { digits += 1 }
                for i in stride(from: digits - 1, through: 0, by: -1) { id[len + i] = UInt8(48 + seq % 10); seq /= 10 }
                len += digits
                id.withUnsafeBufferPointer { w.string($0.baseAddress!, len) }
                w.tok(provider.0)
                w.tok(provider.1)
                w.tok(provider.2)
                w.tok(kabkotaCodes[k])
                w.tok(kanal == mppKanal ? mppUnits[k] : units[s][k])
                w.tok(service.name)
                w.tok(service.kategori)
                w.tok(kanalToks[kanal])
                w.tok(rng.chance(kosong.kategoriPemohon) ? -1 : service.pemohon.pick(&rng))
                w.timestamp(day: Int32(day), second: Int32(second), offsetHours: offset)
                if berkasDay >= 0 { w.timestamp(day: Int32(berkasDay), second: Int32(berkasSecond), offsetHours: offset) } else { w.null() }
                if hasEnd { w.timestamp(day: Int32(endDay), second: Int32(endSecond), offsetHours: offset) } else { w.null() }
                w.tok(statusTok)
                w.int(rng.chance(kosong.slaHariKerja) ? nil : sla)
                if hasEnd {
                    w.int(calendar.workingDaysBetween(startDay, endDay))
                    w.bool(!late)
                } else {
                    w.null(); w.null()
                }
                if rng.chance(kosong.biaya) {
                    w.null()
                } else if let tariffs = service.tariffs {
                    w.decimal(tariffs.pick(&rng), scale: 2)
                } else {
                    let r = service.range
                    w.decimal((r.lo + rng.below((r.hi - r.lo) / r.step + 1) * r.step) * 100, scale: 2)
                }
                var complaint = ref.pengaduan.dasar + (late ? ref.pengaduan.terlambat : 0) + (statusTok == statusToks.ditolak ? ref.pengaduan.ditolak : 0)
                if statusTok == statusToks.selesai && rng.chance(skm.respons) {
                    let q = quality[s][k]
                    var sum = 0
                    for i in 0..<9 {
                        let mean = q + (i < skm.geserUnsur.count ? skm.geserUnsur[i] : 0) + (late && i < skm.penaltiTerlambat.count ? skm.penaltiTerlambat[i] : 0)
                        let score = min(4, max(1, Int((mean + skm.sebaran * rng.normal()).rounded())))
                        sum += score
                        w.int(score)
                    }
                    // mean × 25 to 2 decimals: sum × 2500 / 9, rounded half up.
                    w.decimal((sum * 5000 + 9) / 18, scale: 2)
                    if sum < 23 { complaint += ref.pengaduan.skmRendah }
                } else {
                    for _ in 0..<10 { w.null() }
                }
                w.bool(rng.chance(complaint))
                w.tok(snapshotTok)
                w.tok(service.sumber)
                w.endRow()
            }
        }
    }

    private static let pow10 = [1, 10, 100, 1000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000, 10_000_000_000]
}
