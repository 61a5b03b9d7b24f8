using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.Models;
using DigitalCell.Sdk.Torch.BaseModel;
using static DigitalCell.Sdk.Torch.Tests.DigitalCellBaseModelTests;

namespace DigitalCell.Sdk.Torch.Tests;

public class ObservationalSourceTests
{
    private static readonly string[] AtlasGenes = [.. Enumerable.Range(0, 30).Select(i => $"ATLAS{i}"), "STAT1", "MYC"];

    /// <summary>Unperturbed raw counts of two donors (integers), with no perturbation column at all.</summary>
    private static CellDataset Atlas()
    {
        var random = new Random(11);
        int cells = 60;
        var values = new float[cells * AtlasGenes.Length];
        for (int i = 0; i < values.Length; i++) values[i] = random.Next(0, 4 + i % 7);
        var data = CellDataset.FromMatrix(new DenseCellMatrix(cells, AtlasGenes.Length, values), null, AtlasGenes);
        return data.WithObs(data.Obs.With(CategoricalColumn.FromLabels("donor", [.. Enumerable.Range(0, cells).Select(c => c % 2 == 0 ? "H1" : "H2")])));
    }

    [Test]
    public void UnperturbedCountsBecomeLogNormalisedControlsWithTheirContext()
    {
        var source = BaseModelSource.Observational("atlas", Atlas(), "donor", maxGenes: 20);
        Assert.That(source.Data.GeneCount, Is.EqualTo(20), "the most variable genes are kept");
        Assert.That(source.Schema.ContextColumn, Is.EqualTo("donor"));
        var labels = source.Data.Obs.Categorical(source.Schema.PerturbationColumn);
        Assert.That(Enumerable.Range(0, labels.Length).All(i => labels[i] is { } l && source.Schema.IsControlLabel(l)));
        // Row 0 by hand: log1p(count / total · median total) on the kept genes.
        var counts = Atlas();
        var totals = Enumerable.Range(0, counts.CellCount).Select(r => { var row = new float[counts.GeneCount]; counts.X.CopyRow(r, row); return (double)row.Sum(); }).Order().ToArray();
        double median = (totals[29] + totals[30]) / 2;
        var first = new float[counts.GeneCount]; counts.X.CopyRow(0, first);
        var kept = new float[20]; source.Data.X.CopyRow(0, kept);
        for (int g = 0; g < 20; g++)
        {
            double expected = Math.Log(1 + first[Array.IndexOf(AtlasGenes, source.Data.GeneNames[g])] / first.Sum() * median);
            Assert.That(kept[g], Is.EqualTo(expected).Within(1e-4), source.Data.GeneNames[g]);
        }
        Assert.That(source.Data.Obs.Contains("donor"));
        Assert.That(BaseModelSource.Observational("atlas", Atlas(), "no-such-column").Schema.ContextColumn, Is.Null);
    }

    [Test]
    public void ObservationalCellsEnterOnlyTheMaskedPhaseAndTheSameSeedGivesTheSameWeights()
    {
        var dirs = new[] { TestData.TempDirectory(), TestData.TempDirectory() };
        var drawn = new List<BaseTrainingProgress>();
        foreach (var dir in dirs)
        {
            drawn.Clear();
            var atlas = BaseModelSource.Observational("atlas", Atlas(), "donor");
            using var model = new DigitalCellBaseModel(Quick([SourceA(), atlas]) with { MaskedSteps = 16, Progress = new Recorder(drawn) });
            model.Fit(TrainingB());
            model.Save(Path.Combine(dir, "m"));
            Assert.That(model.Vocabulary, Is.SupersetOf(AtlasGenes), "the atlas's genes join the vocabulary");
        }
        Assert.That(drawn.Where(p => p.Phase == "masked").Select(p => p.DataSet), Does.Contain("atlas").And.Contain("screen-a"));
        Assert.That(drawn.Where(p => p.Phase != "masked").Select(p => p.DataSet), Does.Not.Contain("atlas").And.Not.Empty, "no perturbation to map to");
        var first = SafeTensors.Read(Path.Combine(dirs[0], "m", DigitalCellBaseModel.WeightsFile));
        var second = SafeTensors.Read(Path.Combine(dirs[1], "m", DigitalCellBaseModel.WeightsFile));
        foreach (var (name, tensor) in first.Tensors) Assert.That(second.Tensors[name].ToFloats(), Is.EqualTo(tensor.ToFloats()), name);
    }

