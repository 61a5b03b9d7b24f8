using System.Runtime.InteropServices;
using DigitalCell.Sdk.Data;
using DigitalCell.Tests.Shared;
using H5adFile = DigitalCell.Sdk.IO.H5ad.H5adFile;
using H5muFile = DigitalCell.Sdk.IO.H5mu.H5muFile;

namespace DigitalCell.Sdk.Tests.IO.H5mu;

/// <summary>
/// The five real multimodal sets of the mirror, read in place: each modality equals its companion <c>.h5ad</c> (the
/// same AnnData with the shared obs columns in front), the counts and names match PROVENANCE.md, and muon's 2020 file
/// holds the same counts as the current one.
/// </summary>
[TestFixture]
public class H5muRealDataTests
{
    private const string Mimitou = "mimitou2019-eccite-pbmc/mimitou2019_eccite_pbmc_control";
    private const string Multiome = "tenx-multiome-pbmc-muon/tenx_multiome_pbmc_1k";
    private const string Papalexi = "papalexi2021-thp1-grna/papalexi2021_thp1_rna_grna.h5mu";
    private const string Tagtango = "tenx-pbmc10k-protein-tagtango/tenx_pbmc10k_protein_v3_adt";
    private const string Granja = "granja2019-bmmc-scatac/granja2019_bmmc_scatac_600";

    private static IEnumerable<TestCaseData> Companions()
    {
        yield return new TestCaseData(Mimitou + ".h5mu", new[] { "rna", "prot", "hto" }, new[] { Mimitou + "_rna.h5ad", Mimitou + "_prot.h5ad", Mimitou + "_hto.h5ad" }).SetName("Mimitou ECCITE-seq: rna, prot, hto");
        yield return new TestCaseData(Multiome + ".h5mu", new[] { "rna", "atac" }, new[] { Multiome + "_rna.h5ad", Multiome + "_atac.h5ad" }).SetName("10x Multiome: rna, atac");
        yield return new TestCaseData(Papalexi, new[] { "rna", "grna" }, new[] { "", "papalexi2021-thp1-grna/papalexi2021_thp1_grna.h5ad" }).SetName("Papalexi: rna, grna");
        yield return new TestCaseData(Tagtango + ".h5mu", new[] { "prot" }, new[] { Tagtango + ".h5ad" }).SetName("10x PBMC 10k protein: prot");
        yield return new TestCaseData(Granja + ".h5mu", new[] { "atac" }, new[] { Granja + ".h5ad" }).SetName("Granja scATAC: atac");
    }

    [TestCaseSource(nameof(Companions))]
    public void EachModalityEqualsItsCompanionH5ad(string h5mu, string[] modalities, string[] companions)
    {
        var data = H5muFile.Read(SharedData.File(h5mu));
        Assert.That(data.ModalityNames, Is.EqualTo(modalities), "mod-order");
        for (int m = 0; m < modalities.Length; m++)
        {
            if (companions[m].Length == 0) continue;
            var expected = H5adFile.Read(SharedData.File(companions[m]));
            var actual = data.ModalityWithSharedObs(modalities[m]);
            AssertSameContent(actual, expected, modalities[m]);
            Assert.That(data.ObsMap[modalities[m]], Is.EqualTo(Enumerable.Range(1, data.CellCount)), "every cell is in every modality, in order");
        }
        Assert.That(data.Var.Index, Is.EqualTo(modalities.SelectMany(m => data[m].GeneNames)), "shared var = the modalities' features in order");
    }

    [Test]
    public void PapalexiRnaIsTheExistingScreenAndItsLabelsAreShared()
    {
        var data = H5muFile.Read(SharedData.File(Papalexi));
        var screen = H5adFile.Read(SharedData.File("papalexi2021-thp1/papalexi2021_thp1_eccite_subset.h5ad"));
        AssertSameMatrix(data["rna"].X, screen.X, "rna X");
        Assert.That(data["rna"].GeneNames, Is.EqualTo(screen.GeneNames));
        AssertSameColumns(data.Obs, screen.Obs, "shared obs");
        Assert.That(data["grna"].X.ToSparse().StoredCount, Is.EqualTo(162_681), "PROVENANCE: 162,681 guide UMI non-zeros");
    }

    [Test]
    public void MimitouShapesAndOddFeatureNamesMatchProvenance()
    {
        var data = H5muFile.Read(SharedData.File(Mimitou + ".h5mu"));
        Assert.That(data.ModalityNames.Select(m => (data[m].CellCount, data[m].GeneCount)), Is.EqualTo(new[] { (500, 19_521), (500, 49), (500, 4) }));
        Assert.That(data["prot"].GeneNames, Does.Contain("HLA-A,B,C").And.Contain("B220 (CD45R)"));
        Assert.That(data["rna"].X.StoredCount, Is.EqualTo(663_563));
        Assert.That(data.FeatureCount, Is.EqualTo(19_574));
    }

