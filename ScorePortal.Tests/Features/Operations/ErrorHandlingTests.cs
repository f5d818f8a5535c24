using System.Net;
using System.Text.Json;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.Operations;

public sealed class ErrorHandlingTests(PortalFactory portal) : IClassFixture<PortalFactory>
{
    [Fact]
    public async Task An_unknown_page_gets_a_friendly_localized_404()
    {
        using var client = new BrowserlessClient(portal);

        var (status, html) = await client.GetAsync("/no/such/page");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Contains("页面不存在", html);
        Assert.Contains("返回首页", html);
    }

    [Fact]
    public async Task An_unknown_api_route_answers_with_problem_details()
    {
        using var client = new BrowserlessClient(portal);

        using var response = await client.Http.GetAsync("/api/v1/no-such-thing");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(404, problem.RootElement.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task The_error_page_shows_a_reference_and_no_technical_detail()
    {
        using var client = new BrowserlessClient(portal);

        var (status, html) = await client.GetAsync("/Error");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("出错了", html);
        Assert.DoesNotContain("Exception", html);
        Assert.DoesNotContain(" at ", html);
    }

    [Fact]
    public async Task A_form_post_without_antiforgery_token_is_refused_without_a_stack_trace()
    {
        using var client = new BrowserlessClient(portal);

        using var response = await client.Http.PostAsync("/Account/Login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["Input.Email"] = "a@b.c",
            ["Input.Password"] = "x",
        }));

        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("请求有误", body);
        Assert.DoesNotContain("Exception", body);
        Assert.DoesNotContain("   at ", body);
    }
}
