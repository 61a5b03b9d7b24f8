return args.FirstOrDefault() switch
{
    "torch-train-step" => DigitalCell.Benchmarks.TorchTrainingStepBenchmark.Run(args[1..]),
    "de" => DigitalCell.Benchmarks.DifferentialExpressionBenchmark.Run(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.WriteLine("usage: dotnet run --project benchmarks/DigitalCell.Benchmarks -c Release -- <benchmark>");
    Console.WriteLine("  torch-train-step [threads]   neural model training step: DigitalCell.Sdk.Torch vs python3-torch");
    Console.WriteLine("  de [cells=200000] [peer-genes=60]   Wilcoxon DE, all perturbations × genes: DigitalCell.Sdk vs a scipy mannwhitneyu loop");
    return 0;
}
