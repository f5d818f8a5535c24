using System.Security.Cryptography;
using ScorePortal.Security;

namespace ScorePortal.Tests.Features.Security;

public sealed class FieldProtectorTests
{
    private static readonly byte[] K1 = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
    private static readonly byte[] K2 = Enumerable.Range(101, 32).Select(i => (byte)i).ToArray();
    private static readonly Guid Row = Guid.Parse("6f1c2a4e-8b3d-4c59-9e07-2d5a1b3c4d5e");
    private static readonly Guid OtherRow = Guid.Parse("0b7e5d13-2f4a-4e6c-8a91-73c2d4e5f601");
    private const string Column = "Candidate.Name";

    [Theory]
    [InlineData("杨\U00020BB7")]
    [InlineData("买买提·艾力")]
    [InlineData("110105199003072311")]
    [InlineData("")]
    public void Values_round_trip_and_never_appear_in_the_stored_form(string value)
    {
        var protector = new FieldProtector(new Dictionary<string, byte[]> { ["k1"] = K1 }, "k1");

        var stored = protector.Protect(value, Column, Row);

        Assert.StartsWith("k1:v3:", stored);
        Assert.True(FieldProtector.IsRowBound(stored));
        if (value.Length > 0) Assert.DoesNotContain(value, stored);
        Assert.Equal(value, protector.Unprotect(stored, Column, Row));
    }

    [Fact]
    public void The_same_value_encrypts_differently_each_time()
    {
        var protector = new FieldProtector(new Dictionary<string, byte[]> { ["k1"] = K1 }, "k1");

        Assert.NotEqual(protector.Protect("58.5", Column, Row), protector.Protect("58.5", Column, Row));
    }

    [Fact]
    public void A_tampered_value_is_refused()
    {
        var protector = new FieldProtector(new Dictionary<string, byte[]> { ["k1"] = K1 }, "k1");
        var stored = protector.Protect("75", Column, Row);
        var bytes = Convert.FromBase64String(stored["k1:v3:".Length..]);
        bytes[^1] ^= 1;

        Assert.ThrowsAny<CryptographicException>(() => protector.Unprotect("k1:v3:" + Convert.ToBase64String(bytes), Column, Row));
    }

    [Fact]
    public void After_a_rotation_old_values_still_read_and_new_ones_use_the_new_key()
    {
        var before = new FieldProtector(new Dictionary<string, byte[]> { ["k1"] = K1 }, "k1");
        var old = before.Protect("张伟", Column, Row);
        var after = new FieldProtector(new Dictionary<string, byte[]> { ["k1"] = K1, ["k2"] = K2 }, "k2");

        Assert.Equal("张伟", after.Unprotect(old, Column, Row));
        Assert.StartsWith("k2:", after.Protect("张伟", Column, Row));
        Assert.ThrowsAny<CryptographicException>(() => new FieldProtector(new Dictionary<string, byte[]> { ["k2"] = K2 }, "k2").Unprotect(old, Column, Row));
    }

    [Fact]
    public void A_value_cannot_be_relabelled_as_another_keys()
    {
        var ring = new FieldProtector(new Dictionary<string, byte[]> { ["k1"] = K1, ["k2"] = K1 }, "k1");
        var stored = ring.Protect("45", Column, Row);

        Assert.ThrowsAny<CryptographicException>(() => ring.Unprotect("k2" + stored[2..], Column, Row));
    }

    [Fact]
    public void A_value_copied_into_another_column_or_another_row_does_not_decrypt()
    {
        var protector = new FieldProtector(new Dictionary<string, byte[]> { ["k1"] = K1 }, "k1");

        var stored = protector.Protect("张伟", Column, Row);

        Assert.Equal("张伟", protector.Unprotect(stored, Column, Row));
        Assert.ThrowsAny<CryptographicException>(() => protector.Unprotect(stored, "Candidate.Email", Row));
        Assert.ThrowsAny<CryptographicException>(() => protector.Unprotect(stored, Column, OtherRow));
    }

    [Fact]
    public void Values_written_before_rows_were_bound_open_only_while_accepted()
    {
        var protector = new FieldProtector(new Dictionary<string, byte[]> { ["k1"] = K1 }, "k1");
        var columnBound = protector.Protect("45", "SubjectScore.Score");
        var unbound = protector.Protect("45");
        Assert.False(FieldProtector.IsRowBound(columnBound));
        Assert.False(FieldProtector.IsRowBound(unbound));

        // Refused by default: otherwise an old value copied from another row would pass as this row's.
        var refused = Assert.Throws<FieldIntegrityException>(() => protector.Unprotect(columnBound, "SubjectScore.Score", Row));
        Assert.Contains("rotate-keys", refused.Message);
        Assert.ThrowsAny<CryptographicException>(() => protector.Unprotect(unbound, "SubjectScore.Score", Row));

        // Accepted (between an upgrade and rotate-keys): both old forms open, the column binding still holds.
        var accepting = new FieldProtector(new Dictionary<string, byte[]> { ["k1"] = K1 }, "k1", acceptUnbound: true);
        Assert.Same(accepting, accepting.AcceptingUnbound());
        Assert.Equal("45", accepting.Unprotect(columnBound, "SubjectScore.Score", Row));
        Assert.Equal("45", protector.AcceptingUnbound().Unprotect(unbound, "SubjectScore.Score", OtherRow));
        Assert.ThrowsAny<CryptographicException>(() => accepting.Unprotect(columnBound, "ExpertMark.Score", Row));
    }
}
