// swift-tools-version: 6.1
//
// The engine benchmark: times LQ-shaped queries on tables already in memory. Its own package so
// that the main package stays free of benchmark targets; it depends on the repo by path.
import PackageDescription

let package = Package(
    name: "EngineBench",
    dependencies: [.package(name: "Lumbung", path: "../..")],
    targets: [
        .executableTarget(
            name: "engine-bench",
            dependencies: [
                .product(name: "LumbungEngine", package: "Lumbung"),
                .product(name: "LumbungIO", package: "Lumbung"),
            ],
            path: "Sources/EngineBench"
        )
    ]
)
