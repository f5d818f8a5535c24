namespace ScorePortal.Features.Catalog;

public static class CatalogExtensions
{
    /// <summary>The admin use cases of the catalog (levels, qualifications, subjects) and the provincial exam centers.</summary>
    public static WebApplicationBuilder AddCatalog(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<CatalogChanges>();
        builder.Services.AddScoped<SaveLevel>();
        builder.Services.AddScoped<SaveQualification>();
        builder.Services.AddScoped<SaveSubject>();
        builder.Services.AddScoped<DeleteSubject>();
        builder.Services.AddScoped<DeleteQualification>();
        builder.Services.AddScoped<SaveProvince>();
        return builder;
    }
}
