using System.Text;
using ScorePortal.Features.Enterprises.Webhooks;
using ScorePortal.Platform.Outbox;

namespace ScorePortal.Tests.Features.Enterprises.Webhooks;

/// <summary>The signing scheme of docs/webhooks.md, against a vector computed outside .NET (Python's hmac module).</summary>
public sealed class WebhookSignatureTests
{
    // Key bytes 0x00..0x1f; body and timestamp as below; expected = hmac.new(key, b"1796000000." + body, sha256).hexdigest().
    private const string Secret = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    private const long Timestamp = 1796000000;
    private const string Body = """{"event":"result.published","employee_id":"E2023001","occurred_at":"2026-12-05T01:02:03.000Z","delivery_id":"0123456789abcdef0123456789abcdef"}""";
    private const string Expected = "a8faeb4198cd81e967191e4512cb5f652fdf6595d19c496b8c0318ee5843185a";

    [Fact]
    public void The_body_is_the_four_thin_fields_in_order_and_the_signature_matches_the_known_vector()
    {
        var body = WebhookSignature.Body(WebhookEvents.Published, "E2023001", new DateTimeOffset(2026, 12, 5, 9, 2, 3, TimeSpan.FromHours(8)),
            "0123456789abcdef0123456789abcdef");

        Assert.Equal(Body, Encoding.UTF8.GetString(body));
        Assert.Equal(Expected, WebhookSignature.Sign(Secret, Timestamp, body));
        Assert.Equal($"t={Timestamp},v1={Expected}", WebhookSignature.Header(Secret, Timestamp, body));
    }

    [Fact]
    public void A_receiver_accepts_the_signature_within_five_minutes_and_refuses_a_replay_a_changed_body_or_another_secret()
    {
        var body = Encoding.UTF8.GetBytes(Body);
        var header = WebhookSignature.Header(Secret, Timestamp, body);
        var signedAt = DateTimeOffset.FromUnixTimeSeconds(Timestamp);

        Assert.True(WebhookSignature.Verify(Secret, header, body, signedAt));
        Assert.True(WebhookSignature.Verify(Secret, header, body, signedAt.AddMinutes(5)));
        Assert.False(WebhookSignature.Verify(Secret, header, body, signedAt.AddMinutes(5).AddSeconds(1)));
        Assert.False(WebhookSignature.Verify(Secret, header, body, signedAt.AddMinutes(-6)));
        Assert.False(WebhookSignature.Verify(Secret, header, Encoding.UTF8.GetBytes(Body.Replace("E2023001", "E2023002")), signedAt));
        Assert.False(WebhookSignature.Verify(WebhookSignature.NewSecret(), header, body, signedAt));
        Assert.False(WebhookSignature.Verify(Secret, $"t={Timestamp + 1},v1={Expected}", body, signedAt));
        Assert.False(WebhookSignature.Verify(Secret, "v1=" + Expected, body, signedAt));
        Assert.False(WebhookSignature.Verify(Secret, null, body, signedAt));
    }

    [Fact]
    public void A_test_notice_names_nobody_and_a_new_secret_holds_256_random_bits()
    {
        var body = Encoding.UTF8.GetString(WebhookSignature.Body(WebhookEvents.Test, "", DateTimeOffset.UnixEpoch, "k"));
        Assert.Equal("""{"event":"webhook.test","employee_id":null,"occurred_at":"1970-01-01T00:00:00.000Z","delivery_id":"k"}""", body);

        var secrets = Enumerable.Range(0, 20).Select(_ => WebhookSignature.NewSecret()).ToList();
        Assert.All(secrets, s => Assert.Equal(32, Convert.FromBase64String(s).Length));
        Assert.Equal(20, secrets.Distinct().Count());
    }

    [Fact]
    public void The_retry_policy_doubles_its_waits_and_covers_the_24_hours_with_its_last_attempt()
    {
        var policy = OutboxRetryPolicy.Over(TimeSpan.FromHours(24), TimeSpan.FromMinutes(1), TimeSpan.FromHours(2));

        Assert.Equal([1, 2, 4, 8, 16, 32, 64, 120, 120], Enumerable.Range(1, 9).Select(i => policy.BackoffAfter(i).TotalMinutes));
        Assert.True(policy.Span >= TimeSpan.FromHours(24));
        Assert.True(policy.Span - policy.BackoffAfter(policy.MaxAttempts - 1) < TimeSpan.FromHours(24));
        Assert.Equal(19, policy.MaxAttempts);
    }
}
