using ScorePortal.Operations;

namespace ScorePortal.Features.Audit;

/// <summary>
/// <c>verify-audit</c>: walks the whole chain and every signed checkpoint, and names the first entry that was edited,
/// deleted or moved, or the first checkpoint that no longer matches.
/// </summary>
public static class VerifyAuditCommand
{
    public static readonly PortalCommand Command = new("verify-audit",
        "Verify the audit log's hash chain and signed checkpoints; exit code 1 names the first break.", RunAsync);

    private static async Task<int> RunAsync(IServiceProvider services, CommandArguments args, TextWriter output)
    {
        var result = await services.GetRequiredService<AuditCheckpoints>().VerifyAsync();
        if (result.FirstBrokenSequence is { } broken)
            output.WriteLine($"Audit chain broken at entry #{broken} (of {result.Entries}): that entry was edited, deleted or moved.");
        else if (result.FirstBadCheckpointId is { } checkpoint)
            output.WriteLine($"Audit checkpoint {checkpoint} does not match the log: the chain was rewritten after it was signed.");
        else
            output.WriteLine($"Audit chain intact: {result.Entries} entries, {result.Checkpoints} signed checkpoints.");
        return result.Intact ? 0 : 1;
    }
}
