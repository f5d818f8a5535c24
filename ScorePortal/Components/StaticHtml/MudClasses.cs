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
}
