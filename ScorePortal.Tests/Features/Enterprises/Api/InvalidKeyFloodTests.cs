using System.Net;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.Enterprises.Api;

/// <summary>The API's one per-address guard: requests without a usable key, counted per client address.</summary>
public sealed class InvalidKeyFloodTests
{
    [Fact]
    public async Task An_address_sending_too_many_requests_without_a_usable_key_is_refused_without_a_lookup_and_others_are_not()
    {
        await using var portal = new DemoPortal(new Dictionary<string, string?> { ["EnterpriseApi:InvalidKeyAttemptsPerAddressPerMinute"] = "3" }, candidates: 10);
        var data = new ApiTestData(portal);
        var (key, _) = await data.KeyAsync(await data.EnterpriseAsync());
        var client = portal.CreateClient();
        var body = ApiTestData.Body("E1", "S03");
        const string flooder = "198.51.100.20";

        for (var i = 0; i < 3; i++)
            ExamResultApiTests.AssertProblem(await ApiTestData.PostAsync(client, "spk_" + new string('A', 43), body, peer: flooder),
                HttpStatusCode.Unauthorized, "invalid_key");
        var refused = await ApiTestData.PostAsync(client, null, body, peer: flooder);
        var validFromThere = await ApiTestData.PostAsync(client, key, body, peer: flooder);
        var validElsewhere = await ApiTestData.PostAsync(client, key, body, peer: "198.51.100.21");

        ExamResultApiTests.AssertProblem(refused, HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.NotNull(refused.Response.Headers.RetryAfter?.Delta);
        // Over its budget the address gets no lookup at all, a valid key included; another address is not concerned.
        ExamResultApiTests.AssertProblem(validFromThere, HttpStatusCode.TooManyRequests, "rate_limited");
        ExamResultApiTests.AssertProblem(validElsewhere, HttpStatusCode.NotFound, "unknown_employee");

        portal.Clock.Advance(TimeSpan.FromSeconds(61));
        ExamResultApiTests.AssertProblem(await ApiTestData.PostAsync(client, key, body, peer: flooder), HttpStatusCode.NotFound, "unknown_employee");
    }
}
