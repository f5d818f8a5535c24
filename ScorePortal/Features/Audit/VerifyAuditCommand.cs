using ScorePortal.Operations;
using ScorePortal.Platform.Audit;

namespace ScorePortal.Features.Audit;

/// <summary>
/// <c>verify-audit [--checkpoints FILE]</c>: walks the whole chain (the archives in the archive directory, then the live table), every signed checkpoint in the database and every
/// checkpoint in the file outside it (the configured one, or an exported copy), and names every finding: the first
/// entry that was edited, deleted or moved, each malformed entry by its sequence number, checkpoints deleted or no
/// longer matching, a truncated tail, and checkpoints that stopped. Exit code 1 when anything is wrong; never a stack trace.
/// </summary>
public static class VerifyAuditCommand
{
    public static readonly PortalCommand Command = new("verify-audit",
        "Verify the audit log's hash chain and signed checkpoints (in the database and in the checkpoint file, or --checkpoints FILE); exit code 1 names every finding.",
        RunAsync);

    private static async Task<int> RunAsync(IServiceProvider services, CommandArguments args, TextWriter output)
    {
        var checkpoints = services.GetRequiredService<AuditCheckpoints>();
        var result = args.Get("checkpoints") is { Length: > 0 } file
            ? await checkpoints.VerifyAgainstAsync(Path.GetFullPath(file))
            : await checkpoints.VerifyAsync();
        if (result.FirstBrokenSequence is { } broken)
            output.WriteLine($"Audit chain broken at entry #{broken} (of {result.Entries}): that entry was edited, deleted or moved.");
        if (result.FirstBadCheckpointId is { } checkpoint)
            output.WriteLine($"Audit checkpoint {checkpoint} does not match the log: the chain was rewritten after it was signed.");
        foreach (var problem in result.Problems) output.WriteLine(Describe(problem));
        if (result.Intact)
            output.WriteLine($"Audit chain intact: {result.Entries} entries, {result.Checkpoints} signed checkpoints.");
        return result.Intact ? 0 : 1;
    }

    private static string Missing(AuditProblem p) =>
        long.TryParse(p.Detail, System.Globalization.CultureInfo.InvariantCulture, out var left) && left + 1 < p.Sequence
            ? $"entries #{left + 1} to #{p.Sequence} are missing"
            : $"entry #{p.Sequence} is missing";

    public static string Describe(AuditProblem p) => p.Kind switch
    {
        AuditProblemKind.MalformedEntry => $"Audit entry #{p.Sequence} is malformed ({p.Detail} cannot be read): it was tampered with or damaged.",
        AuditProblemKind.CheckpointDeleted => $"The checkpoint up to entry #{p.Sequence} is in the checkpoint file but was deleted from the database.",
        AuditProblemKind.EntriesMissing => $"A checkpoint covered {p.Sequence} entries but the log now has {p.Detail}: its tail was truncated ({Missing(p)}).",
        AuditProblemKind.EntriesUncovered => $"Entries #{p.Sequence} to #{p.Detail} are covered by no signed checkpoint although older than twice the checkpoint interval: they could have been deleted unseen.",
        AuditProblemKind.CheckpointMismatch => $"Entry #{p.Sequence} no longer ends in the hash its checkpoint in the file signed: the chain was rewritten.",
        AuditProblemKind.CheckpointForged => $"Line {p.Sequence} of the checkpoint file does not carry a valid signature.",
        AuditProblemKind.CheckpointStale => $"No checkpoint has been signed since {p.Detail}, more than twice the checkpoint interval ago.",
        AuditProblemKind.ArchiveMissing => $"Archived entries #{p.Sequence} to #{p.Detail} are missing: the archive holding them was deleted or moved out of the archive directory.",
        AuditProblemKind.ArchiveForged => $"The manifest of archive {p.Detail} (from entry #{p.Sequence}) does not carry a valid signature: it was edited or forged.",
        AuditProblemKind.ArchiveDamaged => p.Sequence == 0
            ? $"The archive manifest {p.Detail} cannot be read."
            : $"Archive {p.Detail} (from entry #{p.Sequence}) no longer matches its signed manifest or the checkpoint file's record of it: it was edited, replaced or damaged.",
        _ => p.Sequence == 0
            ? $"The checkpoint file {p.Detail} is missing although the database holds checkpoints."
            : $"Line {p.Sequence} of the checkpoint file is not a checkpoint.",
    };
}
