using System.Security.Cryptography;
using ScorePortal.Security;

namespace ScorePortal.Tests.Features.Security;

public sealed class FieldProtectorTests
{
    private static readonly byte[] K1 = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
    private static readonly byte[] K2 = Enumerable.Range(101, 32).Select(i => (byte)i).ToArray();

    [Theory]
    [InlineData("杨\U00020BB7")]
    [InlineData("买买提·艾力")]
    [InlineData("110105199003072311")]
    [InlineData("")]
    public void Values_round_trip_and_never_appear_in_the_stored_form(string value)
    {
        var protector = new FieldProtector(new Dictionary<string, byte[]> { ["k1"] = K1 }, "k1");

        var stored = protector.Protect(value);

        Assert.StartsWith("k1:", stored);
        if (value.Length > 0) Assert.DoesNotContain(value, stored);
        Assert.Equal(value, protector.Unprotect(stored));
    }

    [Fact]
    public void The_same_value_encrypts_differently_each_time()
    {
        var protector = new FieldProtector(new Dictionary<string, byte[]> { ["k1"] = K1 }, "k1");

        Assert.NotEqual(protector.Protect("58.5"), protector.Protect("58.5"));
    }

    [Fact]
    public void A_tampered_value_is_refused()
    {
        var protector = new FieldProtector(new Dictionary<string, byte[]> { ["k1"] = K1 }, "k1");
        var stored = protector.Protect("75");
        var bytes = Convert.FromBase64String(stored[3..]);
        bytes[^1] ^= 1;

        Assert.ThrowsAny<CryptographicException>(() => protector.Unprotect("k1:" + Convert.ToBase64String(bytes)));
    }

    [Fact]
    public void After_a_rotation_old_values_still_read_and_new_ones_use_the_new_key()
    {
        var before = new FieldProtector(new Dictionary<string, byte[]> { ["k1"] = K1 }, "k1");
        var old = before.Protect("张伟");
        var after = new FieldProtector(new Dictionary<string, byte[]> { ["k1"] = K1, ["k2"] = K2 }, "k2");

        Assert.Equal("张伟", after.Unprotect(old));
        Assert.StartsWith("k2:", after.Protect("张伟"));
        Assert.Throws<CryptographicException>(() => new FieldProtector(new Dictionary<string, byte[]> { ["k2"] = K2 }, "k2").Unprotect(old));
    }

    [Fact]
    public void A_value_cannot_be_relabelled_as_another_keys()
    {
        var ring = new FieldProtector(new Dictionary<string, byte[]> { ["k1"] = K1, ["k2"] = K1 }, "k1");
        var stored = ring.Protect("45");

        Assert.ThrowsAny<CryptographicException>(() => ring.Unprotect("k2" + stored[2..]));
    }

    [Fact]
    public void A_value_copied_into_another_column_does_not_decrypt()
    {
        var protector = new FieldProtector(new Dictionary<string, byte[]> { ["k1"] = K1 }, "k1");

        var stored = protector.Protect("张伟", "Candidate.Name");

        Assert.StartsWith("k1:v2:", stored);
        Assert.Equal("张伟", protector.Unprotect(stored, "Candidate.Name"));
        Assert.ThrowsAny<CryptographicException>(() => protector.Unprotect(stored, "Candidate.Email"));
        Assert.ThrowsAny<CryptographicException>(() => protector.Unprotect(stored));
    }

    [Fact]
    public void A_value_written_before_columns_were_bound_still_decrypts_until_it_is_rewritten()
    {
        var protector = new FieldProtector(new Dictionary<string, byte[]> { ["k1"] = K1 }, "k1");

        var old = protector.Protect("45");

        Assert.False(FieldProtector.IsBound(old));
        Assert.Equal("45", protector.Unprotect(old, "SubjectScore.Score"));
        Assert.True(FieldProtector.IsBound(protector.Protect("45", "SubjectScore.Score")));
    }
}
