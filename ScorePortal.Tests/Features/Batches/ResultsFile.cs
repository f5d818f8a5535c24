using System.Globalization;
using System.Text;
using ScorePortal.Model;

namespace ScorePortal.Tests.Features.Batches;

/// <summary>A results file in the documented import layout, built row by row; line 1 is the header.</summary>
internal sealed class ResultsFile
{
    public const string Header = "ticket_no,id_type,id_number,name,province_code,qualification_code,subject_code,score,status,email";

    private readonly StringBuilder _text = new(Header + "\n");

    public int Lines { get; private set; } = 1;

    /// <summary>Adds one raw row; returns its line number.</summary>
    public int Row(string ticket, string idType, string id, string name, string province, string qualification, string subject,
        string score, string status = "normal", string email = "")
    {
        _text.Append(string.Join(',', ticket, idType, id, Quote(name), province, qualification, subject, score, status, email)).Append('\n');
        return ++Lines;
    }

    /// <summary>A resident candidate sitting every subject of S01 (ZH, AL, LW; full marks 75, pass line 45).</summary>
    public ResultsFile SeniorCandidate(string ticket, string id, string name, string province, params int[] scores)
    {
        string[] subjects = ["ZH", "AL", "LW"];
        for (var i = 0; i < subjects.Length; i++) Row(ticket, "resident", id, name, province, "S01", subjects[i], scores[i].ToString(CultureInfo.InvariantCulture));
        return this;
    }

    public string Text => _text.ToString();

    public async Task<string> SaveAsync(string directory, string fileName = "results.csv", bool bom = false)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, fileName);
        await File.WriteAllTextAsync(path, Text, new UTF8Encoding(bom));
        return path;
    }

    /// <summary>A valid resident ID number (GB 11643 check digit) for a sequence number, born in 1990.</summary>
    public static string ResidentId(int sequence, string area = "110105")
    {
        var first17 = string.Create(CultureInfo.InvariantCulture, $"{area}1990{1 + sequence % 12:D2}{1 + sequence / 12 % 28:D2}{sequence % 1000:D3}");
        return first17 + ResidentIdNumber.ComputeCheckDigit(first17);
    }

    /// <summary>
    /// A distinct name for a sequence number, written with Chinese numerals (考生一二三): a name holds no digits.
    /// </summary>
    public static string Name(int sequence) =>
        "考生" + string.Concat(sequence.ToString(CultureInfo.InvariantCulture).Select(d => "零一二三四五六七八九"[d - '0']));

    private static string Quote(string value) => value.Contains(',') || value.Contains('"') ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;
}