    [Test]
    public void Muon2020FileHoldsTheSameCountsAsTheCurrentOne()
    {
        var legacy = H5muFile.Read(SharedData.File(Multiome + ".legacy.h5mu"));
        var current = H5muFile.Read(SharedData.File(Multiome + ".h5mu"));
        Assert.That(legacy.ModalityNames.Order(), Is.EqualTo(current.ModalityNames.Order()));
        foreach (var m in current.ModalityNames)
        {
            AssertSameMatrix(legacy[m].X, current[m].X, m + " X");
            Assert.That(legacy[m].CellNames, Is.EqualTo(current[m].CellNames), m + " cells");
            Assert.That(legacy[m].GeneNames, Is.EqualTo(current[m].GeneNames), m + " features");
            var types = legacy[m].Var.Categorical("feature_types");
            Assert.That(types.Categories, Has.Count.EqualTo(1), "anndata-0.7 categorical decoded through its object reference");
            Assert.That(Enumerable.Range(0, types.Length).Select(i => types[i]).Distinct(), Is.EqualTo(new[] { m == "rna" ? "Gene Expression" : "Peaks" }));
        }
        Assert.That(legacy.Var.Categorical("feature_types").Categories, Is.EqualTo(new[] { "Gene Expression", "Peaks" }));
        var annotation = (AnnotationTable)((IReadOnlyDictionary<string, object>)legacy["atac"].Uns["atac"])["peak_annotation"];
        Assert.That(annotation.RowCount, Is.EqualTo(184), "a dataframe 0.1.0 in uns");
    }

    [TestCase(Mimitou + ".h5mu")]
    [TestCase(Multiome + ".legacy.h5mu")]
    public void BackedModalitiesReadTheSameRowsAsInMemory(string file)
    {
        string path = SharedData.File(file);
        var inMemory = H5muFile.Read(path);
        using var backed = H5muFile.OpenBacked(path);
        Assert.That(backed.ModalityNames, Is.EqualTo(inMemory.ModalityNames));
        Assert.That(backed.Obs.Index, Is.EqualTo(inMemory.Obs.Index));
        int[] rows = [7, 0, 499, 123];
        foreach (var m in inMemory.ModalityNames)
        {
            Assert.That(backed.ObsMap[m], Is.EqualTo(inMemory.ObsMap[m]), m + " obsmap");
            AssertSameMatrix(backed[m].X.ReadRows(rows), inMemory[m].X.SelectRows(rows), m + " rows");
        }
    }

    internal static void AssertSameContent(CellDataset actual, CellDataset expected, string what)
    {
        AssertSameMatrix(actual.X, expected.X, what + " X");
        Assert.That(actual.Var.Index, Is.EqualTo(expected.Var.Index), what + " var names");
        AssertSameColumns(actual.Var, expected.Var, what + " var");
        Assert.That(actual.Obs.Index, Is.EqualTo(expected.Obs.Index), what + " cell names");
        AssertSameColumns(actual.Obs, expected.Obs, what + " obs");
        Assert.That(actual.Obsm.Keys.Order(), Is.EqualTo(expected.Obsm.Keys.Order()), what + " obsm");
        foreach (var (key, m) in expected.Obsm)
            Assert.That(actual.Obsm[key].Values.ToArray(), Is.EqualTo(m.Values.ToArray()), $"{what} obsm {key}");
    }

    internal static void AssertSameMatrix(CellMatrix actual, CellMatrix expected, string what)
    {
        var a = actual.ToSparse();
        var e = expected.ToSparse();
        Assert.That((a.RowCount, a.ColumnCount), Is.EqualTo((e.RowCount, e.ColumnCount)), what + " shape");
        Assert.That(a.RowPointers.ToArray(), Is.EqualTo(e.RowPointers.ToArray()), what + " indptr");
        Assert.That(a.ColumnIndices.ToArray(), Is.EqualTo(e.ColumnIndices.ToArray()), what + " indices");
        Assert.That(MemoryMarshal.Cast<float, int>(a.StoredValues).ToArray(), Is.EqualTo(MemoryMarshal.Cast<float, int>(e.StoredValues).ToArray()), what + " values");
    }

    internal static void AssertSameColumns(AnnotationTable actual, AnnotationTable expected, string what)
    {
        Assert.That(actual.ColumnNames, Is.EqualTo(expected.ColumnNames), what + " columns");
        foreach (var column in expected.Columns)
        {
            var other = actual[column.Name];
            // mudata stores the shared string columns as categoricals (PROVENANCE.md); the labels must still agree.
            bool labels = other is CategoricalColumn or StringColumn && column is CategoricalColumn or StringColumn;
            if (!labels) Assert.That(other.TypeName, Is.EqualTo(column.TypeName), $"{what}['{column.Name}'] type");
            Assert.That(Enumerable.Range(0, other.Length).Select(other.GetValue), Is.EqualTo(Enumerable.Range(0, column.Length).Select(column.GetValue)), $"{what}['{column.Name}']");
        }
    }
}
