namespace ScorePortal.Components.Layout;

/// <summary>
/// A static page for everyone on release day (home): App.razor gives it the one light stylesheet
/// (<see cref="PortalAssets.Light"/>) and no Blazor or MudBlazor script, so a first visit stays under 40 KB. Only for
/// pages without interactivity, forms posting back or enhanced navigation.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class LightPageAttribute : Attribute;
