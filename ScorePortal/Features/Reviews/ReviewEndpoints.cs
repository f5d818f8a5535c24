using System.Globalization;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using ScorePortal.Localization;
using ScorePortal.Model;
using ScorePortal.Operations;
using ScorePortal.Security;

namespace ScorePortal.Features.Reviews;

/// <summary>The review's file endpoints: the candidate's apply form post and PDFs, and file views for each role.</summary>
public static class ReviewEndpoints
{
    public static IEndpointRouteBuilder MapReviews(this IEndpointRouteBuilder app)
    {
        var me = app.MapGroup("/me/reviews").RequireAuthorization(p => p.RequireRole(Roles.Candidate)).RequireRateLimiting(PublicFormLimits.FormPosts);
        me.MapPost("/apply", ApplyAsync).DisableAntiforgery().WithRequestTimeout(RequestTimeouts.Upload);
        me.MapPost("/{id:int}/files", AddFilesAsync).DisableAntiforgery().WithRequestTimeout(RequestTimeouts.Upload);
        me.MapGet("/form.pdf", FormAsync);
        me.MapGet("/{id:int}/receipt.pdf", ReceiptAsync);
        me.MapGet("/files/{id:guid}", async (Guid id, HttpContext context, UserManager<ApplicationUser> users, ReadReviewFile files) =>
            Serve(await files.ForCandidateAsync(users.GetUserId(context.User)!, id, context.RequestAborted)));

        app.MapGet("/staff/reviews/files/{id:guid}", async (Guid id, HttpContext context, UserManager<ApplicationUser> users, ReadReviewFile files) =>
            Serve(await files.ForStaffAsync(users.GetUserId(context.User)!, id, context.RequestAborted)))
            .RequireAuthorization(Policies.StaffArea);
        app.MapGet("/expert/scripts/{id:int}", async (int id, HttpContext context, UserManager<ApplicationUser> users, ReadReviewFile files) =>
            Serve(await files.ScriptForExpertAsync(users.GetUserId(context.User)!, id, context.RequestAborted)))
            .RequireAuthorization(Policies.ExpertArea);
        return app;
    }

    /// <summary>
    /// Antiforgery is validated here, not by the middleware (which would read the form first). Reads the form itself so that the size limit comes first: a body declared larger than three files at the limit
    /// is refused before a byte of it is read or buffered, and one that turns out larger stops at the limit.
    /// </summary>
    private static async Task<IResult> ApplyAsync(HttpContext context, UserManager<ApplicationUser> users, IAntiforgery antiforgery,
        IOptions<ReviewOptions> options, ApplyForReview apply)
    {
        var limit = options.Value.MaxRequestBytes;
        if (context.Request.ContentLength > limit) return Back(ReviewErrors.RequestTooLarge);
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size) size.MaxRequestBodySize = limit;
        if (!context.Request.HasFormContentType) return TypedResults.BadRequest();
        context.Features.Set<IFormFeature>(new FormFeature(context.Request, new FormOptions
        {
            MultipartBodyLengthLimit = limit,
            ValueLengthLimit = 8 * 1024,
            ValueCountLimit = 32,
        }));

        IFormCollection form;
        try
        {
            if (!await antiforgery.IsRequestValidAsync(context)) return TypedResults.BadRequest();
            form = await context.Request.ReadFormAsync(context.RequestAborted);
        }
        catch (Exception ex) when (ex is InvalidDataException or BadHttpRequestException)
        {
            return Back(ReviewErrors.RequestTooLarge);
        }

