using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace ScorePortal.Features.Captcha;

/// <summary>
/// One drawing per token: the picture of a token is kept, keyed by the token's id, until the token expires, and every
/// later request for it (a reload, a second tab, a flood of the same URL) is served these bytes. The cache is bounded
/// (<see cref="CaptchaOptions.CachedImages"/>); the per-address limits keep anyone from filling it with fresh tokens.
/// Concurrent first requests for one token share one drawing (a lazy value in the cache).
/// </summary>
public sealed class CaptchaImageCache : IDisposable
{
    private readonly MemoryCache _images;
    private readonly CaptchaImage _image;

    public CaptchaImageCache(CaptchaImage image, IOptions<CaptchaOptions> options)
    {
        _image = image;
        _images = new MemoryCache(new MemoryCacheOptions { SizeLimit = options.Value.CachedImages });
    }

    public byte[] PictureOf(OpenChallenge challenge)
    {
        if (_images.TryGetValue(challenge.Id, out Lazy<byte[]>? cached)) return cached!.Value;
        var drawing = new Lazy<byte[]>(() => _image.Render(challenge.Answer), LazyThreadSafetyMode.ExecutionAndPublication);
        using (var entry = _images.CreateEntry(challenge.Id))
        {
            entry.Value = drawing;
            entry.Size = 1;
            entry.AbsoluteExpiration = challenge.ExpiresAt;
        }
        // Another request may have stored its own lazy value for this id in the meantime: draw whichever is stored.
        return _images.TryGetValue(challenge.Id, out Lazy<byte[]>? stored) ? stored!.Value : drawing.Value;
    }

    public void Dispose() => _images.Dispose();
}
