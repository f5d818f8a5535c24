using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using MudBlazor;

namespace ScorePortal.Components.Layout;

/// <summary>One file the portal builds at run time: its fingerprinted address and its bytes, precompressed.</summary>
public sealed class GeneratedAsset
{
    public GeneratedAsset(string name, string extension, string contentType, string content)
    {
        Identity = Encoding.UTF8.GetBytes(content);
        var hash = Convert.ToHexStringLower(SHA256.HashData(Identity))[..12];
        Path = $"{PortalAssets.Prefix}{name}.{hash}.{extension}";
        ContentType = contentType;
        ETag = $"\"{hash}\"";
        Gzip = Compress(Identity, s => new GZipStream(s, CompressionLevel.SmallestSize));
        Brotli = Compress(Identity, s => new BrotliStream(s, CompressionLevel.SmallestSize));
    }

    /// <summary>The address pages link to; it changes whenever the content does, so browsers may keep it forever.</summary>
    public string Path { get; }

    public string ContentType { get; }

    public string ETag { get; }

    public byte[] Identity { get; }

    public byte[] Gzip { get; }

    public byte[] Brotli { get; }

    private static byte[] Compress(byte[] content, Func<Stream, Stream> compressor)
    {
        using var buffer = new MemoryStream();
        using (var stream = compressor(buffer)) stream.Write(content);
        return buffer.ToArray();
    }
}

/// <summary>
/// The stylesheets and script the portal assembles itself, served fingerprinted, precompressed (br, gzip) and cached as
/// immutable, like the build's static assets:
/// <list type="bullet">
/// <item><see cref="Theme"/>: the CSS variables MudBlazor's theme provider would write into every page (a few hundred),
/// rendered once.</item>
/// <item><see cref="Light"/>: everything the release-day pages (home, lookup) need in one file: the theme, the rules of
/// MudBlazor's 600 KB stylesheet that can apply to the few MudBlazor classes those pages use
/// (<see cref="StaticHtml.MudClasses.LightPagePrefixes"/>), and app.css. A first visit loads about 8 KB of CSS instead
/// of 50 KB, and no Blazor script at all.</item>
/// <item><see cref="CaptchaScript"/>: captcha.js for the hand-written lookup pages.</item>
/// </list>
/// Built on first use, from the same files the build serves (so a MudBlazor upgrade changes them too).
/// </summary>
public sealed partial class PortalAssets(IServiceProvider services, IWebHostEnvironment environment, ILoggerFactory loggers)
{
    public const string Prefix = "/assets/";

    private readonly Lazy<Built> _built = new(() => Build(services, environment, loggers), LazyThreadSafetyMode.ExecutionAndPublication);

    public GeneratedAsset Theme => _built.Value.Theme;

    public GeneratedAsset Light => _built.Value.Light;

    public GeneratedAsset CaptchaScript => _built.Value.CaptchaScript;

    public GeneratedAsset? Find(string path) =>
        _built.Value.All.FirstOrDefault(a => string.Equals(a.Path, path, StringComparison.Ordinal));

    private sealed record Built(GeneratedAsset Theme, GeneratedAsset Light, GeneratedAsset CaptchaScript)
    {
        public GeneratedAsset[] All { get; } = [Theme, Light, CaptchaScript];
    }

    private static Built Build(IServiceProvider services, IWebHostEnvironment environment, ILoggerFactory loggers)
    {
        var theme = RenderThemeAsync(services, loggers).GetAwaiter().GetResult();
        var mud = ReadWebRoot(environment, "_content/MudBlazor/MudBlazor.min.css");
        var app = ReadWebRoot(environment, "app.css");
        return new Built(
            new GeneratedAsset("theme", "css", "text/css; charset=utf-8", theme),
            new GeneratedAsset("light", "css", "text/css; charset=utf-8",
                theme + "\n" + LightCss.Select(mud, StaticHtml.MudClasses.LightPagePrefixes) + "\n" + app),
            new GeneratedAsset("captcha", "js", "text/javascript; charset=utf-8", ReadWebRoot(environment, "js/captcha.js")));
    }

    private static string ReadWebRoot(IWebHostEnvironment environment, string path)
    {
        var file = environment.WebRootFileProvider.GetFileInfo(path);
        if (!file.Exists) throw new InvalidOperationException($"wwwroot/{path} is missing from the build output.");
        using var reader = new StreamReader(file.CreateReadStream(), Encoding.UTF8);
        return reader.ReadToEnd();
    }

    private static async Task<string> RenderThemeAsync(IServiceProvider services, ILoggerFactory loggers)
    {
        // The renderer resolves scoped services: a scope of its own, never the root provider (a singleton builds this).
        await using var scope = services.CreateAsyncScope();
        await using var renderer = new HtmlRenderer(scope.ServiceProvider, loggers);
        var html = await renderer.Dispatcher.InvokeAsync(async () =>
            (await renderer.RenderComponentAsync<MudThemeProvider>(ParameterView.FromDictionary(
                new Dictionary<string, object?> { [nameof(MudThemeProvider.Theme)] = PortalTheme.Theme }))).ToHtmlString());
        return string.Join('\n', StyleElement().Matches(html).Select(m => m.Groups[1].Value));
    }

    [GeneratedRegex("<style[^>]*>(.*?)</style>", RegexOptions.Singleline)]
    private static partial Regex StyleElement();
}
