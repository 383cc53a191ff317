
namespace BinlogFlusher.Engine.Restoring
{
    /// <summary>What restoring one table takes, decided from what the server holds now.</summary>
    public sealed class RestoreStep
    {
        public RestoreEntry Entry { get; set; } = null!;
        public bool DropOriginal { get; set; }
        public bool RenameBack { get; set; }
        public RestoreAction Verdict { get; set; }
        public string Message { get; set; } = "";
        public bool NeedsChange => DropOriginal || RenameBack;
        /// <summary>ShouldProcess text: what will be done.</summary>
        public string Description => (DropOriginal ? $"Drop the flush's table {Entry.Schema}.{Entry.Table}, then " : "")
                                     + (RenameBack ? $"rename {Entry.Schema}.{Entry.BackupTable} back to {Entry.Table}" : "nothing");
    }
}