    [Test]
    public async Task APerturbationScreenIsNotAnObservationalSource()
    {
        var error = await Assert.ThrowsAsync<DigitalCellException>(() => BaseModelSource.ObservationalFromCatalogAsync("papalexi2021-thp1-subset"));
        Assert.That(error!.Message, Does.Contain("papalexi2021-thp1-subset").And.Contain("CRISPRko screen"));
    }

    [Test]
    public void TheDefaultRecipeNamesEveryUnperturbedExpressionSetTheMirrorHolds()
    {
        var catalog = MirrorCatalog();
        var held = catalog.Entries.Where(e => e.PerturbationKind == "none" && e.Modality.StartsWith("transcriptome", StringComparison.Ordinal) && catalog.IsAvailableOffline(e.Id)).Select(e => e.Id);
        Assert.That(BaseModelRecipe.ObservationalIds, Is.EquivalentTo(held));
        Assert.That(new PretrainingOptions().Observational, Is.EqualTo(BaseModelRecipe.ObservationalIds), "dcell pretrain's default");
    }

    [Test]
    public async Task Pbmc68kEntersAsItsLogNormalisedRawMatrixWithCellTypeContexts()
    {
        var catalog = MirrorCatalog();
        var source = await BaseModelSource.ObservationalFromCatalogAsync("pbmc68k-reduced", catalog);
        Assert.That((source.Data.CellCount, source.Data.GeneCount), Is.EqualTo((700, 765)));
        Assert.That(source.Schema.ContextColumn, Is.EqualTo("bulk_labels"));
        var row = new float[source.Data.GeneCount];
        source.Data.X.CopyRow(0, row);
        Assert.That(row.Min(), Is.GreaterThanOrEqualTo(0), "log-normalised values, not scanpy's scaled X");
        Assert.That(source.Sha256, Is.EqualTo("863e19914ab2d4ba97edc9623ac3a343c0461f1e40b121bfb5fa92638b22e9bd"));
    }

    [Test]
    public void ScaledExpressionIsRefusedPointingAtRaw()
    {
        // pbmc68k's X is scanpy's scaled matrix (negative values); its .raw holds the log-normalised expression.
        var scaled = IO.H5ad.H5adFile.Read(DigitalCell.Tests.Shared.SharedData.File("pbmc68k-reduced/pbmc68k_reduced.h5ad"));
        var error = Assert.Throws<DigitalCellException>(() => BaseModelSource.Observational("pbmc68k-scaled", scaled));
        Assert.That(error!.Message, Does.Contain("pbmc68k-scaled").And.Contain("neither counts nor log1p").And.Contain(".raw"));
    }

    private string _cache = "";

    [TearDown]
    public void DeleteCache()
    {
        if (Directory.Exists(_cache)) Directory.Delete(_cache, recursive: true);
    }

    /// <summary>The repository's catalog over the test data mirror, with a cache of its own (deleted after the test).</summary>
    private Catalog.DatasetCatalog MirrorCatalog()
    {
        _cache = Path.Combine(Path.GetTempPath(), "dcell-observational-" + Guid.NewGuid().ToString("N"));
        return new Catalog.DatasetCatalog(new Catalog.CatalogOptions { Mirror = DigitalCell.Tests.Shared.SharedData.Mirror, CacheDirectory = _cache });
    }

    /// <summary>Records each step synchronously (<see cref="Progress{T}"/> posts to the thread pool).</summary>
    private sealed class Recorder(List<BaseTrainingProgress> steps) : IProgress<BaseTrainingProgress>
    {
        public void Report(BaseTrainingProgress value) => steps.Add(value);
    }
}
