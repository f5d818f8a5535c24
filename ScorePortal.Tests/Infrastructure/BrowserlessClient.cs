using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;

namespace ScorePortal.Tests.Infrastructure;

/// <summary>
/// Real HTTP against the in-process portal, posting static-SSR forms the way a browser does: the hidden fields
/// a page renders (antiforgery token, Blazor's form name) travel with the visible fields a test fills in.
/// Redirects are not followed, so tests see where the portal sends a visitor.
/// </summary>
public sealed partial class BrowserlessClient(PortalFactory factory) : IDisposable
{
    public HttpClient Http { get; } = factory.CreateClient(new WebApplicationFactoryClientOptions
    {
        AllowAutoRedirect = false,
        HandleCookies = true,
        BaseAddress = new Uri("http://localhost"),
    });

    public async Task<(HttpStatusCode Status, string Html)> GetAsync(string path)
    {
        using var response = await Http.GetAsync(path);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>GETs <paramref name="path"/>, then posts its form named <paramref name="formName"/> with the given fields.</summary>
    public async Task<HttpResponseMessage> SubmitAsync(string path, string formName, IReadOnlyDictionary<string, string> fields)
    {
        var values = await ReadFormAsync(path, formName);
        foreach (var (key, value) in fields) values[key] = value;
        return await Http.PostAsync(path, new FormUrlEncodedContent(values));
    }

    /// <summary>
    /// Posts the form named <paramref name="formName"/> of a page already fetched (<paramref name="html"/>), without
    /// reading it again: for pages that change on every visit (a fresh authenticator secret, a captcha).
    /// </summary>
    public Task<HttpResponseMessage> SubmitPageAsync(string path, string html, string formName, IReadOnlyDictionary<string, string> fields)
    {
        var values = HiddenFields(html, formName);
        foreach (var (key, value) in fields) values[key] = value;
        return Http.PostAsync(path, new FormUrlEncodedContent(values));
    }

    /// <summary>The hidden fields a page renders into its form (antiforgery token, form name, captcha token).</summary>
    public async Task<Dictionary<string, string>> ReadFormAsync(string path, string formName)
    {
        var (status, html) = await GetAsync(path);
        if (status != HttpStatusCode.OK) throw new InvalidOperationException($"GET {path} answered {(int)status}");
        return HiddenFields(html, formName);
    }

    public static Dictionary<string, string> HiddenFields(string html, string formName)
    {
        var form = FormMarkup(html, formName);
        var values = new Dictionary<string, string>();
        foreach (Match m in HiddenInput().Matches(form)) values[WebUtility.HtmlDecode(m.Groups["name"].Value)] = WebUtility.HtmlDecode(m.Groups["value"].Value);
        return values;
    }

    public async Task<HttpResponseMessage> SignInAsync(string email, string password) =>
        await SubmitAsync("/Account/Login", "login", new Dictionary<string, string>
        {
            ["Input.Email"] = email,
            ["Input.Password"] = password,
        });

    private static string FormMarkup(string html, string formName)
    {
        foreach (Match m in FormElement().Matches(html))
        {
            if (m.Value.Contains($"name=\"_handler\" value=\"{formName}\"", StringComparison.Ordinal)) return m.Value;
        }
        throw new InvalidOperationException($"No form named '{formName}' on the page.");
    }

    [GeneratedRegex("<form\\b.*?</form>", RegexOptions.Singleline)]
    private static partial Regex FormElement();

    [GeneratedRegex("<input type=\"hidden\" name=\"(?<name>[^\"]*)\" value=\"(?<value>[^\"]*)\"")]
    private static partial Regex HiddenInput();

    public void Dispose() => Http.Dispose();
}

public static class RedirectExtensions
{
    /// <summary>Where a redirect points, as a local path and query (Blazor writes absolute URLs, endpoints relative ones).</summary>
    public static string RedirectTarget(this HttpResponseMessage response)
    {
        var location = response.Headers.Location ?? throw new InvalidOperationException($"{(int)response.StatusCode} without a Location header");
        return location.IsAbsoluteUri ? location.PathAndQuery : location.OriginalString;
    }
}
