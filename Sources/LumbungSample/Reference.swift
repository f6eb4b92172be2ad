// The reference data of the sample generator: code lists and distribution profiles, decoded
// from the JSON files in Resources/. Nothing here decides values; the generator reads them.
import Foundation

/// Weights keyed by code. JSON objects have no order, so every consumer sorts the keys to keep
/// the generator deterministic.
typealias Weights = [String: Double]

extension Dictionary where Key == String, Value == Double {
    /// The entries in key order.
    var sortedEntries: [(key: String, weight: Double)] { keys.sorted().map { ($0, self[$0]!) } }
}

struct WilayahFile: Decodable {
    struct Zona: Decodable { let kode: String; let utcOffset: String; let iana: String }
    struct KabKota: Decodable { let kode: String; let nama: String; let pendudukRibu: Double }
    struct Provinsi: Decodable {
        let kode: String
        let kodeBps: String
        let nama: String
        let zona: String
        let pendudukJuta: Double
        let kabkotaOtonom: Bool
        let agama: Weights?
        let kabkota: [KabKota]
    }
    let zonaWaktu: [Zona]
    let agamaNasional: Weights
    let provinsi: [Provinsi]
}

struct KepegawaianFile: Decodable {
    struct Golongan: Decodable { let kode: String; let pangkat: String }
    struct Pendidikan: Decodable {
        let kode: String
        let usiaMasukMin: Int
        let usiaLulus: Int
        let golonganPnsAwal: String
        let golonganPnsMaks: String
        let golonganPppk: String
        let gelarBelakang: [String]
        let gelarDepan: String?
    }
    struct Jenjang: Decodable {
        let nama: String
        let kategori: String
        let golonganMin: String
        let golonganMaks: String
        let kelasJabatan: Int
        let bup: Int
        let koefisienAngkaKredit: Double
        let golonganPppk: String
    }
    struct JenjangMenurutGenerasi: Decodable {
        let keahlian: [String: Weights]
        let keterampilan: [String: Weights]
        let pppkKeahlian: Weights
        let pppkKeterampilan: Weights
    }
    struct Fungsional: Decodable {
        let nama: String
        let kategori: [String]
        let bup: Int?
        let perempuan: Double
        let bobot: Weights
        let unit: [String]
        let gelarDepan: String?
        let gelarBelakang: [String: [String]]?
    }
    struct Pelaksana: Decodable { let nama: String; let kelompok: String; let kelasJabatan: Int; let bobot: Double }
    struct StrukturalJPT: Decodable { let nama: String; let jenjang: String; let eselon: String; let bobot: Double }
    struct StrukturalJA: Decodable { let nama: String; let eselon: String; let bobot: Double }
    struct Struktural: Decodable {
        let JPT: [String: [StrukturalJPT]]
        let Administrator: [StrukturalJA]
        let Pengawas: [StrukturalJA]
        let kelasJabatan: [String: Int]
        let golonganMin: [String: String]
        let golonganMaks: [String: String]
        let bup: [String: Int]
        let perempuan: [String: Double]

        enum CodingKeys: String, CodingKey {
            case JPT = "JPT", Administrator = "Administrator", Pengawas = "Pengawas"
            case kelasJabatan, golonganMin, golonganMaks, bup, perempuan
        }
    }
    struct OPD: Decodable { let nama: String; let bobot: Double }

    let golonganPns: [Golongan]
    let golonganPppk: [String]
    let kenaikanPangkatTahun: Int
    let pendidikan: [Pendidikan]
    let jenjangFungsional: [Jenjang]
    let jenjangMenurutGenerasi: JenjangMenurutGenerasi
    let jabatanFungsional: [Fungsional]
    let jabatanPelaksana: [Pelaksana]
    let jabatanStruktural: Struktural
    let bupPelaksana: Int
    let perempuanPelaksana: Double
    let opd: [String: [OPD]]
}

struct InstansiFile: Decodable {
    struct Pusat: Decodable {
        let kodeBa: String
        let nama: String
        let bobotPegawai: Double
        let porsiVertikal: Double
        let nipLamaAwalan: String
        let unitPusat: [String]
        let unitVertikal: [String]
        let jabatanFungsional: Weights
    }
    let namaPemda: [String: String]
    let nipLamaAwalanDaerah: String
    let pusat: [Pusat]
}

