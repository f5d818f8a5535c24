using Microsoft.Extensions.Options;
using ScorePortal.Operations;
using ScorePortal.Platform.Limits;

namespace ScorePortal.Features.Captcha;

/// <summary>
/// The captcha picture a page shows at once, drawn into the page itself as a <c>data:</c> URL instead of a second
/// request: on release day a visit is then two requests (the form, the lookup), not three, and the picture's request
/// cost no longer comes on top of its drawing (bench/RESULTS.md, "whole visit"). The drawing is the token's only one:
/// the token is sealed as drawn in its page (<see cref="OpenChallenge.DrawnInPage"/>), so its URL answers 404 rather
/// than draw a second picture of the same answer; and it is not kept in <see cref="CaptchaImageCache"/> (keeping every
/// page's picture for the token's life cost a fifth of a visit's CPU, for a URL nobody asks).
/// <para>
/// A page anyone may fetch must not become a drawing machine: inline pictures count against
/// <see cref="CaptchaOptions.ImagesPerAddressPerMinute"/> per client address in the limits store (shared by every
/// instance with Redis). Past it the page links the picture as before, and <c>/captcha/image</c>'s own per-address limit
/// answers.
/// </para>
/// </summary>
public sealed class InlineCaptcha(CaptchaService captcha, CaptchaImage drawing, ILimitsStore store, IOptions<CaptchaOptions> options,
    PortalMetrics metrics)
{
    private const string DataUrlPrefix = "data:" + CaptchaImage.ContentType + ";base64,";

    /// <summary>Whether this request's page may carry a drawn picture (one permit of the address's picture budget).</summary>
    public async ValueTask<bool> AllowedAsync(HttpContext http)
    {
        var limit = options.Value.ImagesPerAddressPerMinute;
        if (limit == 0) return true;
        var hit = await store.HitAsync("captcha-inline:" + LimitPartitions.AddressKey(http), TimeSpan.FromMinutes(1), limit);
        return hit.Counted;
    }

    /// <summary>A fresh single-use token, its expiry, and its picture as a <c>data:</c> URL.</summary>
    public (string Token, DateTimeOffset ExpiresAt, string PictureUrl) Issue()
    {
        var (token, challenge) = captcha.IssueChallenge(drawnInPage: true);
        var picture = drawing.Render(challenge.Answer);
        metrics.CaptchaImageInline();
        return (token, challenge.ExpiresAt, string.Create(DataUrlPrefix.Length + (picture.Length + 2) / 3 * 4, picture, static (chars, bytes) =>
        {
            DataUrlPrefix.CopyTo(chars);
            Convert.TryToBase64Chars(bytes, chars[DataUrlPrefix.Length..], out _);
        }));
    }
}
