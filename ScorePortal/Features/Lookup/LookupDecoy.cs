using ScorePortal.Features.Results;
using ScorePortal.Security;

namespace ScorePortal.Features.Lookup;

/// <summary>
/// The work a lookup does whoever is asked about, so that its duration does not say whether an ID number is
/// registered: every lookup decrypts <see cref="DecryptionBudget"/> values (the candidate's own, topped up with a decoy
/// ciphertext) and compares one stored name (the candidate's, or a decoy's when there is none).
/// </summary>
public sealed class LookupDecoy(FieldProtector protector)
{
    /// <summary>
    /// Decryptions every lookup performs: a candidate's name, ID number and email plus their scores (a candidate with
    /// every subject of several sessions stays below it). A candidate beyond it costs more, which says only "many scores".
    /// </summary>
    public const int DecryptionBudget = 32;

    // Encrypted on first use, under the current key, a name-length value: as costly to open as a real one.
    private static readonly string Binding = FieldEncryption.Binding(typeof(ScorePortal.Model.Candidate), nameof(ScorePortal.Model.Candidate.Name));

    private static readonly Guid DecoyRow = Guid.NewGuid();

    private string? _ciphertext;

    /// <summary>
    /// What a miss compares the typed name (or email) with: a registration nobody has. Its name is normalized like a
    /// stored one, and it never counts as a match.
    /// </summary>
    internal static readonly ResultRow Row = new(0, "某某某·某某", "", "decoy@invalid", 0, 0, 0, "", "", null, null, null, null, null);

    /// <summary>How many values the query decrypted for these rows (the lookup query decrypts the candidate once).</summary>
    internal static int DecryptionsOf(List<ResultRow> rows) =>
        rows.Count == 0 ? 0 : 2 + (rows[0].Email is null ? 0 : 1) + rows.Count(r => r.Score is not null);

    /// <summary>Decrypts the decoy until the lookup has decrypted <see cref="DecryptionBudget"/> values.</summary>
    internal void TopUp(int done)
    {
        var ciphertext = _ciphertext ??= protector.Protect("某某某", Binding, DecoyRow);
        for (var i = done; i < DecryptionBudget; i++) FieldEncryption.OpenString(protector, ciphertext, Binding, DecoyRow);
    }
}
