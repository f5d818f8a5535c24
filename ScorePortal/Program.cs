using ScorePortal.Data;

var builder = WebApplication.CreateBuilder(args);
builder.AddDatabase();
var app = builder.Build();
await app.MigrateDatabaseAsync();
app.Run();
