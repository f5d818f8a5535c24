using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Microsoft.Extensions.ObjectPool;

namespace ScorePortal.Components.StaticHtml;

/// <summary>
/// Builds an HTML page in a pooled buffer for the few pages served without the Blazor renderer (the release-day lookup
/// pages). Text and attribute values always go through <see cref="Text"/> / <see cref="Attr"/>, which HTML-encode;
/// <see cref="Raw"/> is for markup literals written in code only, never for data.
/// </summary>
public sealed class HtmlWriter : IDisposable
{
    // The same encoder settings as the Blazor pages (PortalUiExtensions): Chinese text stays characters.
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);
    private static readonly ObjectPool<StringBuilder> Buffers = new DefaultObjectPoolProvider { MaximumRetained = 256 }
        .Create(new StringBuilderPooledObjectPolicy { InitialCapacity = 16 * 1024, MaximumRetainedCapacity = 256 * 1024 });

    private StringBuilder? _html = Buffers.Get();

    private StringBuilder Html => _html ?? throw new ObjectDisposedException(nameof(HtmlWriter));

    // Markup known only after an await (a count from the database), filled in by WriteToAsync at the marked place.
    private int _deferredAt = -1;
    private Func<CancellationToken, Task<string>>? _deferred;

    /// <summary>
    /// Marks the current place for markup that needs an await (the staff link's count in the header): the page is written
    /// synchronously, and <see cref="WriteToAsync"/> awaits <paramref name="markup"/> and puts its result here before
    /// sending. One per page; the markup must be encoded by its producer (build it with another writer).
    /// </summary>
    public HtmlWriter Deferred(Func<CancellationToken, Task<string>> markup)
    {
        if (_deferred is not null) throw new InvalidOperationException("A page has one deferred place.");
        _deferredAt = Html.Length;
        _deferred = markup;
        return this;
    }

    public HtmlWriter Raw(string markup)
    {
        Html.Append(markup);
        return this;
    }

    public HtmlWriter Text(string? text)
    {
        if (!string.IsNullOrEmpty(text)) Html.Append(Encoder.Encode(text));
        return this;
    }

    /// <summary>Writes <c> name="value"</c> (with a leading space), the value encoded.</summary>
    public HtmlWriter Attr(string name, string? value)
    {
        Html.Append(' ').Append(name).Append("=\"");
        Text(value);
        Html.Append('"');
        return this;
    }

    /// <summary>Writes <c> name</c> when <paramref name="on"/> (boolean attributes such as selected, open).</summary>
    public HtmlWriter Flag(string name, bool on)
    {
        if (on) Html.Append(' ').Append(name);
        return this;
    }

    /// <summary>An element with encoded text content: <c>&lt;tag attributes&gt;text&lt;/tag&gt;</c>.</summary>
    public HtmlWriter Element(string tag, string? text, string attributes = "")
    {
        Html.Append('<').Append(tag).Append(attributes).Append('>');
        Text(text);
        Html.Append("</").Append(tag).Append('>');
        return this;
    }

    public override string ToString() => Html.ToString();

    /// <summary>Sends the page as UTF-8, never cached (lookup pages carry single-use tokens and personal results).</summary>
    public async Task WriteToAsync(HttpResponse response, int statusCode = StatusCodes.Status200OK)
    {
        response.StatusCode = statusCode;
        response.ContentType = "text/html; charset=utf-8";
        response.Headers.CacheControl = "no-store";
        if (_deferred is { } deferred)
        {
            _deferred = null;
            Html.Insert(_deferredAt, await deferred(response.HttpContext.RequestAborted));
        }
        var body = response.BodyWriter;
        var utf8 = Encoding.UTF8.GetEncoder();
        var chunks = Html.GetChunks();
        var more = chunks.MoveNext();
        while (more)
        {
            var chunk = chunks.Current;
            more = chunks.MoveNext();
            // A chunk boundary may split a surrogate pair: the encoder carries it over until the last chunk flushes.
            utf8.Convert(chunk.Span, body, flush: !more, out _, out _);
        }
        await body.FlushAsync(response.HttpContext.RequestAborted);
    }

    public void Dispose()
    {
        if (_html is null) return;
        Buffers.Return(_html);
        _html = null;
    }
}
