using Microsoft.AspNetCore.Components;
using ScorePortal.Localization;

namespace ScorePortal.Account;

internal sealed class IdentityRedirectManager(NavigationManager navigation)
{
    /// <summary>Redirects to a local path only; anything else goes to the home page (no open redirects).</summary>
    public void RedirectTo(string? uri) => navigation.NavigateTo(LocalizationExtensions.SafeLocalUrl(uri));

    public void RedirectTo(string path, Dictionary<string, object?> query) =>
        RedirectTo("/" + navigation.ToBaseRelativePath(navigation.GetUriWithQueryParameters(
            navigation.ToAbsoluteUri(path).GetLeftPart(UriPartial.Path), query)));
}
