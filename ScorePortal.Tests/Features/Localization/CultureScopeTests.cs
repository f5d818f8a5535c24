using System.Globalization;
using ScorePortal.Localization;

namespace ScorePortal.Tests.Features.Localization;

public sealed class CultureScopeTests
{
    [Fact]
    public void The_scope_switches_formats_and_resources_and_restores_both_when_the_block_throws()
    {
        var before = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        var inside = ("", "");

        void RenderInEnglish()
        {
            using var _ = CultureScope.Use("en-US");
            inside = (CultureInfo.CurrentCulture.Name, CultureInfo.CurrentUICulture.Name);
            throw new InvalidOperationException("rendering failed");
        }

        Assert.Throws<InvalidOperationException>(RenderInEnglish);
        Assert.Equal(("en-US", "en-US"), inside);
        Assert.Equal(before, (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture));
    }

    [Fact]
    public async Task Nested_scopes_unwind_in_order_and_an_await_keeps_the_culture()
    {
        using (CultureScope.Use("zh-CN"))
        {
            using (CultureScope.Use(CultureInfo.GetCultureInfo("en-US")))
            {
                await Task.Yield();
                Assert.Equal("en-US", CultureInfo.CurrentUICulture.Name);
            }
            Assert.Equal(("zh-CN", "zh-CN"), (CultureInfo.CurrentCulture.Name, CultureInfo.CurrentUICulture.Name));
        }
    }

    [Theory]
    [InlineData("en-US", "en-US")]
    [InlineData("EN-us", "en-US")]
    [InlineData("zh-CN", "zh-CN")]
    [InlineData("fr-FR", "zh-CN")]
    [InlineData("", "zh-CN")]
    [InlineData(null, "zh-CN")]
    public void A_culture_the_portal_does_not_speak_reads_as_Chinese(string? asked, string used) =>
        Assert.Equal(used, CultureScope.Resolve(asked).Name);
}
