using System.CommandLine;
using DigitalCell.Sdk.Torch;
using DigitalCell.Sdk.Torch.Training;

namespace DigitalCell.Cli.Neural.Commands;

/// <summary><c>dcell train &lt;data&gt; --out &lt;dir&gt;</c>: trains a neural perturbation model on a split's training fold.</summary>
public static class TrainCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var args = new NeuralTrainingArguments();
        var hidden = new Option<int>("--hidden") { Description = "Hidden layer width.", DefaultValueFactory = _ => new NeuralModelOptions().Hidden }.Within(1, 65_536);
        var latent = new Option<int>("--latent") { Description = "Cell-state/perturbation embedding size.", DefaultValueFactory = _ => new NeuralModelOptions().Latent }.Within(1, 65_536);
        var command = new Command("train", "Train a neural perturbation model (TorchSharp; CUDA when available) and save it as safetensors + model card.");
        args.AddTo(command);
        command.Add(hidden);
        command.Add(latent);
        command.SetAction((parse, cancellation) =>
        {
            var (set, split) = args.TrainingSet(parse);
            using var model = new NeuralPerturbationModel(args.Options(parse), new NeuralModelOptions { Hidden = parse.GetValue(hidden), Latent = parse.GetValue(latent) });
            return Task.FromResult(args.Run(parse, model, split, args.Record(parse, model, set.Schema),
                progress => model.Fit(set, progress, cancellation)));
        });
        return command;
    }
}
