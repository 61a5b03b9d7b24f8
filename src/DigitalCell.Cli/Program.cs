using System.CommandLine;
using DigitalCell.Cli.Commands;

var root = new RootCommand("dcell: build, fine-tune and score digital AI cells.");
root.Subcommands.Add(NotebookCommand.Create());
return root.Parse(args).Invoke();
