import LumbungCore

/// Look-alikes of the sample tables' benchmark columns, generated in memory (deterministic), in
/// chunks of about 7 000 rows with per-chunk dictionaries as the CSV reader makes them.
enum Synthetic {
    struct Rng {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9e37_79b9_7f4a_7c15
            var z = state
            z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
            z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
        mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
        /// Skewed towards small indices (a rough Zipf).
        mutating func skewed(_ n: Int) -> Int { min(n - 1, Int(Double(n) * pow3(unit()))) }
        func pow3(_ x: Double) -> Double { x * x * x }
    }

    static let chunkRows = 7_000

    /// `value` in decimal, zero-padded to `width` digits.
    static func padded(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    /// Builds a string column of a chunk: dictionary-encoded with first-seen order.
    static func dictionaryColumn(_ values: [String?]) -> Column {
        var dictionary = StringArray()
        var index: [String: UInt32] = [:]
        var codes = [UInt32](repeating: 0, count: values.count)
        var validity = Bitmap(repeating: true, count: values.count)
        var nulls = false
        for (row, value) in values.enumerated() {
            guard let value else {
                validity[row] = false
                nulls = true
                continue
            }
            if let code = index[value] {
                codes[row] = code
            } else {
                let code = UInt32(dictionary.count)
                index[value] = code
                dictionary.append(value)
                codes[row] = code
            }
        }
        if dictionary.count == 0 { dictionary.append("") }
        return Column(type: .string, values: .dictionary(codes: codes, dictionary: dictionary), validity: nulls ? validity : nil, count: values.count)
    }

    static func chunked(_ rows: Int, _ schema: Schema, _ make: (Range<Int>) -> [Column]) -> Table {
        var chunks: [Chunk] = []
        var start = 0
        while start < rows {
            let end = min(rows, start + chunkRows)
            chunks.append(Chunk(columns: make(start..<end), count: end - start))
            start = end
        }
        return Table(schema: schema, chunks: chunks)
    }

    static func tables(scale: Double) -> [String: Table] {
        var rng = Rng(state: 42)
        let instansi = (0..<630).map { index -> String in
            index < 80 ? "Kementerian/Lembaga \(index)" : (index % 5 == 0 ? "Pemerintah Kota \(index)" : "Pemerintah Kabupaten \(index)")
        }
        let kanal = ["loket", "mpp", "web", "aplikasi_mobile", "kios_mandiri", "call_center", "jemput_bola", "pos_email"]
        let jenis = (0..<42).map { "Layanan \($0)" }
        let status = ["selesai", "selesai", "selesai", "selesai", "selesai", "selesai", "diproses", "diajukan", "ditolak", "dibatalkan"]
        let layananRows = Int(1_000_000 * scale)
        let layanan = chunked(
            layananRows,
            Schema([
                Field(name: "id_permohonan", type: .string), Field(name: "nama_instansi", type: .string),
                Field(name: "kanal", type: .string), Field(name: "jenis_layanan", type: .string),
                Field(name: "status", type: .string), Field(name: "durasi_hari_kerja", type: .int64),
                Field(name: "skor_ikm", type: .float64),
            ])
        ) { range in
            var ids = StringArray()
            var names: [String?] = [], channels: [String?] = [], kinds: [String?] = [], states: [String?] = []
            var durations: [Value] = [], scores: [Value] = []
            for row in range {
                ids.append("LYN-\(3200 + row % 97)-2025" + padded(1 + row % 12, 2) + "-" + padded(row, 8))
                names.append(instansi[rng.skewed(instansi.count)])
                channels.append(kanal[rng.skewed(kanal.count)])
                kinds.append(jenis[rng.skewed(jenis.count)])
                states.append(status[rng.below(status.count)])
                durations.append(rng.below(100) < 8 ? .null : .int(Int64(rng.skewed(60))))
                scores.append(rng.below(100) < 75 ? .null : .float(Double(9 + rng.below(28)) * 25 / 9))
            }
            return [
                Column(type: .string, values: .string(ids), validity: nil, count: range.count),
                dictionaryColumn(names), dictionaryColumn(channels), dictionaryColumn(kinds), dictionaryColumn(states),
                Column.from(durations, type: .int64), Column.from(scores, type: .float64),
            ]
        }
        let pegawaiRows = Int(56_000 * scale)
        let pns: [String] = ["I/a", "I/b", "I/c", "I/d", "II/a", "II/b", "II/c", "II/d", "III/a", "III/b", "III/c", "III/d"]
        let senior: [String] = ["IV/a", "IV/b", "IV/c", "IV/d", "IV/e"]
        let pppk: [String] = ["I", "III", "V", "VII", "IX", "X", "XI"]
        let golongan: [String] = pns + senior + pppk
        let wilayah = (0..<552).map { "\(11 + $0 % 38).\(String(format: "%02d", 1 + $0 / 38))" }
        let nips: [String] = (0..<pegawaiRows).map { (index: Int) -> String in
            // Unique: the sequence number and the birth date together encode the index.
            let rest = index / 1000
            let birth: String = "19" + padded(60 + rest % 40, 2) + padded(1 + rest / 40 % 12, 2) + padded(1 + rest / 480 % 28, 2)
            let tmt: String = "20" + padded(5 + index % 19, 2) + padded(1 + index % 12, 2)
            return birth + tmt + String(1 + index % 2) + padded(index % 1000, 3)
        }
        let pegawai = chunked(
            pegawaiRows,
            Schema([
                Field(name: "nip", type: .string), Field(name: "golongan", type: .string),
                Field(name: "kode_wilayah_kerja", type: .string),
            ])
        ) { range in
            var ids = StringArray()
            var grades: [String?] = [], regions: [String?] = []
            for row in range {
                ids.append(nips[row])
                grades.append(rng.below(200) == 0 ? nil : golongan[rng.skewed(golongan.count)])
                regions.append(wilayah[rng.skewed(wilayah.count)])
            }
            return [
                Column(type: .string, values: .string(ids), validity: nil, count: range.count),
                dictionaryColumn(grades), dictionaryColumn(regions),
            ]
        }
        let kinerjaRows = pegawaiRows * 13
        let kinerja = chunked(
            kinerjaRows,
            Schema([Field(name: "nip", type: .string), Field(name: "capaian_persen", type: .float64)])
        ) { range in
            var ids = StringArray()
            var values: [Value] = []
            for row in range {
                ids.append(nips[(row / 13 * 7919) % pegawaiRows])
                values.append(rng.below(2) == 0 ? .null : .float(Double(rng.below(20_000)) / 100))
            }
            return [Column(type: .string, values: .string(ids), validity: nil, count: range.count), Column.from(values, type: .float64)]
        }
        return ["layanan": layanan, "pegawai": pegawai, "kinerja": kinerja]
    }
}
