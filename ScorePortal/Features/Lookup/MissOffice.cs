using ScorePortal.Components.StaticHtml;
using ScorePortal.Features.Results;
using ScorePortal.Localization;
using ScorePortal.Model;

namespace ScorePortal.Features.Lookup;

/// <summary>
/// Whom a "not found" answer sends the visitor to: the exam office of the province that the typed resident ID's first
/// two digits name (GB/T 2260), or that the typed admission ticket names (2026H1-<b>11</b>-000001). It is derived from
/// what was typed alone, never from a record, and said on every miss (no candidate, another name, not registered), so
/// it tells nothing about whether a record exists. Other documents (passports, permits) name no province: the answer
/// says whom to ask instead. The contacts come from the cached catalog snapshot (<see cref="ResultCatalog"/>): a miss
/// costs no extra query.
/// </summary>
internal sealed record MissOffice(string IntroKey, ExamCenterContact? Contact)
{
    /// <summary>The office for a miss of the main form (ID document + name).</summary>
    public static ValueTask<MissOffice> ForIdAsync(ResultCatalog catalog, IdType? type, string? idNumber, CancellationToken ct) =>
        ForProvinceAsync(catalog, ProvinceOfResidentId(type, idNumber), "Lookup.Office.ById", ct);

    /// <summary>The office for a miss of the ticket form.</summary>
    public static ValueTask<MissOffice> ForTicketAsync(ResultCatalog catalog, string? ticket, CancellationToken ct) =>
        ForProvinceAsync(catalog, ProvinceOfTicket(ticket), "Lookup.Office.ByTicket", ct);

    /// <summary>Overseas candidates (passport): no province to derive; they ask the office they registered with.</summary>
    public static MissOffice Overseas { get; } = new("Lookup.Office.Overseas", null);

    private static readonly MissOffice NoProvince = new("Lookup.Office.NoProvince", null);

    private static async ValueTask<MissOffice> ForProvinceAsync(ResultCatalog catalog, string? code, string introKey, CancellationToken ct)
    {
        if (code is null) return NoProvince;
        var snapshot = await catalog.GetAsync(ct);
        return snapshot.Centers.TryGetValue(code, out var contact) ? new MissOffice(introKey, contact) : NoProvince;
    }

    /// <summary>"11" of a resident ID typed as 110101…; null for other documents or a number that is not one.</summary>
    internal static string? ProvinceOfResidentId(IdType? type, string? idNumber)
    {
        if (type != IdType.ResidentId || string.IsNullOrWhiteSpace(idNumber)) return null;
        if (CandidateIdentity.IdNumberError(IdType.ResidentId, idNumber, out var normalized) is not null) return null;
        return normalized.Length >= 2 && char.IsAsciiDigit(normalized[0]) && char.IsAsciiDigit(normalized[1]) ? normalized[..2] : null;
    }

    /// <summary>"11" of a ticket typed as 2026H1-11-000001; null when the ticket has another layout.</summary>
    internal static string? ProvinceOfTicket(string? ticket)
    {
        var parts = (ticket ?? "").Trim().Split('-');
        return parts.Length == 3 && parts[1].Length == 2 && char.IsAsciiDigit(parts[1][0]) && char.IsAsciiDigit(parts[1][1]) ? parts[1] : null;
    }

    /// <summary>The office block below the "not found" message; every value encoded by the writer.</summary>
    public void Write(HtmlWriter html, CachedTexts t)
    {
        html.Raw("<div class=\"portal-alert portal-alert--info\" data-testid=\"lookup-office\">")
            .Element("p", t[IntroKey], " class=\"mt-0\"");
        if (Contact is { } contact) ResultSheetHtml.Contact(html, t, contact);
        html.Raw("</div>");
    }
}
