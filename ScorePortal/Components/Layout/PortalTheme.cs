using MudBlazor;

namespace ScorePortal.Components.Layout;

public static class PortalTheme
{
    public static readonly MudTheme Theme = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#1a4d8f",
            Secondary = "#b71c1c",
            AppbarBackground = "#1a4d8f",
            Background = "#f5f7fa",
            // MudBlazor's default secondary text (54 % black) is 4.48:1 on this background, short of WCAG AA's 4.5:1
            // for small text such as the footer caption; this grey is 5.6:1 on the background and 6:1 on white.
            TextSecondary = "#5c6370",
            Success = "#2e7d32",
            Error = "#c62828",
        },
        Typography = new Typography
        {
            Default = new DefaultTypography
            {
                FontFamily = ["\"PingFang SC\"", "\"Microsoft YaHei\"", "\"Noto Sans CJK SC\"", "\"Noto Sans SC\"", "Roboto", "sans-serif"],
            },
        },
        LayoutProperties = new LayoutProperties { DefaultBorderRadius = "6px" },
    };
}
