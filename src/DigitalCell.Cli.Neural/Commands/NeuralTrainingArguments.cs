using DigitalCell.Sdk.Catalog;
using System.CommandLine;
using DigitalCell.Cli.Commands;
using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.IO;
using DigitalCell.Sdk.Models;
using System.Globalization;
using DigitalCell.Sdk.Perturbations;
using DigitalCell.Sdk.Records;
using DigitalCell.Sdk.Torch;
using DigitalCell.Sdk.Torch.Training;
using DigitalCell.Sdk;

namespace DigitalCell.Cli.Neural.Commands;

/// <summary>The arguments <c>dcell train</c> and <c>dcell finetune</c> share: data, schema, split, optimisation knobs, checkpoints.</summary>
internal sealed class NeuralTrainingArguments
{
    public Argument<string> Data { get; } = new("data") { Description = "Training dataset (X in the space to predict, e.g. log1p-normalised HVGs): " + CellDatasetFiles.SupportedFormats };
    public Option<string> Out { get; } = new("--out", "-o") { Description = "Model directory to write (model.safetensors + model-card.json).", Required = true };
    public Option<bool> Force { get; } = OutputArguments.Force();
    public Option<string?> Column { get; } = new("--perturbation-column", "--pert-col") { Description = "obs column with perturbation labels (default: target_gene or perturbation, whichever holds the control)." };
    public Option<string?> Control { get; } = new("--control", "--control-pert") { Description = "Label of control cells (default: non-targeting or control)." };
    public Option<string> Split { get; } = new Option<string>("--split") { Description = "Split spec (unseen:TEST[:VALIDATION], gears, context) or a split JSON file; the model trains on its train fold and early-stops on its validation fold.", DefaultValueFactory = _ => "unseen:0.2:0.1" }.CheckedBy(s => { if (!File.Exists(s)) PerturbationSplits.CheckSpec(s); });
    public Option<int> Seed { get; } = new("--seed") { Description = "Seed for the split, initialisation and batches.", DefaultValueFactory = _ => 0 };
    public Option<int> Steps { get; } = new Option<int>("--steps") { Description = "Maximum optimisation steps.", DefaultValueFactory = _ => new TrainingOptions().Steps }.Within(1, 10_000_000);
    public Option<double> LearningRate { get; } = new Option<double>("--learning-rate") { Description = "Peak AdamW learning rate.", DefaultValueFactory = _ => new TrainingOptions().LearningRate }.Within(0, 10);
    public Option<string> Device { get; } = new Option<string>("--device") { Description = "auto (CUDA when available), cpu or cuda.", DefaultValueFactory = _ => "auto" }.CheckedBy(d => TorchRuntime.ParseDevice(d));
    public Option<string?> Checkpoint { get; } = new("--checkpoint") { Description = "Checkpoint file written every --checkpoint-every steps; an existing one is resumed." };
    public Option<int> CheckpointEvery { get; } = new Option<int>("--checkpoint-every") { Description = "Steps between checkpoints.", DefaultValueFactory = _ => new TrainingOptions().CheckpointEvery }.Within(1, 10_000_000);

    public Option<string?> Context { get; } = DataArguments.ContextColumnOption();
    public Option<string[]> Subset { get; } = DataArguments.SubsetOption();
    public Option<bool> Crate { get; } = BenchmarkCommand.CrateOption();

    public void AddTo(Command command)
    {
        command.Add(Data);
        foreach (Option option in new Option[] { Out, Force, Column, Control, Context, Subset, Split, Seed, Steps, LearningRate, Device, Checkpoint, CheckpointEvery, Crate })
            command.Add(option);
    }

    public (PerturbationTrainingSet Set, PerturbationSplit Split) TrainingSet(ParseResult parse)
    {
        AtomicFile.CheckReplaceable(parse.GetRequiredValue(Out), parse.GetValue(Force)); // before hours of training, not after
        var data = DataArguments.Subset(CellDataset.Read(parse.GetRequiredValue(Data)), parse.GetValue(Subset) ?? [], []);
        var (column, control) = PerturbationConventions.Resolve(data, parse.GetValue(Column), parse.GetValue(Control));
        var schema = new PerturbationSchema(column, control) with { ContextColumn = parse.GetValue(Context) };
        if (ContextColumns.Warning(data, schema) is string warning) parse.InvocationConfiguration.Error.WriteLine(Program.TerminalLine(warning));
        var spec = parse.GetRequiredValue(Split);
        var split = File.Exists(spec) ? PerturbationSplit.Load(spec) : PerturbationSplits.Parse(spec, data, schema, parse.GetValue(Seed));
        var path = parse.GetRequiredValue(Data);
        return (PerturbationTrainingSet.FromSplit(data, schema, split, dataId: path, dataSha256: File.Exists(path) ? Sha256File.Compute(path) : null), split);
    }

