using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using ScorePortal.Data;
using ScorePortal.Features.Results;
using ScorePortal.Model;
using ScorePortal.Security;

namespace ScorePortal.Features.Privacy;

/// <summary>How the admin names the person of a paper request.</summary>
public enum PrivacyRequestSearch
{
    IdNumber,
    Email,
}

/// <param name="IdType">Only for <see cref="PrivacyRequestSearch.IdNumber"/>.</param>
public sealed record PrivacyRequestFindRequest(PrivacyRequestSearch By, IdType IdType, string? Value);

/// <summary>
/// The person found, masked as the admin needs to match them with the paper in hand (the request's copy of the ID
/// card): the account and the record the copy will hold, by id.
/// </summary>
public sealed record PrivacyRequestSubject(string? UserId, string? MaskedEmail, int? CandidateId, string? MaskedName, string? MaskedIdNumber);

/// <summary>
/// Finds the record of a paper request: by ID number through the blind index (never a scan of decrypted numbers), or
/// by the account's email through Identity's normalized index; either way the linked other half comes along. Null when
/// nothing matches; the refusal key when the input is not a number or an address.
/// </summary>
public sealed class PrivacyRequestFind(IDbContextFactory<ScorePortalDbContext> dbFactory, BlindIndex blindIndex, ILookupNormalizer normalizer)
{
    public async Task<(PrivacyRequestSubject? Subject, string? ErrorKey)> HandleAsync(PrivacyRequestFindRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var value = request.Value?.Trim() ?? "";
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        Candidate? candidate;
        ApplicationUser? user;
        if (request.By == PrivacyRequestSearch.IdNumber)
        {
            if (value.Length == 0 || value.Length > CandidateIdentity.MaxIdNumberInput
                || CandidateIdentity.IdNumberError(request.IdType, value, out var normalized) is not null)
                return (null, "PrivacyRequests.Error.IdNumber");
            var index = blindIndex.Compute(request.IdType, normalized);
            candidate = await db.Candidates.AsNoTracking().FirstOrDefaultAsync(c => c.IdType == request.IdType && c.IdNumberIndex == index, ct);
            user = candidate?.UserId is { } linked ? await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == linked, ct) : null;
        }
        else
        {
            var email = CandidateIdentity.NormalizeEmail(value);
            if (email.Length == 0 || email.Length > CandidateIdentity.MaxEmailLength || !CandidateIdentity.IsEmail(email))
                return (null, "PrivacyRequests.Error.Email");
            var key = normalizer.NormalizeEmail(email);
            user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.NormalizedEmail == key, ct);
            candidate = user is null ? null : await db.Candidates.AsNoTracking().FirstOrDefaultAsync(c => c.UserId == user.Id, ct);
        }
        if (candidate is null && user is null) return (null, null);
        return (new PrivacyRequestSubject(user?.Id, user?.Email is { } e ? Platform.Notices.Notices.MaskEmail(e) : null, candidate?.Id,
            candidate is null ? null : CandidateIdentity.MaskName(candidate.Name),
            candidate is null ? null : ResultSheetBuilder.MaskIdNumber(candidate.IdNumber)), null);
    }
}
