using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ScorePortal.Data;
using ScorePortal.Localization;
using ScorePortal.Platform.Audit;
using ScorePortal.Security;

namespace ScorePortal.Features.Privacy;

/// <param name="UserId">The signed-in account (never an id from the form).</param>
/// <param name="Culture">The page's language: the PDF's.</param>
public sealed record RequestDataCopyRequest(string UserId, string Culture, string? SourceIp);

public enum RequestDataCopyOutcome
{
    Requested,

    /// <summary>A copy is being prepared, or one was asked for within <see cref="DataCopyOptions.RequestInterval"/>.</summary>
    TooSoon,
}

/// <summary>
/// The account asks for a copy of its data (the page checked the second verification). One per
/// <see cref="DataCopyOptions.RequestInterval"/>: preparing a copy reads everything held about the person, and a copy a
/// day is all anyone needs; a failed copy does not count. The row is the job; the worker is woken to prepare it.
/// </summary>
public sealed class RequestDataCopy(IDbContextFactory<ScorePortalDbContext> dbFactory, AuditLog audit, DataCopySignal signal,
    IOptions<DataCopyOptions> options, TimeProvider time)
{
    public async Task<RequestDataCopyOutcome> HandleAsync(RequestDataCopyRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var now = time.GetUtcNow();
        var since = now - options.Value.RequestInterval;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var recent = await db.DataCopies.AnyAsync(c => c.RequestedByUserId == request.UserId && !c.ForRequest
            && (c.Status == DataCopyStatus.Preparing || (c.Status == DataCopyStatus.Ready && c.RequestedAt > since)), ct);
        if (recent)
        {
            await audit.WriteDurableAsync(new AuditRecord(AuditActions.PrivacyExportRequest, request.UserId, Roles.Candidate, "user", request.UserId,
                request.SourceIp, new Dictionary<string, string?> { ["result"] = "too-soon" }), ct);
            return RequestDataCopyOutcome.TooSoon;
        }

        var copy = new DataCopy
        {
            SubjectUserId = request.UserId,
            RequestedByUserId = request.UserId,
            Culture = request.Culture == LocalizationExtensions.EnglishCulture ? LocalizationExtensions.EnglishCulture : LocalizationExtensions.DefaultCulture,
            Status = DataCopyStatus.Preparing,
            RequestedAt = now,
            RemoveAt = now + options.Value.KeepFor,
        };
        db.Add(copy);
        await db.SaveChangesAsync(ct);
        await audit.WriteDurableAsync(new AuditRecord(AuditActions.PrivacyExportRequest, request.UserId, Roles.Candidate, "data-copy",
            copy.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), request.SourceIp,
            new Dictionary<string, string?> { ["result"] = "requested" }), ct);
        signal.Wake();
        return RequestDataCopyOutcome.Requested;
    }
}
