using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Data;
using ScorePortal.Features.Batches;
using ScorePortal.Features.Credentials;
using ScorePortal.Platform.Audit;
using ScorePortal.Features.Results;
using ScorePortal.Model;
using ScorePortal.Operations;
using ScorePortal.Tests.Features.Reports;
using ScorePortal.Tests.Infrastructure;
using static ScorePortal.Tests.Features.Me.CandidateTestSupport;

namespace ScorePortal.Tests.Features.Credentials;

/// <summary>
/// Credentials through the portal: the holder's download (second verification, only their own certificate), the issuer
/// documents over HTTP with their media types, verification with nothing but those bytes, the holder's revocation, a
/// review decision, a key rotation, and the public check at /verify/credential.
/// </summary>
public sealed class CredentialPortalTests(DemoPortal portal) : IClassFixture<DemoPortal>
{
    [Fact]
    public async Task A_downloaded_credential_verifies_offline_with_only_the_did_document_and_status_lists_fetched_over_http()
    {
        var (client, _, certificateId, holder) = await CredentialSteps.HolderAsync(portal, 0);
        using var _c = client;

        using (var before = await CredentialSteps.DownloadAsync(client, certificateId))
        {
            Assert.Equal(HttpStatusCode.Redirect, before.StatusCode);
            Assert.StartsWith("/Account/StepUp", before.RedirectTarget());
        }
        await PassStepUpAsync(client, portal, holder.Email);

        string credential;
        using (var download = await CredentialSteps.DownloadAsync(client, certificateId))
        {
            Assert.Equal(HttpStatusCode.OK, download.StatusCode);
            Assert.Equal("application/vc+jwt", download.Content.Headers.ContentType?.MediaType);
            Assert.Equal($"credential-{holder.CertificateNumber}.jwt", download.Content.Headers.ContentDisposition?.FileNameStar ?? download.Content.Headers.ContentDisposition?.FileName);
            credential = await download.Content.ReadAsStringAsync();
        }

        // The same credential again: same signature, same status position.
        using (var again = await CredentialSteps.DownloadAsync(client, certificateId))
            Assert.Equal(credential, await again.Content.ReadAsStringAsync());
        // Issue and download entries go through the writer's group commit without waiting: seal to read them back.
        await portal.Services.GetRequiredService<AuditLog>().SealAsync();
        await using (var db = await ReportSteps.Db(portal))
        {
            var row = await db.IssuedCredentials.AsNoTracking().SingleAsync(c => c.QualificationOutcomeId == certificateId);
            Assert.Equal(2, row.DownloadCount);
            Assert.Equal(credential, row.Jws);
            Assert.Contains($"\"statusListIndex\":\"{row.StatusIndex}\"", Payload(credential));
            Assert.True(await db.AuditEntries.AnyAsync(e => e.Action == "credential.issue" && e.TargetId == row.Id.ToString()));
            Assert.True(await db.AuditEntries.AnyAsync(e => e.Action == "credential.download" && e.TargetId == row.Id.ToString()));
        }

        // What it carries: the masked name and the certificate, never the ID number or its parts.
        var payload = Payload(credential);
        Assert.Contains(CandidateIdentity.MaskName(holder.Name), payload);
        Assert.Contains(holder.CertificateNumber, payload);
        Assert.DoesNotContain(holder.IdNumber, payload);
        Assert.DoesNotContain(holder.IdNumber[6..14], payload);
        Assert.DoesNotContain(holder.Name[1..], payload);

        // A verifier with nothing but the credential fetches the DID document and the lists it names, and verifies.
        var (did, lists) = await CredentialSteps.FetchIssuerDocumentsAsync(portal, credential);
        var verdict = CredentialVerifier.Verify(credential, did, lists, portal.Clock.GetUtcNow());
        Assert.True(verdict.IsValid, verdict.Failed?.ToString());
        Assert.Equal(holder.CertificateNumber, verdict.Summary!.CertificateNumber);
        Assert.Equal(2, lists.Count);

        // The holder's copy of their data lists the credential (not the signed credential itself).
        var copy = await portal.Services.GetRequiredService<ScorePortal.Features.Privacy.DataCopyCollector>().CollectAsync(
            new ScorePortal.Features.Privacy.DataCopy { SubjectCandidateId = holder.CandidateId, RequestedByUserId = "test", Culture = "zh-CN" });
        var listed = Assert.Single(copy.Credentials);
        Assert.Equal((holder.CertificateNumber, "Valid", 2), (listed.CertificateNumber, listed.Status, listed.DownloadCount));
        Assert.DoesNotContain(copy.Credentials, c => c.ToString().Contains(credential, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_did_document_and_the_status_lists_are_served_with_their_media_types()
    {
        using var anonymous = new BrowserlessClient(portal);
        using var did = await anonymous.Http.GetAsync("/.well-known/did.json");
        Assert.Equal(HttpStatusCode.OK, did.StatusCode);
        Assert.Equal("application/did+json", did.Content.Headers.ContentType?.MediaType);
        Assert.Equal("*", did.Headers.GetValues("Access-Control-Allow-Origin").Single());
        var document = JsonNode.Parse(await did.Content.ReadAsStringAsync())!;
        var id = (string)document["id"]!;
        Assert.StartsWith("did:web:", id);
        var method = document["verificationMethod"]![0]!;
        Assert.Equal("JsonWebKey", (string?)method["type"]);
        Assert.Equal("P-256", (string?)method["publicKeyJwk"]!["crv"]);
        Assert.Null(method["publicKeyJwk"]!["d"]);
        Assert.Matches("^" + Regex.Escape(id) + "#key-\\d+$", (string)method["id"]!);
        Assert.Contains((string?)method["id"], document["assertionMethod"]!.AsArray().Select(a => (string?)a));

        foreach (var purpose in new[] { "revocation", "message" })
        {
            using var list = await anonymous.Http.GetAsync($"/credentials/status/{purpose}-1");
            Assert.Equal(HttpStatusCode.OK, list.StatusCode);
            Assert.Equal("application/vc+jwt", list.Content.Headers.ContentType?.MediaType);
            Assert.Equal("*", list.Headers.GetValues("Access-Control-Allow-Origin").Single());
            var jws = Jose.Parse(await list.Content.ReadAsStringAsync())!;
            Assert.Equal("vc+jwt", (string?)jws.Header["typ"]);
            Assert.Contains("BitstringStatusListCredential", jws.Payload["type"]!.AsArray().Select(t => (string?)t));
            Assert.Equal(purpose, (string?)jws.Payload["credentialSubject"]!["statusPurpose"]);
            Assert.Equal(StatusBits.Size / 8, StatusBits.Decode((string?)jws.Payload["credentialSubject"]!["encodedList"])!.Length);
        }
        using (var unknown = await anonymous.Http.GetAsync("/credentials/status/other-1")) Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        using (var notYet = await anonymous.Http.GetAsync("/credentials/status/revocation-99")) Assert.Equal(HttpStatusCode.NotFound, notYet.StatusCode);
    }

    [Fact]
    public async Task Another_candidates_certificate_is_not_found_and_its_credential_cannot_be_revoked()
    {
        var (owner, _, ownerCertificate, ownerHolder) = await CredentialSteps.HolderAsync(portal, 1);
        using var _o = owner;
        await PassStepUpAsync(owner, portal, ownerHolder.Email);
        using (var issued = await CredentialSteps.DownloadAsync(owner, ownerCertificate)) Assert.Equal(HttpStatusCode.OK, issued.StatusCode);

        var (other, otherId, _, otherHolder) = await CredentialSteps.HolderAsync(portal, 2);
        using var _x = other;
        await PassStepUpAsync(other, portal, otherHolder.Email);

        using (var refused = await CredentialSteps.DownloadAsync(other, ownerCertificate)) Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        var (_, page) = await other.GetAsync("/me/credentials");
        Assert.DoesNotContain(ownerHolder.CertificateNumber, page);
        int rowId;
        await using (var db = await ReportSteps.Db(portal))
            rowId = await db.IssuedCredentials.Where(c => c.QualificationOutcomeId == ownerCertificate).Select(c => c.Id).SingleAsync();
        await Assert.ThrowsAsync<InvalidOperationException>(() => other.ReadFormAsync($"/me/credentials?revoke={rowId}", $"revoke-credential-{rowId}"));
        Assert.False(await portal.Services.GetRequiredService<RevokeCredential>().HandleAsync(new RevokeCredentialRequest(otherId, rowId, null)));
        await using (var db = await ReportSteps.Db(portal))
            Assert.Equal(CredentialStatus.Valid, await db.IssuedCredentials.Where(c => c.Id == rowId).Select(c => c.Status).SingleAsync());
    }

    [Fact]
    public async Task A_credential_the_holder_revokes_fails_at_revocation_and_a_new_download_takes_another_position()
    {
        var (client, _, certificateId, holder) = await CredentialSteps.HolderAsync(portal, 3);
        using var _c = client;
        await PassStepUpAsync(client, portal, holder.Email);
        string credential;
        using (var download = await CredentialSteps.DownloadAsync(client, certificateId)) credential = await download.Content.ReadAsStringAsync();
        int rowId;
        await using (var db = await ReportSteps.Db(portal))
            rowId = await db.IssuedCredentials.Where(c => c.QualificationOutcomeId == certificateId).Select(c => c.Id).SingleAsync();

        var (_, page) = await client.GetAsync("/me/credentials");
        Assert.Contains("data-testid=\"credential-revoke\"", page);
        using (var confirm = await client.SubmitAsync($"/me/credentials?revoke={rowId}", $"revoke-credential-{rowId}", new Dictionary<string, string>()))
            Assert.Contains("data-testid=\"credentials-notice\"", await confirm.Content.ReadAsStringAsync());

        var (did, lists) = await CredentialSteps.FetchIssuerDocumentsAsync(portal, credential);
        var verdict = CredentialVerifier.Verify(credential, did, lists, portal.Clock.GetUtcNow());
        Assert.Equal(CredentialCheck.Revocation, verdict.Failed);

        using (var fresh = await CredentialSteps.DownloadAsync(client, certificateId))
            Assert.NotEqual(credential, await fresh.Content.ReadAsStringAsync());
        await using (var db = await ReportSteps.Db(portal))
        {
            var rows = await db.IssuedCredentials.Where(c => c.QualificationOutcomeId == certificateId).OrderBy(c => c.Id).ToListAsync();
            Assert.Equal([CredentialStatus.Revoked, CredentialStatus.Valid], rows.Select(r => r.Status));
            Assert.NotEqual((rows[0].ListNumber, rows[0].StatusIndex), (rows[1].ListNumber, rows[1].StatusIndex));
            Assert.True(await db.AuditEntries.AnyAsync(e => e.Action == "credential.revoke" && e.TargetId == rowId.ToString()));
        }
    }

    [Fact]
    public async Task A_review_decision_marks_the_credential_superseded_in_the_message_list()
    {
        var (client, _, certificateId, holder) = await CredentialSteps.HolderAsync(portal, 4);
        using var _c = client;
        await PassStepUpAsync(client, portal, holder.Email);
        string credential;
        using (var download = await CredentialSteps.DownloadAsync(client, certificateId)) credential = await download.Content.ReadAsStringAsync();

        // The event a confirmed review decision raises, in its transaction (Features/Reviews/ConfirmReviewDecision).
        await using (var db = await ReportSteps.Db(portal))
        {
            // A score of the session the certificate was passed in.
            var passedIn = await db.QualificationOutcomes.Where(o => o.Id == certificateId).Select(o => o.PassedInSessionId).SingleAsync();
            var score = await db.SubjectScores.AsNoTracking()
                .Where(s => s.Registration.CandidateId == holder.CandidateId && s.IsCurrent && s.Registration.ExamSessionId == passedIn)
                .Select(s => new { s.Registration.ExamSessionId, s.ResultBatchId, s.RegistrationId, s.SubjectId }).FirstAsync();
            var events = portal.Services.GetRequiredService<ResultEvents>();
            await db.InTransactionAsync(async (tx, ct) =>
            {
                await events.RaiseAsync(db, ResultChanged.ReviewDecided(score.ExamSessionId, score.ResultBatchId, reviewRequestId: 1, "FH-VC-1",
                    holder.CandidateId, score.RegistrationId, score.SubjectId, portal.Clock.GetUtcNow()), ct);
                await tx.CommitAsync(ct);
            }, default);
        }
        // After the commit the outbox drops the cached lists; one pass of the worker is enough.
        await portal.RunOutboxPassAsync();

        var (did, lists) = await CredentialSteps.FetchIssuerDocumentsAsync(portal, credential);
        var verdict = CredentialVerifier.Verify(credential, did, lists, portal.Clock.GetUtcNow());
        Assert.Equal(CredentialCheck.Message, verdict.Failed);
        await using (var db = await ReportSteps.Db(portal))
            Assert.Equal(CredentialStatus.Superseded, await db.IssuedCredentials.Where(c => c.QualificationOutcomeId == certificateId).Select(c => c.Status).SingleAsync());
    }

    [Fact]
    public async Task After_a_rotation_the_old_key_stays_listed_while_its_credential_is_valid_and_leaves_once_it_is_not()
    {
        var (client, _, certificateId, holder) = await CredentialSteps.HolderAsync(portal, 5);
        using var _c = client;
        await PassStepUpAsync(client, portal, holder.Email);
        string old;
        using (var download = await CredentialSteps.DownloadAsync(client, certificateId)) old = await download.Content.ReadAsStringAsync();
        var oldKid = (string)Jose.Parse(old)!.Header["kid"]!;

        // The operator's command: a new key signs from now on, the rotation is audited.
        var command = portal.Services.GetServices<PortalCommand>().Single(c => c.Name == "rotate-credential-key");
        using var output = new StringWriter();
        await using (var scope = portal.Services.CreateAsyncScope())
            Assert.Equal(0, await command.RunAsync(scope.ServiceProvider, new CommandArguments(["--lang", "en-US"]), output));
        CredentialSigningKey key;
        await using (var db = await ReportSteps.Db(portal))
        {
            key = await db.CredentialSigningKeys.AsNoTracking().Where(k => k.RetiredAt == null).OrderByDescending(k => k.Id).FirstAsync();
            Assert.True(await db.AuditEntries.AnyAsync(e => e.Action == "credential.key.rotate" && e.TargetId == key.Fragment));
        }
        Assert.Contains(key.Fragment, output.ToString());
        Assert.NotEqual(oldKid, Issuer(old) + "#" + key.Fragment);

        var (did, lists) = await CredentialSteps.FetchIssuerDocumentsAsync(portal, old);
        Assert.Contains(oldKid, did);
        Assert.Contains("#" + key.Fragment, did);
        var verdict = CredentialVerifier.Verify(old, did, lists, portal.Clock.GetUtcNow());
        Assert.True(verdict.IsValid, verdict.Failed?.ToString());

        // Every credential the old key signed ends; the old key leaves the document and its credential fails at the key.
        await using (var db = await ReportSteps.Db(portal))
        {
            var oldKeyId = int.Parse(oldKid[(oldKid.LastIndexOf('-') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
            await db.IssuedCredentials.Where(c => c.SigningKeyId == oldKeyId && c.Status == CredentialStatus.Valid)
                .ExecuteUpdateAsync(set => set.SetProperty(c => c.Status, CredentialStatus.Revoked));
        }
        (did, lists) = await CredentialSteps.FetchIssuerDocumentsAsync(portal, old);
        Assert.DoesNotContain(oldKid, did);
        Assert.Equal(CredentialCheck.Key, CredentialVerifier.Verify(old, did, lists, portal.Clock.GetUtcNow()).Failed);

        // A new download is signed by the new key and verifies.
        using (var fresh = await CredentialSteps.DownloadAsync(client, certificateId))
        {
            var credential = await fresh.Content.ReadAsStringAsync();
            Assert.EndsWith("#" + key.Fragment, (string)Jose.Parse(credential)!.Header["kid"]!);
            var (freshDid, freshLists) = await CredentialSteps.FetchIssuerDocumentsAsync(portal, credential);
            Assert.True(CredentialVerifier.Verify(credential, freshDid, freshLists, portal.Clock.GetUtcNow()).IsValid);
        }
    }

    [Fact]
    public async Task The_public_check_shows_a_good_credential_names_the_failed_check_of_a_tampered_one_and_refuses_more_than_64_KB()
    {
        var (client, _, certificateId, holder) = await CredentialSteps.HolderAsync(portal, 6);
        using var _c = client;
        await PassStepUpAsync(client, portal, holder.Email);
        string credential;
        using (var download = await CredentialSteps.DownloadAsync(client, certificateId)) credential = await download.Content.ReadAsStringAsync();

        using var anonymous = new BrowserlessClient(portal);
        var (_, verifyPage) = await anonymous.GetAsync("/verify");
        Assert.Contains("href=\"/verify/credential\"", verifyPage);

        var good = await CredentialSteps.PasteAsync(anonymous, credential);
        Assert.Contains("data-check=\"Valid\"", good);
        Assert.Contains(CandidateIdentity.MaskName(holder.Name), good);
        Assert.Contains(holder.CertificateNumber, good);
        Assert.Contains("凭证真实有效", good);

        var parts = credential.Split('.');
        var payload = Encoding.UTF8.GetString(System.Buffers.Text.Base64Url.DecodeFromChars(parts[1])).Replace(holder.CertificateNumber, "RK20990101999999", StringComparison.Ordinal);
        var tampered = parts[0] + "." + System.Buffers.Text.Base64Url.EncodeToString(Encoding.UTF8.GetBytes(payload)) + "." + parts[2];
        var failed = await CredentialSteps.PasteAsync(anonymous, tampered);
        Assert.Contains("data-check=\"Signature\"", failed);
        Assert.Contains("核验未通过（签名）", failed);
        Assert.DoesNotContain("RK20990101999999", failed);

        var uploaded = await CredentialSteps.UploadAsync(anonymous, Encoding.ASCII.GetBytes(credential));
        Assert.Contains("data-check=\"Valid\"", uploaded);

        var tooLarge = await CredentialSteps.PasteAsync(anonymous, credential + new string('A', VerifyCredential.MaxBytes));
        Assert.Contains("data-testid=\"verify-credential-error\"", tooLarge);
        Assert.Contains("超过 64 KB", tooLarge);
        Assert.DoesNotContain("data-testid=\"verify-credential-verdict\"", tooLarge);
        var tooLargeFile = await CredentialSteps.UploadAsync(anonymous, new byte[VerifyCredential.MaxBytes + 1]);
        Assert.Contains("超过 64 KB", tooLargeFile);

        // In English too.
        var english = await CredentialSteps.PasteAsync(anonymous, tampered, "?culture=en-US");
        Assert.Contains("Check failed (signature)", english);

        // Checks are audited without waiting for the commit: seal to read them back.
        await portal.Services.GetRequiredService<AuditLog>().SealAsync();
        await using var db = await ReportSteps.Db(portal);
        Assert.True(await db.AuditEntries.CountAsync(e => e.Action == "credential.verify") >= 3);
    }

    private static string Issuer(string credential) => ((string)Jose.Parse(credential)!.Header["kid"]!).Split('#')[0];

    private static string Payload(string credential) =>
        Encoding.UTF8.GetString(System.Buffers.Text.Base64Url.DecodeFromChars(credential.Split('.')[1]));
}

/// <summary>A retraction changes the whole demo session, so it runs on a portal of its own.</summary>
public sealed class CredentialRetractionTests(DemoPortal portal) : IClassFixture<DemoPortal>
{
    [Fact]
    public async Task Retracting_the_batch_behind_a_credential_sets_its_revocation_bit()
    {
        var (client, _, certificateId, holder) = await CredentialSteps.HolderAsync(portal, 0);
        using var _c = client;
        await PassStepUpAsync(client, portal, holder.Email);
        string credential;
        using (var download = await CredentialSteps.DownloadAsync(client, certificateId)) credential = await download.Content.ReadAsStringAsync();

        int batchId;
        string adminId;
        await using (var db = await ReportSteps.Db(portal))
        {
            batchId = await db.SubjectScores.Where(s => s.Registration.CandidateId == holder.CandidateId && s.IsCurrent
                                                        && s.Registration.ExamSessionId == db.QualificationOutcomes.Where(o => o.Id == certificateId).Select(o => o.PassedInSessionId).First())
                .Select(s => s.ResultBatchId).FirstAsync();
            adminId = await db.Users.Where(u => u.Email == "admin@scoreportal.demo").Select(u => u.Id).SingleAsync();
        }
        var retracted = await portal.Services.GetRequiredService<RetractBatch>().HandleAsync(new RetractBatchRequest(batchId, adminId, "Wrong marks in room 12"));
        Assert.True(retracted.Succeeded, retracted.ErrorKey);
        await portal.RunOutboxPassAsync();

        var (did, lists) = await CredentialSteps.FetchIssuerDocumentsAsync(portal, credential);
        Assert.Equal(CredentialCheck.Revocation, CredentialVerifier.Verify(credential, did, lists, portal.Clock.GetUtcNow()).Failed);
    }
}

internal sealed record CertifiedCandidate(int CandidateId, string IdNumber, string Name, string CertificateNumber, string Email);

internal static class CredentialSteps
{
    /// <summary>
    /// The <paramref name="nth"/> demo candidate (resident ID, not linked) with a live certificate of a released session,
    /// linked to a fresh signed-in account.
    /// </summary>
    public static async Task<(BrowserlessClient Client, string UserId, int CertificateId, CertifiedCandidate Holder)> HolderAsync(DemoPortal portal, int nth)
    {
        var now = portal.Clock.GetUtcNow();
        int certificateId, candidateId;
        string number, idNumber, name;
        await using (var db = await ReportSteps.Db(portal))
        {
            var certificates = await db.QualificationOutcomes.AsNoTracking()
                .Where(o => o.RevokedAt == null && o.Candidate.IdType == IdType.ResidentId && o.PassedInSession.PublishedAt != null)
                .OrderBy(o => o.CandidateId).ThenBy(o => o.Id)
                .Select(o => new { o.Id, o.CandidateId, o.CertificateNumber, o.PassedInSession.ReleaseAt })
                .ToListAsync();
            var pick = certificates.Where(c => c.ReleaseAt <= now).DistinctBy(c => c.CandidateId).ElementAt(nth);
            (certificateId, candidateId, number) = (pick.Id, pick.CandidateId, pick.CertificateNumber);
            var candidate = await db.Candidates.AsNoTracking().SingleAsync(c => c.Id == candidateId);
            (idNumber, name) = (candidate.IdNumber, candidate.Name);
        }
        var (client, userId, email) = await ReportSteps.LinkedCandidateAsync(portal, idNumber, name);
        return (client, userId, certificateId, new CertifiedCandidate(candidateId, idNumber, name, number, email));
    }

    public static async Task<HttpResponseMessage> DownloadAsync(BrowserlessClient client, int certificateId)
    {
        var (_, page) = await client.GetAsync("/me/credentials");
        var token = Regex.Match(page, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        return await client.Http.PostAsync("/me/credentials/issue", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token),
            ["certificateId"] = certificateId.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }));
    }

    /// <summary>
    /// What an offline verifier needs, fetched the way one would: the DID document of the credential's issuer and every
    /// status list the credential names, by the path of their URLs on this portal. Nothing else is read.
    /// </summary>
    public static async Task<(string Did, Dictionary<string, string> Lists)> FetchIssuerDocumentsAsync(PortalFactory portal, string credential)
    {
        using var anonymous = new BrowserlessClient(portal);
        var did = await anonymous.Http.GetStringAsync("/.well-known/did.json");
        var lists = new Dictionary<string, string>();
        foreach (var entry in Jose.Parse(credential)!.Payload["credentialStatus"]!.AsArray())
        {
            var url = (string)entry!["statusListCredential"]!;
            lists[url] = await anonymous.Http.GetStringAsync(new Uri(url).PathAndQuery);
        }
        return (did, lists);
    }

    public static async Task<string> PasteAsync(BrowserlessClient client, string text, string query = "")
    {
        var hidden = await client.ReadFormAsync("/verify/credential" + query, "verify-credential");
        using var content = new MultipartFormDataContent();
        foreach (var (key, value) in hidden) content.Add(new StringContent(value), key);
        content.Add(new StringContent(text), "Input.Text");
        using var response = await client.Http.PostAsync("/verify/credential" + query, content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    public static async Task<string> UploadAsync(BrowserlessClient client, byte[] file)
    {
        var hidden = await client.ReadFormAsync("/verify/credential", "verify-credential");
        using var content = new MultipartFormDataContent();
        foreach (var (key, value) in hidden) content.Add(new StringContent(value), key);
        var part = new ByteArrayContent(file);
        part.Headers.ContentType = new MediaTypeHeaderValue("application/vc+jwt");
        content.Add(part, "CredentialFile", "credential.jwt");
        using var response = await client.Http.PostAsync("/verify/credential", content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }
}
