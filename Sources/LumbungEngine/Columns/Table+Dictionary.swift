import LumbungCore

extension Column {
    /// The same strings dictionary-encoded (first-seen order) when they have at most
    /// `maxDistinct` distinct values; otherwise, or for other columns, `self`.
    /// - Complexity: O(bytes), one hash pass.
    public func dictionaryEncoded(maxDistinct: Int) -> Column {
        guard case .string(let strings) = values, count > 0 else { return self }
        var interner = StringInterner(capacity: min(maxDistinct, 1024))
        var codes = [UInt32](repeating: 0, count: count)
        let ok = withValidityWords(validity) { words in
            strings.bytes.withUnsafeBytes { raw in
                strings.offsets.withUnsafeBufferPointer { offsets in
                    for row in 0..<count where isValid(words, row) {
                        let start = Int(offsets[row])
                        codes[row] = interner.intern(raw.baseAddress.map { $0 + start }, Int(offsets[row + 1]) - start)
                        if interner.count > maxDistinct { return false }
                    }
                    return true
                }
            }
        }
        guard ok else { return self }
        var dictionary = interner.strings
        if dictionary.count == 0 { dictionary.append("") }
        return Column(type: type, values: .dictionary(codes: codes, dictionary: dictionary), validity: validity, count: count)
    }
}

extension Table {
    /// The table with every plain string column of every chunk dictionary-encoded where the chunk
    /// holds at most `maxDistinctFraction` × rows distinct values (default a quarter), in
    /// parallel. Tables built by code rather than by the readers gain the engine's dictionary
    /// fast paths this way; already encoded chunks are kept.
    public func dictionaryEncoded(maxDistinctFraction: Double = 0.25, context: ExecutionContext) throws -> Table {
        let chunks = try context.parallelMap(chunks.count) { index, _ in
            let chunk = self.chunks[index]
            let limit = max(1, Int(Double(chunk.count) * maxDistinctFraction))
            return Chunk(columns: chunk.columns.map { $0.dictionaryEncoded(maxDistinct: limit) }, count: chunk.count)
        }
        return Table(schema: schema, chunks: chunks)
    }
}
