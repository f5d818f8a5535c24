using System.Globalization;
using Microsoft.EntityFrameworkCore;
using ScorePortal.Account;
using ScorePortal.Data;
using ScorePortal.Features.Admin;
using ScorePortal.Features.Audit;

namespace ScorePortal.Features.Catalog;

/// <summary>The contact details of a province's exam center, shown to candidates who have no scores.</summary>
public sealed record SaveProvinceRequest(string Code, string? ExamCenterNameZh, string? ExamCenterNameEn, string? ContactPhone,
    string? ContactEmail, string? ContactAddress, string? Website, string? UserId);

public sealed class SaveProvince(IDbContextFactory<ScorePortalDbContext> dbFactory, AuditLog audit)
{
    public const string NotFound = "Provinces.Error.NotFound";
    public const string PhoneFormat = "Provinces.Error.PhoneFormat";
    public const string EmailFormat = "Provinces.Error.EmailFormat";
    public const string WebsiteFormat = "Provinces.Error.WebsiteFormat";

    public async Task<EditResult> HandleAsync(SaveProvinceRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var province = await db.Provinces.FirstOrDefaultAsync(p => p.Code == request.Code, ct);
        if (province is null) return EditResult.Refused("", NotFound);

        var check = new EditValidator(db);
        var nameZh = check.Text<Province>(nameof(Province.ExamCenterNameZh), request.ExamCenterNameZh);
        var nameEn = check.Text<Province>(nameof(Province.ExamCenterNameEn), request.ExamCenterNameEn);
        var phone = check.Text<Province>(nameof(Province.ContactPhone), request.ContactPhone, required: false);
        var email = check.Text<Province>(nameof(Province.ContactEmail), request.ContactEmail, required: false);
        var address = check.Text<Province>(nameof(Province.ContactAddress), request.ContactAddress, required: false);
        var website = check.Text<Province>(nameof(Province.Website), request.Website, required: false);

        // Digits with the separators people write: 010-12345678, +86 10 1234 5678, (0755) 8888 8888.
        if (phone is not null && (!phone.Any(char.IsAsciiDigit) || !phone.All(c => char.IsAsciiDigit(c) || c is ' ' or '-' or '+' or '(' or ')')))
            check.Add(nameof(Province.ContactPhone), PhoneFormat);
        if (email is not null && (!System.Net.Mail.MailAddress.TryCreate(email, out var parsed) || parsed.Address != email || !email.Contains('@')))
            check.Add(nameof(Province.ContactEmail), EmailFormat);
        // Shown as a link to candidates: only absolute http(s) addresses, never javascript: or data:.
        if (website is not null && !(Uri.TryCreate(website, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
            check.Add(nameof(Province.Website), WebsiteFormat);
        if (check.Errors.Count > 0) return EditResult.Refused(check.Errors);

        province.ExamCenterNameZh = nameZh!;
        province.ExamCenterNameEn = nameEn!;
        province.ContactPhone = phone;
        province.ContactEmail = email;
        province.ContactAddress = address;
        province.Website = website;
        var changed = db.Entry(province).Properties.Where(p => p.IsModified).Select(p => p.Metadata.Name).ToList();
        if (changed.Count == 0) return EditResult.Saved(0);
        await db.SaveChangesAsync(ct);

        await audit.WriteDurableAsync(new AuditRecord(AuditActions.ProvinceChange, ActorUserId: request.UserId, ActorRole: Roles.Admin,
            TargetType: "province", TargetId: province.Code,
            Data: new Dictionary<string, string?> { ["changed"] = string.Join(',', changed) }), CancellationToken.None);
        return EditResult.Saved(int.Parse(province.Code, CultureInfo.InvariantCulture));
    }
}
