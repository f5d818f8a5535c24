using System.Globalization;
using MudBlazor;

namespace ScorePortal.Tests.Infrastructure;

public sealed class PortalTestContextTests : PortalTestContext
{
    [Fact]
    public void Renders_a_MudBlazor_component_in_Chinese_by_default()
    {
        var cut = Render<MudText>(p => p.AddChildContent("成绩查询"));

        Assert.Contains("成绩查询", cut.Markup);
        Assert.Equal("zh-CN", CultureInfo.CurrentUICulture.Name);
    }
}
