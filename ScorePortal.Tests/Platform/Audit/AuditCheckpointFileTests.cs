using ScorePortal.Platform.Audit;

namespace ScorePortal.Tests.Platform.Audit;

public sealed class AuditCheckpointFileTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "scoreportal-tests", Guid.NewGuid().ToString("N"));

    private static AuditCheckpoint Checkpoint(long upTo) => new()
    {
        UpToSequence = upTo, Hash = new string('a', 64), CreatedAt = new DateTimeOffset(2026, 12, 5, 6, 0, 0, TimeSpan.Zero),
        KeyId = "k1", Signature = "c2lnbmF0dXJl",
    };

    /// <summary>
    /// Fault: the file ends in a line cut short, as a process killed (SIGKILL) in the middle of its write leaves it.
    /// Must hold: the next checkpoint is appended on a line of its own and reads back; only the cut line is unreadable
    /// (verification names it), instead of the two running together into one unreadable line.
    /// </summary>
    [Fact]
    public async Task A_checkpoint_appended_after_a_line_cut_short_by_a_crash_starts_on_its_own_line()
    {
        var file = new AuditCheckpointFile(_directory);
        await file.AppendAsync(Checkpoint(10), CancellationToken.None);
        await File.AppendAllTextAsync(file.Path, "{\"upToSequence\":20,\"hash\":\"aaaa");

        await file.AppendAsync(Checkpoint(30), CancellationToken.None);

        var (lines, unreadable) = (await AuditCheckpointFile.ReadAsync(file.Path, CancellationToken.None))!.Value;
        Assert.Equal([10L, 30L], lines.Select(l => l.UpToSequence));
        Assert.Equal([2], unreadable);
        Assert.EndsWith("\n", await File.ReadAllTextAsync(file.Path), StringComparison.Ordinal);
    }

    public void Dispose()
    {
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }
}
