using System.CommandLine;

var root = new RootCommand("dcell: build, fine-tune and score digital AI cells.");
root.Add(DigitalCell.Cli.Commands.TrainCommand.Create());
root.Add(DigitalCell.Cli.Commands.FinetuneCommand.Create());
root.Add(DigitalCell.Cli.Commands.PredictCommand.Create());
return root.Parse(args).Invoke();
