using System.CommandLine;
using System.Globalization;
using DigitalCell.Sdk.Models;

namespace DigitalCell.Cli.Commands;

/// <summary>
/// <c>dcell models list|info</c>: the model zoo (<see cref="ModelZoo"/>): saved models by id with their card, training
/// data and files. Reading cards needs no libtorch, so this runs in dcell itself.
/// </summary>
public static class ModelsCommand
{
    /// <summary>Creates the command tree.</summary>
    public static Command Create()
    {
        var zoo = new Option<string?>("--zoo") { Description = $"Zoo folder (default ${ModelZoo.EnvironmentVariable}, else the models folder shipped with dcell)" };
        var command = new Command("models", "The model zoo: list the saved models and describe one (card, training data, files with sha256).");
        command.Options.Add(zoo);
        var list = new Command("list", "List the zoo's models: id, architecture, parameters, training data, size.");
        list.SetAction(parse =>
        {
            var o = parse.InvocationConfiguration.Output;
            var folder = parse.GetValue(zoo) ?? ModelZoo.DefaultDirectory;
            var models = ModelZoo.List(folder);
            foreach (var m in models)
                o.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{m.Id,-24} {m.Card.Architecture,-22} {Parameters(m.Card),10}  {m.Bytes / 1048576.0,6:F1} MiB  trained on {string.Join(", ", m.Card.TrainingInputs.Select(i => i.Id))}"));
            o.WriteLine($"{models.Count} model(s) in {folder}");
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
        return command;
    }

    private static string Parameters(ModelCard card) =>
        card.Hyperparameters.TryGetValue("parameters", out var p) ? string.Create(CultureInfo.InvariantCulture, $"{Convert.ToDouble(p, CultureInfo.InvariantCulture) / 1e6:F2} M") : "?";
}
