using System.CommandLine;
using System.Globalization;
using DigitalCell.Sdk;
using DigitalCell.Sdk.Models;

namespace DigitalCell.Cli.Commands;

/// <summary>
/// <c>dcell models list|info|fetch</c>: the model zoo (<see cref="ModelZoo"/>): saved models by id with their card,
/// training data and files, and the models of the <see cref="ModelManifest"/> fetched into the model cache. Reading
/// cards and downloading need no libtorch, so this runs in dcell itself.
/// </summary>
public static class ModelsCommand
{
    /// <summary>Creates the command tree.</summary>
    public static Command Create()
    {
        var zoo = new Option<string?>("--zoo") { Description = $"One zoo folder to read (default: ${ModelZoo.EnvironmentVariable} when set, then the model cache, then the models shipped with dcell)" };
        var command = new Command("models", "The model zoo: list the saved models, describe one (card, training data, files with sha256), fetch a larger one by id.");
        command.Options.Add(zoo);
        var list = new Command("list", "List the zoo's models (id, architecture, parameters, training data, size) and the manifest's models not yet fetched.");
        list.SetAction(parse =>
        {
            var o = parse.InvocationConfiguration.Output;
            var folder = parse.GetValue(zoo);
            var models = ModelZoo.List(folder);
            foreach (var m in models)
                o.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{m.Id,-24} {m.Card.Architecture,-22} {Parameters(m.Card),10}  {m.Bytes / 1048576.0,6:F1} MiB  trained on {string.Join(", ", m.Card.TrainingInputs.Select(i => i.Id))}"));
            o.WriteLine($"{models.Count} model(s) in {(folder is null ? string.Join(", ", ModelZoo.SearchPath) : folder)}");
            foreach (var e in ModelManifest.Embedded.Where(e => models.All(m => m.Id != e.Id)))
                o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{e.Id,-24} not fetched ({e.Bytes / 1048576.0:F1} MiB; `dcell models fetch {e.Id}`): {e.Summary}"));
            return 0;
        });
        var id = new Argument<string>("id") { Description = "Model id (see `dcell models list`)" };
        var info = new Command("info", "Describe a model: card (hyperparameters, training data with sha256, metrics, licence, SDK version) and files.") { id };
        info.SetAction(parse =>
        {
            var o = parse.InvocationConfiguration.Output;
            var m = ModelZoo.Find(parse.GetRequiredValue(id), parse.GetValue(zoo));
            o.WriteLine($"{m.Id}: {m.Card.Description}");
            o.WriteLine($"Folder: {m.Directory}");
            o.WriteLine("Files:");
            foreach (var f in m.Files) o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {f.Name} ({f.Bytes:N0} bytes) sha256 {f.Sha256}"));
            o.WriteLine(m.Card.ToJson());
            return 0;
        });
        command.Subcommands.Add(list);
        command.Subcommands.Add(info);
        command.Subcommands.Add(Fetch());
        return command;
    }

    /// <summary><c>models fetch ID [--out DIR] [--force] [--manifest FILE]</c>: download, verify and install a manifest model.</summary>
    private static Command Fetch()
    {
        var id = new Argument<string>("id") { Description = "Model id listed in the models manifest" };
        var output = new Option<string?>("--out", "-o") { Description = "Model folder to write (default: the model cache, <cache>/models/ID, where the zoo finds it by id)" };
        var force = OutputArguments.Force();
        var manifests = new Option<string[]>("--manifest") { Description = "Extra models manifest file(s) ({\"models\": [...]}, see docs/base-model.md) joining, and for equal ids replacing, the built-in one" };
        var catalog = new CatalogArguments();
        var command = new Command("fetch", "Download a model listed in the models manifest (https, size and sha256 checked, archives extracted safely) into the model cache.") { id, output, force, manifests };
        catalog.AddTo(command);
        command.Validators.Add(result =>
        {
            // An unknown id is a usage error: the message lists the ids the manifest knows.
            if (result.GetValue(id) is not { Length: > 0 } wanted) return;
            try
            {
                ModelManifest.Get(ModelManifest.Load(result.GetValue(manifests)), wanted);
            }
            catch (DigitalCellException e)
            {
                result.AddError($"models fetch: {e.Message}");
            }
        });
        command.SetAction(async (parse, cancellationToken) =>
        {
            var entry = ModelManifest.Get(ModelManifest.Load(parse.GetValue(manifests)), parse.GetRequiredValue(id));
            var fetcher = new ModelFetcher(catalog.Options(parse));
            var error = parse.InvocationConfiguration.Error;
            error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"fetching {entry.Id} ({entry.Files.Count} file(s), {entry.Bytes:N0} bytes; licence {entry.License})"));
            var model = await fetcher.FetchAsync(entry, parse.GetValue(output), parse.GetValue(force), null, cancellationToken);
            parse.InvocationConfiguration.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{model.Id}: {model.Files.Count} file(s), {model.Bytes:N0} bytes, sha256 verified; installed in {model.Directory}"));
            return 0;
        });
        return command;
    }

    private static string Parameters(ModelCard card) =>
        card.Hyperparameters.TryGetValue("parameters", out var p) ? string.Create(CultureInfo.InvariantCulture, $"{Convert.ToDouble(p, CultureInfo.InvariantCulture) / 1e6:F2} M") : "?";
}