struct LayananFile: Decodable {
    struct Biaya: Decodable {
        let tarif: [[Double]]?
        let rentang: [Double]?
        let kelipatan: Double?
    }
    struct Jenis: Decodable {
        let nama: String
        let kategori: String
        let penyelenggara: String
        let kodeBa: String?
        let unit: String
        let slaHariKerja: Int
        let bobot: Double
        let biaya: Biaya
        let pemohon: Weights
        let tepatWaktu: Double
        let sumber: String
        let kanal: Weights?
    }
    struct Hari: Decodable { let hariKerja: Double; let sabtu: Double; let minggu: Double; let libur: Double; let trenPerTahun: Double }
    struct Berkas: Decodable { let kosong: Double; let hariSama: Double; let satuTigaHari: Double; let empatSepuluhHari: Double }
    struct Status: Decodable {
        let ditolak: Double
        let dibatalkan: Double
        let tertunggak: Double
        let ditolakAdaTanggal: Double
        let dibatalkanAdaTanggal: Double
        let durasiEkstrem: Double
    }
    struct SKM: Decodable {
        let unsur: [String]
        let respons: Double
        let mutuUnit: [Double]
        let geserUnsur: [Double]
        let penaltiTerlambat: [Double]
        let sebaran: Double
    }
    struct Pengaduan: Decodable { let dasar: Double; let terlambat: Double; let ditolak: Double; let skmRendah: Double }
    struct Kosong: Decodable { let kategoriPemohon: Double; let slaHariKerja: Double; let biaya: Double }

    let kanalBawaan: Weights
    let kanalDaring: [String]
    let unitMpp: String
    let jenisLayanan: [Jenis]
    let hari: Hari
    let jamHariKerja: [Double]
    let jamHariLibur: [Double]
    let jamKantor: [Int]
    let berkasLengkap: Berkas
    let status: Status
    let skm: SKM
    let pengaduan: Pengaduan
    let kosong: Kosong
    let idAwalan: String
}

struct KinerjaFile: Decodable {
    struct JPTahunan: Decodable { let pnsMedian: Double; let pnsSebaran: Double; let pppkMaks: Double; let pppkMedian: Double }
    struct JPBulanan: Decodable { let nol: Double; let nilai: [[Double]] }
    struct Kosong: Decodable {
        let pendekatan: Double
        let belumDinilai: Double
        let nilaiBerakhlak: Double
        let predikatOrganisasi: Double
        let nipPejabatPenilai: Double
        let jpPengembanganKompetensi: Double
    }
    let rating: [String]
    let matriksPredikat: [String: [String: String]]
    let predikatOrganisasi: Weights
    let predikatMenurutOrganisasi: [String: Weights]
    let pasanganRating: [String: [[PairEntry]]]
    let nilaiBerakhlak: [String]
    let nilaiSamaDenganPerilaku: Double
    let pendekatan: Weights
    let capaianPersen: [String: [Double]]
    let statusDinilai: Weights
    let statusBelumDinilai: Weights
    let jedaPenilaianHari: Int
    let potensial: Weights
    let porsiPemetaanTalenta: Double
    let kotakTalenta: [String: [String: Int]]
    let persenAngkaKredit: [String: Double]
    let jpTahunan: JPTahunan
    let jpBulanan: JPBulanan
    let kosong: Kosong
    let sumber: String

    /// A `["DI_ATAS", "SESUAI", 15]` triple: strings and a number in one JSON array.
    enum PairEntry: Decodable {
        case text(String)
        case number(Double)
        init(from decoder: Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let text = try? container.decode(String.self) { self = .text(text) } else { self = .number(try container.decode(Double.self)) }
        }
        var text: String? { if case .text(let t) = self { return t } else { return nil } }
        var number: Double? { if case .number(let n) = self { return n } else { return nil } }
    }
}

struct KalenderFile: Decodable {
    let libur: [String: [String]]
}

struct NamaFile: Decodable {
    let depanLaki: [String]
    let depanPerempuan: [String]
    let tengah: [String]
    let belakang: [String]
    let peluangTengah: Double
    let peluangTanpaBelakang: Double
}

