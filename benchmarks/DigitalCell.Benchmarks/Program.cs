return args.FirstOrDefault() switch
{
    "de" => DigitalCell.Benchmarks.DifferentialExpressionBenchmark.Run(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.WriteLine("usage: dotnet run --project benchmarks/DigitalCell.Benchmarks -c Release -- <benchmark>");
    Console.WriteLine("  de [cells=200000] [peer-genes=60]   Wilcoxon DE, all perturbations × genes: DigitalCell.Sdk vs a scipy mannwhitneyu loop");
    return 0;
}
