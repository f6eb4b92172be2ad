#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LumbungQuery
import Testing

/// Not a benchmark suite, and no timing assertion: prints how long parsing a 20-line query takes,
/// when asked (`LQ_TIMING=1 swift test -c release --filter ParseTimingTests`).
@Suite("parse timing", .enabled(if: getenv("LQ_TIMING") != nil))
struct ParseTimingTests {
    static let twentyLines = """
        # Kepatuhan SLA per instansi dan kanal, 2024
        param tahun: int = 2024
        from layanan
        where year(tanggal_permohonan) == $tahun and status != "Ditolak"
        where kanal in ["Loket", "Daring", "Aplikasi"] or kanal is null
        derive durasi = days_between(tanggal_permohonan, tanggal_selesai),
               terlambat = durasi > sla_hari,
               triwulan = quarter(tanggal_permohonan)
        join left pegawai on nip_petugas == nip
        derive golongan_petugas = pegawai.golongan ?? "tidak diketahui"
        summarize jumlah = count(),
                  rata_ikm = avg(skor_ikm),
                  median_durasi = median(durasi),
                  patuh_sla = share(status == "Selesai" and not terlambat),
                  rasio = sum(durasi) / sum(sla_hari)
               by instansi, kanal, triwulan
        where jumlah >= 30
        sort -patuh_sla, instansi
        take 20
        """

    @Test("a 20-line query")
    func twentyLineQuery() {
        #expect(Parser.parse(Self.twentyLines).diagnostics.isEmpty)
        let rounds = 20_000
        var clock = timespec()
        clock_gettime(CLOCK_MONOTONIC, &clock)
        let start = Double(clock.tv_sec) + Double(clock.tv_nsec) / 1e9
        var steps = 0
        for _ in 0..<rounds { steps &+= Parser.parse(Self.twentyLines).query.steps.count }
        clock_gettime(CLOCK_MONOTONIC, &clock)
        let seconds = Double(clock.tv_sec) + Double(clock.tv_nsec) / 1e9 - start
        print("LQ parse: \(Self.twentyLines.utf8.count) bytes, 20 lines: \(seconds / Double(rounds) * 1e6) µs per parse (\(steps / rounds) steps)")
    }
}
