namespace ScorePortal.Features.Catalog;

public static class CatalogExtensions
{
    /// <summary>The admin use cases of the catalog and the provincial exam centers.</summary>
    public static WebApplicationBuilder AddCatalog(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<SaveProvince>();
        return builder;
    }
}
