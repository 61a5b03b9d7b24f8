using System.CommandLine;

var root = new RootCommand("dcell: build, fine-tune and score digital AI cells.");
return root.Parse(args).Invoke();
