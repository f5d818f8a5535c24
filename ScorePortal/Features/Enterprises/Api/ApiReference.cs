using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using Scalar.AspNetCore;
using ScorePortal.Operations;

namespace ScorePortal.Features.Enterprises.Api;

/// <summary>
/// The API's OpenAPI document (<c>/openapi/v1.json</c>, the <c>/api/v1</c> endpoints only, with examples) and its
/// interactive reference page (<c>/api/docs/</c>, Scalar). The page's script comes from the portal itself (Scalar.AspNetCore
/// serves its bundle from the assembly; no CDN, no web fonts, no telemetry) and carries a fresh nonce; the page alone
/// gets its own Content-Security-Policy allowing that nonce (<see cref="SecurityHeaders.OwnPolicyItem"/>), and every
/// other page keeps the portal's.
/// </summary>
public static class ApiReference
{
    public const string DocumentName = "v1";
    public const string DocumentPath = "/openapi/v1.json";
    public const string PagePrefix = "/api/docs";
    public const string BearerScheme = "Bearer";

    public const string ExampleKey = "spk_Q2hhbmdlTWUtVGhpcy1Jcy1Ob3QtQS1SZWFsLUtleS0x";

    public static void AddTo(IServiceCollection services)
    {
        services.AddOpenApi(DocumentName, o =>
        {
            o.ShouldInclude = d => d.RelativePath?.StartsWith("api/v1/", StringComparison.Ordinal) == true;
            o.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "ScorePortal enterprise API",
                    Version = "v1",
                    Description = "Results of employees who consented, one employee per request. Problems are RFC 9457 with a stable `code`; " +
                                  "titles and details follow Accept-Language (zh-CN by default, en-US). See docs/enterprise-api.md.",
                };
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    Description = "The enterprise's API key (spk_ and 43 characters), shown once when issued.",
                };
                return Task.CompletedTask;
            });
            o.AddOperationTransformer(async (operation, context, ct) =>
            {
                operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [] }];
                var schema = await context.GetOrCreateSchemaAsync(typeof(ExamResultRequest), null, ct);
                schema.Required = new HashSet<string>(StringComparer.Ordinal) { "employee_id", "exam_type" };
                schema.AdditionalPropertiesAllowed = false;
                operation.RequestBody = new OpenApiRequestBody
                {
                    Required = true,
                    Description = "JSON of at most 4 KB with exactly these two members.",
                    Content = new Dictionary<string, OpenApiMediaType>
                    {
                        ["application/json"] = new()
                        {
                            Schema = schema,
                            Example = JsonNode.Parse("""{"employee_id": "E2023001", "exam_type": "高级系统架构设计师"}"""),
                        },
                    },
                };
                foreach (var (status, response) in operation.Responses ?? [])
                {
                    if (response.Content is null) continue;
                    foreach (var (mediaType, content) in response.Content)
                    {
                        if (status == "200" && mediaType == "application/json") content.Example = JsonNode.Parse(SuccessExample);
                        else if (mediaType == ApiProblems.ProblemContentType && ProblemExample(status) is { } example) content.Example = example;
                    }
                }
            });
        });
    }

    public static void MapTo(WebApplication app)
    {
        // The page's own policy, set before the portal's header middleware writes it (OnStarting callbacks run last-added
        // first): scripts only from the portal and only with this response's nonce.
        app.Use((context, next) =>
        {
            if (context.Request.Path.StartsWithSegments(PagePrefix))
            {
                context.Response.OnStarting(() =>
                {
                    if (context.Items[ScalarOptions.NonceHttpContextItemKey] is string nonce)
                        context.Items[SecurityHeaders.OwnPolicyItem] = PagePolicy(nonce);
                    return Task.CompletedTask;
                });
            }
            return next(context);
        });
        app.MapOpenApi(DocumentPath.Replace("v1", "{documentName}", StringComparison.Ordinal)).AllowAnonymous();
        app.MapScalarApiReference(PagePrefix, o => o
                .WithTitle("ScorePortal enterprise API")
                .WithOpenApiRoutePattern(DocumentPath.Replace("v1", "{documentName}", StringComparison.Ordinal))
                .AddDocument(DocumentName)
                .WithNonce()
                .DisableDefaultFonts()
                .DisableTelemetry()
                .DisableAgent()
                .DisableMcp()
                .HideDeveloperTools()
                .HideClientButton()
                .AddPreferredSecuritySchemes([BearerScheme]))
            .AllowAnonymous();
    }

    /// <summary>
    /// The reference page's policy: the portal's, except that a script also needs this response's nonce, and the page may
    /// draw from blob: URLs (the client's downloads). Connections stay on the portal ("try it" calls the portal's own API).
    /// </summary>
    public static string PagePolicy(string nonce) =>
        $"default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
        "font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'";

    internal const string SuccessExample = """
        {"status": "success", "data": {"score": 46, "pass": true, "cert_no": "RK20260708000004", "name_masked": "杨*",
          "session": {"code": "2026H1", "name": "2026年上半年计算机技术与软件专业技术资格考试"},
          "level": {"code": "senior", "name": "高级资格"},
          "subjects": [
            {"name": "综合知识", "score": 53, "status": "normal", "pass": true, "session": "2026H1"},
            {"name": "案例分析", "score": 49, "status": "normal", "pass": true, "session": "2026H1"},
            {"name": "论文", "score": 46, "status": "normal", "pass": true, "session": "2026H1"}],
          "history": [{"session": {"code": "2026H1", "name": "2026年上半年计算机技术与软件专业技术资格考试"},
            "subjects": [{"name": "综合知识", "score": 53, "status": "normal", "pass": true},
                         {"name": "案例分析", "score": 49, "status": "normal", "pass": true},
                         {"name": "论文", "score": 46, "status": "normal", "pass": true}]}]}}
        """;

    private static JsonNode? ProblemExample(string status)
    {
        var problem = ApiProblems.All.FirstOrDefault(p => p.Status.ToString(System.Globalization.CultureInfo.InvariantCulture) == status)
                      ?? (status == "413" ? ApiProblems.BodyTooLarge : null);
        if (problem is null) return null;
        return new JsonObject
        {
            ["type"] = ApiProblems.ProblemTypePrefix + problem.Code,
            ["title"] = problem.Code,
            ["status"] = problem.Status,
            ["detail"] = "A sentence in the caller's language (Accept-Language: zh-CN or en-US).",
            ["code"] = problem.Code,
            ["traceId"] = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00",
        };
    }
}
