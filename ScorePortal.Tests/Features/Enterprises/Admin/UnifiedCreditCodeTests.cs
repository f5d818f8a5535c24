using ScorePortal.Features.Enterprises.Admin;

namespace ScorePortal.Tests.Features.Enterprises.Admin;

public sealed class UnifiedCreditCodeTests
{
    [Theory]
    [InlineData("91350100M000100Y43")]
    [InlineData("91110000802100433B")]
    [InlineData("91440300708461136T")]
    [InlineData("9144030071526726XG")]
    public void Registered_codes_have_a_valid_check_character(string code) => Assert.True(UnifiedCreditCode.IsValid(code));

    [Theory]
    [InlineData("91350100M000100Y44")] // check character off by one
    [InlineData("91110000802100433C")]
    [InlineData("911100008021004330")]
    public void A_wrong_check_character_is_refused(string code) => Assert.False(UnifiedCreditCode.IsValid(code));

    [Theory]
    [InlineData("91350100M000100Y4")] // 17 characters
    [InlineData("91350100M000100Y433")] // 19
    [InlineData("91350100I000100Y43")] // I is not in the alphabet
    [InlineData("913501O0M000100Y43")] // letter O where the division code's digits are
    [InlineData("")]
    public void A_code_of_the_wrong_form_is_refused(string code) => Assert.False(UnifiedCreditCode.IsValid(code));

    [Fact]
    public void Typed_codes_are_folded_to_the_stored_form()
    {
        Assert.Equal("91350100M000100Y43", UnifiedCreditCode.Normalize(" 9135 0100-m000 100y43 "));
        Assert.Equal("91350100M000100Y43", UnifiedCreditCode.Normalize("９１３５０１００Ｍ０００１００Ｙ４３")); // full-width, as a Chinese IME types it
        Assert.Null(UnifiedCreditCode.Normalize("   "));
    }

    [Fact]
    public void The_check_character_is_the_one_of_the_standard()
    {
        // C18 = 31 − (Σ Ci·Wi mod 31), Wi = 3^(i−1) mod 31; 31 is written 0.
        Assert.Equal('3', UnifiedCreditCode.CheckCharacter("91350100M000100Y4"));
        Assert.Equal('B', UnifiedCreditCode.CheckCharacter("91110000802100433"));
        Assert.Null(UnifiedCreditCode.CheckCharacter("9111000080210043Z")); // Z is not in the alphabet
    }
}
