namespace ScorePortal.Tests.EndToEnd.Accessibility;

/// <summary>An HTML_CodeSniffer error the portal deliberately does not fix.</summary>
/// <param name="CodePrefix">The start of the message code, e.g. "WCAG2AA.Principle3.Guideline3_2.3_2_2.H32.2".</param>
/// <param name="Markup">Text the flagged element's markup must contain for the exception to apply; null for every element.</param>
/// <param name="Reason">Why the error does not hinder a person, and why the portal keeps the markup.</param>
public sealed record HtmlcsException(string CodePrefix, string? Markup, string Reason);

/// <summary>
/// The one list of HTML_CodeSniffer errors excused (docs/accessibility.md). Contrast (1.4.3) is never excused here
/// (checked by a test): a person who cannot read the text is hindered whatever the cause.
/// </summary>
public static class HtmlcsExceptions
{
    public static readonly HtmlcsException[] All =
    [
        new("WCAG2AA.Principle4.Guideline4_1.4_1_1.F77", "<filter id=\"lighten\"",
            "MudBlazor's charts each carry the same SVG colour filter (<filter id=\"lighten\">) in their own <defs>: an id only "
            + "CSS refers to, never ARIA, so no assistive technology resolves it; the portal cannot rename it, and WCAG 2.2 "
            + "dropped 4.1.1 (parsing) for markup like this. Every other duplicate id still fails."),
    ];
}
