namespace ScorePortal.Tests.EndToEnd.Accessibility;

/// <summary>A violation axe-core reports inside a MudBlazor component's own markup, which the portal cannot change.</summary>
/// <param name="RuleId">The axe rule, e.g. "aria-allowed-attr".</param>
/// <param name="Selector">A CSS selector the violating element matches (axe's target of the node must match it).</param>
/// <param name="Reason">Why it is not the portal's to fix, and why a person is not hindered by it.</param>
public sealed record AxeException(string RuleId, string Selector, string Reason);

/// <summary>
/// The one list of accepted axe-core violations: MudBlazor internals only, each with its rule, selector and reason.
/// Contrast and missing names are never accepted here (<see cref="ForbiddenRules"/>, checked by a test): those are
/// always the portal's to fix, through the theme or a label.
/// </summary>
public static class AxeExceptions
{
    public static readonly AxeException[] All =
    [
    ];

    /// <summary>Rules about contrast and accessible names: a person cannot read or cannot find what these flag.</summary>
    public static readonly string[] ForbiddenRules =
    [
        "color-contrast", "color-contrast-enhanced", "link-in-text-block",
        "aria-command-name", "aria-dialog-name", "aria-input-field-name", "aria-meter-name", "aria-progressbar-name",
        "aria-toggle-field-name", "aria-tooltip-name", "aria-treeitem-name", "button-name", "document-title",
        "frame-title", "image-alt", "input-button-name", "input-image-alt", "label", "link-name", "object-alt",
        "role-img-alt", "select-name", "svg-img-alt", "summary-name", "area-alt",
    ];
}
