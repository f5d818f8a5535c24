using System.Net;
using System.Text.Json;
using ScorePortal.Features.Enterprises.Api;
using ScorePortal.Operations;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.Enterprises.Api;

/// <summary>The OpenAPI document and the reference page's headers (the page itself runs in Chromium: ApiReferenceTests).</summary>
public sealed class ApiDocumentTests(PortalFactory portal) : IClassFixture<PortalFactory>
{
    [Fact]
    public async Task The_document_lists_only_the_api_with_its_request_answer_and_problems_and_examples()
    {
        var text = await portal.CreateClient().GetStringAsync(ApiReference.DocumentPath);
        using var json = JsonDocument.Parse(text);
        var root = json.RootElement;

        Assert.Equal(["/api/v1/exam/result"], root.GetProperty("paths").EnumerateObject().Select(p => p.Name));
        var post = root.GetProperty("paths").GetProperty("/api/v1/exam/result").GetProperty("post");
        var request = post.GetProperty("requestBody").GetProperty("content").GetProperty("application/json");
        Assert.Equal("高级系统架构设计师", request.GetProperty("example").GetProperty("exam_type").GetString());
        var responses = post.GetProperty("responses");
        Assert.Equal("success", responses.GetProperty("200").GetProperty("content").GetProperty("application/json").GetProperty("example").GetProperty("status").GetString());
        foreach (var status in new[] { "400", "401", "403", "404", "413", "422", "429" })
            Assert.True(responses.GetProperty(status).GetProperty("content").TryGetProperty("application/problem+json", out _), status);
        Assert.Equal("bearer", root.GetProperty("components").GetProperty("securitySchemes").GetProperty("Bearer").GetProperty("scheme").GetString());
        var schemas = root.GetProperty("components").GetProperty("schemas");
        foreach (var schema in new[] { "ExamResultResponse", "ExamResultData", "ApiProblemBody" })
            Assert.True(schemas.TryGetProperty(schema, out _), schema);
    }

    [Fact]
    public async Task The_reference_page_has_its_own_nonce_policy_and_every_other_page_keeps_the_portals()
    {
        var client = portal.CreateClient();
        using var page = await client.GetAsync(ApiReference.PagePrefix + "/");
        using var home = await client.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var policy = page.Headers.GetValues("Content-Security-Policy").Single();
        var nonce = System.Text.RegularExpressions.Regex.Match(policy, "'nonce-([^']+)'").Groups[1].Value;
        Assert.True(nonce.Length >= 16, policy);
        Assert.DoesNotContain("unsafe-eval", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("'unsafe-inline'", policy.Split(';').Single(d => d.Trim().StartsWith("script-src", StringComparison.Ordinal)), StringComparison.Ordinal);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains($"nonce=\"{nonce}\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("cdn.", html, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(SecurityHeaders.ContentSecurityPolicy, home.Headers.GetValues("Content-Security-Policy").Single());
        // A fresh nonce per response.
        using var again = await client.GetAsync(ApiReference.PagePrefix + "/");
        Assert.NotEqual(policy, again.Headers.GetValues("Content-Security-Policy").Single());
    }
}
