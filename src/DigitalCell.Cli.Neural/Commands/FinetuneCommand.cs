using System.CommandLine;
using System.Globalization;
using DigitalCell.Sdk;
using DigitalCell.Sdk.IO;
using DigitalCell.Sdk.Models;
using DigitalCell.Sdk.Torch;
using DigitalCell.Sdk.Torch.BaseModel;

namespace DigitalCell.Cli.Neural.Commands;

/// <summary>
/// <c>dcell finetune &lt;data&gt; --from &lt;model&gt; --out &lt;dir&gt;</c>: continues training a saved model on new data. A
/// base model (a zoo id such as <c>dcell-base-tiny</c>, or a base-model folder) is adapted with
/// <see cref="DigitalCellBaseModel.FineTune"/>; a small neural model with <see cref="NeuralPerturbationModel.FineTune"/>.
/// </summary>
public static class FinetuneCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var args = new NeuralTrainingArguments();
        var from = new Option<string>("--from") { Description = "Model to start from: a saved neural or base-model folder, or a zoo id such as dcell-base-tiny (`dcell models list`).", Required = true };
        var freeze = new Option<bool>("--freeze-encoder") { Description = "Keep the cell-state encoder fixed; train perturbation embeddings and decoder (small neural model only)." };
        var command = new Command("finetune", "Fine-tune a saved model (neural, or a base model such as dcell-base-tiny) on new data; new genes, contexts and compounds get new rows.");
        args.AddTo(command);
        command.Add(from);
        command.Add(freeze);
        command.SetAction((parse, cancellation) =>
        {
            AtomicFile.CheckReplaceable(parse.GetRequiredValue(args.Out), parse.GetValue(args.Force)); // the output is checked first, as every command does
            var folder = ModelZoo.Resolve(parse.GetRequiredValue(from));
            if (ModelCard.Load(folder).Architecture == DigitalCellBaseModel.ArchitectureName)
                return Task.FromResult(FineTuneBase(parse, args, folder, parse.GetValue(freeze), cancellation));
            var (set, split) = args.TrainingSet(parse);
            var options = args.Options(parse) with { FreezeEncoder = parse.GetValue(freeze) };
            using var model = NeuralModels.Load(folder, options.Device);
            model.Options = options;
            return Task.FromResult(args.Run(parse, model, split, args.Record(parse, model, set.Schema),
                progress => model.FineTune(set, progress, cancellation)));
        });
        return command;
    }

    /// <summary>
    /// Adapts the base model in <paramref name="folder"/> to the data's training fold and writes the adapted model folder
    /// (atomically), named by the output folder, with its split; <c>--steps</c> and <c>--learning-rate</c> default to the
    /// base model's fine-tune phase when not given.
    /// </summary>
    private static int FineTuneBase(ParseResult parse, NeuralTrainingArguments args, string folder, bool freeze, CancellationToken cancellation)
    {
        if (freeze) throw new DigitalCellException("--freeze-encoder applies to the small neural model; a base model is fine-tuned whole");
        if (parse.GetValue(args.Checkpoint) is not null) throw new DigitalCellException("--checkpoint applies to the small neural model; base-model fine-tuning is short and restarts from the base model");
        var (set, split) = args.TrainingSet(parse);
        string output = parse.GetRequiredValue(args.Out);
        using var model = DigitalCellBaseModel.Load(folder, new BaseModelOptions { Device = TorchRuntime.ParseDevice(parse.GetRequiredValue(args.Device)) });
        var defaults = new FineTuningOptions();
        var options = new FineTuningOptions
        {
            Steps = parse.GetResult(args.Steps) is { Implicit: false } ? parse.GetValue(args.Steps) : defaults.Steps,
            LearningRate = parse.GetResult(args.LearningRate) is { Implicit: false } ? parse.GetValue(args.LearningRate) : null,
            Seed = parse.GetValue(args.Seed), Name = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(output))),
        };
        model.FineTune(set, options, cancellation);
        model.Save(output, parse.GetValue(args.Force));
        AtomicFile.AddToDirectory(output, "split.json", split.Save);
        parse.InvocationConfiguration.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Saved {model.Name} ({model.Genes.Count} genes, {model.Vocabulary.Count} in its vocabulary), fine-tuned from {folder} for {options.Steps} steps, final loss {model.TrainingLosses[^1].Loss:G4}, to {output}"));
        return 0;
    }
}
