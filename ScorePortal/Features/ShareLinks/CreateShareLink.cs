using System.Globalization;
using Microsoft.EntityFrameworkCore;
using ScorePortal.Data;
using ScorePortal.Platform.Audit;
using ScorePortal.Security;

namespace ScorePortal.Features.ShareLinks;

/// <param name="Validity">A preset's days ("1", "7", "30", "365") or <see cref="ShareLinkValidity.UntilDate"/>.</param>
/// <param name="LastDay">The last valid day when <paramref name="Validity"/> is a date.</param>
/// <param name="Note">Whom it is for (optional, at most <see cref="CreateShareLink.NoteMaxLength"/> characters).</param>
public sealed record CreateShareLinkRequest(string UserId, int ReportId, string? Validity, DateOnly? LastDay, string? Note, string? SourceIp);

public abstract record CreateShareLinkOutcome
{
    public sealed record Created(int LinkId, string Token, DateTimeOffset ExpiresAt) : CreateShareLinkOutcome;

    /// <summary>A resource key saying what to change (no such certificate, validity, note, too many links).</summary>
    public sealed record Refused(string MessageKey) : CreateShareLinkOutcome;
}

/// <summary>
/// The holder makes a link for one of their own certificates (<see cref="ShareableCertificates"/>) with the validity
/// they chose and an optional note. The token is returned once here; the row keeps its hash and a sealed copy.
/// </summary>
public sealed class CreateShareLink(IDbContextFactory<ScorePortalDbContext> dbFactory, ShareableCertificates certificates, AuditLog audit,
    TimeProvider time)
{
    public const int NoteMaxLength = 100;

    /// <summary>Links of one holder still valid at once: far above any real use, a bound on what one account can make.</summary>
    public const int MaxActivePerHolder = 50;

    public async Task<CreateShareLinkOutcome> HandleAsync(CreateShareLinkRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var now = time.GetUtcNow();
        if (await certificates.FindAsync(request.UserId, request.ReportId, ct) is null)
            return new CreateShareLinkOutcome.Refused("ShareLinks.Error.NoCertificate");
        if (ShareLinkValidity.ExpiryOf(request.Validity, request.LastDay, now) is not { } expiresAt)
            return new CreateShareLinkOutcome.Refused("ShareLinks.Error.Validity");
        if (NoteProblem(request.Note) is { } problem)
            return new CreateShareLinkOutcome.Refused(problem);

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var active = await db.ShareLinks.CountAsync(l => l.UserId == request.UserId && l.RevokedAt == null && l.ExpiresAt > now, ct);
        if (active >= MaxActivePerHolder) return new CreateShareLinkOutcome.Refused("ShareLinks.Error.TooMany");

        var token = ShareLinkToken.New();
        var link = new ShareLink
        {
            UserId = request.UserId,
            ReportIssueId = request.ReportId,
            TokenHash = ShareLinkToken.Hash(token),
            Token = token,
            Note = request.Note?.Trim() ?? "",
            CreatedAt = now,
            ExpiresAt = expiresAt,
        };
        db.ShareLinks.Add(link);
        await db.SaveChangesAsync(ct);
        await audit.WriteDurableAsync(new AuditRecord(AuditActions.ShareLinkCreate, ActorUserId: request.UserId, ActorRole: Roles.Candidate,
            TargetType: "share-link", TargetId: link.Id.ToString(CultureInfo.InvariantCulture), SourceIp: request.SourceIp,
            Data: new Dictionary<string, string?>
            {
                ["report"] = request.ReportId.ToString(CultureInfo.InvariantCulture),
                ["days"] = Math.Round((expiresAt - now).TotalDays).ToString(CultureInfo.InvariantCulture),
            }), CancellationToken.None);
        return new CreateShareLinkOutcome.Created(link.Id, token, expiresAt);
    }

    /// <summary>Null when the note can be stored; else the resource key of what is wrong with it.</summary>
    public static string? NoteProblem(string? note)
    {
        var trimmed = note?.Trim() ?? "";
        if (trimmed.Length > NoteMaxLength) return "ShareLinks.Error.NoteTooLong";
        return trimmed.Any(char.IsControl) ? "ShareLinks.Error.NoteInvalid" : null;
    }
}
