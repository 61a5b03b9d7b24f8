using System.CommandLine;
using DigitalCell.Sdk;
using DigitalCell.Sdk.Catalog;
using DigitalCell.Sdk.GeneKnowledge;
using DigitalCell.Sdk.Models;
using DigitalCell.Web;
using Microsoft.Extensions.Hosting;

namespace DigitalCell.Cli.Commands;

/// <summary>
/// <c>dcell serve</c>: the digital-cell web platform (DigitalCell.Web) on the given data sets and models. Data sets load
/// through <see cref="DataArguments.LoadAsync"/> (file or catalog id, the one door), models are baselines by name
/// (fitted at start) or saved model folders; everything loads once, in the background, while health answers 503.
/// </summary>
internal static class ServeCommand
{
    /// <summary>The models served by default, best first (the first is the API's default: prior-ridge leads the benchmark's Pearson Δ on unseen knockouts).</summary>
    public static readonly string[] DefaultModels = ["prior-ridge", "prior-mlp", "linear-prior", "linear", "crispr-mean", "cell-mean", "control-mean"];

    /// <summary>Environment variable holding the API key, so it stays out of the process list.</summary>
    public const string ApiKeyEnvironmentVariable = "DCELL_API_KEY";

    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var data = new DataInput("Data set(s) to serve: catalog id or file (default: the catalog's CRISPR screens available locally, Papalexi THP-1 first)", required: false, many: true);
        var models = new Option<string[]>("--models") { Description = $"Models: baseline names ({string.Join(", ", Baselines.Names)}) fitted at start, or saved model folders (default: {string.Join(", ", DefaultModels)})", AllowMultipleArgumentsPerToken = true };
        var port = new Option<int>("--port") { Description = "TCP port", DefaultValueFactory = _ => 5000 };
        var host = new Option<string>("--host") { Description = "Address to bind (127.0.0.1 by default; any other needs --api-key)", DefaultValueFactory = _ => "127.0.0.1" };
        var apiKey = new Option<string?>("--api-key") { Description = $"Key the API requires in the X-Api-Key header (default ${ApiKeyEnvironmentVariable}); required for a non-loopback --host" };
        var contextColumn = DataArguments.ContextColumnOption();
        var catalogArguments = new CatalogArguments();
        var command = new Command("serve", "The digital-cell web platform: pick a data set and context, apply a gene knockout, a pair or a treatment (e.g. kang2018-pbmc-ifnb's IFN-beta), see the predicted response (API at /api/v1, OpenAPI at /openapi/v1.json).")
            { models, port, host, apiKey, contextColumn };
        data.AddTo(command);
        catalogArguments.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var catalog = catalogArguments.Open(parse);
            string[] ids = data.Values(parse) is { Length: > 0 } given ? given : DefaultData(catalog);
            string? context = parse.GetValue(contextColumn);
            var options = new WebPlatformOptions
            {
                Host = parse.GetRequiredValue(host),
                Port = parse.GetValue(port),
                ApiKey = parse.GetValue(apiKey) ?? Environment.GetEnvironmentVariable(ApiKeyEnvironmentVariable),
            };
            var loaders = ids.Select(id => (Func<CancellationToken, Task<ServedData>>)(async token =>
            {
                var loaded = await DataArguments.LoadAsync(catalog, id, null, null, context, [], token);
                var entry = catalog.Entries.FirstOrDefault(e => e.Id == loaded.Id);
                return new ServedData(loaded.Id, loaded.Data, loaded.Schema, entry?.Title, entry is null ? null : ShortContext(entry.CellContext), entry?.PerturbationKind);
            })).ToArray();
            var sources = new WebPlatformSources(loaders, (parse.GetValue(models) is { Length: > 0 } m ? m : DefaultModels).Select(ModelSource).ToArray(),
                async token => await LoadPriors(catalog, token));
            await using var app = WebPlatform.Build(options, sources);
            parse.InvocationConfiguration.Error.WriteLine($"dcell serve: http://{(options.Host.Contains(':') ? $"[{options.Host}]" : options.Host)}:{options.Port}/ (Ctrl-C stops); data: {string.Join(", ", ids)}");
            await app.StartAsync(cancellationToken);
            await app.WaitForShutdownAsync(cancellationToken);
            return 0;
        });
        return command;
    }

    /// <summary>A baseline by name, else a saved model folder.</summary>
    private static ServedModelSource ModelSource(string spec)
    {
        if (Directory.Exists(spec)) return new ServedModelSource(Path.GetFileName(Path.GetFullPath(spec).TrimEnd(Path.DirectorySeparatorChar)), _ => PerturbationModels.Load(spec));
        var probe = Baselines.Create(spec); // names the known baselines when the name is wrong
        // Prior models read the priors the platform resolved through the catalog (so --mirror reaches them too).
        return new ServedModelSource(probe.Name, priors => probe.Name switch
        {
            "prior-ridge" => Baselines.PriorRidge(new PriorModelOptions(priors)),
            "prior-mlp" => Baselines.PriorMlp(new PriorModelOptions(priors)),
            "linear-prior" => Baselines.LinearPrior(new PriorModelOptions(priors)),
            _ => Baselines.Create(spec),
        });
    }

    /// <summary>The catalog's CRISPR screens that resolve without a download, the demo's Papalexi subset first.</summary>
    private static string[] DefaultData(DatasetCatalog catalog)
    {
        var ids = catalog.Entries
            .Where(e => e.PerturbationKind is "CRISPRko" or "CRISPRi" or "CRISPRa" && catalog.IsAvailableOffline(e.Id))
            .Select(e => e.Id).OrderBy(id => id == DemoCommand.SubsetId ? 0 : 1).ThenBy(id => id, StringComparer.Ordinal).ToArray();
        return ids.Length > 0 ? ids : throw new DigitalCellException(
            $"No CRISPR screen of the catalog is available locally: name a data set (dcell serve ID|FILE), or pass --mirror <folder> (${CatalogOptions.MirrorEnvironmentVariable}; ../shared/data beside the repository is one).");
    }

    /// <summary>The gene priors through the catalog (cache or mirror), or null with the reason logged by the platform.</summary>
    private static async Task<GenePriors?> LoadPriors(DatasetCatalog catalog, CancellationToken cancellationToken)
    {
        if (!catalog.IsAvailableOffline(GenePriors.CatalogId)) return null;
        return await GenePriors.FromCatalogAsync(catalog, null, cancellationToken);
    }

    /// <summary>"THP-1 (acute monocytic …), IFN-gamma stimulated" → "THP-1": the picker's label.</summary>
    private static string ShortContext(string cellContext)
    {
        int cut = cellContext.IndexOfAny(['(', ',']);
        return (cut > 0 ? cellContext[..cut] : cellContext).Trim();
    }
}
