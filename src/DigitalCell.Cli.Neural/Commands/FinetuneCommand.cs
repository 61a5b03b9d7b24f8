using System.CommandLine;
using DigitalCell.Sdk.Torch;

namespace DigitalCell.Cli.Neural.Commands;

/// <summary><c>dcell finetune &lt;data&gt; --from &lt;model&gt; --out &lt;dir&gt;</c>: continues training a saved neural model on new data.</summary>
public static class FinetuneCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var args = new NeuralTrainingArguments();
        var from = new Option<string>("--from") { Description = "Saved neural model directory to start from.", Required = true };
        var freeze = new Option<bool>("--freeze-encoder") { Description = "Keep the cell-state encoder fixed; train perturbation embeddings and decoder." };
        var command = new Command("finetune", "Fine-tune a saved neural model on new data; new genes/compounds get new embeddings.");
        args.AddTo(command);
        command.Add(from);
        command.Add(freeze);
        command.SetAction((parse, cancellation) =>
        {
            var (set, split) = args.TrainingSet(parse);
            var options = args.Options(parse) with { FreezeEncoder = parse.GetValue(freeze) };
            using var model = NeuralModels.Load(parse.GetRequiredValue(from), options.Device);
            model.Options = options;
            return Task.FromResult(args.Run(parse, model, split, args.Record(parse, model, set.Schema),
                progress => model.FineTune(set, progress, cancellation)));
        });
        return command;
    }
}
