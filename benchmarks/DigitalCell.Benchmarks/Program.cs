// Benchmarks print ours vs the Python peer side by side. Add one line per benchmark below.
return args.FirstOrDefault() switch
{
    "h5ad-load" => DigitalCell.Benchmarks.H5adLoadBenchmark.Run(args[1..]),
    "h5ad-load-time" => DigitalCell.Benchmarks.H5adLoadBenchmark.TimeLoads(args[1..]), // one process of h5ad-load's timing
    "torch-train-step" => DigitalCell.Benchmarks.TorchTrainingStepBenchmark.Run(args[1..]),
    "de" => DigitalCell.Benchmarks.DifferentialExpressionBenchmark.Run(args[1..]),
    "de-vcc" => DigitalCell.Benchmarks.DifferentialExpressionBenchmark.Vcc(args[1..]),
    "de-vcc-ours" => DigitalCell.Benchmarks.DifferentialExpressionBenchmark.VccOurs(args[1..]), // one timed process of de-vcc
    "torch-papalexi-scores" => DigitalCell.Benchmarks.NeuralPapalexiScores.Run(args[1..]),
    "tenx-read" => DigitalCell.Benchmarks.TenXReadBenchmark.Run(args[1..]),
    "h5mu-load" => DigitalCell.Benchmarks.H5muLoadBenchmark.Run(args[1..]),
    "collection-pseudobulk" => DigitalCell.Benchmarks.CollectionPseudobulkBenchmark.Run(args[1..]),
    "collection-pseudobulk-ours" => DigitalCell.Benchmarks.CollectionPseudobulkBenchmark.Ours(args[1..]), // one timed process
    "collection-pseudobulk-duckdb" => DigitalCell.Benchmarks.CollectionPseudobulkBenchmark.DuckDb(args[1..]), // one timed process
    "gene-priors" => DigitalCell.Benchmarks.GenePriorsBenchmark.Run(args[1..]),
    "prior-models" => DigitalCell.Benchmarks.PriorModelsEvaluation.Run(args[1..]),
    "base-model" => DigitalCell.Benchmarks.BaseModelEvaluation.Run(args[1..]),
    "base-model-pretrain" => DigitalCell.Benchmarks.BaseModelEvaluation.Pretrain(args[1..]),
    "base-model-table" => DigitalCell.Benchmarks.BaseModelEvaluation.Table(args[1..]),
    "prior-ridge-fit" => DigitalCell.Benchmarks.PriorRidgeFitBenchmark.Run(args[1..]),
    "gene-priors-build" => DigitalCell.Benchmarks.GenePriorsBenchmark.Build(args[1..]), // one process of gene-priors' timing
    "score-stages" => DigitalCell.Benchmarks.ScoreStagesBenchmark.Run(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.WriteLine("usage: dotnet run --project benchmarks/DigitalCell.Benchmarks -c Release -- <benchmark> [args]");
    Console.WriteLine("  h5ad-load [cells=200000] [genes=2000] [runs=5]   h5ad full load vs anndata.read_h5ad; backed streaming memory");
    Console.WriteLine("  torch-train-step [threads]   neural model training step: DigitalCell.Sdk.Torch vs python3-torch");
    Console.WriteLine("  de [cells=200000] [peer-genes=60]   Wilcoxon DE, all perturbations × genes: DigitalCell.Sdk vs a scipy mannwhitneyu loop");
    Console.WriteLine("  de-vcc [cells=100000] [genes=18000] [perturbations=300] [threads=2] [data-dir]   Wilcoxon DE on a simulated VCC-size screen: DigitalCell.Sdk vs pdex's algorithm in numba, same threads");
    Console.WriteLine("  torch-papalexi-scores [seeds]  neural model vs baselines on Papalexi unseen perturbations (e.g. 0,1,2)");
    Console.WriteLine("  tenx-read [cells=20000] [genes=2000] [density=0.1] [runs=3]   10x mtx.gz directory read vs scipy mmread + pandas");
    Console.WriteLine("  h5mu-load [runs=5]   real h5mu sets: H5muFile.Read vs h5py+anndata per modality and vs anndata.read_h5ad of the per-modality files");
    Console.WriteLine("  collection-pseudobulk [cells-per-shard=25000] [genes=1000] [shards=2,8]   streaming pseudobulk over shards vs anndata backed + numpy and DuckDB SQL");
    Console.WriteLine("  prior-models [seeds=0,1,2,3,4] [tasks=papalexi,papalexi-lopo,norman,kang,kinases] [out] [modes] [ablation|no-ablation] [bootstrap=200]   prior models vs every baseline on real data, CIs over splits");
    Console.WriteLine("  base-model [seeds=0,1,2,3,4] [tasks=papalexi] [steps=150,400,300] [out] [threads=1] [models=all] [pseudobulk-weight] [splits=all|N|LABELS]   digital-cell base model (tiny) vs baselines and prior models, CIs over splits");
    Console.WriteLine("  base-model-table OUT.csv SPLITS.csv...   pools base-model runs' per-split values into tables and OUT.csv (mean, 95 % t-interval)");
    Console.WriteLine("  base-model-pretrain [out=models/dcell-base-tiny] [steps=150,400,300] [seed=0]   the zoo's tiny base model from the catalog data sets");
    Console.WriteLine("  prior-ridge-fit [runs=5] [no-peer]   fit prior-ridge on Papalexi (target < 1 s) vs a numpy/sklearn peer");
    Console.WriteLine("  gene-priors [dir=../shared/data/gene-priors] [runs=3] [no-peer]   build every derived gene prior (target < 10 s) vs the scipy reference");
    Console.WriteLine("  score-stages DIR [vcc2026|vcc|mean]   dcell score's steps timed (wall and CPU) on make_score_inputs.py's pair");
    return 0;
}
