using ScorePortal.Data;

namespace ScorePortal.Security;

/// <summary>
/// A part of <c>rotate-keys</c> for secrets that are not [Encrypted] entity properties (those the command finds in the
/// EF model itself): a feature that protects values its own way registers one as a singleton, and the command runs
/// every registered step after the columns, on its own context.
/// </summary>
public interface IKeyRotationStep
{
    /// <summary>What the command prints before the count, e.g. "User tokens".</summary>
    string Name { get; }

    /// <summary>Rewrites the feature's protected values under <paramref name="protector"/>'s current key; returns the rows rewritten.</summary>
    Task<int> RotateAsync(ScorePortalDbContext db, FieldProtector protector, CancellationToken ct);
}