    public TrainingOptions Options(ParseResult parse) => new()
    {
        Steps = parse.GetValue(Steps), LearningRate = parse.GetValue(LearningRate), Seed = parse.GetValue(Seed),
        Device = TorchRuntime.ParseDevice(parse.GetRequiredValue(Device)),
        CheckpointPath = parse.GetValue(Checkpoint), CheckpointEvery = parse.GetValue(CheckpointEvery),
    };

    /// <summary>
    /// The provenance record of this training run: the command line, the data (and a split file) with sha256 and the
    /// subset applied, the device and TorchSharp version, the optimisation parameters, the schema trained with and the seed.
    /// </summary>
    public ProvenanceRecord Record(ParseResult parse, NeuralPerturbationModel model, PerturbationSchema schema)
    {
        string data = parse.GetRequiredValue(Data);
        var parameters = new Dictionary<string, string>
        {
            ["split"] = parse.GetRequiredValue(Split), ["steps"] = model.Options.Steps.ToString(CultureInfo.InvariantCulture),
            ["learning_rate"] = model.Options.LearningRate.ToString("R", CultureInfo.InvariantCulture),
            ["perturbation_column"] = schema.PerturbationColumn, ["control"] = schema.PrimaryControl,
            ["context_column"] = parse.GetValue(Context) ?? "none", ["bf16_on_cuda"] = model.Options.BFloat16OnCuda ? "true" : "false",
        };
        var (device, libraries) = TorchRuntime.Describe(model.Options.Device);
        var record = ProvenanceRecord.StartCommand("dcell", [.. parse.Tokens.Select(t => t.Value)], parameters, parse.GetValue(Seed))
            .WithInput(Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(data))), data, DataArguments.SubsetText(parse.GetValue(Subset) ?? []))
            .OnDevice(device, libraries);
        string split = parse.GetRequiredValue(Split);
        return File.Exists(split) ? record.WithInput(Path.GetFileName(split), split) : record;
    }

    /// <summary>
    /// Runs <paramref name="train"/> showing its progress (<see cref="TerminalProgress"/>: a bar on a terminal, a plain line
    /// at most every 10 s when piped), then saves the model, its split and
    /// <c>provenance.json</c> (with <c>--crate</c> also <c>ro-crate-metadata.json</c>); the model card lists the
    /// training inputs of <paramref name="record"/>.
    /// </summary>
    public int Run(ParseResult parse, NeuralPerturbationModel model, PerturbationSplit split, ProvenanceRecord record,
        Action<IProgress<FitProgress>> train)
    {
        try
        {
            TerminalProgress.Run(parse.InvocationConfiguration.Error, model.Name, progress =>
            {
                train(new Reporter(progress, model.Options.Steps));
                return 0;
            });
        }
        catch (OperationCanceledException)
        {
            var resume = model.Options.CheckpointPath is { } c ? $"; run the same command again to resume from {c}" : "; pass --checkpoint to make training resumable";
            parse.InvocationConfiguration.Error.WriteLine(Program.ErrorLine($"training interrupted{resume}"));
            return 130;
        }
        string outDirectory = parse.GetRequiredValue(Out);
        model.Save(outDirectory, parse.GetValue(Force));
        AtomicFile.AddToDirectory(outDirectory, "split.json", split.Save);
        // The card names the files trained on as the record does (the network's own card hashes the float32 block instead).
        var card = ModelCard.Load(outDirectory) with { TrainingInputs = record.Inputs, MetricsSplit = $"{split.Strategy} (seed {split.Seed}), validation fold" };
        AtomicFile.AddToDirectory(outDirectory, ModelCard.FileName, path => File.WriteAllText(path, card.ToJson()));
        var finished = record with { Ended = DateTimeOffset.UtcNow };
        if (parse.GetValue(Crate)) RunCrate.Write(outDirectory, finished);
        else AtomicFile.AddToDirectory(outDirectory, ProvenanceRecord.FileName, path => finished.Finish(outDirectory).Save(path));
        var metric = model.Card.Metrics.TryGetValue("validation_mean_profile_mse", out var m) ? $", validation mean-profile MSE {m:G4}" : "";
        parse.InvocationConfiguration.Output.WriteLine($"Saved {model.Name} model ({model.Genes.Count} genes, {model.KnownTargets.Count} targets{metric}) to {outDirectory}");
        return 0;
    }

    /// <summary>Training steps as <see cref="WorkProgress"/>, the losses as its detail.</summary>
    private sealed class Reporter(IProgress<WorkProgress> progress, int steps) : IProgress<FitProgress>
    {
        public void Report(FitProgress value) => progress.Report(new WorkProgress("training", value.Step, steps)
        {
            Detail = value.ValidationLoss is { } v ? $"loss {value.TrainLoss:F3}, val {v:G3}" : $"loss {value.TrainLoss:F3}",
        });
    }
}
