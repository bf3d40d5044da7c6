using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.FileProviders;

namespace Darkstar.Web;

/// <summary>
/// The web UI's pages: the bundle web/build.mjs writes into <c>wwwroot</c> beside the executable, served at the root.
/// Every link in them is relative, so they work under Home Assistant's ingress prefix.
/// </summary>
public static class DarkstarPages
{
    public static string Folder => Path.Combine(AppContext.BaseDirectory, "wwwroot");

    public static WebApplication UseDarkstarPages(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (!Directory.Exists(Folder))
        {
            // A build without node (web/ not bundled) still serves the API and /health.
            return app;
        }

        var files = new PhysicalFileProvider(Folder);
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            // The bundle's names do not change between versions: a browser asks again rather than run an old one.
            OnPrepareResponse = context => context.Context.Response.Headers.CacheControl = "no-cache",
        });
        return app;
    }
}
