using ScorePortal.Platform.Notices;

namespace ScorePortal.Features.Me;

/// <summary>What the email on a candidate record is told about links to accounts; <see cref="Notices"/> puts it in words.</summary>
public static class LinkNotices
{
    /// <summary>The code that confirms linking the record to an account.</summary>
    public static Notice Code(string code, TimeSpan validFor) => Notice.Of("Mail.LinkCode", code, (int)validFor.TotalMinutes);

    /// <summary>The record was linked to an account.</summary>
    public static Notice Linked() => Notice.Of("Mail.Linked");

    /// <summary>An admin released the record's link.</summary>
    public static Notice Released() => Notice.Of("Mail.LinkReleased");
}
