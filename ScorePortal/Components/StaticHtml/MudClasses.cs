namespace ScorePortal.Components.StaticHtml;

/// <summary>
/// The MudBlazor class names the hand-written pages use, in one place: they must be the ones MudBlazor's components
/// render on the Blazor pages (MudPaper Elevation="1", MudText Typo="…"), and a MudBlazor upgrade that renames one is
/// fixed here. The layout parity test compares the frame; the lookup page's own content uses these.
/// </summary>
internal static class MudClasses
{
    public const string Paper = "mud-paper mud-elevation-1";
    public const string Caption = "mud-typography mud-typography-caption";
    public const string Body2 = "mud-typography mud-typography-body2";
    public const string Subtitle2 = "mud-typography mud-typography-subtitle2";
    public const string H5WithGutter = "mud-typography mud-typography-h5 mud-typography-gutterbottom";
    public const string H6WithGutter = "mud-typography mud-typography-h6 mud-typography-gutterbottom";

    /// <summary>
    /// The MudBlazor classes the light pages (home, lookup) may use: the rules of MudBlazor's stylesheet for these,
    /// and nothing else of it, go into their one stylesheet (<c>PortalAssets.Light</c>). An entry ending
    /// in * covers every class starting with the rest. A light page using another MudBlazor class fails
    /// LightPageTests, which lists it.
    /// </summary>
    public static readonly string[] LightPagePrefixes =
    [
        "mud-paper", "mud-paper-outlined", "mud-elevation-0", "mud-elevation-1", "mud-typography*",
        "mud-simple-table*", "mud-table", "mud-table-container", "mud-table-dense", "mud-table-striped", "mud-table-hover",
        "mud-table-bordered", "mud-chip*", "mb-3", "mb-4", "mt-3",
    ];
}