        var files = new List<UploadedFile>();
        foreach (var kind in ApplyForReview.CandidateKinds)
        {
            if (form.Files.GetFile(FieldOf(kind)) is { } file) files.Add(new UploadedFile(kind, file.OpenReadStream(), file.Length));
        }
        try
        {
            var outcome = await apply.HandleAsync(new ApplyForReviewRequest(
                users.GetUserId(context.User)!,
                Int(form["registrationId"]) ?? 0,
                Int(form["subjectId"]) ?? 0,
                Enum.TryParse<ReviewReason>(form["reason"], out var reason) ? reason : (ReviewReason)(-1),
                form["reasonText"],
                Enum.TryParse<ReviewDelivery>(form["delivery"], out var delivery) ? delivery : (ReviewDelivery)(-1),
                form["ems"],
                Int(form["slotId"]),
                files,
                CultureInfo.CurrentUICulture.Name,
                context.Connection.RemoteIpAddress?.ToString()), context.RequestAborted);
            return outcome switch
            {
                ApplyForReviewOutcome.Filed filed => TypedResults.LocalRedirect($"/me/reviews/{filed.RequestId}?filed=1"),
                ApplyForReviewOutcome.Refused { ExistingRequestId: { } existing } refused =>
                    TypedResults.LocalRedirect($"/me/reviews/{existing}?message={Uri.EscapeDataString(refused.MessageKey)}"),
                ApplyForReviewOutcome.Refused refused => Back(refused.MessageKey),
                _ => TypedResults.NotFound(),
            };
        }
        finally
        {
            foreach (var f in files) await f.Content.DisposeAsync();
        }
    }

    /// <summary>More materials for a request in "more needed": the same size limit and antiforgery check as applying.</summary>
    private static async Task<IResult> AddFilesAsync(int id, HttpContext context, UserManager<ApplicationUser> users, IAntiforgery antiforgery,
        IOptions<ReviewOptions> options, AddReviewMaterials add)
    {
        var back = $"/me/reviews/{id}";
        var limit = options.Value.MaxRequestBytes;
        if (context.Request.ContentLength > limit) return TypedResults.LocalRedirect(back + "?message=" + ReviewErrors.RequestTooLarge);
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size) size.MaxRequestBodySize = limit;
        if (!context.Request.HasFormContentType) return TypedResults.BadRequest();
        context.Features.Set<IFormFeature>(new FormFeature(context.Request, new FormOptions { MultipartBodyLengthLimit = limit, ValueCountLimit = 32 }));
        IFormCollection form;
        try
        {
            if (!await antiforgery.IsRequestValidAsync(context)) return TypedResults.BadRequest();
            form = await context.Request.ReadFormAsync(context.RequestAborted);
        }
        catch (Exception ex) when (ex is InvalidDataException or BadHttpRequestException)
        {
            return TypedResults.LocalRedirect(back + "?message=" + ReviewErrors.RequestTooLarge);
        }
        var files = new List<UploadedFile>();
        foreach (var kind in ApplyForReview.CandidateKinds)
            if (form.Files.GetFile(FieldOf(kind)) is { } file) files.Add(new UploadedFile(kind, file.OpenReadStream(), file.Length));
        try
        {
            var result = await add.HandleAsync(new AddReviewMaterialsRequest(users.GetUserId(context.User)!, id, files), context.RequestAborted);
            return result.Error == ReviewErrors.NotFound ? TypedResults.NotFound()
                : TypedResults.LocalRedirect(back + (result.Succeeded ? "?added=1" : "?message=" + result.Error));
        }
        finally
        {
            foreach (var f in files) await f.Content.DisposeAsync();
        }
    }

    /// <summary>The form field of each material (the page's file inputs).</summary>
    public static string FieldOf(ReviewFileKind kind) => kind switch
    {
        ReviewFileKind.ApplicationForm => "applicationForm",
        ReviewFileKind.IdCopy => "idCopy",
        ReviewFileKind.AdmissionTicket => "admissionTicket",
        _ => "script",
    };

    private static async Task<IResult> FormAsync(int registrationId, int subjectId, string? culture, HttpContext context,
        UserManager<ApplicationUser> users, ReviewDocuments documents) =>
        await documents.ApplicationFormAsync(users.GetUserId(context.User)!, registrationId, subjectId, Culture(culture), context.RequestAborted) is { } pdf
            ? TypedResults.File(pdf, "application/pdf", "review-application.pdf")
            : TypedResults.NotFound();

    private static async Task<IResult> ReceiptAsync(int id, string? culture, HttpContext context,
        UserManager<ApplicationUser> users, ReviewDocuments documents) =>
        await documents.ReceiptAsync(users.GetUserId(context.User)!, id, Culture(culture), context.RequestAborted) is { } pdf
            ? TypedResults.File(pdf, "application/pdf", $"review-receipt-{id}.pdf")
            : TypedResults.NotFound();

    private static IResult Serve(ReviewFileContent? file) =>
        // Shown in the browser (inline); nosniff is set portal-wide, and the type is the one read from the bytes.
        file is null ? TypedResults.NotFound() : TypedResults.File(file.Bytes, file.ContentType);

    private static IResult Back(string messageKey) => TypedResults.LocalRedirect("/me/reviews?message=" + Uri.EscapeDataString(messageKey));

    private static int? Int(string? value) => int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;

    private static string Culture(string? culture) => culture ?? CultureInfo.CurrentUICulture.Name ?? LocalizationExtensions.DefaultCulture;
}
