using System.CommandLine;

namespace DigitalCell.Cli.Commands;

/// <summary>
/// The data a command reads, given as its first argument, as every dcell command takes it (<c>dcell benchmark DATA</c>,
/// <c>dcell de DATA</c>). The <c>--data</c> spelling of earlier versions stays accepted, hidden from the help, so
/// scripts, notebooks and recorded command lines (<c>dcell reproduce</c>) keep working.
/// </summary>
internal sealed class DataInput
{
    private readonly bool _required;

    /// <summary>A data argument; <paramref name="many"/> takes several (<c>dcell serve A B</c>).</summary>
    public DataInput(string description, bool required, bool many = false)
    {
        _required = required;
        Argument = many
            ? new Argument<string[]>("data") { Description = description, Arity = ArgumentArity.ZeroOrMore }
            : new Argument<string?>("data") { Description = description, Arity = ArgumentArity.ZeroOrOne };
        Alias = many
            ? new Option<string[]>("--data") { Hidden = true, AllowMultipleArgumentsPerToken = true }
            : new Option<string?>("--data") { Hidden = true };
    }

    /// <summary>The positional argument.</summary>
    public Argument Argument { get; }

    /// <summary>The hidden <c>--data</c> alias.</summary>
    public Option Alias { get; }

    /// <summary>Adds both to <paramref name="command"/>, with a usage error when the data is given twice or, if required, not at all.</summary>
    public void AddTo(Command command)
    {
        command.Arguments.Add(Argument);
        command.Options.Add(Alias);
        command.Validators.Add(result =>
        {
            bool positional = result.GetResult(Argument) is { Tokens.Count: > 0 }, option = result.GetResult(Alias) is { Tokens.Count: > 0 };
            if (positional && option)
                result.AddError($"{command.Name}: give the data once, as the argument or with --data, not both.");
            else if (_required && !positional && !option)
                result.AddError($"{command.Name}: name the data to read (a file or catalog id) as the first argument.");
        });
    }

    /// <summary>The data given (positionally or with <c>--data</c>); empty when none.</summary>
    public string[] Values(ParseResult parse) =>
        (parse.GetResult(Argument) is { Tokens.Count: > 0 } positional ? positional.Tokens : parse.GetResult(Alias)?.Tokens ?? []).Select(t => t.Value).ToArray();

    /// <summary>The one data set given, or null.</summary>
    public string? Value(ParseResult parse) => Values(parse).FirstOrDefault();
}
