using ScorePortal.Model;
using ScorePortal.Security;

namespace ScorePortal.Tests.Features.Candidates;

public sealed class CandidateIdentityTests
{
    private static readonly byte[] FixedKey = new byte[32].Select((_, i) => (byte)(i * 7 + 1)).ToArray();

    [Theory]
    // Computed once with Python's hmac module over "1:110105199003072311" and "2:E12345678": every index already
    // stored in a database was made this way, so a change here would make every stored candidate unfindable.
    [InlineData(IdType.ResidentId, "110105199003072311", "E2120BBDD873A04D2DAD2253C2B8499109FF66807E79ACD77D687DBBF287FE7D")]
    [InlineData(IdType.Passport, "E12345678", "CF00A100549251AB613EE3714DAE42D291D25D62A078E164716753E6A7CC1EFC")]
    public void The_blind_index_of_a_number_stays_byte_identical(IdType type, string number, string expectedHex)
    {
        var index = new BlindIndex(FixedKey).Compute(type, CandidateIdentity.NormalizeIdNumber(type, number));

        Assert.Equal(expectedHex, Convert.ToHexString(index));
    }

    [Theory]
    [InlineData(IdType.ResidentId, " 31010419880615478x ", null, "31010419880615478X")]
    [InlineData(IdType.ResidentId, "３１０１０４１９８８０６１５４７８Ｘ", null, "31010419880615478X")]
    [InlineData(IdType.ResidentId, "31010419880615478×", null, "31010419880615478X")]
    [InlineData(IdType.ResidentId, "310104198806154781", "Lookup.Error.ResidentIdCheckDigit", "310104198806154781")]
    [InlineData(IdType.ResidentId, "310104198802304781", "Lookup.Error.ResidentIdBirthDate", "310104198802304781")]
    [InlineData(IdType.ResidentId, "3101041988", "Lookup.Error.ResidentIdLength", "3101041988")]
    [InlineData(IdType.HkMacaoTaiwanPermit, "810000199105038614", null, "810000199105038614")]
    [InlineData(IdType.HkMacaoTaiwanPermit, "110105199003072311", "Lookup.Error.PermitFormat", "110105199003072311")]
    [InlineData(IdType.Passport, "e 1234 5678", null, "E12345678")]
    [InlineData(IdType.Passport, "E1-2345678", "Lookup.Error.PassportFormat", "E1-2345678")]
    public void An_id_number_is_normalized_then_checked_by_its_type(IdType type, string typed, string? expectedError, string expectedNormalized)
    {
        var error = CandidateIdentity.IdNumberError(type, typed, out var normalized);

        Assert.Equal(expectedError, error);
        Assert.Equal(expectedNormalized, normalized);
    }

    [Fact]
    public void An_overlong_id_number_is_refused_before_it_is_normalized()
    {
        Assert.Equal("Lookup.Error.PassportFormat", CandidateIdentity.IdNumberError(IdType.Passport, new string('A', 65), out var normalized));
        Assert.Equal("", normalized);
        Assert.Equal("Lookup.Error.ResidentIdLength", CandidateIdentity.IdNumberError(IdType.ResidentId, new string('1', 65), out _));
    }

    [Theory]
    [InlineData("", "Lookup.Error.NameRequired")]
    [InlineData("U+110000", "Lookup.Error.NameEscape")]
    [InlineData("张\u0007伟", "Lookup.Error.NameCharacter")]
    [InlineData("买买提 • 艾力", null)]
    public void A_name_problem_is_named_by_its_message_key(string typed, string? expected)
    {
        Assert.Equal(expected, CandidateIdentity.NameError(typed, out _));
    }

    [Fact]
    public void Emails_compare_after_trimming_folding_and_lower_casing()
    {
        Assert.Equal("john.smith@example.com", CandidateIdentity.NormalizeEmail("  John.Smith＠Example.com "));
        Assert.True(CandidateIdentity.SameEmail("JOHN.SMITH@example.com", " john.smith@EXAMPLE.com"));
        Assert.False(CandidateIdentity.SameEmail(null, "john.smith@example.com"));
        Assert.True(CandidateIdentity.IsEmail("john.smith@example.com"));
        Assert.False(CandidateIdentity.IsEmail("john.smith"));
    }
}
