using System.Net.Mail;
using Microsoft.EntityFrameworkCore;
using ScorePortal.Components.Forms;
using ScorePortal.Data;
using ScorePortal.Model;
using ScorePortal.Platform.Audit;

namespace ScorePortal.Features.Catalog;

/// <summary>
/// The exam center of one province; the province's code and name come from GB/T 2260 and stay as they are.
/// <see cref="LoadedVersion"/> is <see cref="SaveProvince.VersionOf"/> of the row the form loaded.
/// </summary>
public sealed record SaveProvinceRequest(string Code, string? ExamCenterNameZh, string? ExamCenterNameEn, string? ContactPhone,
    string? ContactEmail, string? ContactAddress, string? Website, string? UserId, string? LoadedVersion = null);

public sealed class SaveProvince(IDbContextFactory<ScorePortalDbContext> dbFactory, CatalogChanges changes)
{
    public const string NotFound = "Provinces.Error.NotFound";
    public const string PhoneFormat = "Provinces.Error.PhoneFormat";
    public const string EmailFormat = "Provinces.Error.EmailFormat";
    public const string WebsiteFormat = "Provinces.Error.WebsiteFormat";

    public static string VersionOf(Province p) =>
        EditVersion.Of(p.ExamCenterNameZh, p.ExamCenterNameEn, p.ContactPhone, p.ContactEmail, p.ContactAddress, p.Website);

    public async Task<EditResult> HandleAsync(SaveProvinceRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var province = await db.Provinces.FirstOrDefaultAsync(p => p.Code == request.Code, ct);
        if (province is null) return EditResult.Refused("", NotFound);
        if (EditVersion.IsStale(request.LoadedVersion, VersionOf(province))) return EditResult.Refused("", EditVersion.Stale);

        var check = new EditValidator(db);
        var nameZh = check.Text<Province>(nameof(Province.ExamCenterNameZh), request.ExamCenterNameZh);
        var nameEn = check.Text<Province>(nameof(Province.ExamCenterNameEn), request.ExamCenterNameEn, required: false);
        var phone = check.Text<Province>(nameof(Province.ContactPhone), request.ContactPhone, required: false);
        if (phone is not null && !phone.All(c => char.IsAsciiDigit(c) || c is '+' or '-' or ' ' or '(' or ')' or ',' or '/'))
            check.Add(nameof(Province.ContactPhone), PhoneFormat);
        var email = check.Text<Province>(nameof(Province.ContactEmail), request.ContactEmail, required: false);
        if (email is not null && !IsEmail(email)) check.Add(nameof(Province.ContactEmail), EmailFormat);
        var address = check.Text<Province>(nameof(Province.ContactAddress), request.ContactAddress, required: false);
        var website = check.Text<Province>(nameof(Province.Website), request.Website, required: false);
        if (website is not null && !IsWebAddress(website)) check.Add(nameof(Province.Website), WebsiteFormat);
        if (check.Errors.Count > 0) return EditResult.Refused(check.Errors);

        province.ExamCenterNameZh = nameZh!;
        province.ExamCenterNameEn = nameEn ?? "";
        province.ContactPhone = phone;
        province.ContactEmail = email;
        province.ContactAddress = address;
        province.Website = website;
        var changed = db.Entry(province).Properties.Where(p => p.IsModified).Select(p => p.Metadata.Name).ToList();
        if (changed.Count == 0) return new EditResult([]);
        // No unique column is edited here, so the database has nothing to refuse.
        await changes.SaveAsync(db, rescored: null,
            _ => CatalogAudit.Change(AuditActions.ProvinceChange, request.UserId, "province", province.Code, "update", changed), ct);
        return new EditResult([]);
    }

    /// <summary>One plain address (no display name, no list), with a dot in its domain.</summary>
    internal static bool IsEmail(string value) =>
        MailAddress.TryCreate(value, out var address) && address.Address == value && address.Host.Contains('.', StringComparison.Ordinal)
        && !address.Host.StartsWith('.') && !address.Host.EndsWith('.');

    internal static bool IsWebAddress(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
        && uri.Host.Contains('.', StringComparison.Ordinal) && string.IsNullOrEmpty(uri.UserInfo);
}