struct ProfilFile: Decodable {
    struct Generasi: Decodable { let nama: String; let lahirDari: Int; let lahirSampai: Int; let porsi: Double }
    struct UsiaMasuk: Decodable {
        let rataTambahan: Double
        let maks: Int
        let porsiHonorer: Double
        let honorerMaks: Int
        let honorerTmtDari: Int
        let honorerTmtSampai: Int
    }
    struct Perkawinan: Decodable { let usiaSampai: Int; let bobot: Weights }
    struct Kosong: Decodable {
        let gelarBelakang: Double
        let agama: Double
        let statusPerkawinan: Double
        let golongan: Double
        let tmtGolongan: Double
        let jenisJabatan: Double
        let namaJabatan: Double
        let kelasJabatan: Double
        let tmtJabatan: Double
        let tingkatPendidikan: Double
        let tahunLulus: Double
        let unitOrganisasi: Double
        let kodeWilayahKerja: Double
        let bup: Double
    }
    let tanggalDataBawaan: String
    let jenisAsn: Weights
    let paruhWaktuMulai: String
    let paruhWaktuBulanTerakhir: Int
    let pppkTahunPengangkatan: Weights
    let pppkTahunPertama: Int
    let pppkLamaKontrakTahun: Weights
    let pppkKodeNip: String
    let daerah: Double
    let daerahTingkat: Weights
    let pemprovKodeWilayahProvinsi: Double
    let pendidikan: Weights
    let pendidikanBoomer: Weights
    let generasi: [Generasi]
    let kelompokPendidikan: [String: String]
    let jabatanMenurutPendidikan: [String: [String: Weights]]
    let usiaMinStruktural: [String: Int]
    let usiaMasuk: UsiaMasuk
    let masaPercobaanBulan: Weights
    let nipLamaSebelum: String
    let nipLamaPeluang: Double
    let kedudukanHukum: Weights
    let tugasBelajarUsiaMaks: Int
    let mppPeluang: Double
    let statusPerkawinan: [Perkawinan]
    let statusCeraiMenurutJenisKelamin: [String: String]
    let gelarDepan: Weights
    let gelarDepanIrDraLahirSebelum: Int
    let sumberPusat: String
    let sumberDaerahSimpeg: Double
    let kosong: Kosong
}

/// All reference files, decoded.
struct ReferenceData {
    let wilayah: WilayahFile
    let kepegawaian: KepegawaianFile
    let instansi: InstansiFile
    let layanan: LayananFile
    let kinerja: KinerjaFile
    let kalender: KalenderFile
    let nama: NamaFile
    let profil: ProfilFile

    static let fileNames = ["wilayah", "kepegawaian", "instansi", "layanan", "kinerja", "kalender", "nama", "profil"]

    /// Loads the JSON files bundled with the module.
    static func bundled() throws -> ReferenceData {
        try load { name in
            guard let url = Bundle.module.url(forResource: name, withExtension: "json") else {
                throw SampleError.reference("\(name).json is missing from the LumbungSample resource bundle")
            }
            return try Data(contentsOf: url)
        }
    }

    /// Loads the files through `read` (file name without extension → contents).
    static func load(_ read: (String) throws -> Data) throws -> ReferenceData {
        func decode<T: Decodable>(_ type: T.Type, _ name: String) throws -> T {
            let decoder = JSONDecoder()
            decoder.keyDecodingStrategy = .convertFromSnakeCase
            do {
                return try decoder.decode(type, from: try read(name))
            } catch let error as SampleError {
                throw error
            } catch {
                throw SampleError.reference("\(name).json: \(error)")
            }
        }
        return ReferenceData(
            wilayah: try decode(WilayahFile.self, "wilayah"),
            kepegawaian: try decode(KepegawaianFile.self, "kepegawaian"),
            instansi: try decode(InstansiFile.self, "instansi"),
            layanan: try decode(LayananFile.self, "layanan"),
            kinerja: try decode(KinerjaFile.self, "kinerja"),
            kalender: try decode(KalenderFile.self, "kalender"),
            nama: try decode(NamaFile.self, "nama"),
            profil: try decode(ProfilFile.self, "profil")
        )
    }
}
