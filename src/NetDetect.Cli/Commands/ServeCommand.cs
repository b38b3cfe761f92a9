using System.CommandLine;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace NetDetect.Cli.Commands;

/// <summary><c>netdetect serve</c>: runs the verdict service (NetDetect.Api) with embedded defaults.</summary>
public static class ServeCommand
{
    public static Command Create()
    {
        var dataDir = new Option<string>("--data-dir") { Description = "Directory for batches, the SQLite store and a generated admin key", DefaultValueFactory = _ => "netdetect-data" };
        var urls = new Option<string>("--urls") { Description = "Addresses to listen on, e.g. http://127.0.0.1:8080 (default http://localhost:5000)" };
        var models = new Option<string?>("--models-dir") { Description = "Directory of model zips (default: the shipped models/)" };
        var command = new Command("serve", "Run the verdict service: submit batches, fetch verdicts, review clusters, export labels (docs/api.md). API keys come from NETDETECT_API_KEYS=key:role[:name],...")
        {
            dataDir, urls, models,
        };
        command.SetAction(async (parse, ct) =>
        {
            var settings = new Dictionary<string, string?> { ["NetDetect:DataDirectory"] = parse.GetValue(dataDir) };
            if (parse.GetValue(models) is { } m) settings["NetDetect:ModelsDirectory"] = m;
            var app = NetDetect.Api.Program.Build([], builder =>
            {
                builder.Configuration.AddInMemoryCollection(settings);
                if (parse.GetValue(urls) is { } u) builder.WebHost.UseUrls(u);
            });
            await app.StartAsync(ct);
            // Ctrl+C cancels ct; the host then stops gracefully, leaving unfinished batches queued for the next start
            await app.WaitForShutdownAsync(ct);
            return ExitCodes.Ok;
        });
        return command;
    }
}
