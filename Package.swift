// swift-tools-version: 6.1
//
// The target list is the architecture: dependencies point one way, down the list.
// See docs/architecture.md for one paragraph per module.
import PackageDescription

let package = Package(
    name: "Lumbung",
    products: [
        .executable(name: "lumbung", targets: ["LumbungCLI"]),
        .library(name: "LumbungIO", targets: ["LumbungIO"]),
        .library(name: "LumbungEngine", targets: ["LumbungEngine"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.0"),
    ],
    targets: [
        // zlib, the baseline inflater (Debian: zlib1g-dev).
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // libedit's line editing and history, for `lumbung repl` (Debian: libedit-dev).
        .systemLibrary(name: "CEditLine", pkgConfig: "libedit", providers: [.apt(["libedit-dev"])]),
        // ISA-L's inflate, the fast path: resolved at run time with dlopen, so the package
        // builds and runs without it (see Sources/CIsal/README.md).
        .target(name: "CIsal", exclude: ["README.md"], linkerSettings: [.linkedLibrary("dl")]),
        // Byte-class bit masks (SSE2 pmovmskb) for the CSV scanner, inlined into its Swift loop.
        .target(name: "CSIMD"),
        .target(name: "LumbungCore", exclude: ["README.md"]),
        .target(name: "LumbungIO", dependencies: ["LumbungCore", "CZlib", "CIsal", "CSIMD"], exclude: ["README.md"]),
        .target(name: "LumbungEngine", dependencies: ["LumbungCore"], exclude: ["README.md"]),
        .target(name: "LumbungQuery", dependencies: ["LumbungCore", "LumbungIO", "LumbungEngine"], exclude: ["README.md"]),
        // Result formats for people and programs: aligned text tables, CSV, JSON, NDJSON, Markdown.
        .target(name: "LumbungWriters", dependencies: ["LumbungCore"], exclude: ["README.md"]),
        .target(name: "LumbungSample", dependencies: ["LumbungCore", "LumbungIO"], exclude: ["README.md"], resources: [.process("Resources")]),
        .executableTarget(
            name: "LumbungCLI",
            dependencies: [
                "LumbungIO", "LumbungEngine", "LumbungQuery", "LumbungWriters", "LumbungSample", "CEditLine",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            exclude: ["README.md"]
        ),
        .testTarget(name: "LumbungCoreTests", dependencies: ["LumbungCore"]),
        .testTarget(
            name: "LumbungIOTests",
            dependencies: ["LumbungIO", .product(name: "PropertyBased", package: "swift-property-based")]
        ),
        .testTarget(
            name: "LumbungEngineTests",
            dependencies: ["LumbungEngine", "LumbungIO", .product(name: "PropertyBased", package: "swift-property-based")]
        ),
        .testTarget(
            name: "LumbungQueryTests",
            dependencies: [
                "LumbungQuery", "LumbungIO", "LumbungEngine",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            resources: [.copy("Conformance")]
        ),
        .testTarget(name: "LumbungWritersTests", dependencies: ["LumbungWriters"]),
        .testTarget(name: "LumbungSampleTests", dependencies: ["LumbungSample", "LumbungIO"]),
        .testTarget(name: "LumbungCLITests", dependencies: ["LumbungIO"]),
    ]
)
