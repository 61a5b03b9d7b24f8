using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using DigitalCell.Cli.Commands;
using DigitalCell.Sdk;
using DigitalCell.Sdk.IO;
using DigitalCell.Sdk.Torch.BaseModel;

namespace DigitalCell.Cli.Neural.Commands;

/// <summary>
/// <c>dcell pretrain --out DIR [--size tiny] [--sources ID,ID] [--observational ID,ID|none] [--finetune-on ID] [--steps M,J,F] [--seed N] [--force]</c>:
/// makes a zoo base model from catalog data sets (<see cref="BaseModelPretraining"/>); the defaults reproduce the
/// shipped <c>dcell-base-tiny</c>. The folder (weights, card with each data set's sha256, vocabulary) appears complete or not at all.
/// </summary>
public static class PretrainCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var defaults = new PretrainingOptions();
        var output = new Option<string>("--out", "-o") { Description = "Model folder to write (a zoo folder is named by the model id, e.g. models/dcell-base-tiny).", Required = true };
        var force = OutputArguments.Force();
        var size = new Option<string>("--size") { Description = $"Model size: {string.Join(", ", BaseModelConfig.Named.Select(c => c.Name))} (10b is documented, not trainable here).", DefaultValueFactory = _ => defaults.Config.Name }
            .CheckedBy(s => BaseModelConfig.Parse(s));
        var sources = new Option<string>("--sources") { Description = "Comma-separated catalog ids to pretrain on.", DefaultValueFactory = _ => string.Join(',', defaults.Sources) };
        var observational = new Option<string>("--observational")
        {
            Description = "Comma-separated catalog ids of unperturbed data sets added to masked-expression pretraining only; by default every one held (none: no observational pretraining).",
            DefaultValueFactory = _ => string.Join(',', defaults.Observational),
        };
        var finetuneOn = new Option<string>("--finetune-on") { Description = "Catalog id fine-tuned on (all its perturbations); its genes are the panel the model predicts.", DefaultValueFactory = _ => defaults.FineTuneOn };
        var steps = new Option<string>("--steps") { Description = "Masked-expression, joint and fine-tuning steps, comma-separated.", DefaultValueFactory = _ => $"{defaults.MaskedSteps},{defaults.JointSteps},{defaults.FineTuneSteps}" }
            .CheckedBy(s => Steps(s));
        var seed = new Option<long>("--seed") { Description = "Seed of initialisation, batches and samples (same seed, same weights on the CPU).", DefaultValueFactory = _ => defaults.Seed };
        var catalog = new CatalogArguments();
        var command = new Command("pretrain", "Pretrain the digital-cell base model on catalog data sets and fine-tune it (reproduces the shipped dcell-base-tiny); writes a zoo model folder.")
        {
            output, force, size, sources, observational, finetuneOn, steps, seed,
        };
        catalog.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            string folder = parse.GetRequiredValue(output);
            AtomicFile.CheckReplaceable(folder, parse.GetValue(force));
            var (masked, joint, finetune) = Steps(parse.GetRequiredValue(steps));
            var error = parse.InvocationConfiguration.Error;
            var options = new PretrainingOptions
            {
                Config = BaseModelConfig.Parse(parse.GetRequiredValue(size)),
                Sources = parse.GetRequiredValue(sources).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries),
                Observational = parse.GetRequiredValue(observational) is "none" ? [] : parse.GetRequiredValue(observational).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries),
                FineTuneOn = parse.GetRequiredValue(finetuneOn), MaskedSteps = masked, JointSteps = joint, FineTuneSteps = finetune,
                Seed = parse.GetValue(seed), Catalog = catalog.Open(parse), Progress = new PhaseReporter(error),
            };
            var clock = Stopwatch.StartNew();
            using var model = await BaseModelPretraining.RunAsync(options, cancellationToken);
            model.Save(folder, parse.GetValue(force));
            parse.InvocationConfiguration.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{model.Name}: {model.ParameterCount:N0} parameters, {model.Vocabulary.Count:N0} genes, steps {masked}/{joint}/{finetune}, seed {options.Seed}, trained in {clock.Elapsed.TotalSeconds:F0} s; saved to {folder}"));
            return 0;
        });
        return command;
    }

    private static (int Masked, int Joint, int FineTune) Steps(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length != 3 || parts.Any(p => !int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
            throw new DigitalCellException($"takes three non-negative step counts, masked,joint,finetune (e.g. 150,400,300), not '{text}'");
        var n = parts.Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToArray();
        return (n[0], n[1], n[2]);
    }

    /// <summary>A line on the error stream when each phase starts and ends, so a long run shows where it is.</summary>
    private sealed class PhaseReporter(TextWriter error) : IProgress<BaseTrainingProgress>
    {
        public void Report(BaseTrainingProgress value)
        {
            if (value.Step == 1 || value.Step == value.Steps)
                error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{value.Phase}: step {value.Step}/{value.Steps}, loss {value.Loss:G4} ({value.DataSet})"));
        }
    }
}
