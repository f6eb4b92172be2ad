extension ResultWriter {
    /// Settings of a `ResultWriter`. Each says which formats it affects; the defaults suit
    /// `lumbung query` on a terminal.
    public struct Options: Sendable, Equatable {
        /// Number formatting in `table` and `markdown` (machine formats are always plain).
        public var numberStyle: NumberStyle
        /// The most decimals a float shows in `table` and `markdown`; `nil` uses the style's
        /// default (plain 6, indonesian 3). See `NumberStyle`.
        public var maxFractionDigits: Int?
        /// `table`: cells (and headers) wider than this many terminal columns are cut and end with
        /// `…`; `nil` never cuts. At least 1.
        public var maxCellWidth: Int?
        /// `table`: show only the first and last rows of a long result, with a `…` row between;
        /// `nil` shows every row.
        public var rowWindow: RowWindow?
        /// `csv`: the field delimiter (an ASCII byte other than `"`, CR and LF).
        public var csvDelimiter: UInt8
        /// Bytes buffered before they are handed to the output (the last batch may be smaller,
        /// and a batch may exceed this by up to one row).
        public var flushThreshold: Int

        public init(
            numberStyle: NumberStyle = .plain,
            maxFractionDigits: Int? = nil,
            maxCellWidth: Int? = 40,
            rowWindow: RowWindow? = nil,
            csvDelimiter: UInt8 = UInt8(ascii: ","),
            flushThreshold: Int = 64 * 1024
        ) {
            self.numberStyle = numberStyle
            self.maxFractionDigits = maxFractionDigits
            self.maxCellWidth = maxCellWidth
            self.rowWindow = rowWindow
            self.csvDelimiter = csvDelimiter
            self.flushThreshold = flushThreshold
        }

        /// `maxFractionDigits`, or the style's default.
        var fractionDigits: Int { max(maxFractionDigits ?? numberStyle.defaultMaxFractionDigits, 0) }
    }
}
