using System.Net;
using System.Net.Http.Json;
using ScorePortal.Features.Captcha;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.Captcha;

/// <summary>
/// Drawing a captcha costs CPU: each token is drawn once, fetching pictures and fresh challenges is limited per client
/// address, and the busy gate covers them (BusyGateTests). bench/captcha/run.sh floods a running portal.
/// </summary>
public sealed class CaptchaFloodTests
{
    private static HttpRequestMessage From(string peer, string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add(TestPeerAddress.Header, peer);
        return request;
    }

    private static async Task<CaptchaExtensions.CaptchaChallenge> NewChallengeAsync(HttpClient http, string peer = "192.0.2.1")
    {
        using var response = await http.SendAsync(From(peer, "/captcha/new"));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<CaptchaExtensions.CaptchaChallenge>())!;
    }

    [Fact]
    public async Task A_token_is_drawn_once_and_every_later_request_gets_the_same_picture()
    {
        await using var portal = new PortalFactory();
        using var http = portal.CreateClient();
        var challenge = await NewChallengeAsync(http);
        var other = await NewChallengeAsync(http);

        var first = await http.GetByteArrayAsync(challenge.Image);
        var again = await http.GetByteArrayAsync(challenge.Image);
        var otherPicture = await http.GetByteArrayAsync(other.Image);

        // Every drawing jitters glyphs, colours and noise at random: equal bytes mean the first drawing was served again.
        Assert.Equal(first, again);
        Assert.NotEqual(first, otherPicture);
        Assert.Equal("BM"u8.ToArray(), first[..2]); // a BMP (CaptchaImage.ContentType)
    }

    [Fact]
    public async Task Pictures_and_fresh_challenges_are_limited_per_client_address()
    {
        await using var portal = PortalFactory.With(new Dictionary<string, string?>
        {
            ["Captcha:ImagesPerAddressPerMinute"] = "3",
            ["Captcha:NewPerAddressPerMinute"] = "2",
        });
        using var http = portal.CreateClient();

        var challenge = await NewChallengeAsync(http, "192.0.2.10");
        await NewChallengeAsync(http, "192.0.2.10");
        using var thirdNew = await http.SendAsync(From("192.0.2.10", "/captcha/new"));
        var statuses = new List<HttpStatusCode>();
        foreach (var path in new[] { challenge.Image, challenge.Image, challenge.Audio, challenge.Image })
        {
            using var response = await http.SendAsync(From("192.0.2.10", path));
            statuses.Add(response.StatusCode);
        }
        using var neighbourImage = await http.SendAsync(From("192.0.2.11", challenge.Image));
        var neighbourChallenge = await NewChallengeAsync(http, "192.0.2.11");

        Assert.Equal(HttpStatusCode.TooManyRequests, thirdNew.StatusCode);
        Assert.Equal("60", thirdNew.Headers.RetryAfter?.ToString());
        // The picture, the picture again, the audio (when the build had espeak-ng: 200, else 404): three; the fourth is refused.
        Assert.Equal(HttpStatusCode.OK, statuses[0]);
        Assert.Equal(HttpStatusCode.OK, statuses[1]);
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[3]);
        Assert.Equal(HttpStatusCode.OK, neighbourImage.StatusCode);
        Assert.NotNull(neighbourChallenge.Token);
    }

    [Fact]
    public async Task A_refused_picture_is_answered_429_without_drawing_the_status_page()
    {
        await using var portal = PortalFactory.With(new Dictionary<string, string?> { ["Captcha:ImagesPerAddressPerMinute"] = "1" });
        using var http = portal.CreateClient();
        var challenge = await NewChallengeAsync(http, "192.0.2.20");

        using var first = await http.SendAsync(From("192.0.2.20", challenge.Image));
        using var refused = await http.SendAsync(From("192.0.2.20", challenge.Image));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        // The portal's HTML status page is a Blazor render: a flood of refused pictures must not cost one each.
        Assert.NotEqual("text/html", refused.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("<html", await refused.Content.ReadAsStringAsync());
    }
}
