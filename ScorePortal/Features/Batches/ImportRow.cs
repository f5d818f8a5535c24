using System.Globalization;
using ScorePortal.Model;

namespace ScorePortal.Features.Batches;

/// <summary>A problem found in the file: its line (0 for the file as a whole), the column, and a resource key with arguments.</summary>
public sealed record ImportError(int Line, string Column, string Key, params object[] Args);

/// <summary>One row of a results file after its own checks: normalized, with catalog ids resolved.</summary>
public sealed record ImportRow(
    int Line, string Ticket, IdType IdType, string IdNumber, string Name, string Province,
    ImportCatalog.QualificationInfo Qualification, ImportCatalog.SubjectInfo Subject,
    decimal? Score, ScoreStatus Status, string? Email, string? Mobile = null)
{
    public bool Passed => Status == ScoreStatus.Normal && Score >= Subject.PassLine;

    /// <summary>
    /// Checks what one row can say about itself (formats, catalog, ranges). Checks across rows and against the
    /// database are the import's. Returns null and adds to <paramref name="errors"/> when the row is bad.
    /// </summary>
    public static ImportRow? Parse(BatchFile.Row row, ImportCatalog catalog, List<ImportError> errors)
    {
        var before = errors.Count;
        var line = row.Line;
        if (row.FieldCountMismatch) errors.Add(new ImportError(line, "", "Batches.Row.FieldCount",
            row.HeaderColumns > 0 ? row.HeaderColumns : BatchFile.Columns.Length));

        var ticket = row[0]?.Trim() ?? "";
        if (ticket.Length == 0) errors.Add(new ImportError(line, BatchFile.TicketNo, "Batches.Row.Required"));
        else if (ticket.Length > 32 || !ticket.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
            errors.Add(new ImportError(line, BatchFile.TicketNo, "Batches.Row.TicketFormat"));

        IdType? idType = (row[1]?.Trim().ToLowerInvariant()) switch
        {
            "resident" => IdType.ResidentId,
            "passport" => IdType.Passport,
            "permit" => IdType.HkMacaoTaiwanPermit,
            _ => null,
        };
        if (idType is null) errors.Add(new ImportError(line, BatchFile.IdTypeColumn, "Batches.Row.IdType"));

        var idNumber = "";
        if (string.IsNullOrWhiteSpace(row[2])) errors.Add(new ImportError(line, BatchFile.IdNumber, "Batches.Row.Required"));
        else if (idType is { } type && CandidateIdentity.IdNumberError(type, row[2]!, out idNumber) is { } problem)
            errors.Add(new ImportError(line, BatchFile.IdNumber, problem));

        if (CandidateIdentity.NameError(row[3], out var name) is { } nameProblem)
            errors.Add(new ImportError(line, BatchFile.Name, nameProblem));

        var province = row[4]?.Trim() ?? "";
        if (province.Length == 0) errors.Add(new ImportError(line, BatchFile.ProvinceCode, "Batches.Row.Required"));
        else if (!catalog.Provinces.Contains(province)) errors.Add(new ImportError(line, BatchFile.ProvinceCode, "Batches.Row.ProvinceUnknown", Shorten(province)));

        ImportCatalog.SubjectInfo? subject = null;
        var qualificationCode = row[5]?.Trim() ?? "";
        if (!catalog.Qualifications.TryGetValue(qualificationCode, out var qualification))
            errors.Add(new ImportError(line, BatchFile.QualificationCode, "Batches.Row.QualificationUnknown", Shorten(qualificationCode)));
        else if (!qualification.Subjects.TryGetValue(row[6]?.Trim() ?? "", out subject))
            errors.Add(new ImportError(line, BatchFile.SubjectCode, "Batches.Row.SubjectUnknown", Shorten(row[6]?.Trim() ?? ""), qualification.Code));

        ScoreStatus? status = (row[8]?.Trim().ToLowerInvariant()) switch
        {
            "normal" or "" or null => ScoreStatus.Normal,
            "absent" => ScoreStatus.Absent,
            "voided" => ScoreStatus.Voided,
            _ => null,
        };
        if (status is null) errors.Add(new ImportError(line, BatchFile.Status, "Batches.Row.Status"));

        decimal? score = null;
        var scoreText = row[7]?.Trim() ?? "";
        if (status == ScoreStatus.Normal)
        {
            if (scoreText.Length == 0) errors.Add(new ImportError(line, BatchFile.Score, "Batches.Row.ScoreRequired"));
            else if (!decimal.TryParse(scoreText, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
                errors.Add(new ImportError(line, BatchFile.Score, "Batches.Row.ScoreNumber", Shorten(scoreText)));
            else if (decimal.Round(value, 1) != value)
                errors.Add(new ImportError(line, BatchFile.Score, "Batches.Row.ScorePrecision", Shorten(scoreText)));
            else if (subject is not null && value > subject.FullMarks)
                errors.Add(new ImportError(line, BatchFile.Score, "Batches.Row.ScoreRange", Shorten(scoreText), subject.FullMarks));
            else score = value;
        }
        else if (status is not null && scoreText.Length > 0)
            errors.Add(new ImportError(line, BatchFile.Score, "Batches.Row.ScoreNotAllowed"));

        var email = CandidateIdentity.NormalizeEmail(row[9]);
        if (email.Length == 0)
        {
            if (idType == IdType.Passport) errors.Add(new ImportError(line, BatchFile.Email, "Batches.Row.EmailRequired"));
        }
        else if (!CandidateIdentity.IsEmail(email))
            errors.Add(new ImportError(line, BatchFile.Email, "Batches.Row.EmailFormat"));

        // Optional; E.164 when given. A number that is not one is refused, never stored as typed.
        string? mobile = null;
        if (!string.IsNullOrWhiteSpace(row[10]) && (mobile = CandidateMobile.Normalize(row[10])) is null)
            errors.Add(new ImportError(line, BatchFile.Mobile, "Sms.Import.MobileFormat"));

        if (errors.Count > before) return null;
        return new ImportRow(line, ticket, idType!.Value, idNumber, name, province, qualification!, subject!,
            score, status!.Value, email.Length == 0 ? null : email, mobile);
    }

    /// <summary>Codes and scores are echoed in messages; a hostile 60 KB cell is not.</summary>
    private static string Shorten(string value) => value.Length <= 24 ? value : string.Concat(value.AsSpan(0, 24), "…");
}
