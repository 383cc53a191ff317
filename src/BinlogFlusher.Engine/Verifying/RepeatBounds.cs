namespace BinlogFlusher.Engine.Verifying
{
    /// <summary>A may-repeat range in the comparable form of its table's <see cref="TableKey"/>: keys above Lower up to and including Upper (null: open), or every key.</summary>
    sealed class RepeatBounds
    {
        public RepeatBounds(bool allRows, object?[]? lower, object?[]? upper)
        {
            AllRows = allRows;
            Lower = lower;
            Upper = upper;
        }

        public bool AllRows { get; }
        public object?[]? Lower { get; }
        public object?[]? Upper { get; }

        /// <summary>Whether the range holds the key, by the client's order (keys without text columns).</summary>
        public bool Contains(object?[] key) =>
            AllRows || ((Lower is null || KeyComparer.Instance.Compare(key, Lower) > 0) && (Upper is null || KeyComparer.Instance.Compare(key, Upper) <= 0));
    }
}
